-- Events and portrayal (issue 12): "event" annotations join the flat
-- annotations table (label = PLOVER type, key = source entity id, name =
-- target entity id), and doc_entities gets each entity's document-level
-- portrayal label (negative, neutral, positive; '' when the portrayal
-- analyzer did not run). The store backfills both from the stored bodies
-- right after this migration (sqlstore.backfillEventsPortrayal).
ALTER TABLE doc_entities ADD COLUMN portrayal TEXT NOT NULL DEFAULT '';
