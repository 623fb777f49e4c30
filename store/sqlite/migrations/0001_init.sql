-- newslens corpus schema, SQLite. Times are Unix seconds; day is
-- published/86400 (days since 1970-01-01, UTC).
CREATE TABLE documents (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  url           TEXT NOT NULL DEFAULT '',
  canonical_url TEXT NOT NULL DEFAULT '',
  text_hash     TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 1,
  latest        INTEGER NOT NULL DEFAULT 1,
  outlet        TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  published     INTEGER,
  day           INTEGER,
  ingested      INTEGER NOT NULL,
  simhash       INTEGER,
  b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER,
  cluster_id    TEXT NOT NULL,
  focus_place   TEXT NOT NULL DEFAULT '',
  bytes         INTEGER NOT NULL DEFAULT 0,
  text          TEXT NOT NULL,
  body          TEXT NOT NULL
);
CREATE UNIQUE INDEX documents_identity ON documents (canonical_url, text_hash);
CREATE INDEX documents_published ON documents (published, seq);
CREATE INDEX documents_latest_day ON documents (latest, day);
CREATE INDEX documents_outlet ON documents (outlet, published);
CREATE INDEX documents_cluster ON documents (cluster_id);
CREATE INDEX documents_b0 ON documents (b0);
CREATE INDEX documents_b1 ON documents (b1);
CREATE INDEX documents_b2 ON documents (b2);
CREATE INDEX documents_b3 ON documents (b3);

-- Contentless: the text lives in documents.text; rowid = documents.seq.
CREATE VIRTUAL TABLE documents_fts USING fts5 (title, text, content = '', tokenize = 'porter unicode61 remove_diacritics 2');

-- One row per annotation of the kinds filters and aggregations read (place,
-- demonym, quote, citation, count, amount, technique), flattened; every
-- annotation is in documents.body. key/name depend on kind (docs/format.md).
CREATE TABLE annotations (
  doc        INTEGER NOT NULL REFERENCES documents (seq),
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
  attrs      TEXT
);
CREATE INDEX annotations_doc ON annotations (doc);
CREATE INDEX annotations_kind_key ON annotations (kind, key, doc);
CREATE INDEX annotations_kind_label ON annotations (kind, label, doc);
CREATE INDEX annotations_kind_latlon ON annotations (kind, lat, lon) WHERE lat IS NOT NULL;

CREATE TABLE entities (
  id   TEXT PRIMARY KEY,
  type TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE doc_entities (
  doc    INTEGER NOT NULL REFERENCES documents (seq),
  entity TEXT NOT NULL,
  mentions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (doc, entity)
);
CREATE INDEX doc_entities_entity ON doc_entities (entity, doc);

CREATE TABLE places (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  lat     REAL,
  lon     REAL
);

CREATE TABLE outlets (
  name       TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL
);

CREATE TABLE citations (
  doc       INTEGER NOT NULL REFERENCES documents (seq),
  outlet    TEXT NOT NULL DEFAULT '',
  cited     TEXT NOT NULL,
  label     TEXT NOT NULL DEFAULT '',
  title     TEXT NOT NULL DEFAULT '',
  start_off INTEGER NOT NULL,
  end_off   INTEGER NOT NULL
);
CREATE INDEX citations_doc ON citations (doc);
CREATE INDEX citations_cited ON citations (cited);

CREATE TABLE doc_analyzers (
  doc      INTEGER NOT NULL REFERENCES documents (seq),
  analyzer TEXT NOT NULL,
  version  TEXT NOT NULL,
  PRIMARY KEY (doc, analyzer)
);

CREATE TABLE ingestions (
  source   TEXT PRIMARY KEY,
  hash     TEXT NOT NULL DEFAULT '',
  doc_id   TEXT NOT NULL DEFAULT '',
  status   TEXT NOT NULL,
  error    TEXT NOT NULL DEFAULT '',
  at       INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1
);
