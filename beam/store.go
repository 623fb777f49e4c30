package nlbeam

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store/postgres"
)

func init() {
	register.DoFn3x1[context.Context, string, string, error](&postgresSinkFn{})
}

var cntStored = beam.NewCounter("newslens", "documents_stored")

// WritePostgres stores KV<id, document JSON> in the PostgreSQL corpus at dsn,
// batch documents per transaction. The store's identity rule (canonical URL
// plus text hash) makes a write idempotent, so Beam's retries of a failed
// bundle never duplicate a document.
func WritePostgres(s beam.Scope, docs beam.PCollection, dsn string, batch int) {
	if batch <= 0 {
		batch = 500
	}
	beam.ParDo0(s.Scope("postgres"), &postgresSinkFn{DSN: dsn, Batch: batch}, docs)
}

// postgresSinkFn buffers a bundle's documents and writes them with one
// store.Put per batch. A write error fails the bundle so the runner retries
// it: the error is the database's, not the document's, since every document
// reaching here came out of the pipeline valid.
type postgresSinkFn struct {
	DSN   string
	Batch int

	st  *postgres.Store
	buf []*document.Document
}

func (fn *postgresSinkFn) Setup(ctx context.Context) error {
	st, err := postgres.Open(ctx, fn.DSN)
	if err != nil {
		return fmt.Errorf("postgres sink: %w", err)
	}
	fn.st = st
	return nil
}

func (fn *postgresSinkFn) StartBundle(ctx context.Context) {
	fn.buf = fn.buf[:0]
}

func (fn *postgresSinkFn) ProcessElement(ctx context.Context, id, line string) error {
	var d document.Document
	if err := json.Unmarshal([]byte(line), &d); err != nil {
		return fmt.Errorf("postgres sink: document %s: %w", id, err)
	}
	fn.buf = append(fn.buf, &d)
	if len(fn.buf) >= fn.Batch {
		return fn.flush(ctx)
	}
	return nil
}

func (fn *postgresSinkFn) FinishBundle(ctx context.Context) error {
	return fn.flush(ctx)
}

func (fn *postgresSinkFn) flush(ctx context.Context) error {
	if len(fn.buf) == 0 {
		return nil
	}
	if _, err := fn.st.Put(ctx, fn.buf); err != nil {
		return fmt.Errorf("postgres sink: writing %d documents: %w", len(fn.buf), err)
	}
	cntStored.Inc(ctx, int64(len(fn.buf)))
	fn.buf = fn.buf[:0]
	return nil
}

func (fn *postgresSinkFn) Teardown() error {
	if fn.st == nil {
		return nil
	}
	return fn.st.Close()
}
