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
)

// wordRate is a word's count inside gold spans and in all.
type wordRate struct{ in, tot int32 }

// rateTable holds the span rates of the training words, by lower-case form.
type rateTable struct {
	words map[string]wordRate
	// prior is the share of all tokens inside spans.
	prior float64
	// byHash is words keyed by the feature hash of the form.
	byHash map[uint64]wordRate
}

// rateSmoothing is the pseudo-count of the prior in the smoothed rate.
const rateSmoothing = 2

// countRates counts, over the prepared articles with their gold tags, how
// often each word form occurs inside a span.
func countRates(preps []*prepared, tags [][]uint8) *rateTable {
	t := &rateTable{words: map[string]wordRate{}}
	var in, tot int
	for i, p := range preps {
		for j := range p.toks {
			r := t.words[p.toks[j].lower]
			r.tot++
			tot++
			if tags[i][j] != tagO {
				r.in++
				in++
			}
			t.words[p.toks[j].lower] = r
		}
	}
	t.finish(in, tot)
	return t
}

func (t *rateTable) finish(in, tot int) {
	t.prior = float64(in+1) / float64(tot+2)
	t.byHash = make(map[uint64]wordRate, len(t.words))
	for w, r := range t.words {
		t.byHash[hashString(w)] = r
	}
}

// bucket returns the bucket of the smoothed log-odds of r against the
// prior (1..10; 0 for a word never seen) and of r's count (0..4).
func (t *rateTable) bucket(r wordRate) (rate, count uint8) {
	if r.tot == 0 {
		return 0, 0
	}
	p := (float64(r.in) + rateSmoothing*t.prior) / (float64(r.tot) + rateSmoothing)
	lo := math.Log(p/(1-p)) - math.Log(t.prior/(1-t.prior))
	rate = 1 + uint8(bucketF(lo, -1.5, -1, -0.5, -0.15, 0.15, 0.5, 1, 1.5, 2.5))
	count = uint8(bucket(int(r.tot), 1, 3, 9, 49))
	return rate, count
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
	for i := range p.toks {
		k := &p.toks[i]
		k.rate, k.rateN = t.bucket(t.byHash[k.word])
	}
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

// encode writes the table as sorted "word in tot" lines after a first line
// holding the total counts.
func (t *rateTable) encode() string {
	ws := make([]string, 0, len(t.words))
	var in, tot int32
	for w, r := range t.words {
		if strings.IndexFunc(w, unicode.IsSpace) >= 0 {
			continue // cannot be written as a field
		}
		ws = append(ws, w)
		in += r.in
		tot += r.tot
	}
	sort.Strings(ws)
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d\n", in, tot)
	for _, w := range ws {
		r := t.words[w]
		fmt.Fprintf(&b, "%s %d %d\n", w, r.in, r.tot)
	}
	return b.String()
}

func decodeRates(s string) (*rateTable, error) {
	if s == "" {
		return nil, nil
	}
	t := &rateTable{words: map[string]wordRate{}}
	lines := strings.Split(s, "\n")
	var sums [2]int
	for i, line := range lines {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if (i == 0 && len(f) != 2) || (i > 0 && len(f) != 3) {
			return nil, fmt.Errorf("span-rate line %d: %q", i+1, line)
		}
		in, err1 := strconv.Atoi(f[len(f)-2])
		tot, err2 := strconv.Atoi(f[len(f)-1])
		if err1 != nil || err2 != nil || in < 0 || tot < in {
			return nil, fmt.Errorf("span-rate line %d: %q", i+1, line)
		}
		if i == 0 {
			sums = [2]int{in, tot}
			continue
		}
		t.words[f[0]] = wordRate{int32(in), int32(tot)}
	}
	t.finish(sums[0], sums[1])
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
	r := uint64(t.rate)
	return append(buf,
		mix(fRate, mix(r, uint64(t.rateN))),
		mix(fRateM1, mix(rt(i-1), r)),
		mix(fRateP1, mix(r, rt(i+1))),
		mix(fRatePol, mix(r, pol)),
		mix(fSentRate, uint64(s.highRate)),
	)
}
