-- Parameters, bound from the application's -p values: 42, 2.5 and 'Kathleen Booth'.
SELECT ?1 AS first, ?2 AS second, ?3 AS third, typeof(?1), typeof(?2), typeof(?3), ?4 AS unbound;
INSERT INTO customers(name, city) VALUES (?3, 'Param City');
SELECT id, name, city FROM customers WHERE name = ?3;
SELECT name FROM products WHERE price < ?2 * 10 ORDER BY name;
SELECT ?1 * ?2, length(?3), upper(?3);
