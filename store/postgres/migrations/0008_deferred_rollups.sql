-- The same as SQLite's 0008: new latest documents are queued here and
-- counted into the rollups by sqlstore.Fold (before a query reads them,
-- at the end of an ingest, or when the queue grows long), not inside
-- every Put. The store then empties the rollups and queues every latest
-- document, so the next fold counts them with the issue 12 rollup keys.
CREATE TABLE rollup_pending (
  seq BIGINT PRIMARY KEY
);
