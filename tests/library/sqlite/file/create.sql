-- A database file in the preopened folder: created, filled in one
-- transaction (journal, fsync, dot-file lock), indexed; a transaction
-- rolled back leaves the file as it was.
PRAGMA journal_mode;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, note TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO items(name, qty, note)
  SELECT printf('item-%05d', i), i % 97, printf('%08x %.*c', (i * 2654435761) % 4294967296, i % 50, '.') FROM n;
COMMIT;
CREATE INDEX items_by_qty ON items(qty);
BEGIN;
DELETE FROM items WHERE qty < 50;
SELECT count(*) FROM items;
ROLLBACK;
SELECT count(*), sum(qty), max(name) FROM items;
SELECT id, name, qty, note FROM items WHERE id IN (1, 2, 49, 50, 4999) ORDER BY id;
PRAGMA page_count;
PRAGMA integrity_check;
