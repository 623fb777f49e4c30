-- Fewer index entries per analysed document (issue 8: write speed); the
-- same as SQLite's 0006 except the doc_entities rebuild (PostgreSQL
-- tables are heaps either way).
--
-- Analyzer versions become one column of the document row instead of a
-- doc_analyzers row per analyzer; the store fills it from doc_analyzers
-- right after this migration and drops that table
-- (sqlstore.backfillAnalyzers).
ALTER TABLE documents ADD COLUMN analyzers TEXT NOT NULL DEFAULT '';

-- Keys counted once (most of them) need no entry in the top-N index; the
-- reader takes them from the primary key when fewer than N count more.
DROP INDEX rollups_top;
CREATE INDEX rollups_top ON rollups (agg, period, k1, n DESC, k2) WHERE n > 1;

-- Only technique and count labels are looked up.
DROP INDEX annotations_kind_label;
CREATE INDEX annotations_technique ON annotations (label, doc) WHERE kind = 'technique';
CREATE INDEX annotations_count ON annotations (label, doc) WHERE kind = 'count';
