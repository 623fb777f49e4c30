package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/ingest"
	"github.com/newslens/newslens/store/dial"
)

func runReanalyze(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("reanalyze", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", dial.DefaultPath, "store: a SQLite file path or a postgres:// URL")
	batch := fs.Int("batch", 200, "documents per transaction")
	only := fs.String("only", "", "comma-separated analyzers to check and run (with what they require)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens reanalyze [flags]\n\nRe-runs the analyzers over stored documents whose annotations come from an older analyzer\nversion (or a missing analyzer), in batches; interrupted runs resume where they stopped.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opts := newslens.Options{}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	p, err := newslens.NewPipeline(opts)
	if err != nil {
		return err
	}
	s, err := dial.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	prog := newCorpusProgress(e.stderr, -1)
	done, failed, err := ingest.Reanalyze(ctx, s, p, ingest.ReanalyzeOptions{BatchSize: *batch, Logger: corpusLogger(e.stderr),
		OnProgress: func(done, failed int) {
			prog.update(ingest.Progress{Stored: done, Failed: failed, Start: prog.start()})
		}})
	prog.clear()
	fmt.Fprintf(e.stderr, "newslens: %d documents reanalysed, %d failed\n", done, failed)
	return err
}
