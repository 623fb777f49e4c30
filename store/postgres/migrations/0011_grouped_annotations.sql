-- SQLite's 0011 groups a document's annotation rows by the columns
-- queries read, with their number in n; the shared queries count SUM(n).
-- PostgreSQL keeps one row per annotation (with its id, offsets and JSONB
-- attributes, for SQL users), each counting once. A constant default
-- adds the column without rewriting the table.
ALTER TABLE annotations ADD COLUMN n INTEGER NOT NULL DEFAULT 1;
