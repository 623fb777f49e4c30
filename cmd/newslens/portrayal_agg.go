package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/event"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/portrayal"
)

// portrayalGoldDoc runs the portrayal analyzer's prerequisites (entities,
// quotes, techniques, places, figures) over text, replaces the entity
// mentions found at the gold mentions by the gold entities (one per group
// of spans), runs the events analyzer (so events name the gold entities),
// and runs pa.
// It returns the document and, per group and span, the portrayal
// annotation id ("" when no annotation was made).
func portrayalGoldDoc(ctx context.Context, p portrayalPrereqs, pa *portrayal.Analyzer, name, text string, groups [][]document.Span) (*document.Document, [][]string, error) {
	doc := &document.Document{Text: text}
	if err := p.p.Analyze(ctx, doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	keep := doc.Annotations[:0]
	for _, an := range doc.Annotations {
		drop := false
		if an.Kind == "entity" {
			// PORTRAYAL_DROP_NER=1 keeps only the gold mentions (the
			// ablation in BENCHMARKS.md: what other entities cost)
			drop = os.Getenv("PORTRAYAL_DROP_NER") != ""
			for _, g := range groups {
				for _, m := range g {
					drop = drop || an.Overlaps(m)
				}
			}
		}
		if !drop {
			keep = append(keep, an)
		}
	}
	doc.Annotations = keep
	for gi, g := range groups {
		ent := document.Entity{ID: fmt.Sprintf("gold:%d", gi), Type: "PER", Name: text[g[0].Start:g[0].End]}
		for _, m := range g {
			id, err := doc.Add(document.Annotation{Kind: "entity", Span: m, Label: "PER",
				Attrs: map[string]any{"entity_id": ent.ID}, Analyzer: "gold", Version: "1"})
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			ent.Mentions = append(ent.Mentions, id)
		}
		doc.Entities = append(doc.Entities, ent)
	}
	if err := p.ev.Analyze(ctx, doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := pa.Analyze(ctx, doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	ids := make([][]string, len(groups))
	for gi, g := range groups {
		ids[gi] = make([]string, len(g))
		for k, m := range g {
			for _, an := range doc.Annotations {
				if an.Kind == "portrayal" && an.Span == m {
					ids[gi][k] = an.ID
				}
			}
		}
	}
	return doc, ids, nil
}

// portrayalPrereqs are the portrayal analyzer's prerequisites: the
// pipeline up to the events analyzer, which runs once the gold entities
// are in.
type portrayalPrereqs struct {
	p  *pipeline.Pipeline
	ev *event.Analyzer
}

// prereqPipeline builds the portrayal analyzer's prerequisites.
func prereqPipeline() (portrayalPrereqs, error) {
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"entities", "quotes", "techniques", "places", "figures"}, Workers: 1})
	if err != nil {
		return portrayalPrereqs{}, err
	}
	ev, err := event.New(event.Options{})
	if err != nil {
		return portrayalPrereqs{}, err
	}
	return portrayalPrereqs{p, ev}, nil
}

// newsmtscFeatures gives each NewsMTSC target's combiner inputs, computed
// through the analyzer on its sentence with the sentence's targets as
// entities, and the sentence's fold (a hash of the sentence, so a
// sentence's targets stay in one fold).
func newsmtscFeatures(ctx context.Context, pa *portrayal.Analyzer, ts []eval.PortrayalTarget) ([][portrayal.NumFeatures]float64, []int, error) {
	p, err := prereqPipeline()
	if err != nil {
		return nil, nil, err
	}
	pa = pa.WithAggregator(nil, true)
	x := make([][portrayal.NumFeatures]float64, len(ts))
	fold := make([]int, len(ts))
	// targets of one sentence are consecutive
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j].Sentence == ts[i].Sentence {
			j++
		}
		var groups [][]document.Span
		for _, t := range ts[i:j] {
			groups = append(groups, []document.Span{{Start: t.Span.Start, End: t.Span.End}})
		}
		doc, ids, err := portrayalGoldDoc(ctx, p, pa, ts[i].ID, ts[i].Sentence, groups)
		if err != nil {
			return nil, nil, err
		}
		sum, _ := doc.Summaries[portrayal.Name].(portrayal.Summary)
		h := fnv.New32a()
		h.Write([]byte(ts[i].Sentence))
		for k := i; k < j; k++ {
			f, ok := sum.Features[ids[k-i][0]]
			if !ok {
				return nil, nil, fmt.Errorf("newsmtsc %s: no portrayal for the target", ts[k].ID)
			}
			x[k], fold[k] = f, int(h.Sum32()%5)
		}
		i = j
	}
	return x, fold, nil
}

// aggregateMargin is how much better than the model alone a combiner's
// cross-validated criterion must be to be chosen.
const aggregateMargin = 0.02

// aggregateConfig is one candidate combiner for cross-validation.
type aggregateConfig struct {
	Name string
	portrayal.AggregateOptions
}

// runTrainPortrayalAggregate fits the mention combiner on NewsMTSC dev
// (mt and rw): the feature set, penalty and class weighting are chosen by
// 5-fold cross-validation grouped by sentence, and the chosen one is
// refitted on all of dev. Test stays untouched; the target-sentiment model
// never saw dev, so its probabilities there are out-of-sample.
func runTrainPortrayalAggregate(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train portrayal-aggregate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/portrayal/newsmtsc", "NewsMTSC directory (dev_mt.jsonl, dev_rw.jsonl)")
	out := fs.String("out", filepath.Join("portrayal", portrayal.AggregatePath), "combiner file to write")
	oofPath := fs.String("oof", "", "fit on NewsMTSC train, with the model's out-of-fold probabilities from this file (portrayal's TestWriteOOF), instead of on dev; dev is then measured once")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	start := time.Now()
	pa, err := portrayal.New()
	if err != nil {
		return err
	}
	// devSets reads dev-mt and dev-rw with their analyzer features
	devSets := func() (x [][portrayal.NumFeatures]float64, y, fold, set []int, err error) {
		for si, name := range []string{"dev_mt.jsonl", "dev_rw.jsonl"} {
			ts, err := eval.ReadNewsMTSC(filepath.Join(*data, name))
			if err != nil {
				return nil, nil, nil, nil, err
			}
			fx, ff, err := newsmtscFeatures(ctx, pa, ts)
			if err != nil {
				return nil, nil, nil, nil, err
			}
			for i, t := range ts {
				x, y, fold, set = append(x, fx[i]), append(y, t.Label), append(fold, ff[i]), append(set, si)
			}
		}
		return x, y, fold, set, nil
	}
	var x [][portrayal.NumFeatures]float64
	var y, fold, set []int
	source := "NewsMTSC dev_mt + dev_rw"
	if *oofPath == "" {
		if x, y, fold, set, err = devSets(); err != nil {
			return err
		}
	} else {
		// train: the analyzer's evidence, with the model's out-of-fold
		// log probabilities (its own scores on train are overconfident);
		// "mt" below is then the multi-target sentences, "rw" the
		// single-target ones, as in the model's own criterion
		source = "NewsMTSC train (out-of-fold model probabilities)"
		ts, err := eval.ReadNewsMTSC(filepath.Join(*data, "train.jsonl.gz"))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(*oofPath)
		if err != nil {
			return fmt.Errorf("train portrayal-aggregate: %w", err)
		}
		var oof [][3]float64
		if err := json.Unmarshal(b, &oof); err != nil || len(oof) != len(ts) {
			return fmt.Errorf("train portrayal-aggregate: %s: %d probabilities for %d targets (%v)", *oofPath, len(oof), len(ts), err)
		}
		fx, ff, err := newsmtscFeatures(ctx, pa, ts)
		if err != nil {
			return err
		}
		for i, t := range ts {
			for c := range 3 {
				fx[i][portrayal.FeatLogNeg+c] = math.Log(max(oof[i][c], 1e-6))
			}
			st := 1
			if len(t.Others) > 0 {
				st = 0
			}
			x, y, fold, set = append(x, fx[i]), append(y, t.Label), append(fold, ff[i]), append(set, st)
		}
	}
	fmt.Fprintf(e.stderr, "%s: %d targets (%.1f s)\n", source, len(x), time.Since(start).Seconds())
	// how often the lexical evidence fires, and the gold labels where it does
	for _, k := range []int{portrayal.FeatTechNeg, portrayal.FeatTechPos, portrayal.FeatAttNeg, portrayal.FeatAttPos,
		portrayal.FeatEvSrcPos, portrayal.FeatEvSrcNeg, portrayal.FeatEvSrcHostile, portrayal.FeatEvTgtHostile, portrayal.FeatEvCoop} {
		var n [3]int
		for i := range x {
			if x[i][k] > 0 {
				n[y[i]]++
			}
		}
		fmt.Fprintf(e.stderr, "  %-15s fires on %d targets: negative %d, neutral %d, positive %d\n", portrayal.FeatureNames[k], n[0]+n[1]+n[2], n[0], n[1], n[2])
	}
	logp := []int{portrayal.FeatLogNeg, portrayal.FeatLogNeu, portrayal.FeatLogPos}
	with := func(ks ...int) []int { return append(append([]int{}, logp...), ks...) }
	configs := []aggregateConfig{{"model alone", portrayal.AggregateOptions{Use: []int{}, Iterations: -1}}}
	evFeats := []int{portrayal.FeatEvSrcPos, portrayal.FeatEvSrcNeg, portrayal.FeatEvSrcHostile, portrayal.FeatEvTgtHostile, portrayal.FeatEvCoop}
	for _, set := range []struct {
		name string
		use  []int
	}{{"log-probs", logp}, {"+techniques", with(portrayal.FeatTechNeg, portrayal.FeatTechPos)},
		{"+attached", with(portrayal.FeatAttNeg, portrayal.FeatAttPos)},
		{"+techniques+attached", with(portrayal.FeatTechNeg, portrayal.FeatTechPos, portrayal.FeatAttNeg, portrayal.FeatAttPos)},
		{"+event roles", with(evFeats...)},
		{"+attached+event roles", with(append([]int{portrayal.FeatAttNeg, portrayal.FeatAttPos}, evFeats...)...)}} {
		for _, l2 := range []float64{0.01, 0.1, 1} {
			for _, bal := range []bool{false, true} {
				configs = append(configs, aggregateConfig{fmt.Sprintf("%s l2=%g balanced=%v", set.name, l2, bal),
					portrayal.AggregateOptions{Use: set.use, L2: l2, Balanced: bal}})
			}
		}
	}
	type trial struct {
		Config          string
		MacroF1, MT, RW float64
		ECEMT, ECERW    float64
	}
	var trials []trial
	best := 0
	for ci, c := range configs {
		if err := ctx.Err(); err != nil {
			return err
		}
		pred := make([]int, len(y))
		conf := make([]float64, len(y))
		for f := range 5 {
			var tx [][portrayal.NumFeatures]float64
			var ty []int
			for i := range x {
				if fold[i] != f {
					tx, ty = append(tx, x[i]), append(ty, y[i])
				}
			}
			a := portrayal.FitAggregator(tx, ty, c.AggregateOptions)
			for i := range x {
				if fold[i] == f {
					p := a.Probs(x[i])
					pred[i] = portrayal.Argmax(p)
					conf[i] = p[pred[i]]
				}
			}
		}
		tr := trial{Config: c.Name, MacroF1: eval.ScorePortrayal(y, pred, nil).MacroF1}
		for s := range 2 {
			var g, p []int
			var cf []float64
			for i := range y {
				if set[i] == s {
					g, p, cf = append(g, y[i]), append(p, pred[i]), append(cf, conf[i])
				}
			}
			r := eval.ScorePortrayal(g, p, cf)
			if s == 0 {
				tr.MT, tr.ECEMT = r.MacroF1, r.ECE
			} else {
				tr.RW, tr.ECERW = r.MacroF1, r.ECE
			}
		}
		trials = append(trials, tr)
		fmt.Fprintf(e.stderr, "  %-42s CV macro-F1 %.4f (mt %.4f rw %.4f; ECE mt %.3f rw %.3f)\n", c.Name, tr.MacroF1, tr.MT, tr.RW, tr.ECEMT, tr.ECERW)
		// the criterion is the mean of mt and rw, as for the model; a
		// combiner replaces the model alone (trial 0) only when it beats it
		// by more than dev's noise (about 0.02 macro-F1 on a few hundred
		// targets), and then the best one wins
		crit := func(t trial) float64 { return (t.MT + t.RW) / 2 }
		if ci > 0 && crit(tr) > crit(trials[0])+aggregateMargin && crit(tr) > crit(trials[best]) {
			best = ci
		}
	}
	a := portrayal.FitAggregator(x, y, configs[best].AggregateOptions)
	var lines []string
	for _, t := range trials {
		lines = append(lines, fmt.Sprintf("%s: %.4f/%.4f", t.Config, t.MT, t.RW))
	}
	a.Meta = map[string]string{
		"trained_on": fmt.Sprintf("%s, %d targets; the target-sentiment model was trained on train only", source, len(x)),
		"chosen":     configs[best].Name,
		"cv":         fmt.Sprintf("5-fold grouped by sentence: macro-F1 mt %.4f rw %.4f, ECE mt %.3f rw %.3f", trials[best].MT, trials[best].RW, trials[best].ECEMT, trials[best].ECERW),
		"trials":     strings.Join(lines, "; "),
		"rebuild":    "go run ./cmd/newslens train portrayal-aggregate",
	}
	if *oofPath != "" {
		// dev, measured once: the chosen combiner and the model alone
		dx, dy, _, dset, err := devSets()
		if err != nil {
			return err
		}
		alone := portrayal.FitAggregator(nil, nil, portrayal.AggregateOptions{Use: []int{}, Iterations: -1})
		for _, c := range []struct {
			name string
			a    *portrayal.Aggregator
		}{{"model alone", alone}, {configs[best].Name, a}}[:min(best+1, 2)] {
			var parts []string
			for s, name := range []string{"dev-mt", "dev-rw"} {
				var g, p []int
				var cf []float64
				for i := range dx {
					if dset[i] == s {
						pr := c.a.Probs(dx[i])
						k := portrayal.Argmax(pr)
						g, p, cf = append(g, dy[i]), append(p, k), append(cf, pr[k])
					}
				}
				r := eval.ScorePortrayal(g, p, cf)
				parts = append(parts, fmt.Sprintf("%s macro-F1 %.4f ECE %.3f", name, r.MacroF1, r.ECE))
			}
			line := strings.Join(parts, ", ")
			fmt.Fprintf(e.stderr, "  dev, %s: %s\n", c.name, line)
			a.Meta["dev "+c.name] = line
		}
	}
	b, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "chose %s (CV macro-F1 mt %.4f rw %.4f); wrote %s\n", configs[best].Name, trials[best].MT, trials[best].RW, *out)
	return nil
}

// portrayalThroughAnalyzer classifies NewsMTSC targets the way the analyzer
// sees them in production (see newsmtscFeatures), with the shipped
// combiner. m must be the embedded model's.
func portrayalThroughAnalyzer(ctx context.Context, m *portrayal.Model, ts []eval.PortrayalTarget) (gold, pred []int, conf []float64, err error) {
	pa, err := portrayal.New()
	if err != nil {
		return nil, nil, nil, err
	}
	if m != pa.Model() {
		pa = portrayal.NewWithModel(m).WithAggregator(pa.Aggregator(), false).WithEntityWeights(pa.EntityWeights())
	}
	x, _, err := newsmtscFeatures(ctx, pa, ts)
	if err != nil {
		return nil, nil, nil, err
	}
	for i, t := range ts {
		var p [3]float64
		if agg := pa.Aggregator(); agg != nil {
			p = agg.Probs(x[i])
		} else {
			for c := range 3 {
				p[c] = math.Exp(x[i][portrayal.FeatLogNeg+c])
			}
		}
		c := portrayal.Argmax(p)
		gold, pred, conf = append(gold, t.Label), append(pred, c), append(conf, p[c])
	}
	return gold, pred, conf, nil
}

// persentThroughAnalyzer labels each PerSenT document's target through the
// analyzer: prerequisites run, the [TGT] mentions one entity, the entity's
// summary label the prediction. It also prints to w how other
// entity-level rules over the same mentions score (a study; the label is
// the shipped rule's).
func persentThroughAnalyzer(ctx context.Context, m *portrayal.Model, docs []eval.PortrayalDoc, w io.Writer) (gold, pred []int, conf []float64, err error) {
	pa, err := portrayal.New()
	if err != nil {
		return nil, nil, nil, err
	}
	if m != pa.Model() {
		pa = portrayal.NewWithModel(m).WithAggregator(pa.Aggregator(), false).WithEntityWeights(pa.EntityWeights())
	}
	p, err := prereqPipeline()
	if err != nil {
		return nil, nil, nil, err
	}
	type ment = portrayalMent
	var all [][]ment
	efs := make([]portrayal.EntityFeatures, len(docs)) // the gold entity's evidence, for the study
	for di, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		var spans []document.Span
		for _, mn := range d.Mentions {
			spans = append(spans, document.Span{Start: mn.Start, End: mn.End})
		}
		lab, c := 1, 1.0
		var ms []ment
		if len(spans) > 0 {
			doc, _, err := portrayalGoldDoc(ctx, p, pa, "persent "+d.ID, d.Text, [][]document.Span{spans})
			if err != nil {
				return nil, nil, nil, err
			}
			sum, _ := doc.Summaries[portrayal.Name].(portrayal.Summary)
			for _, ep := range sum.Entities {
				if ep.EntityID == "gold:0" {
					if ep.Evidence != nil {
						efs[di] = *ep.Evidence
					} else {
						efs[di].Probs = ep.Probs
					}
					lab = portrayal.Argmax(ep.Probs)
					for k, l := range portrayal.Labels {
						if l == ep.Label {
							lab = k
						}
					}
					c = ep.Confidence
				}
			}
			for _, an := range doc.Of("portrayal") {
				if an.Attrs["entity_id"] != "gold:0" {
					continue
				}
				var pr [3]float64
				if ps, ok := an.Attrs["probs"].([]float64); ok && len(ps) == 3 {
					pr = [3]float64{ps[0], ps[1], ps[2]}
				}
				ms = append(ms, ment{pr, an.Attrs["voice"] == portrayal.VoiceAuthor})
			}
		}
		all = append(all, ms)
		gold, pred, conf = append(gold, d.Label), append(pred, lab), append(conf, c)
	}
	// the study: entity-level rules over the same mention probabilities,
	// each with the model's document offsets and without
	rules := []struct {
		name string
		f    func([]ment) [3]float64
	}{
		{"mean, all voices", func(ms []ment) [3]float64 { return meanProbs(ms, func(ment) bool { return true }, false) }},
		{"mean, author voice (all if none)", func(ms []ment) [3]float64 {
			return meanProbs(ms, func(x ment) bool { return x.author }, false)
		}},
		{"geometric mean, author voice", func(ms []ment) [3]float64 {
			return meanProbs(ms, func(x ment) bool { return x.author }, true)
		}},
		{"geometric mean, all voices", func(ms []ment) [3]float64 {
			return meanProbs(ms, func(ment) bool { return true }, true)
		}},
	}
	for _, wq := range []float64{0.25, 0.5} {
		rules = append(rules, struct {
			name string
			f    func([]ment) [3]float64
		}{fmt.Sprintf("mean, other voices weighted %g", wq), func(ms []ment) [3]float64 {
			var s [3]float64
			n := 0.0
			for _, x := range ms {
				wt := 1.0
				if !x.author {
					wt = wq
				}
				for c := range 3 {
					s[c] += wt * x.probs[c]
				}
				n += wt
			}
			for c := range 3 {
				s[c] /= max(n, 1e-9)
			}
			return s
		}})
	}
	for _, r := range rules {
		for _, off := range []bool{false, true} {
			var pr []int
			for i := range all {
				avg := r.f(all[i])
				if len(all[i]) == 0 {
					avg = [3]float64{0, 1, 0}
				}
				if off {
					l, _ := m.Aggregate([][3]float64{avg})
					pr = append(pr, l)
				} else {
					pr = append(pr, portrayal.Argmax(avg))
				}
			}
			res := eval.ScorePortrayal(gold, pr, nil)
			fmt.Fprintf(w, "  persent rule %-36s offsets=%-5v macro-F1 %.4f accuracy %.4f\n", r.name, off, res.MacroF1, res.Accuracy)
		}
	}
	portrayalEntityStudy(w, m, docs, efs, gold)
	return gold, pred, conf, nil
}

// portrayalEntityGrid are the candidate entity-level combiners: each
// evidence weight from 0 (unused) to 4.
func portrayalEntityGrid() []portrayal.EntityWeights {
	vals := []float64{0, 0.5, 1, 2, 4}
	var out []portrayal.EntityWeights
	for _, at := range vals {
		for _, te := range vals {
			for _, ev := range vals {
				for _, ba := range vals {
					out = append(out, portrayal.EntityWeights{Attached: at, Techniques: te, Events: ev, Balance: ba})
				}
			}
		}
	}
	return out
}

// portrayalEntityStudy prints how the entity-level combiner's weights
// score on PerSenT dev: the weights chosen by 5-fold cross-validation
// grouped by target entity (each fold's weights chosen on the other four
// by macro-F1, ties to the smaller weights), their pooled out-of-fold
// macro-F1 against the averaged probabilities alone, and the weights the
// whole of dev chooses.
func portrayalEntityStudy(w io.Writer, m *portrayal.Model, docs []eval.PortrayalDoc, efs []portrayal.EntityFeatures, gold []int) {
	grid := portrayalEntityGrid()
	fold := make([]int, len(docs))
	for i, d := range docs {
		h := fnv.New32a()
		h.Write([]byte(d.Entity))
		fold[i] = int(h.Sum32() % 5)
	}
	label := func(ew *portrayal.EntityWeights, f portrayal.EntityFeatures) int {
		l, _ := m.Aggregate([][3]float64{ew.Combine(f)})
		return l
	}
	// every candidate's label for every document, computed once
	labels := make([][]int, len(grid))
	for g := range grid {
		labels[g] = make([]int, len(docs))
		for i := range docs {
			labels[g][i] = label(&grid[g], efs[i])
		}
	}
	score := func(g int, keep func(i int) bool) float64 {
		var gl, pl []int
		for i := range docs {
			if keep(i) {
				gl, pl = append(gl, gold[i]), append(pl, labels[g][i])
			}
		}
		return eval.ScorePortrayal(gl, pl, nil).MacroF1
	}
	best := func(keep func(i int) bool) int {
		b, bv := 0, -1.0
		for g := range grid {
			if v := score(g, keep); v > bv+1e-9 {
				b, bv = g, v
			}
		}
		return b
	}
	oof := make([]int, len(docs))
	for f := range 5 {
		g := best(func(i int) bool { return fold[i] != f })
		fmt.Fprintf(w, "  persent entity combiner fold %d: chose %+v (held-out macro-F1 %.4f, identity %.4f)\n", f, grid[g],
			score(g, func(i int) bool { return fold[i] == f }), score(0, func(i int) bool { return fold[i] == f }))
		for i := range docs {
			if fold[i] == f {
				oof[i] = labels[g][i]
			}
		}
	}
	cv := eval.ScorePortrayal(gold, oof, nil)
	fmt.Fprintf(w, "  persent entity combiner: entity-grouped 5-fold CV macro-F1 %.4f (accuracy %.4f); identity %.4f\n", cv.MacroF1, cv.Accuracy, score(0, func(int) bool { return true }))
	g := best(func(int) bool { return true })
	fmt.Fprintf(w, "  persent entity combiner: all of dev chooses %+v, macro-F1 %.4f\n", grid[g], score(g, func(int) bool { return true }))
	// each evidence alone, on all of dev (a diagnostic, not a choice)
	for k, name := range []string{"attached", "techniques", "events", "balance"} {
		fmt.Fprintf(w, "  persent entity evidence %-10s alone:", name)
		for _, v := range []float64{0.5, 1, 2, 4} {
			var ew portrayal.EntityWeights
			*[]*float64{&ew.Attached, &ew.Techniques, &ew.Events, &ew.Balance}[k] = v
			var pl []int
			for i := range docs {
				pl = append(pl, label(&ew, efs[i]))
			}
			fmt.Fprintf(w, " %g: %.4f", v, eval.ScorePortrayal(gold, pl, nil).MacroF1)
		}
		fmt.Fprintln(w)
	}
	var nz [4]int
	for _, f := range efs {
		for k, v := range []float64{f.Attached, f.Techniques, f.Events, f.Balance} {
			if v != 0 {
				nz[k]++
			}
		}
	}
	fmt.Fprintf(w, "  persent entity evidence present (attached, techniques, events, balance): %v of %d documents\n", nz, len(docs))
}

// portrayalMent is a target mention's probabilities and whether it is in
// the author's voice.
type portrayalMent struct {
	probs  [3]float64
	author bool
}

// meanProbs averages the probabilities of the mentions keep selects (all
// when it selects none), arithmetically or geometrically.
func meanProbs(ms []portrayalMent, keep func(portrayalMent) bool, geometric bool) [3]float64 {
	var sel []portrayalMent
	for _, x := range ms {
		if keep(x) {
			sel = append(sel, x)
		}
	}
	if len(sel) == 0 {
		sel = ms
	}
	var s [3]float64
	if len(sel) == 0 {
		return [3]float64{0, 1, 0}
	}
	for _, x := range sel {
		for c := range 3 {
			if geometric {
				s[c] += math.Log(max(x.probs[c], 1e-6))
			} else {
				s[c] += x.probs[c]
			}
		}
	}
	z := 0.0
	for c := range 3 {
		if geometric {
			s[c] = math.Exp(s[c] / float64(len(sel)))
		} else {
			s[c] /= float64(len(sel))
		}
		z += s[c]
	}
	for c := range 3 {
		s[c] /= z
	}
	return s
}
