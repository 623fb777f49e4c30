-- Fewer, narrower annotation rows (issue 8: write speed).
--
-- A row now stands for every annotation of a document with the same
-- kind, label, key, name and coordinates: n is their number and num the
-- sum of their values (NULL when none has one). Filters read membership
-- and aggregations SUM(n), so the answers are the same, with about half
-- the rows of an analysed article (16 place, quote, technique and count
-- annotations are ~9 facts: a place or a speaker is usually named more
-- than once). The columns no query read (annotation id, offsets,
-- analyzer, version, confidence, attributes) are dropped: the document
-- body keeps every annotation whole. ord numbers a document's rows in
-- the order of their first annotation.
CREATE TABLE annotations_g (
  doc   INTEGER NOT NULL REFERENCES documents (seq),
  ord   INTEGER NOT NULL,
  kind  TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  key   TEXT NOT NULL DEFAULT '',
  name  TEXT NOT NULL DEFAULT '',
  num   REAL,
  lat   REAL,
  lon   REAL,
  n     INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (doc, ord)
) WITHOUT ROWID;
INSERT INTO annotations_g (doc, ord, kind, label, key, name, num, lat, lon, n)
  SELECT doc, ROW_NUMBER() OVER (PARTITION BY doc ORDER BY MIN(ord)) - 1, kind, label, key, name, SUM(num), lat, lon, COUNT(*)
  FROM annotations GROUP BY doc, kind, label, key, name, lat, lon;
DROP TABLE annotations;
ALTER TABLE annotations_g RENAME TO annotations;
CREATE INDEX annotations_kind_key ON annotations (kind, key, doc);
CREATE INDEX annotations_kind_latlon ON annotations (kind, lat, lon) WHERE lat IS NOT NULL;
CREATE INDEX annotations_technique ON annotations (label, doc) WHERE kind = 'technique';
CREATE INDEX annotations_count ON annotations (label, doc) WHERE kind = 'count';
