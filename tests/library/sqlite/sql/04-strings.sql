-- String, blob and JSON functions.
SELECT upper('mixed Case'), lower('MiXeD'), length('héllo'), length(CAST('héllo' AS BLOB)), octet_length('héllo');
SELECT substr('multi-memory', 7), substr('multi-memory', 1, 5), substr('multi-memory', -6, 3);
SELECT replace('a-b-c', '-', '+'), instr('haystack', 'st'), trim('  padded  '), ltrim('xxabc', 'x'), rtrim('abc!!', '!');
SELECT 'con' || 'cat' || 123, quote('it''s'), hex('AB'), unhex('4142'), char(72, 105), unicode('A');
SELECT printf('%5d|%-5s|%.3f|%x|%e', 42, 'ab', 3.14159, 255, 12345.678), format('%q', 'O''Brien');
SELECT 'abc' LIKE 'A%', 'abc' GLOB 'A*', 'hello world' LIKE '%o w%';
SELECT 'a;b;c' AS semicolons, '-- not a comment' AS dashes;
SELECT name, length(name), upper(substr(name, 1, 1)) || substr(name, 2) FROM products ORDER BY length(name), name;
SELECT group_concat(upper(name), ' + ' ORDER BY id) FROM customers;
SELECT x'deadbeef', zeroblob(3), typeof(x'00'), typeof(1), typeof(1.5), typeof('t'), typeof(NULL);
SELECT 0.1 + 0.2, 1e300 * 10, -0.0, 7 / 2, 7 / 2.0, 2.5e-7, round(2.675, 2), cast('12abc' AS INTEGER);
SELECT json_object('name', name, 'price', price) FROM products WHERE price > 100 ORDER BY id;
SELECT json_extract('{"a":[1,2,{"b":"deep"}]}', '$.a[2].b'), json_array_length('[1,2,3]');
SELECT key, value, type FROM json_each('{"x":1,"y":[2,3],"z":null}');
SELECT length(printf('%.*c', 3000000, 'x')) AS big, length(zeroblob(1000000)) AS blob;
