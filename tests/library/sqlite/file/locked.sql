-- Another process holds the file's lock (sqlite's dot-file lock: the
-- folder shop.db.lock, made by the host): sqlite reports it.
SELECT count(*) FROM items;
