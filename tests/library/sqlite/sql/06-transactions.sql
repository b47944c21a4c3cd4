-- Transactions, savepoints, a trigger, upserts and constraint failures.
CREATE TABLE accounts(name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));
CREATE TABLE audit(name TEXT, delta INTEGER);
-- a statement with semicolons inside: sqlite3_complete() knows it ends at END;
CREATE TRIGGER log_balance AFTER UPDATE OF balance ON accounts BEGIN
  INSERT INTO audit VALUES (new.name, new.balance - old.balance);
END;
INSERT INTO accounts VALUES ('alice', 100), ('bob', 50);

BEGIN;
UPDATE accounts SET balance = balance - 30 WHERE name = 'alice';
UPDATE accounts SET balance = balance + 30 WHERE name = 'bob';
COMMIT;
SELECT * FROM accounts ORDER BY name;

-- the CHECK fails; the transaction stays open and is rolled back
BEGIN;
UPDATE accounts SET balance = balance - 1000 WHERE name = 'bob';
UPDATE accounts SET balance = 0 WHERE name = 'alice';
SELECT * FROM accounts ORDER BY name;
ROLLBACK;
SELECT * FROM accounts ORDER BY name;

SAVEPOINT outer_sp;
INSERT INTO accounts VALUES ('carol', 10);
SAVEPOINT inner_sp;
INSERT INTO accounts VALUES ('dave', 20);
ROLLBACK TO inner_sp;
RELEASE outer_sp;
SELECT * FROM accounts ORDER BY name;

-- a failing statement inside a transaction leaves the others' changes
BEGIN;
INSERT INTO accounts VALUES ('erin', 5);
INSERT INTO accounts VALUES ('alice', 1);
COMMIT;
INSERT INTO accounts VALUES ('bob', 7) ON CONFLICT(name) DO UPDATE SET balance = balance + excluded.balance;
INSERT OR REPLACE INTO accounts VALUES ('carol', 11);
SELECT name, balance FROM accounts ORDER BY name;
SELECT name, delta FROM audit ORDER BY rowid;
-- exec
SELECT total(balance) AS total, count(*) AS accounts FROM accounts;
