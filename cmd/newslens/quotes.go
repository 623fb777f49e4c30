package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/entity"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/quote"
)

// runEvalQuotes scores the quotes analyzer on a PolNeAR split.
func runEvalQuotes(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval quotes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/quotes/polnear/dev", "PolNeAR split directory (text/ and attributions/)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	modelPath := fs.String("model", "", "score this tagger model file instead of the embedded one")
	predictions := fs.String("predictions", "", "write every predicted attribution to this JSONL file (article, byte spans)")
	agreement := fs.Bool("agreement", false, "score the annotators against each other on the articles with several annotator files (the human ceiling), instead of the analyzer")
	mismatches := fs.String("mismatches", "", "write the spans that do not match exactly to this JSONL file (error analysis)")
	rerank := fs.String("rerank", "", "span reranker model file to use with --model (\"none\": none; default with --model: none, without: the embedded one)")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *agreement {
		multi, err := eval.ReadPolNeARMulti(*data)
		if err != nil {
			return err
		}
		res, err := eval.QuotesAgreement(ctx, multi)
		if err != nil {
			return err
		}
		res.Data = *data
		return printQuotesResult(e, res, *asJSON)
	}
	arts, err := eval.ReadPolNeAR(*data)
	if err != nil {
		return err
	}
	// the quotes analyzer runs after what it requires (entities), as in
	// "newslens analyze"; --model swaps in another tagger model.
	// only the two analyzers are built, so that another analyzer's model
	// does not have to load
	ents, err := entity.New(entity.Options{})
	if err != nil {
		return err
	}
	analyzers := []pipeline.Analyzer{ents}
	if *modelPath == "" && *rerank == "" {
		qa, err := quote.New()
		if err != nil {
			return err
		}
		analyzers = append(analyzers, qa)
	}
	if *modelPath != "" || *rerank != "" {
		var qa *quote.Analyzer
		if *modelPath != "" {
			qa, err = quote.NewFromFS(os.DirFS(filepath.Dir(*modelPath)), filepath.Base(*modelPath))
		} else {
			// the shipped tagger, with the reranker --rerank names
			if qa, err = quote.New(); err == nil && *rerank != "" {
				qa = qa.WithReranker(nil)
			}
		}
		if err != nil {
			return err
		}
		if *rerank != "" && *rerank != "none" {
			r, err := quote.LoadReranker(os.DirFS(filepath.Dir(*rerank)), filepath.Base(*rerank))
			if err != nil {
				return fmt.Errorf("eval quotes: %w", err)
			}
			qa = qa.WithReranker(r)
		}
		analyzers = append(analyzers, qa)
	}
	p, err := pipeline.New(pipeline.Config{Analyzers: analyzers})
	if err != nil {
		return err
	}
	var mis []eval.QuotesMismatch
	var preds []quotesPrediction
	gold := map[string][]eval.QuoteAttr{}
	for _, a := range arts {
		gold[a.Name] = a.Attrs
	}
	start := time.Now()
	res, err := eval.ScoreQuotes(ctx, arts, func(ctx context.Context, name, txt string) ([]eval.QuoteAttr, error) {
		doc := &document.Document{Text: txt}
		if err := p.Analyze(ctx, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pred := quoteAttrs(doc)
		if *predictions != "" {
			for _, x := range pred {
				preds = append(preds, quotesPrediction{Article: name, QuoteAttr: x})
			}
			for i, q := range doc.Of("quote") {
				preds[len(preds)-len(pred)+i].Label = q.Label
				preds[len(preds)-len(pred)+i].Confidence = q.Confidence
			}
		}
		if *mismatches != "" {
			mis = append(mis, eval.QuotesMismatches(name, txt, pred, gold[name])...)
		}
		return pred, nil
	})
	if err != nil {
		return err
	}
	if *mismatches != "" {
		if err := writeJSONL(*mismatches, mis); err != nil {
			return err
		}
	}
	if *predictions != "" {
		if err := writeJSONL(*predictions, preds); err != nil {
			return err
		}
	}
	res.Data = *data
	res.Seconds = time.Since(start).Seconds()
	return printQuotesResult(e, res, *asJSON)
}

// printQuotesResult prints res as one JSON object or as a short table.
func printQuotesResult(e env, res eval.QuotesResult, asJSON bool) error {
	if asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "PolNeAR %s: %d articles, %d gold / %d predicted attributions\n", res.Data, res.Articles, res.Gold, res.Predicted)
	for _, r := range []struct {
		n string
		q eval.QuotesPRF
	}{{"source", res.Source}, {"cue", res.Cue}, {"content", res.Content}} {
		fmt.Fprintf(e.stdout, "%-8s exact P/R/F1 %.3f/%.3f/%.3f  overlap P/R/F1 %.3f/%.3f/%.3f\n", r.n,
			r.q.Exact.Precision, r.q.Exact.Recall, r.q.Exact.F1, r.q.Overlap.Precision, r.q.Overlap.Recall, r.q.Overlap.F1)
	}
	fmt.Fprintf(e.stdout, "attribution F1 %.3f (P %.3f R %.3f)\n", res.Attribution.F1, res.Attribution.Precision, res.Attribution.Recall)
	return nil
}

// quoteAttrs converts a document's quote annotations for scoring.
func quoteAttrs(doc *document.Document) []eval.QuoteAttr {
	var out []eval.QuoteAttr
	for _, q := range doc.Of("quote") {
		var x eval.QuoteAttr
		if s, ok := q.Parts["content"]; ok {
			x.Content = eval.QuoteSpan{Start: s.Start, End: s.End, Set: true}
		}
		if s, ok := q.Parts["cue"]; ok {
			x.Cue = eval.QuoteSpan{Start: s.Start, End: s.End, Set: true}
		}
		if s, ok := q.Parts["source"]; ok {
			x.Source = eval.QuoteSpan{Start: s.Start, End: s.End, Set: true}
		}
		x.Direct = q.Label == "direct"
		out = append(out, x)
	}
	return out
}

// runTrainQuotes rebuilds the attribution tagger from PolNeAR train.
func runTrainQuotes(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train quotes", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/quotes/polnear/train", "PolNeAR train split directory")
	out := fs.String("out", filepath.Join("quote", quote.ModelPath), "model file to write")
	epochs := fs.Int("epochs", 0, "training epochs (0: default)")
	allAnn := fs.Bool("all-annotators", false, "train also on the other annotators' files of the articles annotated several times")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	arts, err := eval.ReadPolNeAR(*data)
	if err != nil {
		return err
	}
	extra, err := quotesExtraAnnotators(*data, *allAnn, arts)
	if err != nil {
		return err
	}
	docs := make([]quote.TrainDoc, 0, len(arts))
	for _, a := range arts {
		docs = append(docs, quotesTrainDoc(a))
		for _, x := range extra[a.Name] {
			docs = append(docs, quotesTrainDoc(x))
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("train quotes: %w", err)
	}
	logf := func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }
	if err := quote.Train(ctx, docs, quote.TrainOptions{Epochs: *epochs, Logf: logf}, f); err != nil {
		f.Close()
		return fmt.Errorf("train quotes: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("train quotes: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s from %d articles\n", *out, len(docs))
	return nil
}

// quotesPrediction is one line of --predictions.
type quotesPrediction struct {
	Article    string  `json:"article"`
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence"`
	eval.QuoteAttr
}

// writeJSONL writes one JSON object per line.
func writeJSONL[T any](path string, mis []T) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("eval quotes: %w", err)
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, m := range mis {
		if err := enc.Encode(m); err != nil {
			f.Close()
			return fmt.Errorf("eval quotes: %s: %w", path, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("eval quotes: %w", err)
	}
	return nil
}
