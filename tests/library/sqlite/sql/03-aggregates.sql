-- Aggregates, GROUP BY / HAVING and window functions.
SELECT count(*), sum(price), avg(price), min(price), max(price), total(price) FROM products;
SELECT category, count(*) AS n, round(avg(price), 2) AS avg_price
  FROM products GROUP BY category ORDER BY category;
SELECT c.name, round(sum(p.price * l.qty), 2) AS spent
  FROM customers c
  JOIN orders o ON o.customer = c.id
  JOIN lines l ON l.order_id = o.id
  JOIN products p ON p.id = l.product
  GROUP BY c.name HAVING spent > 100 ORDER BY spent DESC;
SELECT day, count(*) FROM orders GROUP BY day ORDER BY day;
SELECT o.id, sum(l.qty) AS items, rank() OVER (ORDER BY sum(l.qty) DESC) AS r
  FROM orders o JOIN lines l ON l.order_id = o.id GROUP BY o.id ORDER BY r, o.id;
SELECT id, price, sum(price) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
  FROM products;
SELECT count(DISTINCT customer), count(*) FROM orders;
-- exec
SELECT category, group_concat(name, ',' ORDER BY name) AS names FROM products GROUP BY category ORDER BY category;
-- exec
SELECT max(qty), min(qty), sum(qty) FROM lines WHERE qty > 100;
