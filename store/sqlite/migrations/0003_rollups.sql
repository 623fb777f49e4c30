-- Rollups: aggregation counts maintained in the write transaction, so the
-- aggregations over a broad selection (the whole corpus, one outlet, whole
-- years) read a few thousand pre-counted rows instead of grouping 10^5-10^6
-- annotation rows per query. period is 0 for all time or a year (UTC);
-- k1/k2 depend on agg (store/internal/sqlstore/rollup.go). Only latest
-- versions are counted. The store fills them from existing documents right
-- after this migration (sqlstore.rebuildRollups).
CREATE TABLE rollups (
  agg    TEXT NOT NULL,
  period INTEGER NOT NULL,
  k1     TEXT NOT NULL,
  k2     TEXT NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (agg, period, k1, k2)
) WITHOUT ROWID;
-- Top rows of a rollup (per outlet where k1 is the outlet) are read by
-- walking this index from the largest count, not by sorting every row.
CREATE INDEX rollups_top ON rollups (agg, period, k1, n DESC, k2);

-- An entity's rank among its document's entities (most mentioned first):
-- co-occurrence pairs the entities central to the same documents.
ALTER TABLE doc_entities ADD COLUMN rnk INTEGER NOT NULL DEFAULT 0;
UPDATE doc_entities SET rnk = r.rn FROM (
  SELECT doc, entity, ROW_NUMBER() OVER (PARTITION BY doc ORDER BY mentions DESC, rowid) - 1 AS rn FROM doc_entities
) r WHERE doc_entities.doc = r.doc AND doc_entities.entity = r.entity;

