package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
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
func (w writeTx) execRows(ctx context.Context, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ncol := len(rows[0])
	return w.execEach(ctx, query, len(rows), ncol, func(i int, args []driver.NamedValue) error {
		r := rows[i]
		if len(r) != ncol {
			return fmt.Errorf("row %d has %d values, want %d", i, len(r), ncol)
		}
		for k, v := range r {
			dv, err := driverValue(v)
			if err != nil {
				return fmt.Errorf("row %d, column %d: %w", i, k+1, err)
			}
			args[k].Value = dv
		}
		return nil
	})
}

// execEach runs the single-row statement query n times, with the ncol
// arguments that fill sets for each row (or the error it returns; driver values: nil, int64,
// float64, string, []byte or bool).
//
// On a SQLite connection it prepares and executes below database/sql:
// database/sql converts every argument through reflection-based
// converters and locks and checks the connection per call, which cost
// about a tenth of a batch's write CPU at ~150 statements per analysed
// document. The driver also starts a goroutine per statement to watch a
// cancellable context; rows run under context.WithoutCancel and the
// caller's context is checked every 256 rows instead. Filling the
// arguments in place spares a []any per row (the rollup upserts of a
// fold are ~100 per document).
func (w writeTx) execEach(ctx context.Context, query string, n, ncol int, fill func(i int, args []driver.NamedValue) error) error {
	if n == 0 {
		return nil
	}
	args := make([]driver.NamedValue, ncol)
	for k := range args {
		args[k].Ordinal = k + 1
	}
	if w.conn == nil {
		st, err := w.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		vals := make([]any, ncol)
		for i := 0; i < n; i++ {
			if err := fill(i, args); err != nil {
				return err
			}
			for k := range args {
				vals[k] = args[k].Value
			}
			if _, err := st.ExecContext(ctx, vals...); err != nil {
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
		for i := 0; i < n; i++ {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := fill(i, args); err != nil {
				return err
			}
			if _, err := se.ExecContext(quiet, args); err != nil {
				return err
			}
		}
		return nil
	})
}

// rowsPerStatement is how many rows one SQLite insert statement writes
// (execGrouped): a statement execution costs the driver more than a
// row's b-tree work (parameter look-up, step, reset, result), and 16
// rows per statement made a fold's 500k rollup upserts a quarter
// cheaper; 64 was no better.
const rowsPerStatement = 16

// execGrouped inserts n rows of ncol columns with the statement head +
// ph (one row's placeholders) + tail, rowsPerStatement rows per
// execution and the remainder one by one; fill sets row i's arguments.
func (w writeTx) execGrouped(ctx context.Context, head, ph, tail string, n, ncol int, fill func(i int, args []driver.NamedValue) error) error {
	per := rowsPerStatement
	full := n / per * per
	if full > 0 {
		var q strings.Builder
		q.WriteString(head)
		for i := 0; i < per; i++ {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(ph)
		}
		q.WriteString(tail)
		if err := w.execEach(ctx, q.String(), full/per, per*ncol, func(i int, args []driver.NamedValue) error {
			for j := 0; j < per; j++ {
				if err := fill(i*per+j, args[j*ncol:(j+1)*ncol]); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	if full == n {
		return nil
	}
	return w.execEach(ctx, head+ph+tail, n-full, ncol, func(i int, args []driver.NamedValue) error {
		return fill(full+i, args)
	})
}

// execValues is execGrouped over rows of Go values.
func (w writeTx) execValues(ctx context.Context, head, ph, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ncol := len(rows[0])
	return w.execGrouped(ctx, head, ph, tail, len(rows), ncol, func(i int, args []driver.NamedValue) error {
		r := rows[i]
		if len(r) != ncol {
			return fmt.Errorf("row %d has %d values, want %d", i, len(r), ncol)
		}
		for k, v := range r {
			dv, err := driverValue(v)
			if err != nil {
				return fmt.Errorf("row %d, column %d: %w", i, k+1, err)
			}
			args[k].Value = dv
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
