-- Bodies are stored in the compact binary encoding of sqlstore (the full
-- annotation list, entities and summaries) in pack; encoding 35 KB of JSON
-- per analysed article was the largest client cost of a write. Rows
-- written before keep their JSONB body and are read from it.
ALTER TABLE documents ADD COLUMN pack BYTEA;
ALTER TABLE documents ALTER COLUMN body DROP NOT NULL;
