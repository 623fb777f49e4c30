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
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
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

// SQLite keeps a document's text and JSON body in doc_bodies (migration
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

func (s *DB) bodyCol() string {
	if s.d.Postgres {
		return `d.body`
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

// Put implements store.Store.
func (s *DB) Put(ctx context.Context, docs []*document.Document) (res []store.PutResult, err error) {
	if len(docs) == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if s.d.Postgres {
		// Serialise writers of the same identity: lock each canonical URL
		// (or text hash when there is no URL) for the transaction, in
		// sorted order so two batches cannot deadlock.
		keys := make([]string, 0, len(docs))
		for _, d := range docs {
			k := store.CanonicalURL(d.URL)
			if k == "" {
				k = store.TextHash(d.Text)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		uniq := keys[:0]
		for i, k := range keys {
			if i == 0 || keys[i-1] != k {
				uniq = append(uniq, k)
			}
		}
		// One round trip for the whole batch; unnest keeps the array's
		// (sorted) order, so lock order is still consistent.
		if err := s.exec(ctx, tx, `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) AS k`, uniq); err != nil {
			return nil, fmt.Errorf("put: lock: %w", err)
		}
	}
	var rows rowSet
	now := s.now().Unix()
	st, err := s.prepare(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	defer st.close()
	pre := precompute(docs, !s.d.Postgres)
	for i, doc := range docs {
		r, err := s.putOne(ctx, tx, st, doc, pre[i], now, &rows)
		if err != nil {
			return nil, fmt.Errorf("put %s: %w", docName(doc), err)
		}
		res = append(res, r)
	}
	if err := s.flush(ctx, tx, &rows); err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("put: commit: %w", err)
	}
	return res, nil
}

func docName(d *document.Document) string {
	switch {
	case d.URL != "":
		return d.URL
	case d.Extraction.Input != "":
		return d.Extraction.Input
	}
	return d.ID
}

// putStmts are the per-document statements of Put, prepared once per
// batch: parsing SQL per document costs more than running it in SQLite.
type putStmts struct {
	identity, maxVersion, supersede, bands, insert, fts, bodies *sql.Stmt
}

func (s *DB) prepare(ctx context.Context, tx *sql.Tx) (*putStmts, error) {
	st := &putStmts{}
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.identity, `SELECT id, version, cluster_id FROM documents WHERE canonical_url = ? AND text_hash = ?`},
		{&st.maxVersion, `SELECT MAX(version) FROM documents WHERE canonical_url = ?`},
		{&st.supersede, `UPDATE documents SET latest = 0 WHERE canonical_url = ? AND latest = 1`},
		{&st.bands, `SELECT simhash, cluster_id FROM documents WHERE b0 = ? OR b1 = ? OR b2 = ? OR b3 = ? LIMIT 200`},
		{&st.insert, `INSERT INTO documents (id, url, canonical_url, text_hash, version, latest, outlet, title, published, day, ingested, simhash, b0, b1, b2, b3, cluster_id, focus_place, bytes, text, body)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`},
	} {
		q := p.q
		if s.d.Postgres && p.dst == &st.insert {
			q = strings.Replace(q, "?, ?) RETURNING", "?, ?::jsonb) RETURNING", 1)
		}
		if !s.d.Postgres && p.dst == &st.insert {
			// SQLite keeps text and body in doc_bodies (migration 0002).
			q = strings.Replace(q, ", bytes, text, body)", ", bytes)", 1)
			q = strings.Replace(q, "?, ?, ?) RETURNING", "?) RETURNING", 1)
		}
		stmt, err := tx.PrepareContext(ctx, s.rebind(q))
		if err != nil {
			st.close()
			return nil, err
		}
		*p.dst = stmt
	}
	if !s.d.Postgres {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)`)
		if err != nil {
			st.close()
			return nil, err
		}
		st.fts = stmt
		if stmt, err = tx.PrepareContext(ctx, `INSERT INTO doc_bodies (seq, text, body) VALUES (?, ?, ?)`); err != nil {
			st.close()
			return nil, err
		}
		st.bodies = stmt
	}
	return st, nil
}

func (st *putStmts) close() {
	for _, s := range []*sql.Stmt{st.identity, st.maxVersion, st.supersede, st.bands, st.insert, st.fts, st.bodies} {
		if s != nil {
			s.Close()
		}
	}
}

// prepared is the CPU-heavy part of storing a document, computed for a
// whole batch in parallel before the (single-writer) transaction runs.
type prepared struct {
	canon, hash, id, outlet string
	simhash                 uint64
	fingerprinted           bool
	body                    []byte
	err                     error
}

func precompute(docs []*document.Document, compress bool) []prepared {
	out := make([]prepared, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				d, p := docs[i], &out[i]
				if d.Text == "" {
					p.err = errors.New("document has no text")
					continue
				}
				p.canon = store.CanonicalURL(d.URL)
				p.hash = store.TextHash(d.Text)
				p.id = document.NewID(p.canon, d.Text)
				p.simhash, p.fingerprinted = store.SimHash(d.Text)
				p.outlet = d.Outlet
				if p.outlet == "" {
					p.outlet = store.Outlet(d.URL)
				}
				// The body is encoded as it will be stored: with its id and outlet.
				id, outlet := d.ID, d.Outlet
				d.ID, d.Outlet = p.id, p.outlet
				p.body, p.err = encodeBody(d)
				if p.err == nil && compress {
					p.body = packBody(p.body)
				}
				d.ID, d.Outlet = id, outlet
			}
		}(w)
	}
	wg.Wait()
	return out
}

func (s *DB) putOne(ctx context.Context, tx *sql.Tx, st *putStmts, doc *document.Document, pre prepared, now int64, rows *rowSet) (store.PutResult, error) {
	if pre.err != nil {
		return store.PutResult{}, pre.err
	}
	canon, th := pre.canon, pre.hash
	doc.ID = pre.id
	var r store.PutResult
	err := st.identity.QueryRowContext(ctx, canon, th).Scan(&r.ID, &r.Version, &r.ClusterID)
	if err == nil {
		r.Existing = true
		doc.ID = r.ID
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	r.ID = doc.ID
	r.Version = 1
	if canon != "" {
		var maxv sql.NullInt64
		if err := st.maxVersion.QueryRowContext(ctx, canon).Scan(&maxv); err != nil {
			return r, err
		}
		if maxv.Valid {
			r.Version = int(maxv.Int64) + 1
			if _, err := st.supersede.ExecContext(ctx, canon); err != nil {
				return r, err
			}
		}
	}
	// Near-duplicate clustering: join the cluster of the closest earlier
	// document within NearDuplicateDistance bits.
	r.ClusterID = r.ID
	sh, ok := pre.simhash, pre.fingerprinted
	var bands [store.SimHashBands]any
	if ok {
		b := store.Bands(sh)
		for i := range b {
			bands[i] = b[i]
		}
		qr, err := st.bands.QueryContext(ctx, b[0], b[1], b[2], b[3])
		if err != nil {
			return r, err
		}
		best := store.NearDuplicateDistance + 1
		for qr.Next() {
			var h int64
			var cid string
			if err := qr.Scan(&h, &cid); err != nil {
				qr.Close()
				return r, err
			}
			if d := store.Hamming(uint64(h), sh); d < best {
				best, r.ClusterID = d, cid
			}
		}
		qr.Close()
		if err := qr.Err(); err != nil {
			return r, err
		}
	}
	outlet := pre.outlet
	doc.Outlet = outlet
	body := pre.body
	var pub, day any
	if doc.Published != nil {
		pub = doc.Published.Unix()
		day = doc.Published.Unix() / 86400
	}
	var simv any
	if ok {
		simv = int64(sh)
	}
	var seq int64
	args := []any{r.ID, doc.URL, canon, th, r.Version, outlet, doc.Title, pub, day, now, simv, bands[0], bands[1], bands[2], bands[3], r.ClusterID, focusPlace(doc), len(doc.Text)}
	if s.d.Postgres {
		args = append(args, doc.Text, string(body))
	}
	if err := st.insert.QueryRowContext(ctx, args...).Scan(&seq); err != nil {
		return r, err
	}
	if !s.d.Postgres {
		if _, err := st.bodies.ExecContext(ctx, seq, doc.Text, body); err != nil {
			return r, err
		}
		if _, err := st.fts.ExecContext(ctx, seq, doc.Title, doc.Text); err != nil {
			return r, err
		}
	}
	if outlet != "" {
		rows.outlets = append(rows.outlets, outlet)
	}
	rows.add(seq, outlet, doc)
	return r, nil
}

// encodeBody serialises the document without its text, which has its own
// column (one copy of the text, as in the data model).
func encodeBody(doc *document.Document) ([]byte, error) {
	t := doc.Text
	doc.Text = ""
	b, err := json.Marshal(doc)
	doc.Text = t
	return b, err
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

// rowSet collects the derived rows of a batch for multi-row inserts, which
// keep PostgreSQL round trips per document constant.
// indexedKinds are the annotation kinds copied into the flat annotations
// table, because filters and aggregations read them. Every annotation of
// every kind is kept in the document body; entity mentions are counted in
// doc_entities instead, and dates are only read with their document.
var indexedKinds = map[string]bool{"place": true, "demonym": true, "quote": true, "citation": true, "count": true,
	"amount": true, "technique": true}

type rowSet struct {
	ann       [][]any
	ents      [][]any
	docEnts   [][]any
	places    [][]any
	cites     [][]any
	analyzers [][]any
	outlets   []string
}

func (rs *rowSet) add(seq int64, outlet string, doc *document.Document) {
	mentions := map[string]int{}
	var order []string
	addEnt := func(id, typ, name string, n int) {
		if id == "" {
			return
		}
		rs.ents = append(rs.ents, []any{id, typ, name})
		if _, ok := mentions[id]; !ok {
			order = append(order, id)
		}
		mentions[id] += n
	}
	for _, e := range doc.Entities {
		addEnt(e.ID, e.Type, e.Name, 0)
	}
	for _, a := range doc.Annotations {
		var key, name string
		var num, lat, lon any
		switch a.Kind {
		case "entity":
			addEnt(attrString(a.Attrs, "entity_id"), a.Label, a.Text, 1)
			continue
		case "place":
			key = attrString(a.Attrs, "geonameid")
			name = attrString(a.Attrs, "name")
			if name == "" {
				name = a.Text
			}
			la, ok1 := attrFloat(a.Attrs, "lat")
			lo, ok2 := attrFloat(a.Attrs, "lon")
			if ok1 && ok2 {
				lat, lon = la, lo
			}
			if key != "" {
				rs.places = append(rs.places, []any{key, name, attrString(a.Attrs, "country"), lat, lon})
			}
		case "demonym":
			key = attrString(a.Attrs, "geonameid")
			name = attrString(a.Attrs, "country")
		case "quote":
			key = attrString(a.Attrs, "speaker_entity")
			name = attrString(a.Attrs, "speaker")
		case "citation":
			key = attrString(a.Attrs, "outlet")
			name = attrString(a.Attrs, "title")
			if key != "" {
				rs.cites = append(rs.cites, []any{seq, outlet, key, a.Label, name, a.Start, a.End})
			}
		case "count", "amount":
			if v, ok := attrFloat(a.Attrs, "value", "number", "count", "n", "amount"); ok {
				num = v
			}
			key = attrString(a.Attrs, "object")
		}
		if !indexedKinds[a.Kind] {
			continue
		}
		var attrs any
		if len(a.Attrs) > 0 {
			b, err := json.Marshal(a.Attrs)
			if err == nil {
				attrs = string(b)
			}
		}
		rs.ann = append(rs.ann, []any{seq, a.ID, a.Kind, a.Label, a.Start, a.End, key, name, num, lat, lon, a.Analyzer, a.Version, a.Confidence, attrs})
	}
	for _, id := range order {
		rs.docEnts = append(rs.docEnts, []any{seq, id, mentions[id]})
	}
	for name, v := range doc.Analyzers {
		rs.analyzers = append(rs.analyzers, []any{seq, name, v})
	}
}

func (s *DB) flush(ctx context.Context, tx *sql.Tx, rs *rowSet) error {
	attrsPH := "?"
	if s.d.Postgres {
		attrsPH = "?::jsonb"
	}
	steps := []struct {
		head, ph, tail string
		rows           [][]any
	}{
		{`INSERT INTO annotations (doc, aid, kind, label, start_off, end_off, key, name, num, lat, lon, analyzer, version, confidence, attrs) VALUES `,
			"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + attrsPH + ")", "", rs.ann},
		{`INSERT INTO entities (id, type, name) VALUES `, "(?, ?, ?)", ` ON CONFLICT (id) DO NOTHING`, dedupe(rs.ents)},
		{`INSERT INTO doc_entities (doc, entity, mentions) VALUES `, "(?, ?, ?)", ` ON CONFLICT DO NOTHING`, rs.docEnts},
		{`INSERT INTO places (id, name, country, lat, lon) VALUES `, "(?, ?, ?, ?, ?)", ` ON CONFLICT (id) DO NOTHING`, dedupe(rs.places)},
		{`INSERT INTO citations (doc, outlet, cited, label, title, start_off, end_off) VALUES `, "(?, ?, ?, ?, ?, ?, ?)", "", rs.cites},
		{`INSERT INTO doc_analyzers (doc, analyzer, version) VALUES `, "(?, ?, ?)", ` ON CONFLICT DO NOTHING`, rs.analyzers},
		{`INSERT INTO outlets (name, first_seen) VALUES `, "(?, ?)", ` ON CONFLICT (name) DO NOTHING`, outletRows(rs.outlets, s.now().Unix())},
	}
	for _, st := range steps {
		if err := s.insertMany(ctx, tx, st.head, st.ph, st.tail, st.rows); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(st.head)[2], err)
		}
	}
	*rs = rowSet{}
	return nil
}

func outletRows(names []string, now int64) [][]any {
	var out [][]any
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, []any{n, now})
		}
	}
	return out
}

// dedupe keeps the first row per key (column 0), so one multi-row upsert
// never names a key twice (PostgreSQL rejects that).
func dedupe(rows [][]any) [][]any {
	seen := map[any]bool{}
	var out [][]any
	for _, r := range rows {
		if !seen[r[0]] {
			seen[r[0]] = true
			out = append(out, r)
		}
	}
	return out
}

// insertMany inserts rows with multi-row VALUES, in chunks that stay under
// both backends' bound-parameter limits.
func (s *DB) insertMany(ctx context.Context, tx *sql.Tx, head, ph, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := len(rows[0])
	chunk := 30000 / per
	for i := 0; i < len(rows); i += chunk {
		j := min(i+chunk, len(rows))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (j-i)*per)
		for k := i; k < j; k++ {
			if k > i {
				b.WriteByte(',')
			}
			b.WriteString(ph)
			args = append(args, rows[k]...)
		}
		b.WriteString(tail)
		if err := s.exec(ctx, tx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
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
	var doc document.Document
	body, err = unpackBody(body)
	if err != nil {
		return nil, fmt.Errorf("document %s: decode: %w", id, err)
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("document %s: decode: %w", id, err)
	}
	doc.Text = text
	return &doc, nil
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
	err = s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(DISTINCT a.doc), COUNT(*) FROM annotations a JOIN documents d ON d.seq = a.doc WHERE a.kind = 'place' AND a.key = ? AND d.latest = 1`), id).
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
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM doc_analyzers x WHERE x.doc = d.seq AND x.analyzer = ? AND x.version = ?)`)
		args = append(args, n, want[n])
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT d.id FROM documents d WHERE d.id > ? AND (`+strings.Join(conds, " OR ")+`) ORDER BY d.id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("stale: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Replace implements store.Store.
func (s *DB) Replace(ctx context.Context, docs []*document.Document) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replace: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var rows rowSet
	for _, doc := range docs {
		var seq int64
		var outlet, text string
		if err := tx.QueryRowContext(ctx, s.rebind(`SELECT d.seq, d.outlet, `+s.textCol()+` FROM documents d `+s.bodyJoin()+` WHERE d.id = ?`), doc.ID).Scan(&seq, &outlet, &text); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				err = store.ErrNotFound
			}
			return fmt.Errorf("replace %s: %w", doc.ID, err)
		}
		if text != doc.Text {
			return fmt.Errorf("replace %s: text differs from the stored text", doc.ID)
		}
		for _, t := range []string{"annotations", "doc_entities", "citations", "doc_analyzers"} {
			if err := s.exec(ctx, tx, `DELETE FROM `+t+` WHERE doc = ?`, seq); err != nil {
				return fmt.Errorf("replace %s: %w", doc.ID, err)
			}
		}
		body, err := encodeBody(doc)
		if err != nil {
			return err
		}
		if !s.d.Postgres {
			body = packBody(body)
		}
		if s.d.Postgres {
			err = s.exec(ctx, tx, `UPDATE documents SET body = ?, focus_place = ? WHERE seq = ?`, body, focusPlace(doc), seq)
		} else {
			err = s.exec(ctx, tx, `UPDATE documents SET focus_place = ? WHERE seq = ?`, focusPlace(doc), seq)
			if err == nil {
				err = s.exec(ctx, tx, `UPDATE doc_bodies SET body = ? WHERE seq = ?`, body, seq)
			}
		}
		if err != nil {
			return fmt.Errorf("replace %s: %w", doc.ID, err)
		}
		rows.add(seq, outlet, doc)
	}
	if err := s.flush(ctx, tx, &rows); err != nil {
		return fmt.Errorf("replace: %w", err)
	}
	return tx.Commit()
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
