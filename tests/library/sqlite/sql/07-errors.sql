-- Deliberate errors: each is reported and the script goes on.
SELECT * FROM no_such_table;
SELECT no_such_column FROM customers;
SELEC 1;
SELECT 1 +;
INSERT INTO products(name, price) VALUES ('keyboard', 1);
INSERT INTO products(name, price) VALUES ('free', 0);
INSERT INTO customers(id, name) VALUES (99, NULL);
INSERT INTO lines VALUES (1, 1, 5);
SELECT 1 / 0, 5 % 0, 1.0 / 0;
SELECT abs(-9223372036854775807 - 1);
-- rows, then an error while stepping
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
SELECT i, CASE WHEN i = 3 THEN abs(-9223372036854775807 - 1) ELSE i * 10 END FROM n;
SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1);
SELECT json('{bad json');
-- exec
SELECT * FROM nowhere;
-- exec
SELECT json_extract('[1', '$');
COMMIT;
SELECT 'still running after the errors', count(*) FROM customers;
