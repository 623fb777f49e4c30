-- Rollups are no longer counted inside every Put (issue 8: write speed).
-- A batch queues the seq of each new latest document here, one b-tree
-- entry, instead of upserting ~85 rollup keys per document; the pending
-- documents are counted into the rollups (sqlstore.Fold) before a query
-- reads them, at the end of an ingest, or when the queue grows long, so
-- the rollups an aggregation reads are always exact. Counting many
-- documents at once upserts each key once per fold instead of once per
-- batch.
--
-- The store then empties the rollups and queues every latest document
-- (sqlstore.requeueRollups): the rollups gain keys for the issue 12
-- matrices (events by type and month, event actors, portrayal by outlet
-- and by month), which the next fold counts along with the others.
CREATE TABLE rollup_pending (
  seq INTEGER PRIMARY KEY
);
