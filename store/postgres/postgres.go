// Package postgres is the server newslens store: PostgreSQL through pgx,
// with tsvector full-text search on a GIN index, JSONB document bodies and
// annotation attributes, and numbered migrations embedded from migrations/.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	*sqlstore.DB
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string; add search_path=SCHEMA to use a schema other than public) and
// applies pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	s, err := sqlstore.New(ctx, db, sqlstore.Dialect{Name: "postgres", Migrations: sub, Postgres: true})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &Store{DB: s}, nil
}

// Analyze refreshes the planner statistics; run it after a bulk load
// (autovacuum does it eventually) so searches use the GIN index.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.SQL().ExecContext(ctx, `ANALYZE`)
	return err
}

// the pgx database/sql driver registers itself as "pgx" on import.
var _ = stdlib.GetDefaultDriver
