package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// writeTx is a write transaction. In SQLite it is begun on a dedicated
// connection (conn), so the many single-row statements of a batch can run
// on the driver directly (see execRows); conn is nil otherwise.
type writeTx struct {
	*sql.Tx
	conn *sql.Conn
}

// begin starts a write transaction; done must be called after Commit or
// Rollback to return the connection to the pool.
func (s *DB) begin(ctx context.Context) (w writeTx, done func(), err error) {
	if s.d.Postgres {
		tx, err := s.db.BeginTx(ctx, nil)
		return writeTx{Tx: tx}, func() {}, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return w, nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return w, nil, err
	}
	return writeTx{Tx: tx, conn: conn}, func() { conn.Close() }, nil
}

// execRows runs the single-row statement query once per row.
//
// On a SQLite connection it prepares and executes below database/sql:
// database/sql converts every argument through reflection-based
// converters and locks and checks the connection per call, which cost
// about a tenth of a batch's write CPU at ~150 statements per analysed
// document. The driver also starts a goroutine per statement to watch a
// cancellable context; rows run under context.WithoutCancel and the
// caller's context is checked every 256 rows instead.
func (w writeTx) execRows(ctx context.Context, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if w.conn == nil {
		st, err := w.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
		return nil
	}
	return w.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot prepare", dc)
		}
		quiet := context.WithoutCancel(ctx)
		st, err := pc.PrepareContext(quiet, query)
		if err != nil {
			return err
		}
		defer st.Close()
		se, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("driver statement %T cannot execute", st)
		}
		args := make([]driver.NamedValue, len(rows[0]))
		for i, r := range rows {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if len(r) != len(args) {
				return fmt.Errorf("row %d has %d values, want %d", i, len(r), len(args))
			}
			for k, v := range r {
				dv, err := driverValue(v)
				if err != nil {
					return fmt.Errorf("row %d, column %d: %w", i, k+1, err)
				}
				args[k] = driver.NamedValue{Ordinal: k + 1, Value: dv}
			}
			if _, err := se.ExecContext(quiet, args); err != nil {
				return err
			}
		}
		return nil
	})
}

// driverValue converts the Go values the store binds to driver.Value
// without reflection.
func driverValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil, int64, float64, string, []byte, bool:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	}
	return driver.DefaultParameterConverter.ConvertValue(v)
}
