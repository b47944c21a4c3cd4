-- Recursive common table expressions.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT group_concat(i, ' ') FROM n;
WITH RECURSIVE fib(k, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT k + 1, b, a + b FROM fib WHERE k < 20)
SELECT k, a FROM fib;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
SELECT count(*), sum(i), sum(i * i) % 1000003 FROM n;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
SELECT group_concat(i, ',') AS primes FROM n
 WHERE NOT EXISTS (SELECT 1 FROM n AS d WHERE d.i * d.i <= n.i AND n.i % d.i = 0);

-- an org chart, walked depth first
CREATE TABLE staff(id INTEGER PRIMARY KEY, name TEXT, boss INTEGER REFERENCES staff(id));
INSERT INTO staff VALUES (1, 'ceo', NULL), (2, 'cto', 1), (3, 'cfo', 1), (4, 'dev lead', 2),
  (5, 'dev a', 4), (6, 'dev b', 4), (7, 'ops', 2), (8, 'accounts', 3);
WITH RECURSIVE chart(id, name, depth, path) AS (
  SELECT id, name, 0, name FROM staff WHERE boss IS NULL
  UNION ALL
  SELECT s.id, s.name, c.depth + 1, c.path || '/' || s.name
    FROM staff s JOIN chart c ON s.boss = c.id
   ORDER BY 3 DESC
)
SELECT substr('          ', 1, depth * 2) || name AS who, path FROM chart;

-- sqlite's Mandelbrot set (from its documentation of WITH)
WITH RECURSIVE
  xaxis(x) AS (VALUES(-2.0) UNION ALL SELECT x + 0.05 FROM xaxis WHERE x < 1.2),
  yaxis(y) AS (VALUES(-1.0) UNION ALL SELECT y + 0.1 FROM yaxis WHERE y < 1.0),
  m(iter, cx, cy, x, y) AS (
    SELECT 0, x, y, 0.0, 0.0 FROM xaxis, yaxis
    UNION ALL
    SELECT iter + 1, cx, cy, x * x - y * y + cx, 2.0 * x * y + cy FROM m
     WHERE (x * x + y * y) < 4.0 AND iter < 28
  ),
  m2(iter, cx, cy) AS (SELECT max(iter), cx, cy FROM m GROUP BY cx, cy),
  a(t) AS (SELECT group_concat(substr(' .+*#', 1 + min(iter / 7, 4), 1), '') FROM m2 GROUP BY cy)
SELECT group_concat(rtrim(t), x'0a') FROM a;
