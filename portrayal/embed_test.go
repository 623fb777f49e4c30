package portrayal

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/newslens/newslens/document"
)

// TestEmbeddingProjection checks that inference with precomputed word
// projections scores exactly as the explicit mean-vector features do, and
// that a model with embeddings survives Write and Decode.
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
			ex = append(ex, Example{Target: tg, Label: j % 3})
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
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	f := newFvec(m.bits)
	for i := range sents {
		tg := ex[i].Target
		extract(f, &tg, &m2.fs) // explicit features (no wq on f)
		want := softmax(m2.scores(f), m2.temp)
		for _, mm := range []*Model{m, m2} {
			got := mm.Probs(&tg)
			for c := range got {
				if math.Abs(got[c]-want[c]) > 1e-5 {
					t.Errorf("%q: projected %v, explicit %v", sents[i], got, want)
					break
				}
			}
		}
	}
}
