package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/report"
)

func runAnalyze(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "", "output format: json (default for one input), jsonl (default for many), text")
	workers := fs.Int("workers", 0, "documents analysed at once (default: number of CPUs)")
	only := fs.String("only", "", "comma-separated analyzers to run (with what they require)")
	extractOnly := fs.Bool("extract-only", false, "extract and segment only, run no analyzer")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens analyze [flags] PATH|- ...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	paths := fs.Args()
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: analyze needs at least one PATH or -", errUsage)
	}
	opts := newslens.Options{Workers: *workers, ExtractOnly: *extractOnly}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	p, err := newslens.NewPipeline(opts)
	if err != nil {
		return err
	}
	single := len(paths) == 1 && paths[0] != "-" && !isDir(paths[0]) && !isMultiRecord(paths[0])
	if *format == "" {
		*format = "jsonl"
		if single {
			*format = "json"
		}
	}
	switch *format {
	case "json", "jsonl", "text":
	default:
		return fmt.Errorf("%w: unknown --format %q (json, jsonl or text)", errUsage, *format)
	}

	items := make(chan input.Item)
	go input.Read(ctx, paths, e.stdin, items)

	var prog *progress
	if f, ok := e.stderr.(*os.File); ok && !single && term.IsTerminal(int(f.Fd())) {
		prog = &progress{w: e.stderr, start: time.Now()}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if *format == "json" {
		enc.SetIndent("", "  ")
	}
	var ok, failed int
	err = p.Run(ctx, items, func(r pipeline.Result) error {
		if r.Err != nil {
			failed++
			prog.clear()
			fmt.Fprintf(e.stderr, "newslens: %v\n", r.Err)
			prog.tick(ok, failed)
			return nil
		}
		ok++
		prog.tick(ok, failed)
		if *format == "text" {
			return report.Text(e.stdout, r.Doc, report.Options{Color: isTerminal(e.stdout)})
		}
		return enc.Encode(r.Doc)
	})
	prog.done(ok, failed)
	if err != nil {
		return err
	}
	if !single || failed > 0 {
		fmt.Fprintf(e.stderr, "newslens: %d analysed, %d failed\n", ok, failed)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d inputs failed", failed, ok+failed)
	}
	return nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isMultiRecord(p string) bool {
	l := strings.ToLower(strings.TrimSuffix(strings.ToLower(p), ".gz"))
	return strings.HasSuffix(l, ".jsonl") || strings.HasSuffix(l, ".ndjson") || strings.HasSuffix(l, ".warc")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws a one-line counter on a terminal's stderr.
type progress struct {
	w     io.Writer
	start time.Time
	last  time.Time
}

func (p *progress) tick(ok, failed int) {
	if p == nil || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	n := ok + failed
	rate := float64(n) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%d documents (%d failed), %.1f/s ", n, failed, rate)
}

func (p *progress) clear() {
	if p != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *progress) done(ok, failed int) {
	if p != nil {
		p.last = time.Time{}
		p.tick(ok, failed)
		fmt.Fprintln(p.w)
	}
}
