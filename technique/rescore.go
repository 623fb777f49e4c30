package technique

import (
	"math"
	"math/rand"
	"sort"
)

// The second stage of span identification. One Viterbi decoding commits to
// one precision/recall trade-off and to one set of boundaries; decodings
// under several O/B offsets propose different spans over the same words
// (short ones under a mild O offset, whole clauses under a strong one).
// Every distinct span proposed by any offset pair of the grid is a
// candidate. A binary logistic regression (the rescorer) then estimates
// each candidate's precision, the share of its characters inside gold
// spans, from what the tagger cannot see token by token: the span as a
// whole (its margins, length, boundary words and punctuation, coverage of
// the sentence, quotes, lexicon hits, capitalisation), the technique the
// TC model gives it and how sure it is, and which offsets proposed it.
// Candidates are taken best first, skipping any that overlaps one already
// taken, down to a threshold chosen by cross-validation.
//
// The rescorer is trained on out-of-fold candidates: those the
// cross-validation fold models propose on their held-out articles, so it
// learns how far to trust a first stage that has not seen the text.

// Template ids of the rescorer features.
const (
	rBias uint64 = iota + 600
	rScore
	rMinMargin
	rFirstMargin
	rNextMargin
	rPrevMargin
	rConfig
	rNConfigs
	rLen
	rLenTC
	rTC
	rTCProb
	rTCProbLen
	rFirst
	rLast
	rBefore
	rAfter
	rFirstCl
	rLastCl
	rFirstWN
	rLastWN
	rPunctBefore
	rPunctAfter
	rSentStart
	rSentEnd
	rCover
	rInnerPunct
	rQuote
	rScare
	rLex
	rLexLen
	rCaps
	rSentProb
	rDocProb
	rOverlap
	rRep
	rScoreLen
	rBang
)

// rsModel is the rescorer: hashed binary logistic regression weights,
// the decoding offsets that propose candidates and the selection
// threshold on its logit.
type rsModel struct {
	Bits    uint
	W       []float32
	Configs []biases
	Sel     selection
}

func (m *rsModel) index(h uint64) int { return int(h & (1<<m.Bits - 1)) }

// logit is the rescorer's score of a feature vector.
func (m *rsModel) logit(feats []uint64) float64 {
	s := 0.0
	for _, h := range feats {
		s += float64(m.W[m.index(h)])
	}
	return s
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// candidate is a span proposed by one or more decodings.
type candidate struct {
	a, b    int // tokens
	sent    int // sentence index
	score   float64
	configs uint32 // bit i: offsets i of the grid proposed it
}

// candidates decodes every sentence under each offset pair of grid (at
// most 32) and returns the distinct spans, in text order.
func (m *Model) candidates(p *prepared, ems [][][nTags]float32, grid []biases) []candidate {
	type key struct{ a, b int }
	at := map[key]int{}
	var out []candidate
	for gi, bs := range grid {
		for _, sp := range m.decodeSpans(p, ems, bs) {
			k := key{sp.a, sp.b}
			if i, ok := at[k]; ok {
				out[i].configs |= 1 << uint(gi)
				continue
			}
			at[k] = len(out)
			out = append(out, candidate{a: sp.a, b: sp.b, score: sp.score, configs: 1 << uint(gi)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].a != out[j].a {
			return out[i].a < out[j].a
		}
		return out[i].b < out[j].b
	})
	for i := range out {
		out[i].sent = p.sentIndex(out[i].a)
	}
	return out
}

// sentIndex returns the index in p.sents of the sentence holding token i.
func (p *prepared) sentIndex(i int) int {
	return sort.Search(len(p.sents), func(k int) bool { return p.sents[k].end > i })
}

// margin is token k's score of tag t over O in em (0 outside em).
func margin(em [][nTags]float32, k int, t uint8) float64 {
	if k < 0 || k >= len(em) {
		return 0
	}
	return float64(em[k][t] - em[k][tagO])
}

func marginBucket(x float64) uint64 {
	v := int(math.Floor(x / 25))
	return uint64(min(max(v, -16), 16) + 16)
}

// rsFeatures appends the rescorer features of candidate c. em is the
// emission scores of c's sentence, tc the TC probabilities of the span
// and top their argmax, overlap the number of other candidates it
// overlaps and count the candidates with the same text.
func (p *prepared) rsFeatures(buf []uint64, c *candidate, em [][nTags]float32, tc []float64, top, overlap, count int) []uint64 {
	s := &p.sents[c.sent]
	n := c.b - c.a
	lb := bucket(n, 1, 2, 3, 4, 6, 8, 12, 16, 24)
	ia, ib := c.a-s.first, c.b-s.first
	minM := math.Inf(1)
	for k := ia; k < ib; k++ {
		t := uint8(tagI)
		if k == ia {
			t = tagB
		}
		minM = math.Min(minM, margin(em, k, t))
	}
	tp := uint64(min(tc[top]*10, 9))
	buf = append(buf,
		mix(rBias, 0),
		mix(rScore, marginBucket(c.score)),
		mix(rScoreLen, mix(marginBucket(c.score), lb)),
		mix(rMinMargin, marginBucket(minM)),
		mix(rFirstMargin, marginBucket(margin(em, ia, tagB))),
		mix(rNextMargin, marginBucket(margin(em, ib, tagI))),
		mix(rPrevMargin, marginBucket(math.Max(margin(em, ia-1, tagB), margin(em, ia-1, tagI)))),
		mix(rNConfigs, bucket(popcount(c.configs), 1, 2, 4, 8, 12)),
		mix(rLen, lb),
		mix(rLenTC, mix(lb, uint64(top))),
		mix(rTC, uint64(top)),
		mix(rTCProb, mix(uint64(top), tp)),
		mix(rTCProbLen, mix(tp, lb)),
		mix(rOverlap, bucket(overlap, 0, 1, 2, 4, 8)),
		mix(rRep, bucket(count, 1, 2, 3)),
	)
	for i := 0; i < 32; i++ {
		if c.configs&(1<<uint(i)) != 0 {
			buf = append(buf, mix(rConfig, uint64(i)))
		}
	}
	if c.a > s.first {
		t := &p.toks[c.a-1]
		buf = append(buf, mix(rBefore, t.word), mix(rPunctBefore, uint64(t.punct)))
	} else {
		buf = append(buf, mix(rSentStart, 1))
	}
	end := s.end
	for end > c.b && p.toks[end-1].punct != 0 {
		end-- // closing punctuation and quotes
	}
	if c.b < s.end {
		t := &p.toks[c.b]
		buf = append(buf, mix(rAfter, t.word), mix(rPunctAfter, uint64(t.punct)))
	}
	if c.b >= end {
		buf = append(buf, mix(rSentEnd, 1))
	}
	buf = append(buf, mix(rFirst, p.toks[c.a].word), mix(rLast, p.toks[c.b-1].word))
	buf = append(buf, mix(rCover, uint64(min(10*n/max(1, s.end-s.first), 10))))
	if p.clusters {
		buf = append(buf, mix(rFirstCl, uint64(p.toks[c.a].cl[1])), mix(rLastCl, uint64(p.toks[c.b-1].cl[1])))
	}
	if p.wordnet {
		buf = append(buf, mix(rFirstWN, uint64(p.toks[c.a].wn)), mix(rLastWN, uint64(p.toks[c.b-1].wn)))
	}
	inner, strong, caps := 0, 0, 0
	quote, scare := false, false
	for k := c.a; k < c.b; k++ {
		t := &p.toks[k]
		if t.punct != 0 {
			inner++
		}
		if t.pol <= -2 || t.pol >= 2 {
			strong++
		}
		if t.caps == 1 && k > s.first {
			caps++
		}
		quote = quote || t.inQuote
		scare = scare || t.scare == 1
	}
	buf = append(buf,
		mix(rInnerPunct, bucket(inner, 0, 1, 2, 4)),
		mix(rLex, bucket(strong, 0, 1, 2, 3)),
		mix(rLexLen, mix(bucket(strong, 0, 1, 2), lb)),
		mix(rCaps, bucket(10*caps/n, 0, 2, 5)),
	)
	if quote {
		buf = append(buf, mix(rQuote, 1))
	}
	if scare {
		buf = append(buf, mix(rScare, 1))
	}
	if s.bang || s.question {
		b := uint64(1)
		if s.question {
			b = 2
		}
		buf = append(buf, mix(rBang, b))
	}
	if p.sentProb != nil {
		buf = append(buf, mix(rSentProb, uint64(p.sentProb[c.sent]*10)), mix(rDocProb, uint64(p.docProb*20)))
	}
	return buf
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// scoredCand is a candidate with what selection and prediction need.
type scoredCand struct {
	candidate
	logit float64
	top   int // TC argmax
	chars int // byte length of the span
}

// rescore computes the TC probabilities and the rescorer features of each
// candidate; each calls fn with the candidate, its features and its TC
// probabilities (both reused after fn returns).
func (m *Model) rescore(p *prepared, ems [][][nTags]float32, cands []candidate, stop func() bool, fn func(c *candidate, feats []uint64, tc []float64, top int)) {
	ts := make([][2]int, len(cands))
	for i, c := range cands {
		ts[i] = [2]int{c.a, c.b}
	}
	counts := spanCounts(p, ts)
	probs := make([]float64, len(m.tc.Labels))
	var tcBuf, buf []uint64
	for i := range cands {
		if i%32 == 0 && stop != nil && stop() {
			return
		}
		c := &cands[i]
		overlap := 0
		for j := i - 1; j >= 0 && cands[j].sent == c.sent; j-- {
			if cands[j].b > c.a {
				overlap++
			}
		}
		for j := i + 1; j < len(cands) && cands[j].a < c.b; j++ {
			overlap++
		}
		cnt := counts[p.spanText(c.a, c.b)]
		tcBuf = m.classify(p, c.a, c.b, cnt, 0, tcBuf, probs)
		top := 0
		for j := range probs {
			if probs[j] > probs[top] {
				top = j
			}
		}
		buf = p.rsFeatures(buf[:0], c, ems[c.sent], probs, top, overlap, cnt)
		fn(c, buf, probs, top)
	}
}

// selection is how candidates are chosen: the base decoding's spans
// (offsets Base of the grid, what the tagger alone would output) whose
// logit is at least Thr come first; then spans of the other offsets whose
// logit is at least Other fill the gaps, best first by
// logit + Beta·ln(characters), since the logit estimates precision and
// among overlapping variants a longer one covers more of a gold span.
type selection struct {
	Base             int
	Thr, Other, Beta float64
}

// selectSpans returns the indices of the candidates taken under s, in
// text order; no two overlap.
func selectSpans(cs []scoredCand, s selection, nTok int) []int {
	idx := make([]int, 0, len(cs))
	key := make([]float64, len(cs))
	for i := range cs {
		base := cs[i].configs&(1<<uint(s.Base)) != 0
		switch {
		case base && cs[i].logit >= s.Thr:
			key[i] = math.Inf(1)
		case !base && cs[i].logit >= s.Other:
			key[i] = cs[i].logit + s.Beta*math.Log(float64(max(cs[i].chars, 1)))
		default:
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(i, j int) bool { return key[idx[i]] > key[idx[j]] })
	taken := make([]bool, nTok)
	out := idx[:0]
	for _, i := range idx {
		c := &cs[i]
		free := true
		for k := c.a; k < c.b && free; k++ {
			free = !taken[k]
		}
		if !free {
			continue
		}
		for k := c.a; k < c.b; k++ {
			taken[k] = true
		}
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// rsExample is one out-of-fold candidate: its features and its precision
// (share of its characters inside gold spans).
type rsExample struct {
	feats []uint64
	y     float32
}

// trainRS fits the rescorer by SGD with AdaGrad steps on the log loss
// against soft targets, with L2 on the weights a step touches and Polyak
// averaging over the second half of the passes.
func trainRS(ex []rsExample, bits uint, epochs int, l2, lr float64, seed int64) *rsModel {
	m := &rsModel{Bits: bits, W: make([]float32, 1<<bits)}
	g2 := make([]float32, len(m.W))
	avg := make([]float32, len(m.W))
	navg := 0
	rng := rand.New(rand.NewSource(seed))
	order := rng.Perm(len(ex))
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			e := &ex[n]
			g0 := sigmoid(m.logit(e.feats)) - float64(e.y)
			for _, h := range e.feats {
				i := m.index(h)
				g := g0 + l2*float64(m.W[i])
				g2[i] += float32(g * g)
				m.W[i] -= float32(lr * g / math.Sqrt(float64(g2[i])+1e-6))
			}
		}
		if ep >= epochs/2 {
			for i, w := range m.W {
				avg[i] += w
			}
			navg++
		}
	}
	for i := range avg {
		m.W[i] = avg[i] / float32(navg)
	}
	return m
}

// rescoredSpans proposes candidates under the rescorer's offsets and
// returns those selected, each scored by its rescorer logit.
func (m *Model) rescoredSpans(p *prepared, ems [][][nTags]float32, stop func() bool) []spanPred {
	cands := m.candidates(p, ems, m.rs.Configs)
	thr := math.Min(m.rs.Sel.Thr, m.rs.Sel.Other)
	var cs []scoredCand
	m.rescore(p, ems, cands, stop, func(c *candidate, feats []uint64, _ []float64, top int) {
		if z := m.rs.logit(feats); z >= thr {
			cs = append(cs, scoredCand{candidate: *c, logit: z, top: top, chars: p.toks[c.b-1].end - p.toks[c.a].start})
		}
	})
	sel := selectSpans(cs, m.rs.Sel, len(p.toks))
	out := make([]spanPred, len(sel))
	for i, j := range sel {
		out[i] = spanPred{a: cs[j].a, b: cs[j].b, score: cs[j].logit}
	}
	return out
}
