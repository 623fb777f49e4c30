-- Fewer b-tree entries per analysed document (issue 8: write speed).
--
-- annotations becomes a WITHOUT ROWID table keyed by (doc, ord), ord
-- numbering a document's rows: the primary key is the table and keeps a
-- document's rows together, so the rowid b-tree and the annotations_doc
-- index (two entries per row, ~15 rows per document) become one. Reads
-- by document (joins from selected documents, reanalysis, folding the
-- rollups) walk the primary key.
--
-- Demonym, amount and citation rows are no longer copied here: no filter
-- or aggregation reads them (citations have their own table), and the
-- document body keeps every annotation.
CREATE TABLE annotations_w (
  doc        INTEGER NOT NULL REFERENCES documents (seq),
  ord        INTEGER NOT NULL,
  aid        TEXT NOT NULL,
  kind       TEXT NOT NULL,
  label      TEXT NOT NULL DEFAULT '',
  start_off  INTEGER NOT NULL,
  end_off    INTEGER NOT NULL,
  key        TEXT NOT NULL DEFAULT '',
  name       TEXT NOT NULL DEFAULT '',
  num        REAL,
  lat        REAL,
  lon        REAL,
  analyzer   TEXT NOT NULL DEFAULT '',
  version    TEXT NOT NULL DEFAULT '',
  confidence REAL NOT NULL DEFAULT 0,
  attrs      TEXT,
  PRIMARY KEY (doc, ord)
) WITHOUT ROWID;
INSERT INTO annotations_w (doc, ord, aid, kind, label, start_off, end_off, key, name, num, lat, lon, analyzer, version, confidence, attrs)
  SELECT doc, ROW_NUMBER() OVER (PARTITION BY doc ORDER BY rowid) - 1, aid, kind, label, start_off, end_off, key, name, num, lat, lon, analyzer, version, confidence, attrs
  FROM annotations WHERE kind NOT IN ('demonym', 'amount', 'citation');
DROP TABLE annotations;
ALTER TABLE annotations_w RENAME TO annotations;
CREATE INDEX annotations_kind_key ON annotations (kind, key, doc);
CREATE INDEX annotations_kind_latlon ON annotations (kind, lat, lon) WHERE lat IS NOT NULL;
CREATE INDEX annotations_technique ON annotations (label, doc) WHERE kind = 'technique';
CREATE INDEX annotations_count ON annotations (label, doc) WHERE kind = 'count';
