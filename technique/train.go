package technique

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
)

// Options are the training parameters. The zero value means the defaults
// (see EnsureDefaults), which are what the embedded model was trained with.
type Options struct {
	SIBits   uint // log2 of the SI feature table size
	TCBits   uint // log2 of the TC feature table size
	SIEpochs int  // perceptron passes
	// SIMargin is added to every wrong tag's score when decoding in
	// training (loss-augmented perceptron); 0 is the plain perceptron.
	SIMargin float32
	TCEpochs int     // SGD passes
	TCL2     float64 // L2 penalty of the TC model
	TCRate   float64 // AdaGrad step
	// OBiases and BBiases are the decoding offsets tried (every pair) in
	// cross-validation; the best pair by SI F1 is stored in the model.
	OBiases, BBiases []float32
	Folds            int
	Seed             int64
	// SentBits sizes the sentence classifier; NoStack turns it off.
	SentBits uint
	NoStack  bool
	// NoRates leaves out the span-rate lexicon learned from the training
	// spans (rates.go).
	NoRates bool
	// NoNeighbours leaves out the WordNet neighbour rates (wnrates.go).
	NoNeighbours bool
	// NoClusterRates leaves out the cluster rates (wnrates.go).
	NoClusterRates bool
	// Budget bounds a training run's wall time; passes stop early past it.
	Budget time.Duration
	// RSBits, RSEpochs, RSL2 and RSRate are the span rescorer's table
	// size, passes, L2 penalty and AdaGrad step (rescore.go). Rescore
	// turns the rescorer on: it did not beat the tagger's single decoding
	// in cross-validation (BENCHMARKS.md), so the shipped model has none.
	RSBits   uint
	RSEpochs int
	RSL2     float64
	RSRate   float64
	Rescore  bool
}

// EnsureDefaults fills zero fields.
func (o *Options) EnsureDefaults() {
	if o.SIBits == 0 {
		o.SIBits = 18
	}
	if o.TCBits == 0 {
		o.TCBits = 17
	}
	if o.SIEpochs == 0 {
		o.SIEpochs = 22
	}
	if o.SentBits == 0 {
		o.SentBits = 18
	}
	if o.TCEpochs == 0 {
		o.TCEpochs = 20
	}
	if o.TCL2 == 0 {
		o.TCL2 = 1e-5
	}
	if o.TCRate == 0 {
		o.TCRate = 0.02
	}
	if len(o.OBiases) == 0 {
		o.OBiases = []float32{-180, -220, -260, -300}
	}
	if len(o.BBiases) == 0 {
		o.BBiases = []float32{-50, -100, -150, -200}
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Budget == 0 {
		o.Budget = 10 * time.Minute
	}
	if o.RSBits == 0 {
		o.RSBits = 16
	}
	if o.RSEpochs == 0 {
		o.RSEpochs = 8
	}
	if o.RSL2 == 0 {
		o.RSL2 = 1e-5
	}
	if o.RSRate == 0 {
		o.RSRate = 0.05
	}
}

// grid is every pair of decoding offsets, O-major: the settings CV tries
// and the rescorer's candidate proposers (at most 32).
func (o Options) grid() []biases {
	var g []biases
	for _, ob := range o.OBiases {
		for _, bb := range o.BBiases {
			g = append(g, biases{ob, bb})
		}
	}
	return g[:min(len(g), 32)]
}

func mergeByteSpans(spans []document.Span) []document.Span {
	s := append([]document.Span(nil), spans...)
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	var out []document.Span
	for _, x := range s {
		if x.End <= x.Start {
			continue
		}
		if len(out) > 0 && x.Start < out[len(out)-1].End {
			out[len(out)-1].End = max(out[len(out)-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

// goldTags marks the tokens of p covered by the merged gold spans.
func goldTags(p *prepared, spans []document.Span) []uint8 {
	tags := make([]uint8, len(p.toks))
	for _, s := range mergeByteSpans(spans) {
		a, b := p.tokenRange(s.Start, s.End)
		for i := a; i < b; i++ {
			if i == a {
				tags[i] = tagB
			} else {
				tags[i] = tagI
			}
		}
	}
	return tags
}

func siExamples(p *prepared, tags []uint8) []siExample {
	var out []siExample
	var buf []uint64
	for si := range p.sents {
		s := &p.sents[si]
		e := siExample{gold: make([]uint8, s.end-s.first), feats: make([][]uint64, s.end-s.first)}
		for i := s.first; i < s.end; i++ {
			g := tags[i]
			if i == s.first && g == tagI {
				g = tagB // a span crossing a sentence break restarts
			}
			e.gold[i-s.first] = g
			buf = p.siFeatures(buf[:0], s, i)
			e.feats[i-s.first] = append([]uint64(nil), buf...)
		}
		out = append(out, e)
	}
	return out
}

func tcExamples(a *Article, p *prepared) []tcExample {
	counts := goldSpanCounts(p, a.SI)
	var out []tcExample
	for _, l := range a.TC {
		k := techniqueIndex(l.Technique)
		if k < 0 {
			continue
		}
		ta, tb := p.tokenRange(l.Start, l.End)
		f := p.tcFeatures(nil, ta, tb, counts[p.spanText(ta, tb)], nesting(a.SI, l.Span))
		out = append(out, tcExample{feats: f, label: k})
	}
	return out
}

func goldSpanCounts(p *prepared, spans []document.Span) map[string]int {
	ts := make([][2]int, 0, len(spans))
	for _, s := range spans {
		a, b := p.tokenRange(s.Start, s.End)
		ts = append(ts, [2]int{a, b})
	}
	return spanCounts(p, ts)
}

func deadline(ctx context.Context, budget time.Duration) func() bool {
	end := time.Now().Add(budget)
	return func() bool { return ctx.Err() != nil || time.Now().After(end) }
}

// Train trains the sentence, SI and TC models on arts.
func Train(ctx context.Context, arts []*Article, lex *lexicon, opts Options) (*Model, error) {
	opts.EnsureDefaults()
	stop := deadline(ctx, opts.Budget)
	preps := make([]*prepared, len(arts))
	tags := make([][]uint8, len(arts))
	sentEx := make([][]tcExample, len(arts))
	var allSent []tcExample
	for i, a := range arts {
		preps[i] = prepare(a.Doc, lex)
		tags[i] = goldTags(preps[i], a.SI)
		sentEx[i] = sentExamples(preps[i], tags[i])
		allSent = append(allSent, sentEx[i]...)
	}
	m := &Model{lex: lex}
	if !opts.NoStack {
		// out-of-fold sentence probabilities for the tagger's training data
		const k = 4
		for f := 0; f < k; f++ {
			var ex []tcExample
			for i := range arts {
				if i%k != f {
					ex = append(ex, sentEx[i]...)
				}
			}
			sm := trainSent(ex, opts.SentBits, opts.Seed+int64(f))
			for i := range arts {
				if i%k == f {
					preps[i].setSentProbs(sm)
				}
			}
		}
		m.sent = trainSent(allSent, opts.SentBits, opts.Seed)
	}
	if !opts.NoRates {
		// out-of-fold span rates for the tagger's training data, as for the
		// sentence probabilities
		const k = 4
		for f := 0; f < k; f++ {
			var ps []*prepared
			var ts [][]uint8
			for i := range arts {
				if i%k != f {
					ps, ts = append(ps, preps[i]), append(ts, tags[i])
				}
			}
			rt := countRates(ps, ts)
			if !opts.NoNeighbours {
				rt.setNeighbours(lex.wnRel)
			}
			if !opts.NoClusterRates {
				rt.setClusterRates(lex)
			}
			for i := range arts {
				if i%k == f {
					preps[i].setRates(rt)
				}
			}
		}
		m.rates = countRates(preps, tags)
		if !opts.NoNeighbours {
			m.rates.setNeighbours(lex.wnRel)
		}
		if !opts.NoClusterRates {
			m.rates.setClusterRates(lex)
		}
	}
	var si []siExample
	var tc []tcExample
	for i, a := range arts {
		si = append(si, siExamples(preps[i], tags[i])...)
		tc = append(tc, tcExamples(a, preps[i])...)
	}
	m.si = trainSI(si, opts.SIBits, opts.SIEpochs, opts.SIMargin, opts.Seed, stop)
	m.tc = trainTC(tc, Techniques, opts.TCBits, opts.TCEpochs, opts.TCL2, opts.TCRate, opts.Seed)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// prepare readies doc for the model's features.
func (m *Model) prepare(doc *document.Document) *prepared {
	return m.prepareWith(doc, nil)
}

// prepareWith is prepare with the buffers of sc (see prepareWith).
func (m *Model) prepareWith(doc *document.Document, sc *docScratch) *prepared {
	p := prepareWith(doc, m.lex, sc)
	if m.sent != nil {
		p.setSentProbs(m.sent)
	}
	switch {
	case m.rates == nil:
	case m.lex != nil && m.lex.rated == m.rates:
		// prepare has read the rates with the word facts
		p.rates = true
		p.nbr = len(m.rates.nbr) > 0
		p.cluRates = m.rates.clu[0] != nil
		p.setSentRates()
	default:
		p.setRates(m.rates)
	}
	return p
}

// CVResult is what cross-validation measured.
type CVResult struct {
	eval.TechniquesResult
	// OBias is the chosen O offset and SIByBias the SI F1 of each tried.
	OBias float32 `json:"o_bias"`
	BBias float32 `json:"b_bias"`
	// SIEpochs is the fewest perceptron passes a fold completed within
	// the time budget.
	SIEpochs int                `json:"si_epochs_min"`
	SIByBias map[string]float64 `json:"si_f1_by_o_bias"`
	// SIF1GridBest is the SI F1 of the best offsets chosen on all folds
	// (optimistic); FoldBiases are the offsets each fold got by nested
	// selection, which the reported si_f1 uses.
	SIF1GridBest float64             `json:"si_f1_grid_best_optimistic"`
	FoldBiases   []string            `json:"fold_biases"`
	Cal          Calibration         `json:"calibration"`
	Reliab       []ReliabilityBucket `json:"reliability"`
	// SIECE and TCECE are the expected calibration errors of the SI and
	// TC probabilities over the reliability buckets.
	SIECE float64 `json:"si_ece"`
	TCECE float64 `json:"tc_ece"`
	// FirstStage is the nested SI score of the tagger's single decoding,
	// before the rescorer (the headline SI figures are after it).
	FirstStage *SIScore `json:"si_first_stage,omitempty"`
	// RSThreshold is the rescorer's shipped logit threshold, and
	// RSFoldThresholds those each fold got by nested selection.
	RSThreshold      float64            `json:"rescorer_threshold,omitempty"`
	RSOther          float64            `json:"rescorer_other_threshold,omitempty"`
	RSBeta           float64            `json:"rescorer_beta,omitempty"`
	RSFoldThresholds []string           `json:"rescorer_fold_settings,omitempty"`
	RSByThreshold    map[string]float64 `json:"si_f1_by_rescorer_threshold,omitempty"`
	RSCandidates     int                `json:"rescorer_candidates,omitempty"`
	rsEx             []rsExample
	rsBase           int
}

// SIScore is a span-identification score.
type SIScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Pred      int     `json:"pred_spans"`
}

// ReliabilityBucket compares calibrated confidence with observed accuracy
// on out-of-fold predictions.
type ReliabilityBucket struct {
	Lo, Hi   float64 `json:"-"`
	Range    string  `json:"range"`
	N        int     `json:"n"`
	MeanConf float64 `json:"mean_confidence"`
	Observed float64 `json:"observed"`
}

// CrossValidate trains on k−1 folds of articles and predicts the held-out
// fold, for every fold; no article is ever on both sides. It scores the
// out-of-fold predictions with the official metrics and fits the
// calibration.
func CrossValidate(ctx context.Context, arts []*Article, lex *lexicon, opts Options) (*CVResult, error) {
	opts.EnsureDefaults()
	k := opts.Folds
	if k < 2 || k > len(arts) {
		return nil, fmt.Errorf("cross-validation: %d folds for %d articles", k, len(arts))
	}
	// folds by a hash of the article id, so they do not depend on file order
	ids := make([]int, len(arts))
	for i := range ids {
		ids[i] = i
	}
	sort.Slice(ids, func(i, j int) bool {
		return mix(uint64(opts.Seed), hashString(arts[ids[i]].ID)) < mix(uint64(opts.Seed), hashString(arts[ids[j]].ID))
	})
	fold := make([]int, len(arts))
	for r, i := range ids {
		fold[i] = r % k
	}
	// SI gold and predictions are kept per fold, so the decoding offsets
	// of each fold can be chosen on the other folds only.
	goldSI := make([][]eval.TechSpan, k)
	var goldTC []eval.TechSpan
	grid := opts.grid()
	predSI := make([][][]eval.TechSpan, len(grid))
	for bi := range predSI {
		predSI[bi] = make([][]eval.TechSpan, k)
	}
	var predTC []eval.TechSpan
	type scored struct {
		x float64
		y bool
	}
	siCal := make([][]scored, len(grid))
	var tcCal []scored
	var rsArts []rsArticle
	minEpochs := 0
	for f := 0; f < k; f++ {
		var train, test []*Article
		for i, a := range arts {
			if fold[i] == f {
				test = append(test, a)
			} else {
				train = append(train, a)
			}
		}
		fo := opts
		fo.Budget = opts.Budget / time.Duration(k+1)
		m, err := Train(ctx, train, lex, fo)
		if err != nil {
			return nil, err
		}
		if f == 0 || m.si.epochs < minEpochs {
			minEpochs = m.si.epochs
		}
		probs := make([]float64, len(Techniques))
		var buf []uint64
		for _, a := range test {
			p := m.prepare(a.Doc)
			gold := mergeByteSpans(a.SI)
			for _, s := range a.SI {
				st, en := a.ToRunes(s)
				goldSI[f] = append(goldSI[f], eval.TechSpan{Article: a.ID, Start: st, End: en})
			}
			ems := m.emissions(p, nil)
			if opts.Rescore {
				rsArts = append(rsArts, rsArticle{fold: f, art: a})
				m.collectCandidates(p, ems, grid, gold, &rsArts[len(rsArts)-1])
			}
			for bi, bs := range grid {
				for _, sp := range m.decodeSpans(p, ems, bs) {
					bs := document.Span{Start: p.toks[sp.a].start, End: p.toks[sp.b-1].end}
					st, en := a.ToRunes(bs)
					predSI[bi][f] = append(predSI[bi][f], eval.TechSpan{Article: a.ID, Start: st, End: en})
					siCal[bi] = append(siCal[bi], scored{sp.score, insideFraction(bs, gold) >= 0.5})
				}
			}
			// TC on the gold spans: a span given n times gets the n most
			// likely distinct techniques.
			counts := goldSpanCounts(p, a.SI)
			group := map[document.Span][]string{}
			var order []document.Span
			for _, l := range a.TC {
				if group[l.Span] == nil {
					order = append(order, l.Span)
				}
				group[l.Span] = append(group[l.Span], l.Technique)
				st, en := a.ToRunes(l.Span)
				goldTC = append(goldTC, eval.TechSpan{Article: a.ID, Technique: l.Technique, Start: st, End: en})
			}
			for _, s := range order {
				ta, tb := p.tokenRange(s.Start, s.End)
				buf = m.classify(p, ta, tb, counts[p.spanText(ta, tb)], nesting(a.SI, s), buf, probs)
				r := ranked(Techniques, probs)
				st, en := a.ToRunes(s)
				for j := range group[s] {
					lab := Techniques[r[j%len(r)]]
					predTC = append(predTC, eval.TechSpan{Article: a.ID, Technique: lab, Start: st, End: en})
				}
				top := Techniques[r[0]]
				ok := false
				for _, g := range group[s] {
					ok = ok || g == top
				}
				tcCal = append(tcCal, scored{math.Log(probs[r[0]]), ok})
			}
		}
	}
	res := &CVResult{SIByBias: map[string]float64{}}
	// pooled gold and predictions of the folds selected by keep
	pool := func(bi int, keep func(int) bool) (g, p []eval.TechSpan) {
		for f := 0; f < k; f++ {
			if keep(f) {
				g = append(g, goldSI[f]...)
				p = append(p, predSI[bi][f]...)
			}
		}
		return g, p
	}
	// The shipped offsets are the best pair over all folds; that figure is
	// optimistic, so it is reported aside and the headline SI figure
	// chooses each fold's pair on the other folds only (nested selection).
	best, bestF1 := -1, 0.0
	for bi, bs := range grid {
		g, p := pool(bi, func(int) bool { return true })
		_, _, f1, _, _ := eval.ScoreSI(g, p)
		res.SIByBias[fmt.Sprintf("o=%g b=%g", bs.O, bs.B)] = f1
		if best < 0 || f1 > bestF1 {
			best, bestF1 = bi, f1
		}
	}
	res.SIF1GridBest = bestF1
	var allGold, nestedPred []eval.TechSpan
	var foldBase []int
	for f := 0; f < k; f++ {
		fb, fbF1 := -1, 0.0
		for bi := range grid {
			g, p := pool(bi, func(x int) bool { return x != f })
			if _, _, f1, _, _ := eval.ScoreSI(g, p); fb < 0 || f1 > fbF1 {
				fb, fbF1 = bi, f1
			}
		}
		allGold = append(allGold, goldSI[f]...)
		nestedPred = append(nestedPred, predSI[fb][f]...)
		foldBase = append(foldBase, fb)
		res.FoldBiases = append(res.FoldBiases, fmt.Sprintf("o=%g b=%g", grid[fb].O, grid[fb].B))
	}
	res.SIPrecision, res.SIRecall, res.SIF1, res.SIGold, res.SIPred = eval.ScoreSI(allGold, nestedPred)
	res.OBias, res.BBias = grid[best].O, grid[best].B
	xs, ys := make([]float64, 0), make([]bool, 0)
	for _, s := range siCal[best] {
		xs, ys = append(xs, s.x), append(ys, s.y)
	}
	if opts.Rescore {
		res.FirstStage = &SIScore{Precision: res.SIPrecision, Recall: res.SIRecall, F1: res.SIF1, Pred: res.SIPred}
		rs := crossValidateRescorer(rsArts, goldSI, k, best, foldBase, opts)
		res.SIPrecision, res.SIRecall, res.SIF1, res.SIGold, res.SIPred = eval.ScoreSI(allGold, rs.nested)
		res.RSThreshold, res.RSOther, res.RSBeta, res.RSFoldThresholds = rs.set.Thr, rs.set.Other, rs.set.Beta, rs.foldThr
		res.RSByThreshold = rs.f1ByThr
		res.RSCandidates = len(rs.ex)
		res.rsEx, res.rsBase = rs.ex, best
		xs, ys = rs.calX, rs.calY
	}
	micro, per, err := eval.ScoreTC(goldTC, predTC, Techniques)
	if err != nil {
		return nil, fmt.Errorf("cross-validation: %w", err)
	}
	res.TCMicroF1, res.PerTechnique, res.TCInstances = micro, per, len(goldTC)
	res.Articles, res.Folds, res.SIEpochs = len(arts), k, minEpochs
	res.Cal.SIA, res.Cal.SIB = fitPlatt(xs, ys)
	res.Reliab = reliability(xs, ys, func(x float64) float64 { return platt(res.Cal.SIA, res.Cal.SIB, x) }, "si")
	res.SIECE = ece(res.Reliab, len(xs))
	xs, ys = nil, nil
	for _, s := range tcCal {
		xs, ys = append(xs, s.x), append(ys, s.y)
	}
	res.Cal.TCA, res.Cal.TCB = fitPlatt(xs, ys)
	tcRel := reliability(xs, ys, func(x float64) float64 { return platt(res.Cal.TCA, res.Cal.TCB, x) }, "tc")
	res.TCECE = ece(tcRel, len(xs))
	res.Reliab = append(res.Reliab, tcRel...)
	return res, nil
}

// insideFraction is the share of s's bytes inside the (merged) gold spans.
func insideFraction(s document.Span, gold []document.Span) float64 {
	in := 0
	for _, g := range gold {
		lo, hi := max(s.Start, g.Start), min(s.End, g.End)
		if hi > lo {
			in += hi - lo
		}
	}
	return float64(in) / float64(max(1, s.Len()))
}

// ece is the expected calibration error: the bucket-weighted mean gap
// between confidence and observed accuracy.
func ece(bs []ReliabilityBucket, n int) float64 {
	if n == 0 {
		return 0
	}
	e := 0.0
	for _, b := range bs {
		e += float64(b.N) / float64(n) * math.Abs(b.MeanConf-b.Observed)
	}
	return e
}

func reliability(xs []float64, ys []bool, f func(float64) float64, name string) []ReliabilityBucket {
	bs := make([]ReliabilityBucket, 5)
	for i := range bs {
		bs[i].Lo, bs[i].Hi = float64(i)/5, float64(i+1)/5
		bs[i].Range = fmt.Sprintf("%s %.1f-%.1f", name, bs[i].Lo, bs[i].Hi)
	}
	for i, x := range xs {
		c := f(x)
		k := min(int(c*5), 4)
		bs[k].N++
		bs[k].MeanConf += c
		if ys[i] {
			bs[k].Observed++
		}
	}
	for i := range bs {
		if bs[i].N > 0 {
			bs[i].MeanConf /= float64(bs[i].N)
			bs[i].Observed /= float64(bs[i].N)
		}
	}
	return bs
}
