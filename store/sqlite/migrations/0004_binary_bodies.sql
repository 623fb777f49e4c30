-- Bodies are now written in the compact binary encoding of sqlstore
-- (codec.go) instead of deflated JSON; both older forms still read, so
-- nothing is rewritten. The number keeps the two dialects' migration
-- lists in step (PostgreSQL 0003 adds a column for the binary bodies).
SELECT 1;
