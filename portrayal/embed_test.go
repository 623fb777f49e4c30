package portrayal

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"math"
	"testing"

	"github.com/newslens/newslens/document"
)

// TestEmbeddingProjection checks that inference with precomputed word
// projections scores as the explicit mean-vector features do, and that the
// shipped form (int16 projections, no vectors) predicts the same on every
// held-in example after Write and Decode, and survives a second round trip
// unchanged.
func TestEmbeddingProjection(t *testing.T) {
	sents := []string{
		"The senator praised the brave workers of the city.",
		"Critics slammed the corrupt mayor over the scandal.",
		"The governor met the delegation on Tuesday.",
		"Protesters attacked the police and burned cars in the city.",
		"The mayor thanked the brave firefighters for their work.",
	}
	var corpus [][]string
	var ex []Example
	for i := 0; i < 40; i++ {
		for j, s := range sents {
			tg := SentenceTarget(s, document.Span{Start: 4, End: 11}, nil)
			corpus = append(corpus, Words(s, tg.Tokens, nil))
			ex = append(ex, Example{Target: tg, Label: (i + j) % 3})
		}
	}
	emb, err := TrainEmbeddings(context.Background(), corpus, EmbedOptions{Dim: 8, MinCount: 1, K: 4, Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Train(context.Background(), ex, map[string]float32{"brave": 0.6, "corrupt": -0.8}, TrainOptions{Bits: 12, Epochs: 3, Embeddings: emb})
	if err != nil {
		t.Fatal(err)
	}
	if m.fs.proj == nil {
		t.Fatal("no projections built")
	}
	roundTrip := func(m *Model) (*Model, []byte) {
		t.Helper()
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		return m2, buf.Bytes()
	}
	m2, b2 := roundTrip(m)
	if m2.fs.emb.Vec != nil {
		t.Error("the written model still carries its word vectors")
	}
	m3, b3 := roundTrip(m2)
	if !bytes.Equal(b2, b3) {
		t.Errorf("a second Write differs from the first (%d vs %d bytes)", len(b2), len(b3))
	}
	// the explicit Dim features of each group, scored with the int16
	// weights: what the projections stand for
	f := newFvec(m.bits)
	explicit := func(tg *Target) [3]float64 {
		extract(f, tg, &m.fs) // no wq on f and vectors present: explicit features
		var s [3]float64
		for k, i := range f.idx {
			v := float64(f.val[k]) * float64(m.scale)
			for c := range s {
				s[c] += v * float64(m.wq[int(i)*3+c])
			}
		}
		return softmax(s, m.temp)
	}
	var maxDiff float64
	for i := range ex {
		tg := &ex[i].Target
		want := explicit(tg)
		for k, c := range []struct {
			m   *Model
			tol float64
		}{{m, 1e-5}, {m2, 1e-3}, {m3, 1e-3}} {
			got := c.m.Probs(tg)
			for j := range got {
				d := math.Abs(got[j] - want[j])
				if k > 0 {
					maxDiff = max(maxDiff, d)
				}
				if d > c.tol {
					t.Fatalf("example %d, model %d: projected %v, explicit %v", i, k, got, want)
				}
			}
		}
		// scores (the training and calibration path) agrees with Probs on
		// the model without vectors
		f2 := newFvec(m2.bits)
		extract(f2, tg, &m2.fs)
		if got, want := softmax(m2.scores(f2), m2.temp), m2.Probs(tg); math.Abs(got[0]-want[0])+math.Abs(got[2]-want[2]) > 1e-9 {
			t.Fatalf("example %d: scores %v, Probs %v", i, got, want)
		}
	}
	t.Logf("largest probability difference after quantising the projections: %.2g", maxDiff)

	// the earlier file form (int16 slices, word vectors, projections built
	// at load) still decodes, to the in-memory model's probabilities
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(wire{Bits: m.bits, Scale: m.scale, W: m.wq, Lex: m.lex, Drop: m.fs.drop, Temp: m.temp, Emb: emb}); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	old, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i := range ex {
		got, want := old.Probs(&ex[i].Target), m.Probs(&ex[i].Target)
		if math.Abs(got[0]-want[0])+math.Abs(got[2]-want[2]) > 1e-9 {
			t.Fatalf("example %d: earlier form %v, in memory %v", i, got, want)
		}
	}
}
