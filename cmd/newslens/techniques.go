package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/technique"
)

// runTrainTechniques rebuilds technique/model from the PTC train split, or
// with --cv N prints the N-fold cross-validation figures as one JSON object.
func runTrainTechniques(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train techniques", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", filepath.Join("..", "shared", "data"), "the shared data directory")
	out := fs.String("out", filepath.Join("technique", "model"), "where to write the model and manifest")
	cv := fs.Int("cv", 0, "only cross-validate with this many folds by article and print the figures")
	noClusters := fs.Bool("no-clusters", false, "leave out the word-cluster features")
	clCache := fs.String("clusters-cache", "", "read the learned word clusters from this file if it exists, else write them there")
	seed := fs.Int64("seed", 0, "random seed of training and of the fold assignment (0: the default, 1)")
	rescore := fs.Bool("rescore", false, "add the second-stage span rescorer (it did not beat the tagger alone in cross-validation)")
	noCluRates := fs.Bool("no-cluster-rates", false, "leave out the cluster rates")
	noNbr := fs.Bool("no-neighbours", false, "leave out the WordNet neighbour rates")
	wordnet := fs.String("wordnet", "/usr/share/wordnet", "the WordNet 3.0 database (Debian package wordnet-base); empty leaves out its features")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg := technique.BuildConfig{Data: *data, Out: *out, WordNet: *wordnet,
		Logger: slog.New(slog.NewTextHandler(e.stderr, nil)), NoClusters: *noClusters, ClustersCache: *clCache}
	cfg.Options.Seed = *seed
	cfg.Options.Rescore = *rescore
	cfg.Options.NoNeighbours = *noNbr
	cfg.Options.NoClusterRates = *noCluRates
	if *cv > 0 {
		cfg.CVOnly = true
		cfg.Options.Folds = *cv
	}
	res, err := technique.Build(ctx, cfg)
	if err != nil {
		return fmt.Errorf("train techniques: %w", err)
	}
	return writeJSON(e.stdout, res)
}

// runEvalTechniques scores the embedded model with the official SemEval-2020
// Task 11 metrics: SI on predicted spans, TC on the gold spans of a
// TC-format labels file.
func runEvalTechniques(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval techniques", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	ptc := filepath.Join("..", "shared", "data", "propaganda", "ptc")
	articles := fs.String("articles", filepath.Join(ptc, "train-articles"), "directory of article<id>.txt files")
	labels := fs.String("labels", filepath.Join(ptc, "train-labels-task2-technique-classification"), "SI or TC labels: a directory of *.labels files or one file")
	tcLabels := fs.String("tc-labels", "", "TC-format gold labels for technique classification (default: --labels when it is TC format)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	a, err := technique.New()
	if err != nil {
		return err
	}
	arts, err := technique.LoadArticles(*articles)
	if err != nil {
		return fmt.Errorf("eval techniques: %w", err)
	}
	gold, err := eval.ReadTechSpansPath(*labels)
	if err != nil {
		return fmt.Errorf("eval techniques: %w", err)
	}
	tcGold := gold
	if *tcLabels != "" {
		if tcGold, err = eval.ReadTechSpansPath(*tcLabels); err != nil {
			return fmt.Errorf("eval techniques: %w", err)
		}
	}
	byID := map[string]*technique.Article{}
	for _, ar := range arts {
		byID[ar.ID] = ar
	}
	// SI: predicted spans of every article that has labels (or every article).
	var pred []eval.TechSpan
	for _, ar := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, p := range a.Model().Predict(ctx, ar.Doc) {
			s, en := ar.ToRunes(document.Span{Start: p.Start, End: p.End})
			pred = append(pred, eval.TechSpan{Article: ar.ID, Technique: p.Technique, Start: s, End: en})
		}
	}
	var goldSI []eval.TechSpan
	for _, g := range gold {
		if byID[g.Article] != nil {
			goldSI = append(goldSI, g)
		}
	}
	res := eval.TechniquesResult{Articles: len(arts), PerTechnique: map[string]eval.PRF{}}
	res.SIPrecision, res.SIRecall, res.SIF1, res.SIGold, res.SIPred = eval.ScoreSI(goldSI, pred)
	// TC on the given gold spans: a span listed n times gets the n most
	// likely techniques.
	hasTC := false
	for _, g := range tcGold {
		hasTC = hasTC || g.Technique != ""
	}
	if hasTC {
		type key struct {
			art  string
			s, e int
		}
		groups := map[key]int{}
		var order []key
		for _, g := range tcGold {
			if byID[g.Article] == nil {
				return fmt.Errorf("eval techniques: TC labels name article %s, not in %s", g.Article, *articles)
			}
			k := key{g.Article, g.Start, g.End}
			if groups[k] == 0 {
				order = append(order, k)
			}
			groups[k]++
		}
		byArt := map[string][]key{}
		for _, k := range order {
			byArt[k.art] = append(byArt[k.art], k)
		}
		ids := make([]string, 0, len(byArt))
		for id := range byArt {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var tcPred []eval.TechSpan
		for _, id := range ids {
			ar := byID[id]
			ks := byArt[id]
			spans := make([]document.Span, len(ks))
			for i, k := range ks {
				spans[i] = ar.FromRunes(k.s, k.e)
			}
			ranked := a.Model().ClassifySpans(ar.Doc, spans)
			for i, k := range ks {
				for j := 0; j < groups[k]; j++ {
					tcPred = append(tcPred, eval.TechSpan{Article: id, Technique: ranked[i][j%len(ranked[i])].Technique, Start: k.s, End: k.e})
				}
			}
		}
		var tcg []eval.TechSpan
		for _, g := range tcGold {
			tcg = append(tcg, g)
		}
		micro, per, err := eval.ScoreTC(tcg, tcPred, technique.Techniques)
		if err != nil {
			return fmt.Errorf("eval techniques: %w", err)
		}
		res.TCMicroF1, res.PerTechnique, res.TCInstances = micro, per, len(tcg)
	}
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "articles %d\nSI  P %.4f  R %.4f  F1 %.4f  (gold %d, predicted %d spans)\nTC  micro-F1 %.4f over %d gold instances\n",
		res.Articles, res.SIPrecision, res.SIRecall, res.SIF1, res.SIGold, res.SIPred, res.TCMicroF1, res.TCInstances)
	for _, t := range technique.Techniques {
		p := res.PerTechnique[t]
		fmt.Fprintf(e.stdout, "  %-36s P %.3f R %.3f F1 %.3f\n", t, p.Precision, p.Recall, p.F1)
	}
	if strings.Contains(filepath.ToSlash(*articles), "train-articles") {
		fmt.Fprintln(os.Stderr, "note: these are the model's training articles; use 'newslens train techniques --cv 5' for held-out figures")
	}
	return nil
}
