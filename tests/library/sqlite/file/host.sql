-- A database file the host wrote (Python's sqlite3, tests/library/sqlite/check.py makedb).
SELECT sensor, count(*), round(avg(value), 3), min(at), max(at) FROM readings GROUP BY sensor ORDER BY sensor;
SELECT * FROM hot ORDER BY at, sensor LIMIT 6;
INSERT INTO readings VALUES ('wasm', 99, 1.5);
SELECT count(*) FROM readings;
