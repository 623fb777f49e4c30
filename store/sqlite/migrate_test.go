package sqlite

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/internal/sqlstore"
	"github.com/newslens/newslens/store/storetest"
)

// TestMigrateNarrowDocuments checks migration 0002 on a store written by
// the 0001 schema: text and JSON body move to doc_bodies and the document
// still reads back whole and is still found by full-text search.
func TestMigrateNarrowDocuments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	first, err := migrations.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.New(ctx, db, sqlstore.Dialect{Name: "sqlite", Migrations: fstest.MapFS{"0001_init.sql": {Data: first}}}); err != nil {
		t.Fatal(err)
	}
	const text = "Rebels shelled the northern suburbs on Tuesday, officials said."
	body := `{"id":"d1","title":"Shelling","text":"","extraction":{"source":"text"},"annotations":[{"id":"a1","kind":"date","start":41,"end":48,"text":"Tuesday","confidence":1,"analyzer":"figures","version":"1"}]}`
	for _, q := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO documents (id, canonical_url, text_hash, outlet, title, published, day, ingested, cluster_id, bytes, text, body)
			VALUES ('d1', 'https://a.org/x', ?, 'a.org', 'Shelling', 1580601600, 18293, 1580601600, 'd1', ?, ?, ?)`, []any{store.TextHash(text), len(text), text, body}},
		{`INSERT INTO documents_fts (rowid, title, text) VALUES (1, 'Shelling', ?)`, []any{text}},
		{`INSERT INTO entities (id, type, name) VALUES ('Q1', 'ORG', 'Rebels'), ('Q2', 'LOC', 'Suburbs')`, nil},
		{`INSERT INTO doc_entities (doc, entity, mentions) VALUES (1, 'Q1', 1), (1, 'Q2', 3)`, nil},
		{`INSERT INTO doc_analyzers (doc, analyzer, version) VALUES (1, 'figures', '1'), (1, 'entities', '2.1')`, nil},
		{`INSERT INTO places (id, name, country, lat, lon) VALUES ('170063', 'Aleppo', 'SY', 36.2, 37.1)`, nil},
		{`INSERT INTO annotations (doc, aid, kind, label, start_off, end_off, key, name) VALUES (1, 'a9', 'place', 'LOC', 0, 6, '170063', 'Aleppo')`, nil},
	} {
		if _, err := db.ExecContext(ctx, q.q, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open with migration 0002: %v", err)
	}
	defer s.Close()
	storetest.CheckMigrated0001(t, s, s.SQL(), text)
	res, err := s.Search(ctx, store.Filter{Query: "suburbs"}, store.Page{Sort: store.SortDate})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || len(res.Hits[0].Snippets) == 0 {
		t.Errorf("search after migration: %+v", res)
	}
	// Migration 0008 queues the document for the rollups; a fold counts it.
	if err := s.Fold(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM rollups WHERE agg = 'places' AND k2 = '170063' AND n = 1`).Scan(&n); err != nil || n != 2 {
		t.Errorf("place rollup rows (all time and 2020) = %d, %v", n, err)
	}
}

// TestBodyFormats checks that new bodies are stored in the binary format
// and read back, and that bodies of the two earlier formats (JSON, and
// JSON deflated behind "\x00d1") still read.
func TestBodyFormats(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := storetest.Doc("https://a.org/y", "a.org", "T", "Some text that is long enough to store here, and then some more.", storetest.Day("2020-02-02"),
		"entity|LOC|text|entity_id=Q1")
	res, err := s.Put(ctx, []*document.Document{d})
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	if err := s.SQL().QueryRowContext(ctx, `SELECT b.body FROM doc_bodies b JOIN documents d ON d.seq = b.seq WHERE d.id = ?`, res[0].ID).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte("\x00d2")) {
		t.Errorf("stored body not binary: %q", body[:min(len(body), 20)])
	}
	got, err := s.Get(ctx, res[0].ID)
	if err != nil || got.Text != d.Text || got.Title != "T" || len(got.Annotations) != 1 || got.Annotations[0].Text != "text" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	js := `{"id":"` + res[0].ID + `","title":"Old","text":"","extraction":{"source":"text"},"annotations":[{"id":"a1","kind":"date","start":5,"end":9,"text":"text","confidence":1,"analyzer":"figures","version":"1"}]}`
	var z bytes.Buffer
	z.WriteString("\x00d1")
	w, _ := flate.NewWriter(&z, flate.BestSpeed)
	w.Write([]byte(js))
	w.Close()
	for name, old := range map[string][]byte{"json": []byte(js), "deflated json": z.Bytes()} {
		if _, err := s.SQL().ExecContext(ctx, `UPDATE doc_bodies SET body = ? WHERE seq = (SELECT seq FROM documents WHERE id = ?)`, old, res[0].ID); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, res[0].ID)
		if err != nil || got.Title != "Old" || got.Text != d.Text || len(got.Annotations) != 1 || got.Annotations[0].Kind != "date" {
			t.Errorf("%s body: Get = %+v, %v", name, got, err)
		}
	}
}

// TestBackfill0005 checks that migration 0005 indexes the events and
// portrayal labels of documents stored before it.
func TestBackfill0005(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	storetest.Backfill0005(t, func(t *testing.T) (store.Store, *sql.DB) {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s, s.SQL()
	})
}

// TestMigrateGroupedAnnotations checks migration 0011 on a store written
// by the 0010 schema: a document's annotation rows with the same kind,
// label, key, name and coordinates become one row counting them (values
// summed), the others keep their own, and the counts the aggregations
// give are unchanged.
func TestMigrateGroupedAnnotations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := fstest.MapFS{}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		base := filepath.Base(name)
		if base >= "0011" {
			continue
		}
		b, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		old[base] = &fstest.MapFile{Data: b}
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.New(ctx, db, sqlstore.Dialect{Name: "sqlite", Migrations: old}); err != nil {
		t.Fatal(err)
	}
	const text = "Shelling hit Aleppo. In the city 3 were killed, then 4 were killed; 2 were wounded."
	for _, q := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO documents (id, canonical_url, text_hash, outlet, title, published, day, ingested, cluster_id, bytes)
			VALUES ('d1', 'https://a.org/x', ?, 'a.org', 'Shelling', 1580601600, 18293, 1580601600, 'd1', ?)`, []any{store.TextHash(text), len(text)}},
		{`INSERT INTO doc_bodies (seq, text, body) VALUES (1, ?, '{"id":"d1","title":"Shelling","text":"","extraction":{"source":"text"}}')`, []any{text}},
		{`INSERT INTO documents_fts (rowid, title, text) VALUES (1, 'Shelling', ?)`, []any{text}},
		{`INSERT INTO places (id, name, country, lat, lon) VALUES ('170063', 'Aleppo', 'SY', 36.2, 37.1)`, nil},
		{`INSERT INTO annotations (doc, ord, aid, kind, label, start_off, end_off, key, name, lat, lon) VALUES
			(1, 0, 'a1', 'place', 'LOC', 13, 19, '170063', 'Aleppo', 36.2, 37.1),
			(1, 1, 'a2', 'place', 'LOC', 24, 32, '170063', 'Aleppo', 36.2, 37.1)`, nil},
		{`INSERT INTO annotations (doc, ord, aid, kind, label, start_off, end_off, key, name, num) VALUES
			(1, 2, 'a3', 'count', 'killed', 33, 46, '', '', 3),
			(1, 3, 'a4', 'count', 'killed', 53, 66, '', '', 4),
			(1, 4, 'a5', 'count', 'wounded', 68, 82, '', '', 2)`, nil},
		// Queued for the rollups: the fold after the migration counts
		// the grouped rows.
		{`INSERT INTO rollup_pending (seq) VALUES (1)`, nil},
	} {
		if _, err := db.ExecContext(ctx, q.q, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open with migration 0011: %v", err)
	}
	defer s.Close()
	var got []string
	rows, err := s.SQL().QueryContext(ctx, `SELECT ord, kind, label, key, COALESCE(num, -1), n FROM annotations WHERE doc = 1 ORDER BY ord`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ord, n int
		var kind, label, key string
		var num float64
		if err := rows.Scan(&ord, &kind, &label, &key, &num, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %g %d", ord, kind, label, key, num, n))
	}
	rows.Close()
	want := []string{"0 place LOC 170063 -1 2", "1 count killed  7 2", "2 count wounded  2 1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("annotations after 0011 = %q, want %q", got, want)
	}
	for _, c := range []struct {
		agg  store.Aggregation
		f    store.Filter
		want string
	}{
		{store.AggPlaces, store.Filter{}, "170063=2"},                  // rollup
		{store.AggPlaces, store.Filter{Query: "shelling"}, "170063=2"}, // base tables
		{store.AggCountsByType, store.Filter{}, "killed=2/7 wounded=1/2"},
	} {
		rows, err := s.Aggregate(ctx, store.AggQuery{Agg: c.agg}, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			g := fmt.Sprintf("%s=%d", r.Keys[0], r.Count)
			if c.agg == store.AggCountsByType {
				g += fmt.Sprintf("/%g", r.Sum)
			}
			got = append(got, g)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s after 0011 = %q, want %q", c.agg, got, c.want)
		}
	}
}
