package portrayal

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"slices"
	"sync"
)

// Labels are the three polarity classes, in model order.
var Labels = [3]string{"negative", "neutral", "positive"}

// Model is a multinomial logistic regression over hashed target-relative
// features, plus the lexicon its features read, the softmax temperature
// fitted on out-of-fold train scores and the document-level offsets tuned on
// PerSenT dev. It is read-only after loading and safe for concurrent use.
type Model struct {
	bits uint
	w    []float32 // bucket*3 + class; nil in a loaded model
	// wq are the weights as shipped (int16, times scale): inference reads
	// them, at half the memory of float32, so more of the table stays in
	// cache (scoring a mention is a few hundred random reads of it)
	wq    []int16
	scale float32
	lex   map[string]float32
	fs    featureSet
	temp  float64    // softmax temperature (calibration)
	bias  [3]float64 // document-level class offsets (PerSenT dev)
	pool  sync.Pool
	Meta  map[string]string
}

// wire is the serialised model: weights quantised to int16.
type wire struct {
	Bits    uint
	Scale   float32
	W       []int16
	Lex     map[string]float32
	Drop    uint32 // feature groups switched off
	Temp    float64
	DocBias [3]float64
	Meta    map[string]string
	// Emb is the embedding vocabulary (and clusters when the cluster
	// group is on); nil in models without embedding features. Models
	// written since the projections were shipped carry no vectors (Vec
	// nil): inference reads only Proj.
	Emb *Embeddings
	// Proj is fs.proj quantised to int16, one scale per mean-vector group
	// (ProjScale): 3 numbers per word and group instead of Dim int8 values
	// per word, so loading needs no matrix product and the file is smaller.
	Proj      []int16
	ProjScale []float32
	// WPlanes and ProjPlanes, when set, hold W and Proj as byte planes
	// (every value's low byte, then every high byte): gob copies bytes
	// instead of decoding a varint per value, and the planes compress
	// better (the high bytes are mostly 0x00 and 0xff).
	WPlanes, ProjPlanes []byte
	// LexWords/LexVals and MetaKeys/MetaVals hold Lex and Meta in key
	// order: gob writes a map in iteration order, so the same model gave
	// different bytes from one Write to the next. Files written before
	// carry the maps, which Decode still reads.
	LexWords           []string
	LexVals            []float32
	MetaKeys, MetaVals []string
}

// toPlanes and fromPlanes convert int16 values to byte planes and back.
func toPlanes(v []int16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		b[i], b[len(v)+i] = byte(uint16(x)), byte(uint16(x)>>8)
	}
	return b
}

func fromPlanes(b []byte) []int16 {
	n := len(b) / 2
	v := make([]int16, n)
	lo, hi := b[:n], b[n:2*n]
	for i := range v {
		v[i] = int16(uint16(lo[i]) | uint16(hi[i])<<8)
	}
	return v
}

func (m *Model) init() {
	m.fs.lex = m.lex
	m.fs.prepare()
	if m.fs.proj == nil {
		m.buildProj() // a loaded model without vectors brings its own
	}
	m.pool.New = func() any {
		f := newFvec(m.bits)
		f.wq = m.wq
		return f
	}
}

// Probs returns the calibrated class probabilities for t.
func (m *Model) Probs(t *Target) [3]float64 {
	f := m.pool.Get().(*fvec)
	extract(f, t, &m.fs)
	s := f.acc
	m.pool.Put(f)
	for c := range s {
		s[c] *= float64(m.scale)
	}
	return softmax(s, m.temp)
}

func (m *Model) scores(f *fvec) [3]float64 {
	var s [3]float64
	if m.w == nil {
		// a model loaded without vectors scores its mean-vector groups by
		// projection even here, into f.acc (int16 weight units)
		for c := range s {
			s[c] = f.acc[c] * float64(m.scale)
		}
		for k, i := range f.idx {
			v := float64(f.val[k]) * float64(m.scale)
			b := int(i) * 3
			s[0] += v * float64(m.wq[b])
			s[1] += v * float64(m.wq[b+1])
			s[2] += v * float64(m.wq[b+2])
		}
		return s
	}
	for k, i := range f.idx {
		v := float64(f.val[k])
		b := int(i) * 3
		s[0] += v * float64(m.w[b])
		s[1] += v * float64(m.w[b+1])
		s[2] += v * float64(m.w[b+2])
	}
	return s
}

func softmax(s [3]float64, temp float64) [3]float64 {
	if temp <= 0 {
		temp = 1
	}
	mx := math.Max(s[0], math.Max(s[1], s[2]))
	var p [3]float64
	var z float64
	for c := range s {
		p[c] = math.Exp((s[c] - mx) / temp)
		z += p[c]
	}
	for c := range p {
		p[c] /= z
	}
	return p
}

// Argmax returns the index of the largest value.
func Argmax(p [3]float64) int {
	b := 0
	for c := 1; c < 3; c++ {
		if p[c] > p[b] {
			b = c
		}
	}
	return b
}

// quantize sets the int16 weights inference reads from the float ones.
func (m *Model) quantize() {
	var mx float32
	for _, v := range m.w {
		mx = max(mx, abs32(v))
	}
	m.scale = mx / 32767
	if m.scale == 0 {
		m.scale = 1
	}
	m.wq = make([]int16, len(m.w))
	for i, v := range m.w {
		m.wq[i] = int16(math.Round(float64(v / m.scale)))
	}
	m.buildProj()
}

// groupOn reports whether mean-vector group g is computed by extract.
func (m *Model) groupOn(g int) bool {
	switch g {
	case 0, 1, 2:
		return m.fs.on(FeatEmbed)
	case 3, 4:
		return m.fs.on(FeatEmbedNear)
	default:
		return m.fs.on(FeatEmbedSent)
	}
}

// buildProj precomputes each embedding word's contribution to each
// mean-vector group's class scores (see featureSet.proj), from the int16
// weights, exactly as the Dim features of the group would add up.
func (m *Model) buildProj() {
	e := m.fs.emb
	if e != nil && e.Vec == nil {
		return // projections came with the model; no vectors to rebuild them from
	}
	m.fs.proj = nil
	if e == nil || m.wq == nil || !m.fs.on(FeatEmbed) && !m.fs.on(FeatEmbedNear) && !m.fs.on(FeatEmbedSent) {
		return
	}
	mask := uint32(1)<<m.bits - 1
	sc := e.Scale * float32(math.Sqrt(float64(e.Dim)))
	var wg [embGroups][]float32 // per group: Dim x 3 weights
	for g := range wg {
		wg[g] = make([]float32, e.Dim*3)
		for d := 0; d < e.Dim; d++ {
			b := int(uint32(mix(hEmb[g], uint64(d+1)))&mask) * 3
			for c := range 3 {
				wg[g][d*3+c] = float32(m.wq[b+c])
			}
		}
	}
	// groups switched off keep zero projections (extract never reads them)
	var live []int
	for g := range wg {
		if m.groupOn(g) {
			live = append(live, g)
		}
	}
	p := make([]float32, len(e.Words)*embGroups*3)
	x := make([]float32, e.Dim)
	for i := range e.Words {
		for d, v := range e.Vec[i*e.Dim : (i+1)*e.Dim] {
			x[d] = float32(v) * sc
		}
		for _, g := range live {
			w := wg[g][: e.Dim*3 : e.Dim*3]
			var s0, s1, s2 float32
			for d, xv := range x {
				s0 += xv * w[d*3]
				s1 += xv * w[d*3+1]
				s2 += xv * w[d*3+2]
			}
			q := p[(i*embGroups+g)*3:][:3]
			q[0], q[1], q[2] = s0, s1, s2
		}
	}
	m.fs.proj = p
}

// Write serialises m as gzip'ed gob with int16 weights.
func (m *Model) Write(w io.Writer) error {
	q, scale := m.wq, m.scale
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	x := wire{Bits: m.bits, Scale: scale, WPlanes: toPlanes(q), Drop: m.fs.drop, Temp: m.temp, DocBias: m.bias}
	x.LexWords = slices.Sorted(maps.Keys(m.lex))
	for _, w := range x.LexWords {
		x.LexVals = append(x.LexVals, m.lex[w])
	}
	x.MetaKeys = slices.Sorted(maps.Keys(m.Meta))
	for _, k := range x.MetaKeys {
		x.MetaVals = append(x.MetaVals, m.Meta[k])
	}
	if e := m.fs.emb; e != nil {
		// ship the vocabulary and the projections, not the vectors
		// (training needs vectors; a shipped model only scores)
		c := *e
		c.Vec = nil
		if !m.fs.on(FeatCluster) {
			c.Clusters = nil
		}
		x.Emb = &c
		var p []int16
		p, x.ProjScale = quantizeProj(m.fs.proj, len(e.Words))
		x.ProjPlanes = toPlanes(p)
	}
	if err := gob.NewEncoder(zw).Encode(x); err != nil {
		return fmt.Errorf("encoding model: %w", err)
	}
	return zw.Close()
}

// Load reads a model written by Write.
func Load(fsys fs.FS, name string) (*Model, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("portrayal model %s: %w", name, err)
	}
	return Decode(b)
}

// Decode reads a model from its gzip'ed bytes.
func Decode(b []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("portrayal model: %w", err)
	}
	var x wire
	if err := gob.NewDecoder(zr).Decode(&x); err != nil {
		return nil, fmt.Errorf("portrayal model: %w", err)
	}
	if x.WPlanes != nil {
		x.W = fromPlanes(x.WPlanes)
	}
	if x.ProjPlanes != nil {
		x.Proj = fromPlanes(x.ProjPlanes)
	}
	if len(x.LexWords) != len(x.LexVals) || len(x.MetaKeys) != len(x.MetaVals) {
		return nil, fmt.Errorf("portrayal model: %d lexicon words for %d values, %d meta keys for %d values", len(x.LexWords), len(x.LexVals), len(x.MetaKeys), len(x.MetaVals))
	}
	if x.LexWords != nil {
		x.Lex = make(map[string]float32, len(x.LexWords))
		for i, w := range x.LexWords {
			x.Lex[w] = x.LexVals[i]
		}
	}
	if x.MetaKeys != nil {
		x.Meta = make(map[string]string, len(x.MetaKeys))
		for i, k := range x.MetaKeys {
			x.Meta[k] = x.MetaVals[i]
		}
	}
	if x.Bits == 0 || x.Bits > 24 || len(x.W) != 3<<x.Bits {
		return nil, fmt.Errorf("portrayal model: %d weights for %d bits", len(x.W), x.Bits)
	}
	m := &Model{bits: x.Bits, wq: x.W, scale: x.Scale, lex: x.Lex, temp: x.Temp, bias: x.DocBias, Meta: x.Meta, fs: featureSet{drop: x.Drop, emb: x.Emb}}
	if e := x.Emb; e != nil {
		n := len(e.Words)
		switch {
		case e.Dim <= 0:
			return nil, fmt.Errorf("portrayal model: embeddings of dim %d", e.Dim)
		case len(e.Clusters) != n && (len(e.Clusters) != 0 || m.fs.on(FeatCluster)):
			return nil, fmt.Errorf("portrayal model: %d clusters for %d words", len(e.Clusters), n)
		case x.Proj != nil:
			if len(x.Proj) != n*embGroups*3 || len(x.ProjScale) != embGroups {
				return nil, fmt.Errorf("portrayal model: %d projections (%d scales) for %d words", len(x.Proj), len(x.ProjScale), n)
			}
			m.fs.proj = dequantizeProj(x.Proj, x.ProjScale)
		case len(e.Vec) != n*e.Dim:
			return nil, fmt.Errorf("portrayal model: embeddings of %d words, %d values, dim %d", n, len(e.Vec), e.Dim)
		}
	}
	m.init()
	return m, nil
}

// quantizeProj turns the float projections (word, group, class) into int16
// with one scale per group: groups differ in size (a mean over a clause vs
// one neighbour), and a shared scale would spend the bits on the largest.
func quantizeProj(p []float32, words int) ([]int16, []float32) {
	if len(p) != words*embGroups*3 {
		return nil, nil
	}
	sc := make([]float32, embGroups)
	for i, v := range p {
		g := i / 3 % embGroups
		sc[g] = max(sc[g], abs32(v))
	}
	for g := range sc {
		if sc[g] = sc[g] / 32767; sc[g] == 0 {
			sc[g] = 1
		}
	}
	q := make([]int16, len(p))
	for i, v := range p {
		q[i] = int16(math.Round(float64(v / sc[i/3%embGroups])))
	}
	return q, sc
}

func dequantizeProj(q []int16, sc []float32) []float32 {
	p := make([]float32, len(q))
	for i, v := range q {
		p[i] = float32(v) * sc[i/3%embGroups]
	}
	return p
}
