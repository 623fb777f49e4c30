package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
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
	d, err := s.Get(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != text || d.Title != "Shelling" || len(d.Annotations) != 1 || d.Annotations[0].Text != "Tuesday" {
		t.Errorf("migrated document = %q %q %+v", d.Title, d.Text, d.Annotations)
	}
	res, err := s.Search(ctx, store.Filter{Query: "suburbs"}, store.Page{Sort: store.SortDate})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || len(res.Hits[0].Snippets) == 0 {
		t.Errorf("search after migration: %+v", res)
	}
}

// TestBodyPacked checks that new bodies are stored deflated and read back.
func TestBodyPacked(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := storetest.Doc("https://a.org/y", "a.org", "T", "Some text that is long enough to store here, and then some more.", storetest.Day("2020-02-02"))
	res, err := s.Put(ctx, []*document.Document{d})
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	if err := s.SQL().QueryRowContext(ctx, `SELECT b.body FROM doc_bodies b JOIN documents d ON d.seq = b.seq WHERE d.id = ?`, res[0].ID).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte("\x00d1")) {
		t.Errorf("stored body not packed: %q", body[:min(len(body), 20)])
	}
	got, err := s.Get(ctx, res[0].ID)
	if err != nil || got.Text != d.Text || got.Title != "T" {
		t.Errorf("Get = %+v, %v", got, err)
	}
}
