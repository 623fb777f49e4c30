package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/entity"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/quote"
)

// quotesRerankReport is what "train quotes-rerank --json" prints: the
// cross-validation figures by fold, then the shipped model's.
type quotesRerankReport struct {
	Data  string              `json:"data"`
	Folds []quotesRerankFold  `json:"folds"`
	Total quotesRerankFold    `json:"cv_total"`
	Out   string              `json:"out"`
	Opts  quote.RerankOptions `json:"options"`
}

// quotesRerankFold is one fold's held-out figures: example counts and the
// end-to-end PolNeAR scores of the fold's tagger without and with the
// fold's reranker.
type quotesRerankFold struct {
	Fold     int               `json:"fold"`
	Source   quote.RerankScore `json:"source"`
	Cue      quote.RerankScore `json:"cue"`
	Without  quotesShort       `json:"without_reranker"`
	With     quotesShort       `json:"with_reranker"`
	Articles int               `json:"articles"`
	Keep     quote.KeepScore   `json:"keep"`
}

type quotesShort struct {
	ContentOverlapF1 float64 `json:"content_overlap_f1"`
	SourceExactF1    float64 `json:"source_exact_f1"`
	CueExactF1       float64 `json:"cue_exact_f1"`
	AttributionF1    float64 `json:"attribution_f1"`
}

// runTrainQuotesRerank trains the span reranker on PolNeAR train: the
// articles are split into folds by name order; for each fold a tagger is
// trained on the other folds and run on it, so every example shows the
// tagger's errors on unseen text. Each fold is then scored end to end with
// a reranker trained on the other folds' examples (the cross-validation
// figures), and the shipped reranker is trained on every fold's examples.
func runTrainQuotesRerank(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train quotes-rerank", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/quotes/polnear/train", "PolNeAR train split directory")
	out := fs.String("out", filepath.Join("quote", quote.RerankPath), "reranker model file to write")
	folds := fs.Int("folds", 5, "cross-validation folds (articles by name order, article i in fold i mod N)")
	epochs := fs.Int("epochs", 0, "reranker epochs (0: default)")
	rate := fs.Float64("rate", 0, "reranker SGD step (0: default)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	allAnn := fs.Bool("all-annotators", false, "train the fold taggers also on the other annotators' files of the articles annotated several times (scoring still uses one file per article)")
	grid := fs.String("grid", "", "before training, compare these EPOCHS:RATE settings (comma-separated) by cross-validated reranking accuracy, and log it")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *folds < 2 {
		return fmt.Errorf("%w: --folds must be at least 2", errUsage)
	}
	arts, err := eval.ReadPolNeAR(*data)
	if err != nil {
		return err
	}
	extra, err := quotesExtraAnnotators(*data, *allAnn, arts)
	if err != nil {
		return err
	}
	// segment and run the entities analyzer once; each fold's quotes
	// analyzer then works on a shallow copy
	ents, err := entity.New(entity.Options{})
	if err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Config{Analyzers: []pipeline.Analyzer{ents}})
	if err != nil {
		return err
	}
	docs := make([]*document.Document, len(arts))
	for i, a := range arts {
		docs[i] = &document.Document{Text: a.Text}
		if err := p.Analyze(ctx, docs[i]); err != nil {
			return fmt.Errorf("train quotes-rerank: %s: %w", a.Name, err)
		}
	}
	logf := func(format string, args ...any) { fmt.Fprintf(e.stderr, format+"\n", args...) }
	set := &quote.RerankSet{}
	taggers := make([]*quote.Analyzer, *folds)
	for k := range taggers {
		var tdocs []quote.TrainDoc
		for i, a := range arts {
			if i%*folds != k {
				tdocs = append(tdocs, quotesTrainDoc(a))
				for _, x := range extra[a.Name] {
					tdocs = append(tdocs, quotesTrainDoc(x))
				}
			}
		}
		var buf bytes.Buffer
		if err := quote.Train(ctx, tdocs, quote.TrainOptions{}, &buf); err != nil {
			return fmt.Errorf("train quotes-rerank: fold %d: %w", k, err)
		}
		dir, err := os.MkdirTemp("", "quotes-rerank")
		if err != nil {
			return err
		}
		name := filepath.Join(dir, "tagger.bin.gz")
		err = os.WriteFile(name, buf.Bytes(), 0o644)
		if err == nil {
			taggers[k], err = quote.NewFromFS(os.DirFS(dir), "tagger.bin.gz")
		}
		os.RemoveAll(dir)
		if err != nil {
			return fmt.Errorf("train quotes-rerank: fold %d: %w", k, err)
		}
		for i, a := range arts {
			if i%*folds == k {
				if err := taggers[k].AddExamples(ctx, set, k, docs[i], quotesGold(a)); err != nil {
					return fmt.Errorf("train quotes-rerank: %s: %w", a.Name, err)
				}
			}
		}
		logf("fold %d: tagger trained on %d articles; %d examples so far", k, len(tdocs), set.Len())
	}
	if *grid != "" {
		for _, g := range strings.Split(*grid, ",") {
			var o quote.RerankOptions
			if _, err := fmt.Sscanf(g, "%d:%g", &o.Epochs, &o.Rate); err != nil {
				return fmt.Errorf("%w: --grid %q: %v", errUsage, g, err)
			}
			var src, cue quote.RerankScore
			for k := 0; k < *folds; k++ {
				r, err := set.Fit(ctx, o, k)
				if err != nil {
					return err
				}
				s, c := set.Score(r, k)
				src.Oracle, src.Base, src.Reranked = src.Oracle+s.Oracle, src.Base+s.Base, src.Reranked+s.Reranked
				cue.Oracle, cue.Base, cue.Reranked = cue.Oracle+c.Oracle, cue.Base+c.Base, cue.Reranked+c.Reranked
			}
			logf("grid %s: source right %d (base %d, oracle %d), cue right %d (base %d, oracle %d)", g,
				src.Reranked, src.Base, src.Oracle, cue.Reranked, cue.Base, cue.Oracle)
		}
	}
	opts := quote.RerankOptions{Epochs: *epochs, Rate: *rate}
	rep := quotesRerankReport{Data: *data, Out: *out, Opts: opts}
	byName := map[string]*document.Document{}
	for i, a := range arts {
		byName[a.Name] = docs[i]
	}
	for k := 0; k < *folds; k++ {
		r, err := set.Fit(ctx, opts, k)
		if err != nil {
			return err
		}
		f := quotesRerankFold{Fold: k}
		f.Source, f.Cue = set.Score(r, k)
		f.Keep = set.KeepScore(r, k)
		logf("fold %d keep: %+v", k, f.Keep)
		var held []eval.QuoteArticle
		for i, a := range arts {
			if i%*folds == k {
				held = append(held, a)
			}
		}
		f.Articles = len(held)
		for _, use := range []*quote.Reranker{nil, r} {
			qa := taggers[k].WithReranker(use)
			res, err := eval.ScoreQuotes(ctx, held, func(ctx context.Context, name, txt string) ([]eval.QuoteAttr, error) {
				d := *byName[name]
				d.Annotations = slices.Clip(d.Annotations)
				if err := qa.Analyze(ctx, &d); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				return quoteAttrs(&d), nil
			})
			if err != nil {
				return err
			}
			sh := quotesShort{res.ContentOverlapF1, res.SourceExactF1, res.CueExactF1, res.AttributionF1}
			if use == nil {
				f.Without = sh
			} else {
				f.With = sh
			}
		}
		logf("fold %d: source exact %.3f -> %.3f, cue exact %.3f -> %.3f, content overlap %.3f -> %.3f (examples: source %d/%d/%d, cue %d/%d/%d oracle/base/reranked)",
			k, f.Without.SourceExactF1, f.With.SourceExactF1, f.Without.CueExactF1, f.With.CueExactF1,
			f.Without.ContentOverlapF1, f.With.ContentOverlapF1, f.Source.Oracle, f.Source.Base, f.Source.Reranked,
			f.Cue.Oracle, f.Cue.Base, f.Cue.Reranked)
		rep.Folds = append(rep.Folds, f)
	}
	// pooled cross-validation figures: the mean of the folds, weighted by articles
	for _, f := range rep.Folds {
		w := float64(f.Articles) / float64(len(arts))
		t := &rep.Total
		t.Articles += f.Articles
		for _, p := range [][2]*quote.RerankScore{{&t.Source, &f.Source}, {&t.Cue, &f.Cue}} {
			p[0].Examples += p[1].Examples
			p[0].Oracle += p[1].Oracle
			p[0].Base += p[1].Base
			p[0].Reranked += p[1].Reranked
		}
		for _, p := range [][2]*quotesShort{{&t.Without, &f.Without}, {&t.With, &f.With}} {
			p[0].ContentOverlapF1 += w * p[1].ContentOverlapF1
			p[0].SourceExactF1 += w * p[1].SourceExactF1
			p[0].CueExactF1 += w * p[1].CueExactF1
			p[0].AttributionF1 += w * p[1].AttributionF1
		}
	}
	rep.Total.Fold = -1
	r, err := set.Fit(ctx, opts, -1)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		return fmt.Errorf("train quotes-rerank: %w", err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("train quotes-rerank: %w", err)
	}
	if *asJSON {
		return writeJSON(e.stdout, rep)
	}
	t := rep.Total
	fmt.Fprintf(e.stdout, "cross-validation (%d folds, %d articles): source exact %.3f -> %.3f, cue exact %.3f -> %.3f, content overlap %.3f -> %.3f, attribution %.3f -> %.3f\n",
		*folds, t.Articles, t.Without.SourceExactF1, t.With.SourceExactF1, t.Without.CueExactF1, t.With.CueExactF1,
		t.Without.ContentOverlapF1, t.With.ContentOverlapF1, t.Without.AttributionF1, t.With.AttributionF1)
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes) from %d examples\n", *out, buf.Len(), set.Len())
	return nil
}

// quotesTrainDoc converts a PolNeAR article for the tagger's trainer.
func quotesTrainDoc(a eval.QuoteArticle) quote.TrainDoc {
	d := quote.TrainDoc{Name: a.Name, Text: a.Text}
	for _, x := range a.Attrs {
		for _, p := range []struct {
			role string
			s    eval.QuoteSpan
		}{{quote.RoleSource, x.Source}, {quote.RoleCue, x.Cue}, {quote.RoleContent, x.Content}} {
			if !p.s.Set {
				continue
			}
			if p.s.Frags == nil {
				d.Spans = append(d.Spans, quote.TrainSpan{Role: p.role, Start: p.s.Start, End: p.s.End})
			}
			for _, f := range p.s.Frags {
				d.Spans = append(d.Spans, quote.TrainSpan{Role: p.role, Start: f[0], End: f[1]})
			}
		}
	}
	return d
}

// quotesGold converts a PolNeAR article's attributions for the reranker.
func quotesGold(a eval.QuoteArticle) []quote.GoldAttr {
	sp := func(s eval.QuoteSpan) document.Span {
		if !s.Set {
			return document.Span{}
		}
		return document.Span{Start: s.Start, End: s.End}
	}
	out := make([]quote.GoldAttr, 0, len(a.Attrs))
	for _, x := range a.Attrs {
		out = append(out, quote.GoldAttr{Source: sp(x.Source), Cue: sp(x.Cue), Content: sp(x.Content)})
	}
	return out
}

// quotesExtraAnnotators returns, when all is set, the other annotators'
// versions of the articles of dir that several annotators annotated, by
// article name: every file but the one ReadPolNeAR chose (arts). They are
// extra training documents for the tagger only; scores use arts.
func quotesExtraAnnotators(dir string, all bool, arts []eval.QuoteArticle) (map[string][]eval.QuoteArticle, error) {
	if !all {
		return nil, nil
	}
	multi, err := eval.ReadPolNeARMulti(dir)
	if err != nil {
		return nil, err
	}
	chosen := map[string]string{}
	for _, a := range arts {
		chosen[a.Name] = a.Annotator
	}
	out := map[string][]eval.QuoteArticle{}
	for _, versions := range multi {
		for _, v := range versions {
			if who, ok := chosen[v.Name]; ok && v.Annotator != who {
				out[v.Name] = append(out[v.Name], v)
			}
		}
	}
	return out, nil
}
