-- SQLite's 0009 makes its annotations table WITHOUT ROWID and stops
-- copying demonym, amount and citation annotations into it; PostgreSQL
-- keeps its heap table and every indexed kind with JSONB attributes. The
-- number keeps the two dialects' migration lists in step.
SELECT 1;
