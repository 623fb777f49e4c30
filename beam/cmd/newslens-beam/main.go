// Command newslens-beam runs newslens's analysis as an Apache Beam pipeline:
// locally on the Prism runner, on Dataflow, or on Flink through a Beam job
// server. See docs/scale.md for the exact commands.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	nlbeam "github.com/newslens/newslens/beam"
)

func main() {
	inputs := flag.String("input", "", "comma-separated file globs: WARC, WARC.gz, JSONL, text, HTML (local or gs://)")
	output := flag.String("output", "", "output directory or bucket prefix for the JSONL shards")
	shards := flag.Int("shards", 16, "number of JSONL output shards")
	only := flag.String("only", "", "comma-separated analyzers to run (default: all)")
	extractOnly := flag.Bool("extract-only", false, "extract and segment only")
	pg := flag.String("postgres", "", "also store the documents in this PostgreSQL corpus (postgres://...)")
	pgBatch := flag.Int("postgres-batch", 500, "documents per PostgreSQL transaction")
	flag.Parse()
	// beam.Init must run before anything else on a worker: there it takes
	// over and runs the worker harness.
	beam.Init()
	if err := run(context.Background(), *inputs, *output, *shards, *only, *extractOnly, *pg, *pgBatch); err != nil {
		fmt.Fprintln(os.Stderr, "newslens-beam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, inputs, output string, shards int, only string, extractOnly bool, pg string, pgBatch int) error {
	if inputs == "" || output == "" {
		return fmt.Errorf("--input and --output are required")
	}
	cfg := nlbeam.Config{Inputs: strings.Split(inputs, ","), Output: output, Shards: shards, ExtractOnly: extractOnly,
		Postgres: pg, PostgresBatch: pgBatch}
	if only != "" {
		cfg.Only = strings.Split(only, ",")
	}
	p, s := beam.NewPipelineWithRoot()
	nlbeam.Build(s, cfg)
	slog.Info("newslens-beam: running", "inputs", cfg.Inputs, "output", cfg.Output, "shards", cfg.Shards)
	if err := beamx.Run(ctx, p); err != nil {
		return fmt.Errorf("pipeline failed: %w", err)
	}
	return nil
}
