-- examples/sqlite/demo.sql: run with -d notes.db -p "the application in memory 0"
CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, body TEXT, at TEXT DEFAULT '2026-12-01');
INSERT INTO notes(body) VALUES ('sqlite runs in memory 4'), (?1);
SELECT id, body, length(body) FROM notes ORDER BY id;
-- exec
SELECT count(*) AS notes FROM notes;
SELECT * FROM missing;
