-- Events and portrayal (issue 12). doc_events holds each document's
-- events grouped by PLOVER type, source and target entity id ('' when
-- none), with their number: one narrow row per distinct triple, in one
-- b-tree (WITHOUT ROWID), because the events analyzer emits ~12 events per article
-- and the flat annotations table (four b-trees per row) made writes a
-- quarter slower. doc_entities gets each entity's document-level
-- portrayal label (negative, neutral, positive; '' when the portrayal
-- analyzer did not run). The store backfills both from the stored bodies
-- right after this migration (sqlstore.backfillEventsPortrayal).
CREATE TABLE doc_events (
  doc    INTEGER NOT NULL REFERENCES documents (seq),
  type   TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  target TEXT NOT NULL DEFAULT '',
  n      INTEGER NOT NULL,
  PRIMARY KEY (doc, type, source, target)
) WITHOUT ROWID;
ALTER TABLE doc_entities ADD COLUMN portrayal TEXT NOT NULL DEFAULT '';
