package portrayal

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sync"
)

// Labels are the three polarity classes, in model order.
var Labels = [3]string{"negative", "neutral", "positive"}

// Model is a multinomial logistic regression over hashed target-relative
// features, plus the lexicon its features read and the calibration learnt on
// dev. It is read-only after loading and safe for concurrent use.
type Model struct {
	bits uint
	w    []float32 // bucket*3 + class
	lex  map[string]float32
	fs   featureSet
	temp float64    // softmax temperature (calibration)
	bias [3]float64 // document-level class offsets (PerSenT dev)
	pool sync.Pool
	Meta map[string]string
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
}

func (m *Model) init() {
	m.fs.lex = m.lex
	m.fs.prepare()
	m.pool.New = func() any {
		f := newFvec(m.bits)
		f.w = m.w
		return f
	}
}

// Probs returns the calibrated class probabilities for t.
func (m *Model) Probs(t *Target) [3]float64 {
	f := m.pool.Get().(*fvec)
	extract(f, t, &m.fs)
	s := f.acc
	m.pool.Put(f)
	return softmax(s, m.temp)
}

func (m *Model) scores(f *fvec) [3]float64 {
	var s [3]float64
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

// Write serialises m as gzip'ed gob with int16 weights.
func (m *Model) Write(w io.Writer) error {
	var mx float32
	for _, v := range m.w {
		mx = max(mx, abs32(v))
	}
	scale := mx / 32767
	if scale == 0 {
		scale = 1
	}
	q := make([]int16, len(m.w))
	for i, v := range m.w {
		q[i] = int16(math.Round(float64(v / scale)))
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(wire{Bits: m.bits, Scale: scale, W: q, Lex: m.lex, Drop: m.fs.drop, Temp: m.temp, DocBias: m.bias, Meta: m.Meta}); err != nil {
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
	if x.Bits == 0 || x.Bits > 24 || len(x.W) != 3<<x.Bits {
		return nil, fmt.Errorf("portrayal model: %d weights for %d bits", len(x.W), x.Bits)
	}
	m := &Model{bits: x.Bits, w: make([]float32, len(x.W)), lex: x.Lex, temp: x.Temp, bias: x.DocBias, Meta: x.Meta, fs: featureSet{drop: x.Drop}}
	for i, v := range x.W {
		m.w[i] = float32(v) * x.Scale
	}
	m.init()
	return m, nil
}
