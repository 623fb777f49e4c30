package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"testing/fstest"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/internal/sqlstore"
	"github.com/newslens/newslens/store/postgres"
	"github.com/newslens/newslens/store/storetest"
)

// TestMigrateFrom0001 opens a store written by the 0001 schema (a JSONB
// body, no rollups): the document reads back, its entities are ranked and
// it is counted into the rollups.
func TestMigrateFrom0001(t *testing.T) {
	ctx := context.Background()
	dsn := tempSchema(t, "m_")
	first, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.New(ctx, db, sqlstore.Dialect{Name: "postgres", Postgres: true, Migrations: fstest.MapFS{"0001_init.sql": {Data: first}}}); err != nil {
		t.Fatal(err)
	}
	const text = "Rebels shelled the northern suburbs on Tuesday, officials said."
	body := `{"id":"d1","title":"Shelling","text":"","extraction":{"source":"text"},"annotations":[{"id":"a1","kind":"date","start":41,"end":48,"text":"Tuesday","confidence":1,"analyzer":"figures","version":"1"}]}`
	for _, q := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO documents (id, canonical_url, text_hash, outlet, title, published, day, ingested, cluster_id, bytes, text, body)
			VALUES ('d1', 'https://a.org/x', $1, 'a.org', 'Shelling', 1580601600, 18293, 1580601600, 'd1', $2, $3, $4)`, []any{store.TextHash(text), len(text), text, body}},
		{`INSERT INTO entities (id, type, name) VALUES ('Q1', 'ORG', 'Rebels'), ('Q2', 'LOC', 'Suburbs')`, nil},
		{`INSERT INTO doc_entities (doc, entity, mentions) VALUES (1, 'Q1', 1), (1, 'Q2', 3)`, nil},
		{`INSERT INTO doc_analyzers (doc, analyzer, version) VALUES (1, 'figures', '1'), (1, 'entities', '2.1')`, nil},
	} {
		if _, err := db.ExecContext(ctx, q.q, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open with the later migrations: %v", err)
	}
	defer s.Close()
	storetest.CheckMigrated0001(t, s, s.SQL(), text)
}

// TestBackfill0005 checks that migration 0005 indexes the events and
// portrayal labels of documents stored before it.
func TestBackfill0005(t *testing.T) {
	ctx := context.Background()
	dsn := tempSchema(t, "b_")
	storetest.Backfill0005(t, func(t *testing.T) (store.Store, *sql.DB) {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return s, s.SQL()
	})
}
