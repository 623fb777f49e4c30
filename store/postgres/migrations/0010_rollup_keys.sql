-- Rollup keys for fast top-N reads (issue 12 matrices): event-actors is
-- keyed by "role<TAB>type" and entity, so each type and role's top actors
-- are the first entries of rollups_top, and a "portrayed" rollup counts
-- the documents that give an entity a portrayal label, so the portrayal
-- aggregations rank entities from rollups_top. The store empties the
-- rollups and queues every latest document right after this migration
-- (sqlstore.requeueRollups); the next fold counts them.
SELECT 1;
