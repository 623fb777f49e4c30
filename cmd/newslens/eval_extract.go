package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"time"

	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/input"
)

// runEvalExtract scores HTML extraction on AEB or WCXB dev.
func runEvalExtract(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval extract", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "aeb", "benchmark: aeb (Scrapinghub) or wcxb (WCXB dev)")
	dir := fs.String("dir", "", "benchmark folder (default ../shared/data/extraction/aeb or .../wcxb/dev)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pages := fs.Bool("pages", false, "include per-page scores (with --json)")
	workers := fs.Int("workers", 0, "pages extracted at once (default: number of CPUs)")
	fallback := fs.Bool("fallback", false, "enable trafilatura's readability/domdistiller fallback")
	focus := fs.String("focus", "", "force one trafilatura focus: recall, balanced or precision (default: recall checked against precision)")
	single := fs.Bool("single", false, "one trafilatura pass (recall) instead of two")
	dedup := fs.Bool("dedup", false, "trafilatura deduplication")
	noTables := fs.Bool("exclude-tables", false, "leave tables out")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	x := extract.New(extract.Options{Fallback: *fallback, Focus: *focus, Single: *single, Deduplicate: *dedup, ExcludeTables: *noTables})
	fn := func(ctx context.Context, id, url string, html []byte) (string, error) {
		doc, err := x.Extract(ctx, input.Record{Name: id, URL: url, Format: input.FormatHTML, Content: html})
		if err != nil {
			return "", err
		}
		return extract.BodyText(doc), nil
	}
	start := time.Now()
	var (
		res eval.ExtractResult
		err error
	)
	switch *data {
	case "aeb":
		if *dir == "" {
			*dir = "../shared/data/extraction/aeb"
		}
		res, err = eval.EvalAEB(ctx, *dir, *workers, fn)
	case "wcxb":
		if *dir == "" {
			*dir = "../shared/data/extraction/wcxb/dev"
		}
		res, err = eval.EvalWCXB(ctx, *dir, *workers, fn)
	default:
		return fmt.Errorf("%w: unknown --data %q (aeb or wcxb)", errUsage, *data)
	}
	if err != nil {
		return err
	}
	if !*pages {
		res.Pages = nil
	}
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s (%s): n=%d  P %.4f  R %.4f  F1 %.4f  errors %d  (%s)\n",
		res.Data, res.Metric, res.N, res.Precision, res.Recall, res.F1, res.Errors, time.Since(start).Round(time.Millisecond))
	if res.Accuracy != nil {
		fmt.Fprintf(e.stdout, "  accuracy %.4f\n", *res.Accuracy)
	}
	types := make([]string, 0, len(res.PerType))
	for t := range res.PerType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		s := res.PerType[t]
		fmt.Fprintf(e.stdout, "  %-13s n=%3d  P %.4f  R %.4f  F1 %.4f\n", t, s.N, s.Precision, s.Recall, s.F1)
	}
	return nil
}
