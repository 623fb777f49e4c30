package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/postgres"
	"github.com/newslens/newslens/store/storetest"
)

// testDSN returns $NEWSLENS_TEST_POSTGRES. Without it the tests skip,
// except under CI=true, where a missing server is a failure: CI starts one.
func testDSN(t testing.TB) string {
	dsn := os.Getenv("NEWSLENS_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but NEWSLENS_TEST_POSTGRES is not set: .ci/run must start PostgreSQL")
		}
		t.Skip("NEWSLENS_TEST_POSTGRES not set")
	}
	return dsn
}

// tempSchema creates a fresh schema in the test database, dropped when the
// test ends, and returns a DSN whose search_path is that schema, so
// parallel runs never collide.
func tempSchema(t testing.TB, prefix string) string {
	dsn := testDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return withSearchPath(t, dsn, schema)
}

// openTemp opens a store in a fresh schema of the test database.
func openTemp(t testing.TB) *postgres.Store {
	s, err := postgres.Open(context.Background(), tempSchema(t, "t_"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func withSearchPath(t testing.TB, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func TestConformance(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func BenchmarkPut(b *testing.B) {
	storetest.BenchPut(b, openTemp(b))
}
