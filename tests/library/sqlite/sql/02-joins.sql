-- Inner, outer and self joins over the shop of 01-schema.sql.
SELECT o.id, c.name, o.day FROM orders o JOIN customers c ON c.id = o.customer ORDER BY o.id;
SELECT c.name, count(o.id) AS orders
  FROM customers c LEFT JOIN orders o ON o.customer = c.id
  GROUP BY c.id ORDER BY c.id;
SELECT o.id, p.name, l.qty, p.price * l.qty AS amount
  FROM lines l
  JOIN orders o ON o.id = l.order_id
  JOIN products p ON p.id = l.product
  ORDER BY o.id, p.name;
-- customers who never ordered
SELECT name FROM customers WHERE id NOT IN (SELECT customer FROM orders);
-- products nobody bought: the outer join's NULLs
SELECT p.name, l.qty FROM products p LEFT JOIN lines l ON l.product = p.id WHERE l.qty IS NULL;
-- pairs of customers ordering on the same day
SELECT a.day, ca.name, cb.name
  FROM orders a JOIN orders b ON a.day = b.day AND a.id < b.id
  JOIN customers ca ON ca.id = a.customer
  JOIN customers cb ON cb.id = b.customer;
-- exec
SELECT c.name, p.name FROM customers c CROSS JOIN products p WHERE c.id = 4 AND p.price < 20;
