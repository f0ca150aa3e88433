-- One counter that every write transaction of the app's services bumps (db/transaction.ts), in
-- whatever process or thread it runs. SQLite's data_version says only that "another connection
-- committed", and the integration log's writer thread commits several times a second: the counter
-- tells a change to the data (an article, a movement, a key) from a batch of log rows.
CREATE TABLE data_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO data_changes (id, n) VALUES (1, 0);
