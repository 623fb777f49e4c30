package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/figure"
	"github.com/newslens/newslens/text"
	"github.com/newslens/newslens/tone"
)

// runEvalFigures scores the figures analyzer on a hand-annotated gold set.
func runEvalFigures(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval figures", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	gold := fs.String("gold", filepath.Join("figure", "testdata", "gold", "figures.jsonl"), "gold set (JSON Lines)")
	shared := fs.String("shared", "../shared", "root of the shared data the gold articles point into")
	asJSON := fs.Bool("json", false, "print one JSON object")
	errs := fs.Bool("errors", false, "list false positives and negatives")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	arts, err := eval.ReadFiguresGold(*gold)
	if err != nil {
		return err
	}
	an := figure.New()
	predict := func(ctx context.Context, txt string, pub *time.Time) ([]document.Annotation, error) {
		doc := &document.Document{Text: txt, Published: pub}
		text.Segment(doc)
		if err := an.Analyze(ctx, doc); err != nil {
			return nil, err
		}
		return doc.Annotations, nil
	}
	res, err := eval.ScoreFigures(ctx, *shared, arts, predict, *errs)
	if err != nil {
		return err
	}
	res.Gold = *gold
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "figures on %s (%d articles)\n", *gold, res.Articles)
	for _, r := range []struct {
		name string
		p    eval.PRF
	}{{"counts", res.Counts}, {"amounts", res.Amounts}, {"dates", res.Dates}} {
		fmt.Fprintf(e.stdout, "  %-8s P %.3f  R %.3f  F1 %.3f  (tp %.0f fp %.0f fn %.0f)\n", r.name, r.p.Precision, r.p.Recall, r.p.F1, r.p.TP, r.p.FP, r.p.FN)
	}
	for _, x := range res.Errors {
		fmt.Fprintf(e.stdout, "  %s %-6s %s @%d %q %s\n", x.Type, x.Kind, x.Article, x.Start, x.Text, x.Key)
	}
	return nil
}

// runTrainTone rebuilds the tone analyzer's embedded lexicon from
// ../shared/data/lexicons.
func runTrainTone(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train tone", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dir := fs.String("lexicons", "../shared/data/lexicons", "directory with afinn/, vader/ and pattern/")
	out := fs.String("out", filepath.Join("tone", tone.LexiconFile), "output file")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	b, err := tone.BuildLexicon(*dir)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("train tone: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d bytes\n", *out, len(b))
	return nil
}
