package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/newslens/newslens/export"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

func runExport(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var ff corpusFilterFlags
	ff.register(fs)
	format := fs.String("format", "jsonl", "jsonl (full documents), csv (one row per annotation), gkg (GDELT GKG 2.1 TSV) or events (one CSV row per event, with its evidence sentence)")
	query := fs.String("query", "", "full-text query restricting the documents")
	out := fs.String("out", "-", "output file (- for stdout)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens export [flags]\n\nWrites the documents matching the filters, oldest first.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	f, err := ff.filter(*query)
	if err != nil {
		return err
	}
	w := e.stdout
	if *out != "-" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	ew, err := export.New(*format, w)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	s, err := dial.Open(ctx, *ff.db)
	if err != nil {
		return err
	}
	defer s.Close()
	n := 0
	const page = 500
	for off := 0; ; off += page {
		res, err := s.Search(ctx, f, store.Page{Limit: page, Offset: off, Sort: store.SortDateAsc})
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			doc, err := s.Get(ctx, h.ID)
			if err != nil {
				return err
			}
			if err := ew.Write(doc, h.DocInfo); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			n++
		}
		if len(res.Hits) < page {
			break
		}
	}
	if err := ew.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "newslens: exported %d documents as %s\n", n, *format)
	return nil
}
