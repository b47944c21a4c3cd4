-- A small shop: customers, products, orders and their lines.
CREATE TABLE customers(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  joined TEXT
);
CREATE TABLE products(
  id INTEGER PRIMARY KEY,
  name TEXT UNIQUE NOT NULL,
  price REAL CHECK (price > 0),
  category TEXT
);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER REFERENCES customers(id), day TEXT);
CREATE TABLE lines(
  order_id INTEGER REFERENCES orders(id),
  product INTEGER REFERENCES products(id),
  qty INTEGER,
  PRIMARY KEY (order_id, product)
);
CREATE INDEX orders_by_customer ON orders(customer);

INSERT INTO customers VALUES
  (1, 'Ada', 'London', '2024-01-05'),
  (2, 'Grace', 'New York', '2024-02-11'),
  (3, 'Linus', 'Helsinki', '2024-03-02'),
  (4, 'Barbara', 'Boston', NULL),
  (5, 'Edsger', 'Nuenen', '2024-05-30');
INSERT INTO products(name, price, category) VALUES
  ('keyboard', 49.9, 'input'), ('mouse', 19.5, 'input'), ('monitor', 189.0, 'display'),
  ('cable', 4.25, 'misc'), ('lamp', 24.0, 'misc'), ('projector', 420.0, 'display'),
  ('webcam', 35.0, NULL);
INSERT INTO orders VALUES
  (1, 1, '2024-06-01'), (2, 1, '2024-06-03'), (3, 2, '2024-06-03'),
  (4, 3, '2024-06-10'), (5, 5, '2024-06-11'), (6, 2, '2024-07-01');
INSERT INTO lines VALUES
  (1, 1, 1), (1, 2, 2), (2, 4, 10), (3, 3, 2), (3, 4, 3), (4, 6, 1),
  (4, 5, 1), (5, 1, 1), (5, 2, 1), (5, 4, 4), (6, 3, 1);

SELECT * FROM customers ORDER BY id;
SELECT id, name, price, category FROM products ORDER BY price DESC;
SELECT count(*) AS orders, (SELECT count(*) FROM lines) AS lines FROM orders;
SELECT name, type FROM sqlite_schema ORDER BY name;
