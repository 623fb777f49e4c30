// Package sqlstore is the SQL implementation of store.Store shared by the
// SQLite and PostgreSQL backends. The two differ only in their migrations,
// full-text search clauses and placeholder style, which [Dialect] carries.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
)

// Dialect is what differs between SQL backends.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Migrations holds NNNN_name.sql files applied in order.
	Migrations fs.FS
	// Postgres selects $n placeholders, tsvector search and JSONB.
	Postgres bool
}

// DB implements store.Store over database/sql.
type DB struct {
	db *sql.DB
	d  Dialect
	// now is the clock, replaceable in tests.
	now func() time.Time
	// foldAfter overrides the package's FoldAfter (SetFoldAfter).
	foldAfter0 int
	// stored are entities, places and outlets rows known to be stored.
	stored storedKeys
}

// SetFoldAfter sets how many queued documents make Put fold the rollups
// after its commit (0: the default FoldAfter; negative: never, leaving
// it to queries and explicit Fold calls). Call it before using the store.
func (s *DB) SetFoldAfter(n int) { s.foldAfter0 = n }

func (s *DB) foldAfter() int {
	switch {
	case s.foldAfter0 < 0:
		return int(^uint(0) >> 1)
	case s.foldAfter0 > 0:
		return s.foldAfter0
	}
	return FoldAfter
}

var _ store.Store = (*DB)(nil)

// New wraps an open database and applies pending migrations.
func New(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	s := &DB{db: db, d: d, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		return nil, fmt.Errorf("%s store: migrate: %w", d.Name, err)
	}
	return s, nil
}

// SQL returns the underlying database, for tests and tools.
func (s *DB) SQL() *sql.DB { return s.db }

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// rebind turns ? placeholders into $n for PostgreSQL. Queries in this
// package never contain a literal '?'.
func (s *DB) rebind(q string) string {
	if !s.d.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (s *DB) exec(ctx context.Context, q querier, query string, args ...any) error {
	_, err := q.ExecContext(ctx, s.rebind(query), args...)
	return err
}

func (s *DB) migrate(ctx context.Context) error {
	if err := s.exec(ctx, s.db, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(s.d.Migrations, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(s.d.Migrations, name)
		if err != nil {
			return err
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if v == 3 {
			// 0003 creates the rollups; count the stored documents in.
			if err := s.rebuildRollups(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if v == 6 {
			// 0006 moves analyzer versions into documents.analyzers.
			if err := s.backfillAnalyzers(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if v == 5 {
			// 0005 indexes events and portrayal; fill them in from the
			// stored bodies.
			if err := s.backfillEventsPortrayal(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if err := s.rollupOnly(ctx, tx, `d.latest = 1`, nil, 1, eventSpecs); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if v == 8 || v == 10 {
			// 0008 defers the rollups and adds keys: recount everything
			// at the next fold.
			if err := s.requeueRollups(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`), v, s.now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// SQLite keeps a document's text and body in doc_bodies (migration
// 0002) so documents rows stay narrow; PostgreSQL already moves them out
// of line (TOAST). These render the join and columns for documents d.
func (s *DB) bodyJoin() string {
	if s.d.Postgres {
		return ""
	}
	return `JOIN doc_bodies b ON b.seq = d.seq`
}

func (s *DB) textCol() string {
	if s.d.Postgres {
		return `d.text`
	}
	return `b.text`
}

// bodyCol is the stored body as bytes: PostgreSQL keeps binary bodies in
// pack (migration 0003) and older ones as JSONB in body.
func (s *DB) bodyCol() string {
	if s.d.Postgres {
		return `COALESCE(d.pack, convert_to(d.body::text, 'UTF8'))`
	}
	return `b.body`
}

// docCols are the DocInfo columns, in scanInfo order.
const docCols = `d.id, d.url, d.canonical_url, d.outlet, d.title, d.published, d.ingested, d.version, d.latest, d.cluster_id, d.text_hash, d.bytes`

type scanner interface{ Scan(...any) error }

func scanInfo(r scanner, extra ...any) (store.DocInfo, error) {
	var di store.DocInfo
	var pub sql.NullInt64
	var ing int64
	var latest int
	dest := append([]any{&di.ID, &di.URL, &di.CanonicalURL, &di.Outlet, &di.Title, &pub, &ing, &di.Version, &latest, &di.ClusterID, &di.TextHash, &di.Bytes}, extra...)
	if err := r.Scan(dest...); err != nil {
		return di, err
	}
	if pub.Valid {
		t := time.Unix(pub.Int64, 0).UTC()
		di.Published = &t
	}
	di.Ingested = time.Unix(ing, 0).UTC()
	di.Latest = latest == 1
	return di, nil
}

// focusPlace picks the document's main place: the places analyzer's first
// focus place when it gave one, otherwise the most mentioned place.
func focusPlace(doc *document.Document) string {
	if sum, ok := doc.Summaries["places"].(map[string]any); ok {
		for _, k := range []string{"focus", "focus_places"} {
			if list, ok := sum[k].([]any); ok && len(list) > 0 {
				switch v := list[0].(type) {
				case map[string]any:
					if id := attrString(v, "geonameid"); id != "" {
						return id
					}
				default:
					if id := anyString(v); id != "" {
						return id
					}
				}
			}
		}
	}
	counts := map[string]int{}
	best, bestN := "", 0
	for _, a := range doc.Annotations {
		if a.Kind != "place" {
			continue
		}
		id := attrString(a.Attrs, "geonameid")
		if id == "" {
			continue
		}
		counts[id]++
		if counts[id] > bestN {
			best, bestN = id, counts[id]
		}
	}
	return best
}

func attrString(m map[string]any, k string) string {
	if m == nil {
		return ""
	}
	return anyString(m[k])
}

func anyString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func attrFloat(m map[string]any, keys ...string) (float64, bool) {
	for _, k := range keys {
		switch x := m[k].(type) {
		case float64:
			return x, true
		case int:
			return float64(x), true
		case int64:
			return float64(x), true
		case json.Number:
			f, err := x.Float64()
			return f, err == nil
		case string:
			if f, err := strconv.ParseFloat(strings.ReplaceAll(x, ",", ""), 64); err == nil {
				return f, true
			}
		}
	}
	return 0, false
}

// Get implements store.Store.
func (s *DB) Get(ctx context.Context, id string) (*document.Document, error) {
	var text string
	var body []byte
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT `+s.textCol()+`, `+s.bodyCol()+` FROM documents d `+s.bodyJoin()+` WHERE d.id = ?`), id).Scan(&text, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	doc, err := loadBody(text, body)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return doc, nil
}

// Info implements store.Store.
func (s *DB) Info(ctx context.Context, id string) (store.DocInfo, error) {
	di, err := scanInfo(s.db.QueryRowContext(ctx, s.rebind(`SELECT `+docCols+` FROM documents d WHERE d.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return di, fmt.Errorf("document %s: %w", id, store.ErrNotFound)
	}
	return di, err
}

func (s *DB) infos(ctx context.Context, q string, args ...any) ([]store.DocInfo, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DocInfo
	for rows.Next() {
		di, err := scanInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, di)
	}
	return out, rows.Err()
}

// Versions implements store.Store.
func (s *DB) Versions(ctx context.Context, url string) ([]store.DocInfo, error) {
	return s.infos(ctx, `SELECT `+docCols+` FROM documents d WHERE d.canonical_url = ? ORDER BY d.version DESC`, store.CanonicalURL(url))
}

// Cluster implements store.Store.
func (s *DB) Cluster(ctx context.Context, id string) ([]store.DocInfo, error) {
	return s.infos(ctx, `SELECT `+docCols+` FROM documents d WHERE d.cluster_id = ? AND d.latest = 1 ORDER BY d.published, d.seq`, id)
}

// Outlets implements store.Store.
func (s *DB) Outlets(ctx context.Context) ([]store.OutletInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.name, (SELECT COUNT(*) FROM documents d WHERE d.outlet = o.name AND d.latest = 1) AS n FROM outlets o ORDER BY n DESC, o.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.OutletInfo
	for rows.Next() {
		var o store.OutletInfo
		if err := rows.Scan(&o.Name, &o.Documents); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Entity implements store.Store.
func (s *DB) Entity(ctx context.Context, id string) (store.EntityInfo, error) {
	e := store.EntityInfo{ID: id}
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT type, name FROM entities WHERE id = ?`), id).Scan(&e.Type, &e.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("entity %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return e, err
	}
	err = s.db.QueryRowContext(ctx, s.rebind(`SELECT
		(SELECT COUNT(*) FROM doc_entities x JOIN documents d ON d.seq = x.doc WHERE x.entity = ? AND d.latest = 1),
		(SELECT COALESCE(SUM(x.mentions), 0) FROM doc_entities x JOIN documents d ON d.seq = x.doc WHERE x.entity = ? AND d.latest = 1)`), id, id).
		Scan(&e.Documents, &e.Mentions)
	return e, err
}

// Place implements store.Store.
func (s *DB) Place(ctx context.Context, id string) (store.PlaceInfo, error) {
	p := store.PlaceInfo{ID: id}
	var lat, lon sql.NullFloat64
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT name, country, lat, lon FROM places WHERE id = ?`), id).Scan(&p.Name, &p.Country, &lat, &lon)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("place %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return p, err
	}
	p.Lat, p.Lon = lat.Float64, lon.Float64
	err = s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(DISTINCT a.doc), COALESCE(SUM(a.n), 0) FROM annotations a JOIN documents d ON d.seq = a.doc WHERE a.kind = 'place' AND a.key = ? AND d.latest = 1`), id).
		Scan(&p.Documents, &p.Mentions)
	return p, err
}

// Stale implements store.Store.
func (s *DB) Stale(ctx context.Context, want map[string]string, after string, limit int) ([]string, error) {
	if len(want) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	var conds []string
	args := []any{after}
	for _, n := range names {
		conds = append(conds, s.strpos(`d.analyzers`, `?`)+` = 0`)
		args = append(args, analyzerKey(n, want[n]))
	}
	args = append(args, limit)
	ids, err := s.queryStrings(ctx, s.rebind(`SELECT d.id FROM documents d WHERE d.id > ? AND (`+strings.Join(conds, " OR ")+`) ORDER BY d.id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("stale: %w", err)
	}
	return ids, nil
}

// Replace implements store.Store.
func (s *DB) Replace(ctx context.Context, docs []*document.Document) (err error) {
	w, done, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("replace: %w", err)
	}
	defer done()
	tx := w.Tx
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var rows rowSet
	// The counted latest versions' rollup contributions change: the old
	// ones out, the new ones in. Queued ones are counted as they will
	// then be by the next fold.
	deltas := newTally(len(docs))
	for _, doc := range docs {
		var seq int64
		var latest int
		var outlet, text string
		var pub sql.NullInt64
		if err := tx.QueryRowContext(ctx, s.rebind(`SELECT d.seq, d.latest, d.outlet, d.published, `+s.textCol()+` FROM documents d `+s.bodyJoin()+` WHERE d.id = ?`), doc.ID).Scan(&seq, &latest, &outlet, &pub, &text); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				err = store.ErrNotFound
			}
			return fmt.Errorf("replace %s: %w", doc.ID, err)
		}
		if text != doc.Text {
			return fmt.Errorf("replace %s: text differs from the stored text", doc.ID)
		}
		count := false
		if latest == 1 {
			done, _, err := s.counted(ctx, w, []int64{seq})
			if err != nil {
				return fmt.Errorf("replace %s: %w", doc.ID, err)
			}
			if count = len(done) == 1; count {
				if err := s.readContribs(ctx, tx, done, false, -1, deltas); err != nil {
					return fmt.Errorf("replace %s: %w", doc.ID, err)
				}
			}
		}
		for _, t := range []string{"annotations", "doc_entities", "citations", "doc_events"} {
			if err := s.exec(ctx, tx, `DELETE FROM `+t+` WHERE doc = ?`, seq); err != nil {
				return fmt.Errorf("replace %s: %w", doc.ID, err)
			}
		}
		body, err := encodeBody(doc)
		if err != nil {
			return fmt.Errorf("replace %s: %w", doc.ID, err)
		}
		if s.d.Postgres {
			err = s.exec(ctx, tx, `UPDATE documents SET pack = ?::bytea, body = NULL, focus_place = ?, analyzers = ? WHERE seq = ?`, body, focusPlace(doc), analyzerSet(doc.Analyzers), seq)
		} else {
			err = s.exec(ctx, tx, `UPDATE documents SET focus_place = ?, analyzers = ? WHERE seq = ?`, focusPlace(doc), analyzerSet(doc.Analyzers), seq)
			if err == nil {
				err = s.exec(ctx, tx, `UPDATE doc_bodies SET body = ? WHERE seq = ?`, body, seq)
			}
		}
		if err != nil {
			return fmt.Errorf("replace %s: %w", doc.ID, err)
		}
		dr := derive(doc, s.d.Postgres)
		if count {
			var published *time.Time
			if pub.Valid {
				t := time.Unix(pub.Int64, 0).UTC()
				published = &t
			}
			f := factsOf(&dr, outlet, published)
			deltas.add(&f, 1)
		}
		rows.add(seq, outlet, &dr)
	}
	stored, err := s.flush(ctx, w, &rows)
	if err != nil {
		return fmt.Errorf("replace: %w", err)
	}
	if err := s.applyDeltas(ctx, w, deltas); err != nil {
		return fmt.Errorf("replace: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("replace: commit: %w", err)
	}
	s.stored.add(stored)
	return nil
}

// RecordIngest implements store.Store.
func (s *DB) RecordIngest(ctx context.Context, rs ...store.IngestRecord) (err error) {
	if len(rs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record ingest: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, r := range rs {
		if err := s.recordIngest(ctx, tx, r); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *DB) recordIngest(ctx context.Context, tx *sql.Tx, r store.IngestRecord) error {
	if r.Time.IsZero() {
		r.Time = s.now()
	}
	err := s.exec(ctx, tx, `INSERT INTO ingestions (source, hash, doc_id, status, error, at, attempts) VALUES (?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (source) DO UPDATE SET hash = excluded.hash, doc_id = excluded.doc_id, status = excluded.status,
		error = excluded.error, at = excluded.at, attempts = ingestions.attempts + 1`,
		r.Source, r.Hash, r.DocID, r.Status, r.Error, r.Time.Unix())
	if err != nil {
		return fmt.Errorf("record ingest %s: %w", r.Source, err)
	}
	return nil
}

// Ingested implements store.Store.
func (s *DB) Ingested(ctx context.Context, source string) (store.IngestRecord, error) {
	r := store.IngestRecord{Source: source}
	var at int64
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT hash, doc_id, status, error, at, attempts FROM ingestions WHERE source = ?`), source).
		Scan(&r.Hash, &r.DocID, &r.Status, &r.Error, &at, &r.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("ingest record %s: %w", source, store.ErrNotFound)
	}
	r.Time = time.Unix(at, 0).UTC()
	return r, err
}

// backfillEventsPortrayal adds the rows migration 0005 indexes for the
// documents stored before it: doc_events rows and doc_entities'
// portrayal labels, derived from each stored body as Put derives them.
// Rollups do not count events or portrayal, so they are unchanged.
func (s *DB) backfillEventsPortrayal(ctx context.Context, tx *sql.Tx) error {
	type loaded struct {
		seq  int64
		text string
		body []byte
	}
	after := int64(-1)
	for {
		qr, err := tx.QueryContext(ctx, s.rebind(`SELECT d.seq, `+s.textCol()+`, `+s.bodyCol()+` FROM documents d `+s.bodyJoin()+
			` WHERE d.seq > ? ORDER BY d.seq LIMIT 500`), after)
		if err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
		var batch []loaded
		for qr.Next() {
			var l loaded
			if err := qr.Scan(&l.seq, &l.text, &l.body); err != nil {
				qr.Close()
				return fmt.Errorf("backfill: %w", err)
			}
			batch = append(batch, l)
		}
		qr.Close()
		if err := qr.Err(); err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		var rs rowSet
		var labels [][]any
		for _, l := range batch {
			after = l.seq
			doc, err := loadBody(l.text, l.body)
			if err != nil {
				return fmt.Errorf("backfill document %d: %w", l.seq, err)
			}
			dr := derive(doc, s.d.Postgres)
			for _, r := range dr.events {
				r[0] = l.seq
				rs.events = append(rs.events, r)
			}
			for _, r := range dr.docEnts {
				if lab, _ := r[4].(string); lab != "" {
					labels = append(labels, []any{lab, l.seq, r[1]})
				}
			}
		}
		if _, err := s.flush(ctx, writeTx{Tx: tx}, &rs); err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
		if len(labels) > 0 {
			st, err := tx.PrepareContext(ctx, s.rebind(`UPDATE doc_entities SET portrayal = ? WHERE doc = ? AND entity = ?`))
			if err != nil {
				return fmt.Errorf("backfill: %w", err)
			}
			for _, a := range labels {
				if _, err := st.ExecContext(ctx, a...); err != nil {
					st.Close()
					return fmt.Errorf("backfill: %w", err)
				}
			}
			st.Close()
		}
	}
}

// strpos is the 1-based position of needle in haystack, 0 when absent.
func (s *DB) strpos(haystack, needle string) string {
	if s.d.Postgres {
		return `strpos(` + haystack + `, ` + needle + `)`
	}
	return `instr(` + haystack + `, ` + needle + `)`
}

// backfillAnalyzers fills documents.analyzers (migration 0006) from the
// doc_analyzers rows of the documents stored before it, then drops that
// table.
func (s *DB) backfillAnalyzers(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT doc, analyzer, version FROM doc_analyzers ORDER BY doc`)
	if err != nil {
		return fmt.Errorf("analyzers: %w", err)
	}
	sets := map[int64]map[string]string{}
	var order []int64
	for rows.Next() {
		var doc int64
		var name, version string
		if err := rows.Scan(&doc, &name, &version); err != nil {
			rows.Close()
			return fmt.Errorf("analyzers: %w", err)
		}
		if sets[doc] == nil {
			sets[doc] = map[string]string{}
			order = append(order, doc)
		}
		sets[doc][name] = version
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analyzers: %w", err)
	}
	st, err := tx.PrepareContext(ctx, s.rebind(`UPDATE documents SET analyzers = ? WHERE seq = ?`))
	if err != nil {
		return fmt.Errorf("analyzers: %w", err)
	}
	defer st.Close()
	for _, doc := range order {
		if _, err := st.ExecContext(ctx, analyzerSet(sets[doc]), doc); err != nil {
			return fmt.Errorf("analyzers of document %d: %w", doc, err)
		}
	}
	return s.exec(ctx, tx, `DROP TABLE doc_analyzers`)
}

// queryStrings runs a query whose rows are one text column and returns them
// in order.
func (s *DB) queryStrings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
