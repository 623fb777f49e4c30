package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/newslens/newslens/bench"
)

func runBench(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	shared := fs.String("shared", "../shared", "the shared data directory")
	limit := fs.Int("limit", 0, "articles per corpus (0: all)")
	rounds := fs.Int("rounds", 1, "repeat each measurement, keep the fastest")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	res, err := bench.Run(ctx, bench.Config{Shared: *shared, Limit: *limit, Rounds: *rounds})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "CPU: %s (GOMAXPROCS %d)\ncold start: %.0f ms\npeak RSS: %.0f MiB\n\n", res.CPU, res.GoMaxProcs, res.ColdStartMS, res.PeakRSSMiB)
	fmt.Fprintf(e.stdout, "%-14s %8s %16s %16s %12s\n", "corpus", "articles", "extract art/cpu-s", "full art/cpu-s", "full MB/cpu-s")
	for name, n := range res.Corpora {
		fmt.Fprintf(e.stdout, "%-14s %8d %16.1f %16.1f %12.2f\n", name, n, res.ExtractOnly[name].ArticlesPerCPUSec, res.Full[name].ArticlesPerCPUSec, res.Full[name].MBPerCPUSec)
	}
	fmt.Fprintf(e.stdout, "\nanalysis cost / extraction cost: HTML pages %.2f (sum of analyzers timed alone: %.2f), all corpora %.2f\nms per article by analyzer (slowest: %s):\n",
		res.CostRatioHTML, res.CostRatioHTMLPerAnalyzer, res.CostRatio, res.Slowest)
	for a, ms := range res.AnalyzerMS {
		fmt.Fprintf(e.stdout, "  %-12s %.3f\n", a, ms)
	}
	for w, m := range res.Scaling {
		for c, s := range m {
			fmt.Fprintf(e.stdout, "workers %s on %s: %.1f articles/s wall\n", w, c, s.ArticlesPerSec)
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(e.stdout, "note:", n)
	}
	return nil
}
