-- The text and the JSON body move out of documents into doc_bodies, so a
-- documents row is a few hundred bytes and the whole table (100k rows: a
-- few tens of MB) stays in the page cache. Before, every row carried its
-- text and body inline, and searches and aggregations that only needed
-- latest/published/outlet from the matched rows read one or more 4 KiB
-- pages per row from disk.
CREATE TABLE doc_bodies (
  seq  INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  body TEXT NOT NULL
);
INSERT INTO doc_bodies (seq, text, body) SELECT seq, text, body FROM documents;
ALTER TABLE documents DROP COLUMN text;
ALTER TABLE documents DROP COLUMN body;
-- Date-ordered search walks this index newest first and stops at the
-- page's limit, checking FTS membership per row, instead of sorting the
-- whole match set; it also covers the latest filter of counts.
CREATE INDEX documents_latest_published ON documents (latest, published, seq);
