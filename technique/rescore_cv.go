package technique

import (
	"fmt"
	"math"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
)

// rsArticle is one held-out article's candidates in cross-validation: what
// the fold model proposed, with the rescorer features and targets.
type rsArticle struct {
	fold  int
	art   *Article
	nTok  int
	cands []scoredCand
	spans []document.Span // byte spans of cands
	ex    []rsExample
}

// collect adds the candidates of the fold model m on the held-out article a
// (prepared as p, with emissions ems) to ra.
func (m *Model) collectCandidates(p *prepared, ems [][][nTags]float32, grid []biases, gold []document.Span, ra *rsArticle) {
	ra.nTok = len(p.toks)
	cands := m.candidates(p, ems, grid)
	m.rescore(p, ems, cands, nil, func(c *candidate, feats []uint64, _ []float64, top int) {
		bs := document.Span{Start: p.toks[c.a].start, End: p.toks[c.b-1].end}
		ra.cands = append(ra.cands, scoredCand{candidate: *c, top: top, chars: bs.Len()})
		ra.spans = append(ra.spans, bs)
		ra.ex = append(ra.ex, rsExample{feats: append([]uint64(nil), feats...), y: float32(insideFraction(bs, gold))})
	})
}

// rsResult is what cross-validating the rescorer gives.
type rsResult struct {
	// threshold is the best logit threshold over all folds (shipped);
	// foldThr are the thresholds each fold got from the other folds.
	set     selection
	foldThr []string
	// nested are the held-out predictions under the nested thresholds.
	nested []eval.TechSpan
	// f1ByThr is the pooled SI F1 at each threshold tried.
	f1ByThr map[string]float64
	// calX and calY are the logits of the spans selected under the
	// shipped threshold and whether most of each is inside a gold span.
	calX []float64
	calY []bool
	ex   []rsExample
}

// rsBetas are the weights of span length in the selection order tried.
var rsBetas = []float64{0, 1}

// rsOthers are the thresholds tried for spans of the other offsets;
// rsNever keeps the base decoding's boundaries only (a pure filter).
var rsOthers = []float64{-1, -0.5, 0, 0.5, rsNever}

// rsNever is a logit threshold no span reaches.
const rsNever = 99

// rsThresholds are the logit thresholds tried (probabilities about 0.05
// to 0.5).
func rsThresholds() []float64 {
	var t []float64
	for x := -3.0; x <= -0.49; x += 0.1 {
		t = append(t, math.Round(x*10)/10)
	}
	return t
}

// crossValidateRescorer trains the rescorer k times, each time on the
// candidates of k−1 folds, to score the candidates of the remaining fold
// out of fold; then it chooses each fold's threshold on the other folds
// (nested, as the decoding offsets are) and the shipped one on all.
func crossValidateRescorer(arts []rsArticle, goldSI [][]eval.TechSpan, k, best int, foldBase []int, opts Options) rsResult {
	for f := 0; f < k; f++ {
		var ex []rsExample
		for i := range arts {
			if arts[i].fold != f {
				ex = append(ex, arts[i].ex...)
			}
		}
		m := trainRS(ex, opts.RSBits, opts.RSEpochs, opts.RSL2, opts.RSRate, opts.Seed+int64(f))
		for i := range arts {
			if arts[i].fold != f {
				continue
			}
			for j := range arts[i].cands {
				arts[i].cands[j].logit = m.logit(arts[i].ex[j].feats)
			}
		}
	}
	predict := func(keep func(int) bool, sel selection) (pred []eval.TechSpan) {
		for i := range arts {
			a := &arts[i]
			if !keep(a.fold) {
				continue
			}
			for _, j := range selectSpans(a.cands, sel, a.nTok) {
				st, en := a.art.ToRunes(a.spans[j])
				pred = append(pred, eval.TechSpan{Article: a.art.ID, Start: st, End: en})
			}
		}
		return pred
	}
	gold := func(keep func(int) bool) (g []eval.TechSpan) {
		for f := 0; f < k; f++ {
			if keep(f) {
				g = append(g, goldSI[f]...)
			}
		}
		return g
	}
	var grid []selection
	for _, b := range rsBetas {
		for _, o := range rsOthers {
			for _, t := range rsThresholds() {
				grid = append(grid, selection{Thr: t, Other: o, Beta: b})
			}
		}
	}
	// F1 of every setting on every fold's complement (with the base
	// offsets that fold chose), and on all folds (with the shipped ones)
	f1 := make([][]float64, k+1)
	for f := 0; f <= k; f++ {
		keep := func(x int) bool { return x != f } // f == k keeps all
		g := gold(keep)
		f1[f] = make([]float64, len(grid))
		for i, s := range grid {
			s.Base = best
			if f < k {
				s.Base = foldBase[f]
			}
			_, _, f1[f][i], _, _ = eval.ScoreSI(g, predict(keep, s))
		}
	}
	argmax := func(row []float64) int {
		b := 0
		for i := range row {
			if row[i] > row[b] {
				b = i
			}
		}
		return b
	}
	res := rsResult{f1ByThr: map[string]float64{}}
	name := func(s selection) string { return fmt.Sprintf("t=%.1f o=%g b=%g", s.Thr, s.Other, s.Beta) }
	for i, s := range grid {
		res.f1ByThr[name(s)] = f1[k][i]
	}
	res.set = grid[argmax(f1[k])]
	res.set.Base = best
	for f := 0; f < k; f++ {
		s := grid[argmax(f1[f])]
		s.Base = foldBase[f]
		res.foldThr = append(res.foldThr, name(s))
		res.nested = append(res.nested, predict(func(x int) bool { return x == f }, s)...)
	}
	for i := range arts {
		a := &arts[i]
		for _, j := range selectSpans(a.cands, res.set, a.nTok) {
			res.calX = append(res.calX, a.cands[j].logit)
			res.calY = append(res.calY, a.ex[j].y >= 0.5)
		}
		res.ex = append(res.ex, a.ex...)
	}
	return res
}
