// Package dial opens a newslens store from one string, so commands and the
// server share the rule: a postgres:// or postgresql:// URL (or a libpq
// "host=..." string) is PostgreSQL, anything else is a SQLite file path.
package dial

import (
	"context"
	"strings"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/postgres"
	"github.com/newslens/newslens/store/sqlite"
)

// DefaultPath is the SQLite file used when no --db is given.
const DefaultPath = "newslens.db"

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.HasPrefix(dsn, "host=") || strings.HasPrefix(dsn, "dbname=")
}

// Open opens the store named by dsn ("" means DefaultPath).
func Open(ctx context.Context, dsn string) (store.Store, error) {
	if dsn == "" {
		dsn = DefaultPath
	}
	if IsPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}
