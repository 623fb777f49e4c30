package technique

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strings"
	"sync"
)

// Model is the trained pair of models (SI tagger, TC classifier) with the
// sentiment lexicon their features read and the calibration fitted on
// cross-validation folds.
type Model struct {
	sent *tcModel // nil without stacking
	si   *siModel
	tc   *tcModel
	lex  *lexicon
	// rates is the span-rate lexicon learned from the training spans; nil
	// in models trained without it.
	rates *rateTable
	cal   Calibration
	// rs is the span rescorer (rescore.go); nil keeps the tagger's single
	// decoding.
	rs *rsModel
	// scratch pools Predict's per-document buffers (*docScratch), so
	// that concurrent calls each get their own; nil (fresh buffers) in a
	// model being trained. A pointer, so a copied Model shares it.
	scratch *sync.Pool
}

// Calibration maps raw scores to probabilities with Platt's sigmoid
// 1/(1+exp(A·x+B)), fitted on out-of-fold predictions.
type Calibration struct {
	// SIA, SIB map a span's rescorer logit (without a rescorer: its mean
	// BIO margin) to the probability that most of its characters lie
	// inside a gold span.
	SIA, SIB float64
	// TCA, TCB map the log-probability of the chosen technique to the
	// probability that it is the gold one.
	TCA, TCB float64
}

func platt(a, b, x float64) float64 { return 1 / (1 + math.Exp(a*x+b)) }

// fitPlatt fits A and B by Newton's method on the log loss, with Platt's
// smoothed targets so that separable data does not diverge.
func fitPlatt(xs []float64, ys []bool) (a, b float64) {
	var npos, nneg float64
	for _, y := range ys {
		if y {
			npos++
		} else {
			nneg++
		}
	}
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	a, b = 0, math.Log((nneg+1)/(npos+1))
	for it := 0; it < 100; it++ {
		var g1, g2, h11, h22, h21 float64
		for i, x := range xs {
			t := lo
			if ys[i] {
				t = hi
			}
			p := platt(a, b, x)
			// d/dA of log loss with p = 1/(1+exp(Ax+B)) is (t-p)·x
			d := t - p
			g1 += d * x
			g2 += d
			w := p * (1 - p)
			h11 += w * x * x
			h22 += w
			h21 += w * x
		}
		h11 += 1e-9
		h22 += 1e-9
		det := h11*h22 - h21*h21
		if det == 0 {
			break
		}
		da := -(h22*g1 - h21*g2) / det
		db := -(-h21*g1 + h11*g2) / det
		a += da
		b += db
		if math.Abs(da) < 1e-9 && math.Abs(db) < 1e-9 {
			break
		}
	}
	return a, b
}

// modelFile is the on-disk form: weights stored sparsely (rows with any
// weight left after pruning), quantised to int16, gob-encoded and gzipped.
// The int16 weights are written as byte planes (SIP, TCP, SentP: every low
// byte, then every high byte), because gob spends a varint on each int16
// while a plane of high bytes, mostly 0x00 and 0xff, is what gzip packs
// best (22% smaller than the int16 slices). SIW, TCW and SentW are the
// earlier form, still read.
type modelFile struct {
	SIBits  uint
	SIRows  []uint32 // deltas between row indices
	SIW     []int16
	SIP     []byte
	SIScale float32
	Trans   [nTags + 1][nTags]float32
	OBias   float32
	BBias   float32

	TCBits  uint
	Labels  []string
	TCRows  []uint32
	TCW     []int16
	TCP     []byte
	TCScale float32

	SentBits  uint
	SentRows  []uint32
	SentW     []int16
	SentP     []byte
	SentScale float32

	Lexicon  string
	Clusters string
	WordNet  string
	Rates    string
	// Neighbours are the WordNet neighbour counts (wnrates.go).
	Neighbours string
	// ClusterRates says the rates are also summed per word cluster
	// (derived when loaded, wnrates.go).
	ClusterRates bool
	Cal          Calibration

	RSBits    uint
	RSRows    []uint32
	RSW       []int16
	RSScale   float32
	RSConfigs []biases
	RSSel     selection
}

// sparsify keeps rows of width k whose largest weight exceeds prune·max.
func sparsify(w []float32, k int, prune float64) (rows []uint32, q []int16, scale float32) {
	mx := 0.0
	for _, x := range w {
		mx = math.Max(mx, math.Abs(float64(x)))
	}
	if mx == 0 {
		return nil, nil, 1
	}
	scale = float32(mx / 32767)
	last := 0
	for r := 0; r*k < len(w); r++ {
		row := w[r*k : r*k+k]
		keep := false
		for _, x := range row {
			if math.Abs(float64(x)) > prune*mx {
				keep = true
				break
			}
		}
		if !keep {
			continue
		}
		rows = append(rows, uint32(r-last))
		last = r
		for _, x := range row {
			q = append(q, int16(math.Round(float64(x/scale))))
		}
	}
	return rows, q, scale
}

func densify(n, k int, rows []uint32, q []int16, scale float32) ([]float32, error) {
	w := make([]float32, n)
	if len(q) != len(rows)*k {
		return nil, fmt.Errorf("model: %d weights for %d rows of %d", len(q), len(rows), k)
	}
	r := 0
	for i, d := range rows {
		r += int(d)
		if (r+1)*k > n {
			return nil, fmt.Errorf("model: row %d out of range", r)
		}
		for j := 0; j < k; j++ {
			w[r*k+j] = float32(q[i*k+j]) * scale
		}
	}
	return w, nil
}

// toPlanes writes q as its low bytes followed by its high bytes.
func toPlanes(q []int16) []byte {
	out := make([]byte, 2*len(q))
	for i, x := range q {
		out[i] = byte(uint16(x))
		out[len(q)+i] = byte(uint16(x) >> 8)
	}
	return out
}

// fromPlanes reverses toPlanes; legacy is returned when b is empty (a
// model file of the earlier form).
func fromPlanes(b []byte, legacy []int16) ([]int16, error) {
	if len(b) == 0 {
		return legacy, nil
	}
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("model: odd weight planes (%d bytes)", len(b))
	}
	n := len(b) / 2
	q := make([]int16, n)
	for i := range q {
		q[i] = int16(uint16(b[i]) | uint16(b[n+i])<<8)
	}
	return q, nil
}

// densifyQ is densify without the scaling; densify has checked the rows.
func densifyQ(n, k int, rows []uint32, q []int16) []int16 {
	w := make([]int16, n)
	r := 0
	for i, d := range rows {
		r += int(d)
		copy(w[r*k:r*k+k], q[i*k:i*k+k])
	}
	return w
}

// pruneSI and pruneTC are the fractions of the largest weight below which a
// row is dropped from the file: chosen so the model stays a few MiB with no
// measurable loss (see the manifest's validation figures).
const (
	pruneSI = 0.004
	pruneTC = 0.004
	pruneRS = 0.002
)

// Encode writes the model as gzipped gob.
func (m *Model) Encode(w io.Writer) error {
	f := modelFile{SIBits: m.si.Bits, Trans: m.si.Trans, OBias: m.si.OBias, BBias: m.si.BBias,
		TCBits: m.tc.Bits, Labels: m.tc.Labels, Lexicon: m.lex.encode(), Clusters: m.lex.encodeClusters(), WordNet: m.lex.encodeWordNet(), Cal: m.cal}
	if m.rates != nil {
		f.Rates = m.rates.encode()
		f.Neighbours = m.rates.encodeNeighbours()
		f.ClusterRates = m.rates.clu[0] != nil
	}
	var q []int16
	f.SIRows, q, f.SIScale = sparsify(m.si.W, nTags, pruneSI)
	f.SIP = toPlanes(q)
	f.TCRows, q, f.TCScale = sparsify(m.tc.W, len(m.tc.Labels), pruneTC)
	f.TCP = toPlanes(q)
	if m.sent != nil {
		f.SentBits = m.sent.Bits
		f.SentRows, q, f.SentScale = sparsify(m.sent.W, len(sentLabels), pruneTC)
		f.SentP = toPlanes(q)
	}
	if m.rs != nil {
		f.RSBits, f.RSConfigs, f.RSSel = m.rs.Bits, m.rs.Configs, m.rs.Sel
		f.RSRows, f.RSW, f.RSScale = sparsify(m.rs.W, 1, pruneRS)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(&f); err != nil {
		return err
	}
	return zw.Close()
}

// Decode reads a model written by Encode.
func Decode(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	var f modelFile
	if err := gob.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if f.SIBits == 0 || f.SIBits > 24 || f.TCBits == 0 || f.TCBits > 22 || len(f.Labels) == 0 {
		return nil, fmt.Errorf("technique model: bad header (bits %d/%d, %d labels)", f.SIBits, f.TCBits, len(f.Labels))
	}
	for _, w := range []struct {
		p []byte
		q *[]int16
	}{{f.SIP, &f.SIW}, {f.TCP, &f.TCW}, {f.SentP, &f.SentW}} {
		if *w.q, err = fromPlanes(w.p, *w.q); err != nil {
			return nil, fmt.Errorf("technique model: %w", err)
		}
	}
	m := &Model{cal: f.Cal, scratch: &sync.Pool{}}
	m.si = &siModel{Bits: f.SIBits, Trans: f.Trans, OBias: f.OBias, BBias: f.BBias}
	if m.si.W, err = densify((1<<f.SIBits)*nTags, nTags, f.SIRows, f.SIW, f.SIScale); err != nil {
		return nil, err
	}
	m.si.Q, m.si.QScale = densifyQ((1<<f.SIBits)*nTags, nTags, f.SIRows, f.SIW), f.SIScale
	m.tc = &tcModel{Bits: f.TCBits, Labels: f.Labels}
	if m.tc.W, err = densify((1<<f.TCBits)*len(f.Labels), len(f.Labels), f.TCRows, f.TCW, f.TCScale); err != nil {
		return nil, err
	}
	if f.SentBits > 0 && f.SentBits <= 22 {
		m.sent = &tcModel{Bits: f.SentBits, Labels: sentLabels}
		if m.sent.W, err = densify((1<<f.SentBits)*len(sentLabels), len(sentLabels), f.SentRows, f.SentW, f.SentScale); err != nil {
			return nil, err
		}
	}
	if f.RSBits > 0 {
		if f.RSBits > 22 || len(f.RSConfigs) == 0 || len(f.RSConfigs) > 32 || f.RSSel.Base < 0 || f.RSSel.Base >= len(f.RSConfigs) {
			return nil, fmt.Errorf("technique model: bad rescorer header (bits %d, %d offsets)", f.RSBits, len(f.RSConfigs))
		}
		m.rs = &rsModel{Bits: f.RSBits, Configs: f.RSConfigs, Sel: f.RSSel}
		if m.rs.W, err = densify(1<<f.RSBits, 1, f.RSRows, f.RSW, f.RSScale); err != nil {
			return nil, err
		}
	}
	if m.lex, err = decodeLexicon(f.Lexicon); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if err := m.lex.decodeClusters(f.Clusters); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if err := m.lex.decodeWordNet(f.WordNet); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if m.rates, err = decodeRates(f.Rates); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if err := m.rates.decodeNeighbours(f.Neighbours); err != nil {
		return nil, fmt.Errorf("technique model: %w", err)
	}
	if f.ClusterRates && m.rates != nil {
		m.rates.setClusterRates(m.lex)
	}
	m.lex.foldRates(m.rates)
	return m, nil
}

// Load reads the model file name from fsys.
func Load(fsys fs.FS, name string) (*Model, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	m, err := Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// Prediction is one technique span found in a text.
type Prediction struct {
	Start, End int // byte offsets
	Technique  string
	// Confidence is the calibrated probability that the span is a
	// propaganda span (SI) times the calibrated probability of the technique.
	Confidence float64
	SIProb     float64
	TCProb     float64
	// Alternatives are the next most likely techniques with their model
	// probabilities (uncalibrated).
	Alternatives []Alternative
}

// Alternative is a runner-up technique.
type Alternative struct {
	Technique string  `json:"technique"`
	P         float64 `json:"p"`
}

type spanPred struct {
	a, b  int // tokens
	score float64
}

// biases is a decoding setting: the offsets added to O and B scores.
type biases struct{ O, B float32 }

// emissions scores every token of every sentence.
func (m *Model) emissions(p *prepared, stop func() bool) [][][nTags]float32 {
	return m.emissionsWith(p, stop, nil)
}

// emissionsWith is emissions with the buffers of sc (nil: fresh ones);
// the scores live in sc until its next use.
func (m *Model) emissionsWith(p *prepared, stop func() bool, sc *docScratch) [][][nTags]float32 {
	// one backing array for every sentence's scores
	n := 0
	for i := range p.sents {
		n += p.sents[i].end - p.sents[i].first
	}
	var out [][][nTags]float32
	var all [][nTags]float32
	if sc != nil {
		if cap(sc.scores) < n {
			sc.scores = make([][nTags]float32, n)
		}
		all = sc.scores[:n]
		clear(all)
		out = sc.ems[:0]
		defer func() { sc.ems = out[:0] }()
	} else {
		out = make([][][nTags]float32, 0, len(p.sents))
		all = make([][nTags]float32, n)
	}
	var buf []uint64
	for si := range p.sents {
		if si%64 == 0 && stop != nil && stop() {
			break
		}
		s := &p.sents[si]
		em := all[: s.end-s.first : s.end-s.first]
		all = all[s.end-s.first:]
		for i := s.first; i < s.end; i++ {
			buf = p.siFeatures(buf[:0], s, i)
			m.si.emit(buf, &em[i-s.first])
		}
		out = append(out, em)
	}
	return out
}

// decodeSpans runs Viterbi over each sentence's emissions and returns the
// B…I runs with their mean margin over O.
func (m *Model) decodeSpans(p *prepared, ems [][][nTags]float32, bs biases) []spanPred {
	var out []spanPred
	var back [][nTags]uint8
	var tags []uint8
	for si, em := range ems {
		s := &p.sents[si]
		n := len(em)
		if cap(back) < n {
			back = make([][nTags]uint8, n)
		}
		tags = m.si.decode(em, bs.O, bs.B, tags, back[:n])
		for i := 0; i < n; {
			if tags[i] == tagO {
				i++
				continue
			}
			j := i + 1
			for j < n && tags[j] == tagI {
				j++
			}
			// gold spans rarely end on a comma or full stop: trim them
			for j-1 > i && strings.IndexByte(",.;:", p.toks[s.first+j-1].punct) >= 0 && p.toks[s.first+j-1].punct != 0 {
				j--
			}
			sc := 0.0
			for k := i; k < j; k++ {
				sc += float64(em[k][tags[k]] - em[k][tagO])
			}
			out = append(out, spanPred{a: s.first + i, b: s.first + j, score: sc / float64(j-i)})
			for j < n && tags[j] == tagI {
				j++ // skip what was trimmed
			}
			i = j
		}
	}
	return out
}

// spanCounts counts the spans of a document by their text.
func spanCounts(p *prepared, spans [][2]int) map[string]int {
	c := make(map[string]int, len(spans))
	for _, s := range spans {
		c[p.spanText(s[0], s[1])]++
	}
	return c
}

// classify returns the technique probabilities of tokens [a,b).
func (m *Model) classify(p *prepared, a, b, count int, nest uint64, buf []uint64, out []float64) []uint64 {
	buf = p.tcFeatures(buf[:0], a, b, count, nest)
	m.tc.probs(buf, out)
	return buf
}

func ranked(labels []string, probs []float64) []int {
	idx := make([]int, len(labels))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return probs[idx[i]] > probs[idx[j]] })
	return idx
}
