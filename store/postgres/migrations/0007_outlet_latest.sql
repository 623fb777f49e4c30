-- The same as SQLite's 0007: an outlet filter reads the outlet's latest
-- documents from the index alone (seq included for the join), instead of
-- visiting every document row to test latest.
CREATE INDEX documents_outlet_latest ON documents (outlet, latest, published) INCLUDE (seq);
DROP INDEX documents_outlet;
