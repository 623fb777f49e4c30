package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/ner"
)

// runTrainNER rebuilds ner/model from ../shared/data (newslens train ner).
func runTrainNER(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train ner", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var cfg ner.BuildConfig
	fs.StringVar(&cfg.Shared, "shared", "../shared", "shared data folder")
	fs.StringVar(&cfg.Out, "out", "ner/model", "model directory to write")
	fs.IntVar(&cfg.Epochs, "epochs", 12, "maximum epochs (the best on valid is kept)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.BoolVar(&cfg.OnePass, "one-pass", false, "skip the document-consistency second pass")
	fs.BoolVar(&cfg.NoClusters, "no-clusters", false, "skip word clusters")
	fs.StringVar(&cfg.ClustersCache, "clusters-cache", "", "read word clusters from this file if it exists, else learn and write them there")
	fs.IntVar(&cfg.CityPop, "city-pop", 0, "add GeoNames cities of at least this population to the gazetteer")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(e.stderr, nil))
	man, err := ner.Build(ctx, cfg)
	if err != nil {
		return fmt.Errorf("train ner: %w", err)
	}
	return writeJSON(e.stdout, man)
}

// runEvalNER scores the embedded model (or a prediction file) on a CoNLL
// or IOB2 file (newslens eval ner).
func runEvalNER(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval ner", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/ner/conll2003/valid.txt", "gold file: token ... tag per line")
	format := fs.String("format", "conll", "conll (CoNLL-2003 columns, IOB1) or iob2 (token<TAB>tag)")
	pred := fs.String("pred", "", "score this prediction file (same tokens, tag in the last column) instead of running the model")
	system := fs.String("system", "", "name of the system in the output")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *format != "conll" && *format != "iob2" {
		return fmt.Errorf("%w: --format %q: want conll or iob2", errUsage, *format)
	}
	gold, err := ner.ReadCoNLLFile(*data)
	if err != nil {
		return fmt.Errorf("eval ner: %w", err)
	}
	res := eval.NERResult{Data: *data, Format: *format, System: *system}
	var goldSpans, predSpans [][]eval.NERSpan
	for _, d := range gold {
		for _, s := range d.Sentences {
			goldSpans = append(goldSpans, eval.NERTagSpans(s.Tags))
			res.Tokens += len(s.Words)
		}
	}
	res.Sentences = len(goldSpans)
	if *pred != "" {
		if res.System == "" {
			res.System = *pred
		}
		pd, err := ner.ReadCoNLLFile(*pred)
		if err != nil {
			return fmt.Errorf("eval ner: %w", err)
		}
		for _, d := range pd {
			for _, s := range d.Sentences {
				predSpans = append(predSpans, eval.NERTagSpans(s.Tags))
			}
		}
		if len(predSpans) != len(goldSpans) {
			return fmt.Errorf("eval ner: %s has %d sentences, %s has %d", *pred, len(predSpans), *data, len(goldSpans))
		}
	} else {
		if res.System == "" {
			res.System = "newslens ner (embedded model)"
		}
		m, err := ner.Default()
		if err != nil {
			return err
		}
		start := time.Now()
		for _, d := range gold {
			if err := ctx.Err(); err != nil {
				return err
			}
			sents := make([][]string, len(d.Sentences))
			for i, s := range d.Sentences {
				sents[i] = s.Words
			}
			for _, ss := range m.TagDoc(sents) {
				ps := make([]eval.NERSpan, len(ss))
				for k, s := range ss {
					ps[k] = eval.NERSpan{Start: s.Start, End: s.End, Type: s.Type}
				}
				predSpans = append(predSpans, ps)
			}
		}
		res.TokensPerSecond = float64(res.Tokens) / time.Since(start).Seconds()
	}
	all, per := eval.ScoreNER(goldSpans, predSpans)
	res.Precision, res.Recall, res.F1, res.PerType = all.Precision, all.Recall, all.F1, per
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	printNER(e.stdout, res)
	return nil
}

func printNER(w io.Writer, r eval.NERResult) {
	fmt.Fprintf(w, "%s on %s: %d sentences, %d tokens\n", r.System, r.Data, r.Sentences, r.Tokens)
	fmt.Fprintf(w, "%-8s %9s %9s %9s %6s\n", "type", "precision", "recall", "F1", "gold")
	fmt.Fprintf(w, "%-8s %9.4f %9.4f %9.4f\n", "overall", r.Precision, r.Recall, r.F1)
	for _, t := range []string{"PER", "ORG", "LOC", "MISC"} {
		if p, ok := r.PerType[t]; ok {
			fmt.Fprintf(w, "%-8s %9.4f %9.4f %9.4f %6.0f\n", t, p.Precision, p.Recall, p.F1, p.TP+p.FN)
		}
	}
	if r.TokensPerSecond > 0 {
		fmt.Fprintf(w, "speed: %.0f tokens/s\n", r.TokensPerSecond)
	}
}
