package technique

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// A lexicon learned from the training spans. For every word form of the
// training articles it keeps how often the word occurs and how often inside
// a gold span; the tagger reads the smoothed log-odds of "inside", bucketed,
// with a bucket of how often the word was seen. The perceptron's own weight
// for a word identity only moves when the word is mis-tagged, and words
// seen a handful of times get few updates; the log-odds bucket is shared by
// every word of the same rate, so "seen twice, both times in a span" is
// evidence for a word the tagger has hardly learnt. In training the rates
// come from other folds of the training articles (as the stacked sentence
// probabilities do): rates counted on the article itself would call every
// word of a gold span a sure thing.

// Template ids of the span-rate features.
const (
	fRate uint64 = iota + 700
	fRateM1
	fRateP1
	fRatePol
	fSentRate
	fStartRate
	fEndRate
	fEndStart
	fStemRate
	_ // fStemM1P1: the neighbours' stem rates, tried (SI mean 0.4113 -> 0.4075 over seeds 1-3), dropped
)

// wordRate is a word's count inside gold spans, in all, and as the first
// and the last token of a span.
type wordRate struct{ in, tot, start, end int32 }

// rateTable holds the span rates of the training words, by lower-case form.
type rateTable struct {
	words map[string]wordRate
	// prior is the share of all tokens inside spans, startPrior and
	// endPrior the shares that start and end one.
	prior, startPrior, endPrior float64
	// byHash is words keyed by the feature hash of the form, and stems
	// the sums over the forms of one stem (stemOf), keyed by its hash:
	// "stooges" shares the evidence of "stooge", "terrorism" of
	// "terrorists". Both are derived from words when loaded.
	byHash, stems map[uint64]wordRate
	// nbr holds, per WordNet lemma, the summed counts of the training
	// forms whose lemma is one of its neighbours (wnrates.go); nil
	// without WordNet.
	nbr map[string]wordRate
	// clu holds the summed counts per middle and fine word cluster
	// (wnrates.go); derived when loaded.
	clu [2]map[uint16]wordRate
}

// stemOf is a crude stem of a lower-case form: its first six bytes.
// Inflection and derivation mostly change word endings, and a shared
// prefix of six letters rarely joins unrelated words.
func stemOf(w string) string {
	if len(w) <= 6 {
		return w
	}
	return prefix(w, 6)
}

// rateSmoothing is the pseudo-count of the prior in the smoothed rate.
const rateSmoothing = 2

// countRates counts, over the prepared articles with their gold tags, how
// often each word form occurs inside a span.
func countRates(preps []*prepared, tags [][]uint8) *rateTable {
	t := &rateTable{words: map[string]wordRate{}}
	var sum wordRate
	for i, p := range preps {
		for j := range p.toks {
			r := t.words[p.toks[j].lower]
			r.tot++
			if g := tags[i][j]; g != tagO {
				r.in++
				if g == tagB {
					r.start++
				}
				if j+1 == len(p.toks) || tags[i][j+1] != tagI {
					r.end++
				}
			}
			t.words[p.toks[j].lower] = r
		}
	}
	for _, r := range t.words {
		sum.in, sum.tot, sum.start, sum.end = sum.in+r.in, sum.tot+r.tot, sum.start+r.start, sum.end+r.end
	}
	t.finish(sum)
	return t
}

func (t *rateTable) finish(sum wordRate) {
	t.prior = float64(sum.in+1) / float64(sum.tot+2)
	t.startPrior = float64(sum.start+1) / float64(sum.tot+2)
	t.endPrior = float64(sum.end+1) / float64(sum.tot+2)
	t.byHash = make(map[uint64]wordRate, len(t.words))
	t.stems = make(map[uint64]wordRate, len(t.words))
	for w, r := range t.words {
		t.byHash[hashString(w)] = r
		h := hashString(stemOf(w))
		x := t.stems[h]
		x.in, x.tot, x.start, x.end = x.in+r.in, x.tot+r.tot, x.start+r.start, x.end+r.end
		t.stems[h] = x
	}
}

// bucket returns the bucket of the smoothed log-odds of r being inside a
// span against the prior (1..10; 0 for a word never seen) and of r's count
// (0..4).
func (t *rateTable) bucket(r wordRate) (rate, count uint8) {
	if r.tot == 0 {
		return 0, 0
	}
	return logOddsBucket(r.in, r.tot, t.prior), uint8(bucket(int(r.tot), 1, 3, 9, 49))
}

// edges returns the buckets of r starting and ending a span, as bucket's.
func (t *rateTable) edges(r wordRate) (start, end uint8) {
	if r.tot == 0 {
		return 0, 0
	}
	return logOddsBucket(r.start, r.tot, t.startPrior), logOddsBucket(r.end, r.tot, t.endPrior)
}

// logOddsBucket buckets the log-odds of k in n, smoothed towards prior,
// against the prior's (1..10).
func logOddsBucket(k, n int32, prior float64) uint8 {
	p := (float64(k) + rateSmoothing*prior) / (float64(n) + rateSmoothing)
	lo := math.Log(p/(1-p)) - math.Log(prior/(1-prior))
	return 1 + uint8(bucketF(lo, -1.5, -1, -0.5, -0.15, 0.15, 0.5, 1, 1.5, 2.5))
}

func bucketF(x float64, bounds ...float64) int {
	for i, b := range bounds {
		if x <= b {
			return i
		}
	}
	return len(bounds)
}

// setRates gives every token of p its rate and count buckets from t.
func (p *prepared) setRates(t *rateTable) {
	p.rates = true
	p.nbr = len(t.nbr) > 0
	p.cluRates = t.clu[0] != nil
	for i := range p.toks {
		k := &p.toks[i]
		r := t.byHash[k.word]
		k.rate, k.rateN = t.bucket(r)
		k.startRate, k.endRate = t.edges(r)
		k.stemRate, k.stemN = t.bucket(t.stems[hashString(stemOf(k.lower))])
		k.nbrRate, k.nbrN = t.nbrBuckets(k.lower)
		k.cluRate[0], k.cluN[0] = t.cluBuckets(k.lower, k.cl, 0)
		k.cluRate[1], k.cluN[1] = t.cluBuckets(k.lower, k.cl, 1)
	}
	p.setSentRates()
}

// setSentRates buckets each sentence's count of high-rate words.
func (p *prepared) setSentRates() {
	for si := range p.sents {
		s := &p.sents[si]
		n := 0
		for i := s.first; i < s.end; i++ {
			if p.toks[i].rate >= 8 {
				n++
			}
		}
		s.highRate = uint8(bucket(n, 0, 1, 2, 4))
	}
}

// encode writes the table as sorted "word in tot start end" lines after a
// first line holding the total counts.
func (t *rateTable) encode() string {
	ws := make([]string, 0, len(t.words))
	var sum wordRate
	for w, r := range t.words {
		if strings.IndexFunc(w, unicode.IsSpace) >= 0 {
			continue // cannot be written as a field
		}
		ws = append(ws, w)
		sum.in, sum.tot, sum.start, sum.end = sum.in+r.in, sum.tot+r.tot, sum.start+r.start, sum.end+r.end
	}
	sort.Strings(ws)
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %d %d\n", sum.in, sum.tot, sum.start, sum.end)
	for _, w := range ws {
		r := t.words[w]
		fmt.Fprintf(&b, "%s %d %d %d %d\n", w, r.in, r.tot, r.start, r.end)
	}
	return b.String()
}

func decodeRates(s string) (*rateTable, error) {
	if s == "" {
		return nil, nil
	}
	t := &rateTable{words: map[string]wordRate{}}
	var sum wordRate
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if (i == 0 && len(f) != 4) || (i > 0 && len(f) != 5) {
			return nil, fmt.Errorf("span-rate line %d: %q", i+1, line)
		}
		var c [4]int32
		for k, x := range f[len(f)-4:] {
			v, err := strconv.ParseInt(x, 10, 32)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("span-rate line %d: %q", i+1, line)
			}
			c[k] = int32(v)
		}
		r := wordRate{in: c[0], tot: c[1], start: c[2], end: c[3]}
		if r.in > r.tot || r.start > r.in || r.end > r.in {
			return nil, fmt.Errorf("span-rate line %d: %q", i+1, line)
		}
		if i == 0 {
			sum = r
			continue
		}
		t.words[f[0]] = r
	}
	t.finish(sum)
	return t, nil
}

// rateFeatures appends the span-rate features of token i of sentence s.
func (p *prepared) rateFeatures(buf []uint64, s *sent, i int, pol uint64) []uint64 {
	t := &p.toks[i]
	rt := func(j int) uint64 {
		if j < s.first || j >= s.end {
			return 0xff
		}
		return uint64(p.toks[j].rate)
	}
	endRate := func(j int) uint64 {
		if j < s.first || j >= s.end {
			return 0xff
		}
		return uint64(p.toks[j].endRate)
	}
	r := uint64(t.rate)
	if p.nbr {
		buf = append(buf,
			mix(fNbrRate, mix(uint64(t.nbrRate), uint64(t.nbrN))),
			mix(fNbrOwn, mix(uint64(t.nbrRate), uint64(t.rateN))),
		)
	}
	if p.cluRates {
		buf = append(buf,
			mix(fCluRateMid, mix(uint64(t.cluRate[0]), uint64(t.cluN[0]))),
			mix(fCluRateFine, mix(uint64(t.cluRate[1]), uint64(t.cluN[1]))),
		)
	}
	return append(buf,
		mix(fRate, mix(r, uint64(t.rateN))),
		mix(fRateM1, mix(rt(i-1), r)),
		mix(fRateP1, mix(r, rt(i+1))),
		mix(fRatePol, mix(r, pol)),
		smallMix7(fSentRate, uint64(s.highRate)),
		mix(fStartRate, mix(uint64(t.startRate), uint64(t.rateN))),
		mix(fEndRate, mix(uint64(t.endRate), uint64(t.rateN))),
		mix(fEndStart, mix(endRate(i-1), uint64(t.startRate))),
		mix(fStemRate, mix(uint64(t.stemRate), uint64(t.stemN))),
	)
}
