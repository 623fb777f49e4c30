-- Fewer b-tree entries per analysed document (issue 8: write speed).
--
-- Analyzer versions become one column of the document row instead of a
-- doc_analyzers row per analyzer (eight rows, sixteen b-tree entries per
-- document); the store fills it from doc_analyzers right after this
-- migration and drops that table (sqlstore.backfillAnalyzers).
ALTER TABLE documents ADD COLUMN analyzers TEXT NOT NULL DEFAULT '';

-- Top-N reads of a rollup walk this index from the largest count. Most
-- keys are counted once (an entity, a co-occurring pair, a speaker that
-- one article names), and those never need it: the reader takes them in
-- key order from the primary key when fewer than N keys count more. A
-- new key then costs one b-tree entry, not two.
DROP INDEX rollups_top;
CREATE INDEX rollups_top ON rollups (agg, period, k1, n DESC, k2) WHERE n > 1;

-- Only technique and count labels are looked up (filters, the counts and
-- outlet-technique aggregations); quote, place and demonym rows (nine in
-- ten annotation rows) no longer get a label index entry.
DROP INDEX annotations_kind_label;
CREATE INDEX annotations_technique ON annotations (label, doc) WHERE kind = 'technique';
CREATE INDEX annotations_count ON annotations (label, doc) WHERE kind = 'count';

-- doc_entities is read by (doc, entity) and (entity, doc) only: as a
-- WITHOUT ROWID table its primary key is the table, one b-tree fewer.
CREATE TABLE doc_entities_w (
  doc       INTEGER NOT NULL REFERENCES documents (seq),
  entity    TEXT NOT NULL,
  mentions  INTEGER NOT NULL DEFAULT 0,
  rnk       INTEGER NOT NULL DEFAULT 0,
  portrayal TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (doc, entity)
) WITHOUT ROWID;
INSERT INTO doc_entities_w (doc, entity, mentions, rnk, portrayal) SELECT doc, entity, mentions, rnk, portrayal FROM doc_entities;
DROP TABLE doc_entities;
ALTER TABLE doc_entities_w RENAME TO doc_entities;
CREATE INDEX doc_entities_entity ON doc_entities (entity, doc);
