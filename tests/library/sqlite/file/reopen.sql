-- The same file, opened by another run (on the other engine): what the
-- first run committed is there; changes, then VACUUM rewrites the file.
SELECT count(*), sum(qty), max(name) FROM items;
UPDATE items SET qty = qty + 1000 WHERE id % 100 = 0;
DELETE FROM items WHERE id > 4900;
INSERT INTO items(name, qty, note) VALUES ('reopened', -1, 'added by the second run');
SELECT count(*), sum(qty) FROM items;
SELECT id, name, qty FROM items WHERE qty >= 1000 OR qty < 0 ORDER BY id LIMIT 5;
VACUUM;
PRAGMA page_count;
PRAGMA integrity_check;
