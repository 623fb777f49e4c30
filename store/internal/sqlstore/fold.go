package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// Deferred rollups (migration 0008).
//
// Put no longer counts its documents into the rollups: it queues the seq
// of every new latest version in rollup_pending, one b-tree entry per
// document instead of ~85 rollup upserts (a quarter of a batch's write
// CPU, and the reason the issue 12 matrices had no rollups). Fold counts
// the queued documents into the rollups, summing the deltas of a whole
// chunk of documents in Go first, so a key shared by many documents (an
// outlet's technique, a frequent entity, a month) is written once per
// chunk instead of once per batch.
//
// The rollups are exact for the documents they have counted: the latest
// versions not in rollup_pending. Everything that changes the counted
// set keeps that true inside its own transaction: supersession and
// reanalysis subtract a counted document's contributions (read back from
// its narrow-table rows) and simply drop or keep a pending one, which
// the next fold counts as it then is. Aggregate folds before it reads a
// rollup, so no query sees a partial count.
//
// In PostgreSQL, rollupLock orders folds and subtractions: a writer takes
// it before it asks whether a document is pending, and a fold holds it
// from reading the queue to commit.

// foldChunk is how many queued documents one fold transaction counts:
// large enough that shared keys are written once for many documents,
// small enough that the deltas of one chunk stay a few tens of MB.
const foldChunk = 20000

// FoldAfter is how many queued documents make Put fold after its commit
// (in its own transaction), so that a long ingest never leaves a query
// with a large fold to do first.
const FoldAfter = 50000

// Fold counts every queued document into the rollups. It is safe to call
// at any time and from several goroutines; it returns when the queue it
// saw is empty.
func (s *DB) Fold(ctx context.Context) error {
	for {
		n, err := s.foldOnce(ctx)
		if err != nil {
			return fmt.Errorf("fold rollups: %w", err)
		}
		if n < foldChunk {
			return nil
		}
	}
}

// pending reports whether documents are queued for the rollups.
func (s *DB) pending(ctx context.Context) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM rollup_pending LIMIT 1`).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// pendingCount counts the queued documents.
func (s *DB) pendingCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rollup_pending`).Scan(&n)
	return n, err
}

// ensureFolded folds before a rollup is read. It reports false when the
// fold failed (a read-only store, a busy writer past its timeout): the
// caller then answers from the base tables, which is exact too.
func (s *DB) ensureFolded(ctx context.Context) bool {
	p, err := s.pending(ctx)
	if err == nil && !p {
		return true
	}
	if err == nil {
		err = s.Fold(ctx)
	}
	if err != nil {
		slog.Warn("rollups not folded; aggregating from the base tables", "err", err)
		return false
	}
	return true
}

// foldOnce counts up to foldChunk queued documents in one transaction
// and returns how many it took from the queue.
func (s *DB) foldOnce(ctx context.Context) (int, error) {
	w, done, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	tx := w.Tx
	ok := false
	defer func() {
		if !ok {
			tx.Rollback()
		}
	}()
	if s.d.Postgres {
		if err := s.exec(ctx, tx, `SELECT pg_advisory_xact_lock(?)`, rollupLock); err != nil {
			return 0, fmt.Errorf("rollup lock: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, s.rebind(`SELECT seq FROM rollup_pending ORDER BY seq LIMIT ?`), foldChunk)
	if err != nil {
		return 0, err
	}
	var seqs []int64
	for rows.Next() {
		var q int64
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return 0, err
		}
		seqs = append(seqs, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(seqs) == 0 {
		ok = true
		return 0, tx.Commit()
	}
	deltas := newTally(len(seqs))
	// Only latest versions count: a queued document superseded since is
	// dropped from the queue uncounted.
	if err := s.readContribs(ctx, tx, seqs, true, 1, deltas); err != nil {
		return 0, err
	}
	if err := s.applyDeltas(ctx, w, deltas); err != nil {
		return 0, err
	}
	if err := s.dequeue(ctx, w, seqs); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	ok = true
	return len(seqs), nil
}

// dequeue removes documents from rollup_pending.
func (s *DB) dequeue(ctx context.Context, w writeTx, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	if s.d.Postgres {
		return s.exec(ctx, w.Tx, `DELETE FROM rollup_pending WHERE seq = ANY(?::bigint[])`, seqs)
	}
	rows := make([][]any, len(seqs))
	for i, q := range seqs {
		rows[i] = []any{q}
	}
	return w.execRows(ctx, `DELETE FROM rollup_pending WHERE seq = ?`, rows)
}

// enqueue adds new latest documents to rollup_pending.
func (s *DB) enqueue(ctx context.Context, w writeTx, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	if s.d.Postgres {
		return s.exec(ctx, w.Tx, `INSERT INTO rollup_pending (seq) SELECT unnest(?::bigint[])`, seqs)
	}
	rows := make([][]any, len(seqs))
	for i, q := range seqs {
		rows[i] = []any{q}
	}
	return w.execValues(ctx, `INSERT INTO rollup_pending (seq) VALUES `, `(?)`, ``, rows)
}

// counted splits seqs (latest versions) into those the rollups have
// counted and those still queued. In PostgreSQL it takes the rollup lock
// first, so no fold runs between the answer and the caller's commit.
func (s *DB) counted(ctx context.Context, w writeTx, seqs []int64) (done, queued []int64, err error) {
	if len(seqs) == 0 {
		return nil, nil, nil
	}
	if s.d.Postgres {
		if err := s.exec(ctx, w.Tx, `SELECT pg_advisory_xact_lock(?)`, rollupLock); err != nil {
			return nil, nil, fmt.Errorf("rollup lock: %w", err)
		}
	}
	in := map[int64]bool{}
	for _, c := range chunks(len(seqs), 500) {
		part := make([]any, 0, c[1]-c[0])
		for _, q := range seqs[c[0]:c[1]] {
			part = append(part, q)
		}
		rows, err := w.QueryContext(ctx, s.rebind(`SELECT seq FROM rollup_pending WHERE seq IN (`+placeholders(len(part))+`)`), part...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var q int64
			if err := rows.Scan(&q); err != nil {
				rows.Close()
				return nil, nil, err
			}
			in[q] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	for _, q := range seqs {
		if in[q] {
			queued = append(queued, q)
		} else {
			done = append(done, q)
		}
	}
	return done, queued, nil
}

// uncount removes superseded documents (no longer latest) from the
// rollups: counted ones have their contributions subtracted, queued ones
// leave the queue.
func (s *DB) uncount(ctx context.Context, w writeTx, seqs []int64) error {
	done, queued, err := s.counted(ctx, w, seqs)
	if err != nil {
		return err
	}
	if err := s.dequeue(ctx, w, queued); err != nil {
		return err
	}
	deltas := newTally(len(done))
	if err := s.readContribs(ctx, w.Tx, done, false, -1, deltas); err != nil {
		return err
	}
	return s.applyDeltas(ctx, w, deltas)
}

// readContribs adds sign times the rollup contributions of the documents
// seqs to t, read back from their narrow-table rows exactly as derive
// wrote them (so tally.add counts them as it would have at write time).
// latestOnly skips documents that are no longer latest.
func (s *DB) readContribs(ctx context.Context, tx *sql.Tx, seqs []int64, latestOnly bool, sign int64, t *tally) error {
	size := 500
	if s.d.Postgres {
		size = 5000
	}
	for _, c := range chunks(len(seqs), size) {
		part := make([]any, 0, c[1]-c[0])
		for _, q := range seqs[c[0]:c[1]] {
			part = append(part, q)
		}
		in := `IN (` + placeholders(len(part)) + `)`
		docs := make(map[int64]*docFacts, len(part))
		var order []int64
		cond := `seq ` + in
		if latestOnly {
			cond += ` AND latest = 1`
		}
		scan := func(q string, each func(r *sql.Rows) error) error {
			rows, err := tx.QueryContext(ctx, s.rebind(q), part...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				if err := each(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		if err := scan(`SELECT seq, outlet, published FROM documents WHERE `+cond, func(r *sql.Rows) error {
			var q int64
			var d docFacts
			var pub sql.NullInt64
			if err := r.Scan(&q, &d.outlet, &pub); err != nil {
				return err
			}
			if pub.Valid {
				t := time.Unix(pub.Int64, 0).UTC()
				d.published = &t
			}
			docs[q] = &d
			order = append(order, q)
			return nil
		}); err != nil {
			return fmt.Errorf("documents: %w", err)
		}
		if len(docs) == 0 {
			continue
		}
		// No kind condition: with one, SQLite read every row of the
		// kinds through their index instead of each document's rows
		// (tally.add ignores the other kinds).
		if err := scan(`SELECT doc, kind, label, key, name, n FROM annotations WHERE doc `+in, func(r *sql.Rows) error {
			var q int64
			var a annFact
			if err := r.Scan(&q, &a.kind, &a.label, &a.key, &a.name, &a.n); err != nil {
				return err
			}
			if d := docs[q]; d != nil {
				d.ann = append(d.ann, a)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("annotations: %w", err)
		}
		if err := scan(`SELECT doc, entity, rnk, portrayal FROM doc_entities WHERE doc `+in, func(r *sql.Rows) error {
			var q int64
			var e entFact
			if err := r.Scan(&q, &e.entity, &e.rnk, &e.portrayal); err != nil {
				return err
			}
			if d := docs[q]; d != nil {
				d.ents = append(d.ents, e)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("document entities: %w", err)
		}
		if err := scan(`SELECT doc, type, source, target, n FROM doc_events WHERE doc `+in, func(r *sql.Rows) error {
			var q int64
			var v eventFact
			if err := r.Scan(&q, &v.typ, &v.source, &v.target, &v.n); err != nil {
				return err
			}
			if d := docs[q]; d != nil {
				d.events = append(d.events, v)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("events: %w", err)
		}
		for _, q := range order {
			t.add(docs[q], sign)
		}
	}
	return nil
}

// requeueRollups empties the rollups and queues every latest document
// (migrations 0008 and 0010: the next fold counts them with the keys
// they add or change).
func (s *DB) requeueRollups(ctx context.Context, tx *sql.Tx) error {
	if err := s.exec(ctx, tx, `DELETE FROM rollups`); err != nil {
		return err
	}
	return s.exec(ctx, tx, `INSERT INTO rollup_pending (seq) SELECT seq FROM documents WHERE latest = 1 ON CONFLICT (seq) DO NOTHING`)
}
