package ner

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Types are the entity types the tagger labels.
var Types = []string{"PER", "ORG", "LOC", "MISC"}

// The tagger labels tokens in BILOU: O, then B/I/L/U for each type.
const (
	nTypes  = 4
	nLabels = 1 + 4*nTypes
)

const (
	pB = iota
	pI
	pL
	pU
)

func label(typ, pos int) int { return 1 + typ*4 + pos }

func labelType(l int) int { return (l - 1) / 4 }

func labelPos(l int) int { return (l - 1) % 4 }

func labelName(l int) string {
	if l == 0 {
		return "O"
	}
	return string("BILU"[labelPos(l)]) + "-" + Types[labelType(l)]
}

func typeIndex(t string) int {
	for i, x := range Types {
		if x == t {
			return i
		}
	}
	return -1
}

// allowed[p][c] says whether label c may follow label p in BILOU; row
// nLabels is the sentence start.
var allowed = func() (a [nLabels + 1][nLabels]bool) {
	for p := 0; p <= nLabels; p++ {
		for c := 0; c < nLabels; c++ {
			inside := p < nLabels && p > 0 && (labelPos(p) == pB || labelPos(p) == pI)
			if inside {
				a[p][c] = c > 0 && labelType(c) == labelType(p) && (labelPos(c) == pI || labelPos(c) == pL)
			} else {
				a[p][c] = c == 0 || labelPos(c) == pB || labelPos(c) == pU
			}
		}
	}
	return a
}()

// predecessors[c] lists the labels that may precede label c.
var predecessors = func() (ps [nLabels][]int8) {
	for c := 0; c < nLabels; c++ {
		for p := 0; p < nLabels; p++ {
			if allowed[p][c] {
				ps[c] = append(ps[c], int8(p))
			}
		}
	}
	return ps
}()

// outside lists, ascending, the labels that may precede O, B-X and U-X
// (O, L-*, U-*); starts lists those labels (O, B-*, U-*). viterbi relies on
// them; TestViterbiSteps checks them against predecessors.
var (
	outside = [1 + 2*nTypes]int8{0, 3, 4, 7, 8, 11, 12, 15, 16}
	starts  = [1 + 2*nTypes]int8{0, 1, 4, 5, 8, 9, 12, 13, 16}
)

// canEnd says whether a sentence may end with label l.
func canEnd(l int) bool { return l == 0 || labelPos(l) == pL || labelPos(l) == pU }

// encodeBILOU turns gold spans into label indices.
func encodeBILOU(n int, spans []Span) []int {
	ls := make([]int, n)
	for _, s := range spans {
		t := typeIndex(s.Type)
		if t < 0 {
			continue
		}
		if s.End-s.Start == 1 {
			ls[s.Start] = label(t, pU)
			continue
		}
		ls[s.Start] = label(t, pB)
		for i := s.Start + 1; i < s.End-1; i++ {
			ls[i] = label(t, pI)
		}
		ls[s.End-1] = label(t, pL)
	}
	return ls
}

// Model is a trained sequence labeller: an averaged structured perceptron
// over hashed features with first-order BILOU transitions, plus its word
// clusters and gazetteer. It is read-only after loading and safe for
// concurrent use.
type Model struct {
	index map[uint32]int32 // feature hash → row of w (training and saving)
	// fast maps a feature hash to its nonzero weights in sp, for tagging:
	// the value is start<<spShift | count (see spHandle)
	fast  *fmap
	nfeat int // number of weight rows
	// w holds one row per feature: nLabels weights, and for a two-pass
	// model nLabels more, the first-pass model's (stride 2·nLabels), so
	// one lookup per feature scores both passes. Training and Save read
	// it; a loaded model keeps only sp.
	w      []float32
	stride int
	// sp holds the nonzero weights of every row of w, row after row: a
	// row has 5.4 nonzero weights of 34 on average, so tagging touches a
	// third of the memory the dense rows take (they are far larger than
	// the cache, and the loads were the tagger's main cost). Adding only
	// the nonzero weights, in the same order, gives bit-identical sums:
	// x+0 == x for every score x, which is never -0 (scores start at +0).
	sp     []spWeight
	trans  [(nLabels + 1) * nLabels]float32
	trans1 [(nLabels + 1) * nLabels]float32 // first pass, two-pass models
	// temp is the softmax temperature that turns score differences into
	// confidences, fitted on the development set.
	temp float32

	clusters map[string][3]uint16
	// local and localW cache, for every word of the cluster table, the sum
	// of its localFeatures' weight rows: most running words are in the
	// table, and one lookup then replaces ~16 (built by buildLocal).
	local  map[string]int32
	localW []float32
	gaz    map[string]string // lower-case word sequence → type
	gazMax int               // longest gazetteer entry in words
	// gazIdx is gaz with every shorter word prefix of an entry added with
	// type gazPrefixOnly, so markGazetteer stops extending a sequence that no entry
	// starts with; built once, on first use (gazPrefixes).
	gazIdx  map[string]string
	gazOnce sync.Once

	// calA and calB map a span's raw confidence p to
	// sigmoid(calA·logit(p)+calB), fitted on dev spans by Build (Platt
	// scaling) and read from the manifest; zero values mean identity.
	calA, calB float64

	// TwoPass adds the document-majority feature from a first pass.
	twoPass bool

	pool sync.Pool
}

// spWeight is one nonzero weight of a row: column l (a label, or 17 + a
// label for a two-pass model's first pass) and its value.
type spWeight struct {
	w float32
	l uint32
}

// spShift splits a fast-map value into the start of a row's weights in sp
// and their count (at most 2·nLabels = 34 < 64).
const spShift = 6

func spHandle(start, count int) int32 { return int32(start<<spShift | count) }

// spRow returns the nonzero weights of the row with handle h.
func (m *Model) spRow(h int32) []spWeight {
	start := int(uint32(h) >> spShift)
	return m.sp[start : start+int(h&(1<<spShift-1))]
}

// addSparse appends row r of w to sp and returns its handle.
func (m *Model) addSparse(r int32) int32 {
	stride := m.rowStride()
	start := len(m.sp)
	for l, v := range m.w[int(r)*stride : int(r)*stride+stride] {
		if v != 0 {
			m.sp = append(m.sp, spWeight{w: v, l: uint32(l)})
		}
	}
	return spHandle(start, len(m.sp)-start)
}

func (m *Model) clusterOf(w, lower string) [3]uint16 {
	if c, ok := m.clusters[w]; ok || w == lower {
		return c
	}
	return m.clusters[lower]
}

// gazPrefixOnly marks a gazIdx key that is only the start of entries (no
// type is a NUL byte).
const gazPrefixOnly = "\x00"

// gazPrefixes returns gazIdx, building it on first use (the gazetteer is
// read-only once the model is loaded or trained).
func (m *Model) gazPrefixes() map[string]string {
	m.gazOnce.Do(func() {
		idx := make(map[string]string, 2*len(m.gaz))
		for name := range m.gaz {
			for i := 0; i < len(name); i++ {
				if name[i] == ' ' {
					if _, ok := idx[name[:i]]; !ok {
						idx[name[:i]] = gazPrefixOnly
					}
				}
			}
		}
		for name, typ := range m.gaz {
			idx[name] = typ // an entry that is also a prefix keeps its type
		}
		m.gazIdx = idx
	})
	return m.gazIdx
}

// markGazetteer marks the longest gazetteer matches in a sentence.
func (m *Model) markGazetteer(toks []token) {
	if len(m.gaz) == 0 {
		return
	}
	gaz := m.gazPrefixes()
	var buf [256]byte // names are short; longer ones spill to the heap
	b := buf[:0]
	for i := 0; i < len(toks); {
		if !isCap(toks[i].word) {
			i++
			continue
		}
		best, typ := 0, ""
		b = b[:0]
		for n := 1; n <= m.gazMax && i+n <= len(toks); n++ {
			if n > 1 {
				b = append(b, ' ')
			}
			b = append(b, toks[i+n-1].lower...)
			t, ok := gaz[string(b)] // no allocation for the lookup
			if !ok {
				break // no entry starts with these words
			}
			if t != gazPrefixOnly {
				best, typ = n, t
			}
		}
		if best == 0 {
			i++
			continue
		}
		for k := 0; k < best; k++ {
			toks[i+k].gaz = 'I'
			toks[i+k].gazType = typ
		}
		toks[i].gaz = 'B'
		i += best
	}
}

// buffers reused across calls to keep tagging allocation-light.
type buffers struct {
	feats  []uint32
	rows   []int32 // weight rows of feats (emissions)
	score  []float32
	score1 []float32 // first-pass scores of a two-pass model
	best   []float32
	back   []int8

	// document scratch (docTokensBuf, TagDoc)
	toks           []token
	sents          [][]token
	shapes, lowers map[string]string
	cache          []float32 // first-pass-time second-pass scores of the document
	first          []int     // first-pass labels of the document
	words          map[string]wordInfo
	lowerID        map[string]int32 // lower form → token.lid
	seen           []uint8          // seenCap|seenLower by token.lid
	touch          float32          // keeps emissions' cache-line touches live
}

// wordInfo is what docTokensBuf derives from a word alone, kept per
// document so a repeated word costs one small-map probe.
type wordInfo struct {
	lower, shape string
	clus         [3]uint16
	local        int32
	lid          int32
	lh           [nLowerHashes]uint32
}

// flags of buffers.seen
const (
	seenCap uint8 = 1 << iota
	seenLower
)

func (m *Model) getBuf() *buffers {
	if b, ok := m.pool.Get().(*buffers); ok {
		return b
	}
	return &buffers{}
}

// emissions fills b.score with n×nLabels emission scores (and b.score1
// with the first pass's, for a two-pass model).
func (m *Model) emissions(b *buffers, toks []token) {
	n := len(toks)
	two := m.stride == 2*nLabels
	if cap(b.score) < n*nLabels {
		b.score = make([]float32, n*nLabels)
	}
	b.score = b.score[:n*nLabels]
	clear(b.score)
	if two {
		if cap(b.score1) < n*nLabels {
			b.score1 = make([]float32, n*nLabels)
		}
		b.score1 = b.score1[:n*nLabels]
		clear(b.score1)
	}
	caps := sentenceMostlyCaps(toks)
	// a token's scores are summed in acc (both passes' columns; 64 so that
	// masking a column drops the bounds check), starting from +0 like the
	// score rows, and copied out: the same additions in the same order as
	// adding to the rows, so the same sums
	for i := range toks {
		b.feats = features(b.feats[:0], toks, i, caps)
		var acc [64]float32
		if lk := toks[i].local; lk >= 0 {
			if two {
				addRow2((*[nLabels]float32)(acc[:nLabels]), (*[nLabels]float32)(acc[nLabels:]), m.localW[int(lk)*2*nLabels:])
			} else {
				addRow((*[nLabels]float32)(acc[:nLabels]), m.localW[int(lk)*nLabels:])
			}
		}
		// resolve every feature's row first, then add them in the same
		// order: the hash-table probes are independent loads that the CPU
		// overlaps, rather than each waiting behind the previous row's sums
		b.rows = m.lookupRows(b.rows[:0], b.feats)
		// touch every row's first weight before summing: the loads are
		// independent, so their misses overlap instead of each row's sums
		// waiting for its own
		var touch float32
		for _, h := range b.rows {
			if start := int(uint32(h) >> spShift); start < len(m.sp) {
				touch += m.sp[start].w
			}
		}
		b.touch = touch
		for _, h := range b.rows {
			for _, e := range m.spRow(h) {
				acc[e.l&63] += e.w
			}
		}
		copy(b.score[i*nLabels:(i+1)*nLabels], acc[:nLabels])
		if two {
			copy(b.score1[i*nLabels:(i+1)*nLabels], acc[nLabels:])
		}
	}
}

// lookupRows appends the sparse-row handles (see Model.fast) of the
// features the model knows, in feature order.
func (m *Model) lookupRows(dst []int32, feats []uint32) []int32 {
	for _, f := range feats {
		if k, ok := m.fast.get(f); ok {
			dst = append(dst, k)
		}
	}
	return dst
}

// nLabels is 17: addRow and addRow2 are written out for that many labels
// (this fails to compile if it changes).
var _ = [1]struct{}{}[nLabels-17]

// addRow adds the first nLabels weights of w to row.
func addRow(row *[nLabels]float32, w []float32) {
	v := (*[nLabels]float32)(w[:nLabels])
	// written out: the compiler does not unroll loops, and this is the
	// tagger's innermost work (same additions, same order, same sums)
	row[0] += v[0]
	row[1] += v[1]
	row[2] += v[2]
	row[3] += v[3]
	row[4] += v[4]
	row[5] += v[5]
	row[6] += v[6]
	row[7] += v[7]
	row[8] += v[8]
	row[9] += v[9]
	row[10] += v[10]
	row[11] += v[11]
	row[12] += v[12]
	row[13] += v[13]
	row[14] += v[14]
	row[15] += v[15]
	row[16] += v[16]
}

// addRow2 adds a two-pass weight block (second pass, then first) to the
// two score rows.
func addRow2(row, row1 *[nLabels]float32, w []float32) {
	v := (*[2 * nLabels]float32)(w[:2*nLabels])
	// written out like addRow
	row[0] += v[0]
	row[1] += v[1]
	row[2] += v[2]
	row[3] += v[3]
	row[4] += v[4]
	row[5] += v[5]
	row[6] += v[6]
	row[7] += v[7]
	row[8] += v[8]
	row[9] += v[9]
	row[10] += v[10]
	row[11] += v[11]
	row[12] += v[12]
	row[13] += v[13]
	row[14] += v[14]
	row[15] += v[15]
	row[16] += v[16]
	row1[0] += v[17]
	row1[1] += v[18]
	row1[2] += v[19]
	row1[3] += v[20]
	row1[4] += v[21]
	row1[5] += v[22]
	row1[6] += v[23]
	row1[7] += v[24]
	row1[8] += v[25]
	row1[9] += v[26]
	row1[10] += v[27]
	row1[11] += v[28]
	row1[12] += v[29]
	row1[13] += v[30]
	row1[14] += v[31]
	row1[15] += v[32]
	row1[16] += v[33]
}

var negInf = float32(math.Inf(-1))

// viterbi decodes the best allowed label sequence from b.score into out.
func viterbi(b *buffers, trans *[(nLabels + 1) * nLabels]float32, n int, out []int) {
	if cap(b.best) < n*nLabels {
		b.best = make([]float32, n*nLabels)
		b.back = make([]int8, n*nLabels)
	}
	best, back := b.best[:n*nLabels], b.back[:n*nLabels]
	for c := 0; c < nLabels; c++ {
		if allowed[nLabels][c] {
			best[c] = b.score[c] + trans[nLabels*nLabels+c]
		} else {
			best[c] = negInf
		}
	}
	score := b.score[:n*nLabels]
	// BILOU has two kinds of step: into O, B-X or U-X from any of the nine
	// labels that close or are outside an entity (O, L-*, U-*), and into
	// I-X or L-X from B-X or I-X. The outside step's transition weights are
	// gathered per call into rows so its inner loop is over fixed arrays.
	// Predecessors are tried in ascending label order as in predecessors[c],
	// with the same sums and the same strict comparison, so the labels are
	// those of the plain loop; no test for an unreachable predecessor is
	// needed: -Inf plus a weight is never greater than bv.
	var tOut [nLabels][len(outside)]float32
	for _, c := range starts {
		for k, p := range outside {
			tOut[c][k] = trans[int(p)*nLabels+int(c)]
		}
	}
	for i := 1; i < n; i++ {
		prev := (*[nLabels]float32)(best[(i-1)*nLabels:])
		cur := (*[nLabels]float32)(best[i*nLabels:])
		sc := (*[nLabels]float32)(score[i*nLabels:])
		bk := (*[nLabels]int8)(back[i*nLabels:])
		var po [len(outside)]float32
		for k, p := range outside {
			po[k] = prev[p]
		}
		for _, c := range starts {
			tc := &tOut[c]
			bv, bp := negInf, int8(0)
			for k := range po {
				if v := po[k] + tc[k]; v > bv {
					bv, bp = v, outside[k]
				}
			}
			if bv == negInf {
				cur[c] = negInf
			} else {
				cur[c] = bv + sc[c]
			}
			bk[c] = bp
		}
		for t := 0; t < nTypes; t++ {
			pb, pi := 1+4*t, 2+4*t              // B-X, I-X
			for c := 2 + 4*t; c <= 3+4*t; c++ { // I-X, L-X
				bv, bp := negInf, int8(0)
				if v := prev[pb] + trans[pb*nLabels+c]; v > bv {
					bv, bp = v, int8(pb)
				}
				if v := prev[pi] + trans[pi*nLabels+c]; v > bv {
					bv, bp = v, int8(pi)
				}
				if bv == negInf {
					cur[c] = negInf
				} else {
					cur[c] = bv + sc[c]
				}
				bk[c] = bp
			}
		}
	}
	bv, bl := negInf, 0
	for c := 0; c < nLabels; c++ {
		if canEnd(c) && best[(n-1)*nLabels+c] > bv {
			bv, bl = best[(n-1)*nLabels+c], c
		}
	}
	for i := n - 1; i >= 0; i-- {
		out[i] = bl
		bl = int(back[i*nLabels+bl])
	}
}

// decode turns BILOU labels into spans; the labels are well formed by
// construction of the Viterbi constraints.
func decode(ls []int) []Span {
	var out []Span
	start := -1
	for i, l := range ls {
		if l == 0 {
			start = -1
			continue
		}
		switch labelPos(l) {
		case pU:
			out = append(out, Span{Start: i, End: i + 1, Type: Types[labelType(l)]})
			start = -1
		case pB:
			start = i
		case pL:
			if start >= 0 {
				out = append(out, Span{Start: start, End: i + 1, Type: Types[labelType(l)]})
			}
			start = -1
		}
	}
	return out
}

// confidence estimates how sure the model is of each token's label: a
// softmax over the allowed labels of the token given its predecessor,
// summing the labels of the chosen type (B/I/L/U-X are one decision about
// type X, not four), or O alone.
func (m *Model) confidence(b *buffers, ls []int, i int) float64 {
	prev := nLabels
	if i > 0 {
		prev = ls[i-1]
	}
	row := b.score[i*nLabels : (i+1)*nLabels]
	chosen := row[ls[i]] + m.trans[prev*nLabels+ls[i]]
	same := func(c int) bool {
		if ls[i] == 0 || c == 0 {
			return c == ls[i]
		}
		return labelType(c) == labelType(ls[i])
	}
	var z, num float64
	for c := 0; c < nLabels; c++ {
		if !allowed[prev][c] {
			continue
		}
		e := math.Exp(float64((row[c] + m.trans[prev*nLabels+c] - chosen) / m.temp))
		z += e
		if same(c) {
			num += e
		}
	}
	return num / z
}

// calibrate applies the Platt scaling fitted on dev spans.
func (m *Model) calibrate(p float64) float64 {
	if m.calA == 0 {
		return p
	}
	return sigmoid(m.calA*logit(p) + m.calB)
}

func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// SetCalibration sets the Platt scaling of span confidences (a=0: none).
func (m *Model) SetCalibration(a, b float64) { m.calA, m.calB = a, b }

// fitPlatt fits p' = sigmoid(a·logit(p)+b) to (p, correct) pairs by
// gradient descent on the log loss.
func fitPlatt(ps []float64, ok []bool) (a, b float64) {
	a, b = 1, 0
	if len(ps) == 0 {
		return 0, 0
	}
	for it := 0; it < 2000; it++ {
		var ga, gb float64
		for i, p := range ps {
			x := logit(p)
			y := 0.0
			if ok[i] {
				y = 1
			}
			d := sigmoid(a*x+b) - y
			ga += d * x
			gb += d
		}
		n := float64(len(ps))
		a -= 0.5 * ga / n
		b -= 0.5 * gb / n
	}
	return a, b
}

// TagDoc labels the sentences of one document (tokens as strings) and
// returns the entity spans of each sentence with confidences. Document
// features (capitalisation elsewhere, and with a two-pass model the label
// the same word got elsewhere) make the document the right unit.
func (m *Model) TagDoc(sents [][]string) [][]Span {
	b := m.getBuf()
	defer m.pool.Put(b)
	toks := m.docTokensBuf(b, sents)
	out := make([][]Span, len(sents))
	if !m.twoPass {
		m.tagAll(b, toks, out, nil)
		return out
	}
	// a two-pass model scores both passes with one feature lookup: the
	// first pass (its own weights) gives the document-majority labels, the
	// second adds that feature's weights to the scores kept from the lookup;
	// both are kept in flat per-document buffers, sliced per sentence
	n := 0
	for _, ts := range toks {
		n += len(ts)
	}
	b.cache = b.cache[:0]
	if cap(b.first) < n {
		b.first = make([]int, n)
	}
	firstAll := b.first[:n]
	cache := make([][]float32, len(toks))
	first := make([][]int, len(toks))
	for si, ts := range toks {
		if len(ts) == 0 {
			continue
		}
		m.emissions(b, ts)
		start := len(b.cache)
		b.cache = append(b.cache, b.score...)
		cache[si] = b.cache[start:len(b.cache):len(b.cache)]
		first[si] = firstAll[:len(ts):len(ts)]
		firstAll = firstAll[len(ts):]
		b.score, b.score1 = b.score1, b.score
		viterbi(b, &m.trans1, len(ts), first[si])
		b.score, b.score1 = b.score1, b.score
	}
	setDocMajority(toks, first)
	m.tagAll(b, toks, out, cache)
	return out
}

// tagAll labels every sentence; with out non-nil it also decodes the
// spans with their confidences (while the scores are at hand). With cache
// non-nil, the sentence's second-pass scores are taken from it, adding only
// the document-majority feature.
func (m *Model) tagAll(b *buffers, toks [][]token, out [][]Span, cache [][]float32) [][]int {
	labels := make([][]int, len(toks))
	n := 0
	for _, ts := range toks {
		n += len(ts)
	}
	flat := make([]int, n) // one allocation for the document's labels
	for si, ts := range toks {
		if len(ts) == 0 {
			continue
		}
		if cache == nil {
			m.emissions(b, ts)
		} else {
			b.score = append(b.score[:0], cache[si]...)
			for i := range ts {
				if ts[i].docMaj == "" {
					continue
				}
				if h, ok := m.fast.get(h1(fDocMaj, ts[i].docMaj)); ok {
					row := b.score[i*nLabels : (i+1)*nLabels]
					for _, e := range m.spRow(h) {
						if e.l < nLabels { // the second pass's columns
							row[e.l] += e.w
						}
					}
				}
			}
		}
		labels[si] = flat[:len(ts):len(ts)]
		flat = flat[len(ts):]
		viterbi(b, &m.trans, len(ts), labels[si])
		if out == nil {
			continue
		}
		spans := decode(labels[si])
		for k := range spans {
			c := 1.0
			for i := spans[k].Start; i < spans[k].End; i++ {
				c = min(c, m.confidence(b, labels[si], i))
			}
			spans[k].Confidence = m.calibrate(c)
		}
		out[si] = spans
	}
	return labels
}

// setDocMajority records, for every capitalised word, the entity type it
// got most often in the document's first pass, so the second pass can make
// the document consistent ("Jordan" the country throughout).
func setDocMajority(toks [][]token, labels [][]int) {
	// tally[lid] counts the labels of a lower form (token.lid numbers
	// them densely); a form never counted has total 0 and gets no majority
	nIDs := 0
	for _, ts := range toks {
		for i := range ts {
			nIDs = max(nIDs, int(ts[i].lid)+1)
		}
	}
	tally := make([][nTypes + 1]int, nIDs)
	for si, ts := range toks {
		for i := range ts {
			if !isCap(ts[i].word) || labels[si] == nil {
				continue
			}
			v := &tally[ts[i].lid]
			l := labels[si][i]
			if l == 0 {
				v[nTypes]++
			} else {
				v[labelType(l)]++
			}
		}
	}
	for _, ts := range toks {
		for i := range ts {
			ts[i].docMaj = ""
			v := &tally[ts[i].lid]
			bi, bn, total := -1, 0, 0
			for k, n := range v {
				total += n
				if n > bn {
					bi, bn = k, n
				}
			}
			if total < 2 {
				continue
			}
			if bi == nTypes {
				ts[i].docMaj = "O"
			} else {
				ts[i].docMaj = Types[bi]
			}
		}
	}
}

// Model file format, gzip-compressed:
//
//	"NLNER1" magic
//	flags byte (bit 0: two-pass)
//	temp float32
//	transitions (nLabels+1)*nLabels float32, twice for a two-pass model
//	  (second pass, then first)
//	max float32; features uvarint count, then per feature (sorted by hash):
//	  hash delta uvarint, nonzero count byte, (column byte, int16 weight)*
//	  (columns 0..16 the labels' weights, 17..33 the first pass's)
//	  where a weight q is sign(q)·max·exp((|q|-32767)·logStep): a
//	  logarithmic scale keeps the many small averaged weights that a
//	  linear int16 scale rounds to zero (which cost 0.003 dev F1)
//	clusters uvarint count, then (word string, 3 uint16)*
//	gazetteer uvarint count, then (name string, type string)*
//
// Strings are uvarint length + bytes; numbers are little-endian.
const magic = "NLNER2"

// logStep spreads int16 levels over six decades below the largest weight.
var logStep = math.Log(1e6) / 32766

func quantise(v, maxw float32) int16 {
	a := abs32(v)
	if a == 0 || maxw == 0 {
		return 0
	}
	k := math.Round(math.Log(float64(a/maxw))/logStep) + 32767
	if k < 1 {
		return 0
	}
	if v < 0 {
		return int16(-k)
	}
	return int16(k)
}

func dequantise(q int16, maxw float32) float32 {
	if q == 0 {
		return 0
	}
	k := float64(q)
	sign := float32(1)
	if k < 0 {
		k, sign = -k, -1
	}
	return sign * maxw * float32(math.Exp((k-32767)*logStep))
}

// Save writes the model in its compact form: weights below prune (as a
// fraction of the largest weight) are dropped and the rest quantised to 16
// bits.
func (m *Model) Save(w io.Writer, prune float64) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(magic)
	flags := byte(0)
	if m.twoPass {
		flags |= 1
	}
	bw.WriteByte(flags)
	binary.Write(bw, binary.LittleEndian, m.temp)
	binary.Write(bw, binary.LittleEndian, m.trans[:])
	if m.twoPass {
		binary.Write(bw, binary.LittleEndian, m.trans1[:])
	}
	stride := m.rowStride()
	var maxw float32
	for _, v := range m.w {
		maxw = max(maxw, abs32(v))
	}
	cut := float32(prune) * maxw
	type feat struct {
		h   uint32
		row int32
	}
	var fs []feat
	for h, r := range m.index {
		row := m.w[int(r)*stride : int(r)*stride+stride]
		keep := false
		for _, v := range row {
			if abs32(v) > cut && quantise(v, maxw) != 0 {
				keep = true
				break
			}
		}
		if keep {
			fs = append(fs, feat{h, r})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].h < fs[j].h })
	binary.Write(bw, binary.LittleEndian, maxw)
	putUvarint(bw, uint64(len(fs)))
	var last uint32
	for _, f := range fs {
		putUvarint(bw, uint64(f.h-last))
		last = f.h
		row := m.w[int(f.row)*stride : int(f.row)*stride+stride]
		var nz []byte
		for l, v := range row {
			q := quantise(v, maxw)
			if abs32(v) > cut && q != 0 {
				nz = append(nz, byte(l), byte(uint16(q)), byte(uint16(q)>>8))
			}
		}
		bw.WriteByte(byte(len(nz) / 3))
		bw.Write(nz)
	}
	words := make([]string, 0, len(m.clusters))
	for w := range m.clusters {
		words = append(words, w)
	}
	sort.Strings(words)
	putUvarint(bw, uint64(len(words)))
	for _, w := range words {
		putString(bw, w)
		c := m.clusters[w]
		binary.Write(bw, binary.LittleEndian, c[:])
	}
	names := make([]string, 0, len(m.gaz))
	for n := range m.gaz {
		names = append(names, n)
	}
	sort.Strings(names)
	putUvarint(bw, uint64(len(names)))
	for _, n := range names {
		putString(bw, n)
		putString(bw, m.gaz[n])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// Load reads a model written by Save.
func Load(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("ner model: %w", err)
	}
	br := bufio.NewReader(zr)
	hdr := make([]byte, len(magic))
	if _, err := io.ReadFull(br, hdr); err != nil || string(hdr) != magic {
		return nil, errors.New("ner model: bad magic")
	}
	m := &Model{}
	flags, err := br.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("ner model: %w", err)
	}
	m.twoPass = flags&1 != 0
	if err := binary.Read(br, binary.LittleEndian, &m.temp); err != nil {
		return nil, fmt.Errorf("ner model: %w", err)
	}
	if err := binary.Read(br, binary.LittleEndian, m.trans[:]); err != nil {
		return nil, fmt.Errorf("ner model transitions: %w", err)
	}
	m.stride = nLabels
	if m.twoPass {
		if err := binary.Read(br, binary.LittleEndian, m.trans1[:]); err != nil {
			return nil, fmt.Errorf("ner model transitions: %w", err)
		}
		m.stride = 2 * nLabels
	}
	var scale float32
	if err := binary.Read(br, binary.LittleEndian, &scale); err != nil {
		return nil, fmt.Errorf("ner model: %w", err)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > 1<<26 {
		return nil, fmt.Errorf("ner model feature count: %v", err)
	}
	m.fast = newFmap(int(n))
	m.nfeat = int(n)
	// a loaded model keeps only the sparse rows (nothing reads w after
	// loading: Save needs the training index); one row is decoded densely
	// at a time so that sp holds its weights in column order, as
	// addSparse would
	var h uint32
	row := make([]float32, m.stride)
	for i := 0; i < int(n); i++ {
		d, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, fmt.Errorf("ner model feature %d: %w", i, err)
		}
		h += uint32(d)
		k, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("ner model feature %d: %w", i, err)
		}
		clear(row)
		var buf [3]byte
		for j := 0; j < int(k); j++ {
			if _, err := io.ReadFull(br, buf[:]); err != nil {
				return nil, fmt.Errorf("ner model feature %d: %w", i, err)
			}
			if int(buf[0]) >= m.stride {
				return nil, fmt.Errorf("ner model feature %d: label %d out of range", i, buf[0])
			}
			row[int(buf[0])] = dequantise(int16(uint16(buf[1])|uint16(buf[2])<<8), scale)
		}
		start := len(m.sp)
		for l, v := range row {
			if v != 0 {
				m.sp = append(m.sp, spWeight{w: v, l: uint32(l)})
			}
		}
		if start >= 1<<(31-spShift) {
			return nil, fmt.Errorf("ner model: over %d weights", 1<<(31-spShift))
		}
		m.fast.put(h, spHandle(start, len(m.sp)-start))
	}
	m.sp = slices.Clip(m.sp)
	nc, err := binary.ReadUvarint(br)
	if err != nil || nc > 1<<24 {
		return nil, fmt.Errorf("ner model cluster count: %v", err)
	}
	m.clusters = make(map[string][3]uint16, nc)
	for i := 0; i < int(nc); i++ {
		w, err := getString(br)
		if err != nil {
			return nil, fmt.Errorf("ner model cluster %d: %w", i, err)
		}
		var c [3]uint16
		if err := binary.Read(br, binary.LittleEndian, c[:]); err != nil {
			return nil, fmt.Errorf("ner model cluster %d: %w", i, err)
		}
		m.clusters[w] = c
	}
	ng, err := binary.ReadUvarint(br)
	if err != nil || ng > 1<<24 {
		return nil, fmt.Errorf("ner model gazetteer count: %v", err)
	}
	m.buildLocal()
	m.gaz = make(map[string]string, ng)
	for i := 0; i < int(ng); i++ {
		name, err := getString(br)
		if err != nil {
			return nil, fmt.Errorf("ner model gazetteer %d: %w", i, err)
		}
		typ, err := getString(br)
		if err != nil {
			return nil, fmt.Errorf("ner model gazetteer %d: %w", i, err)
		}
		m.gaz[name] = typ
		m.gazMax = max(m.gazMax, strings.Count(name, " ")+1)
	}
	return m, nil
}

func (m *Model) rowStride() int {
	if m.stride == 0 {
		return nLabels
	}
	return m.stride
}

// Gazetteer calls yield with each gazetteer entry (lower-case words) and
// its type, until yield returns false.
func (m *Model) Gazetteer(yield func(name, typ string) bool) {
	for n, t := range m.gaz {
		if !yield(n, t) {
			return
		}
	}
}

// buildLocal fills the per-word local weight cache (see Model.local).
func (m *Model) buildLocal() {
	stride := m.rowStride()
	m.local = make(map[string]int32, len(m.clusters))
	m.localW = make([]float32, 0, len(m.clusters)*stride)
	var feats []uint32
	for w, c := range m.clusters {
		t := token{word: w, lower: strings.ToLower(w), shape: shapeOf(w), clus: c}
		if plainWord(w) != w {
			continue
		}
		feats = localFeatures(feats[:0], &t)
		row := len(m.localW)
		m.localW = append(m.localW, make([]float32, stride)...)
		for _, f := range feats {
			if h, ok := m.fast.get(f); ok {
				for _, e := range m.spRow(h) {
					m.localW[row+int(e.l)] += e.w
				}
			}
		}
		m.local[w] = int32(row / stride)
	}
}

// buildFast builds the tagging index and the sparse rows from m.index
// and m.w.
func (m *Model) buildFast() {
	m.nfeat = len(m.index)
	m.fast = newFmap(len(m.index))
	m.sp = nil
	for h, r := range m.index {
		m.fast.put(h, m.addSparse(r))
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

func putUvarint(w *bufio.Writer, v uint64) {
	var b [binary.MaxVarintLen64]byte
	w.Write(b[:binary.PutUvarint(b[:], v)])
}

func putString(w *bufio.Writer, s string) {
	putUvarint(w, uint64(len(s)))
	w.WriteString(s)
}

func getString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > 1<<16 {
		return "", fmt.Errorf("string of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return string(b), nil
}
