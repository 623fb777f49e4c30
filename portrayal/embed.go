package portrayal

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/newslens/newslens/internal/wordvec"
	"github.com/newslens/newslens/text"
)

// Word embeddings give the linear model a sense of which words are alike:
// NewsMTSC train has 8,739 targets, so most evaluative words of a new
// sentence were seen a handful of times at most. Vectors learnt from
// unlabelled news (skip-gram with negative sampling) let "slammed" borrow
// from "blasted", and their clusters give the same help as sparse features.

// Embeddings are word vectors (int8, one scale) and a cluster per word.
type Embeddings struct {
	Dim      int
	Words    []string
	Vec      []int8 // len(Words)*Dim, unit vectors quantised
	Scale    float32
	Clusters []uint16 // cluster of each word, for the cluster features
	K        int      // number of clusters
}

// vec returns word i's vector, dequantised into dst.
func (e *Embeddings) vec(i int, dst []float32) {
	row := e.Vec[i*e.Dim : (i+1)*e.Dim]
	for d, v := range row {
		dst[d] = float32(v) * e.Scale
	}
}

// EmbedOptions are the hyperparameters of TrainEmbeddings.
type EmbedOptions struct {
	Dim      int     // vector size (default 64)
	Window   int     // max context distance (default 5)
	Neg      int     // negative samples (default 5)
	Epochs   int     // passes (default 3)
	MinCount int     // words rarer than this are dropped (default 5)
	MaxVocab int     // keep at most this many most frequent words (default 40,000)
	Sample   float64 // frequent-word subsampling threshold (default 1e-4)
	LR       float64 // starting learning rate (default 0.025)
	K        int     // clusters (default 512)
	Seed     uint64
}

func (o *EmbedOptions) defaults() {
	if o.Dim == 0 {
		o.Dim = 64
	}
	if o.Window == 0 {
		o.Window = 5
	}
	if o.Neg == 0 {
		o.Neg = 5
	}
	if o.Epochs == 0 {
		o.Epochs = 3
	}
	if o.MinCount == 0 {
		o.MinCount = 5
	}
	if o.MaxVocab == 0 {
		o.MaxVocab = 40000
	}
	if o.Sample == 0 {
		o.Sample = 1e-4
	}
	if o.LR == 0 {
		o.LR = 0.025
	}
	if o.K == 0 {
		o.K = 512
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

// TrainEmbeddings learns skip-gram vectors with negative sampling from
// sentences of feature-form words (as Words gives them), then clusters
// them with spherical k-means.
func TrainEmbeddings(ctx context.Context, sentences [][]string, o EmbedOptions) (*Embeddings, error) {
	o.defaults()
	count := map[string]int{}
	total := 0
	for _, s := range sentences {
		for _, w := range s {
			count[w]++
			total++
		}
	}
	words := make([]string, 0, len(count))
	for w, c := range count {
		if c >= o.MinCount && w != "<NUM>" {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if count[words[i]] != count[words[j]] {
			return count[words[i]] > count[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > o.MaxVocab {
		words = words[:o.MaxVocab]
	}
	if len(words) < 2 {
		return nil, fmt.Errorf("embeddings: %d words in the corpus", len(words))
	}
	id := make(map[string]int32, len(words))
	for i, w := range words {
		id[w] = int32(i)
	}
	corpus := make([][]int32, 0, len(sentences))
	for _, s := range sentences {
		var c []int32
		for _, w := range s {
			if i, ok := id[w]; ok {
				c = append(c, i)
			}
		}
		if len(c) > 1 {
			corpus = append(corpus, c)
		}
	}
	n, dim := len(words), o.Dim
	// unigram^0.75 table for negatives
	table := make([]int32, 1<<21)
	var z float64
	for _, w := range words {
		z += math.Pow(float64(count[w]), 0.75)
	}
	{
		i, cum := 0, math.Pow(float64(count[words[0]]), 0.75)/z
		for k := range table {
			table[k] = int32(i)
			if float64(k+1)/float64(len(table)) > cum && i < n-1 {
				i++
				cum += math.Pow(float64(count[words[i]]), 0.75) / z
			}
		}
	}
	keep := make([]float64, n)
	for i, w := range words {
		f := float64(count[w]) / float64(total)
		keep[i] = math.Min(1, (math.Sqrt(f/o.Sample)+1)*o.Sample/f)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 11))
	in := make([]float32, n*dim)
	out := make([]float32, n*dim)
	for i := range in {
		in[i] = (rng.Float32() - 0.5) / float32(dim)
	}
	grad := make([]float32, dim)
	steps := o.Epochs * len(corpus)
	step := 0
	buf := make([]int32, 0, 256)
	for ep := 0; ep < o.Epochs; ep++ {
		for _, s := range corpus {
			if step%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			lr := float32(o.LR * math.Max(0.0001, 1-float64(step)/float64(steps)))
			step++
			buf = buf[:0]
			for _, w := range s {
				if keep[w] >= 1 || rng.Float64() < keep[w] {
					buf = append(buf, w)
				}
			}
			for p, w := range buf {
				win := 1 + rng.IntN(o.Window)
				for q := max(0, p-win); q <= min(len(buf)-1, p+win); q++ {
					if q == p {
						continue
					}
					v := in[int(buf[q])*dim : int(buf[q])*dim+dim]
					clear(grad)
					for k := 0; k <= o.Neg; k++ {
						t, label := w, float32(1)
						if k > 0 {
							t = table[rng.IntN(len(table))]
							if t == w {
								continue
							}
							label = 0
						}
						u := out[int(t)*dim : int(t)*dim+dim]
						var dot float32
						for d := range v {
							dot += v[d] * u[d]
						}
						g := (label - sigmoid32(dot)) * lr
						for d := range v {
							grad[d] += g * u[d]
							u[d] += g * v[d]
						}
					}
					for d := range v {
						v[d] += grad[d]
					}
				}
			}
		}
	}
	// unit vectors
	for i := 0; i < n; i++ {
		wordvec.Normalize(in[i*dim : (i+1)*dim])
	}
	e := &Embeddings{Dim: dim, Words: words, K: o.K}
	asg := wordvec.KMeans(context.Background(), in, nil, dim, o.K, 10, rng)
	e.Clusters = make([]uint16, n)
	for i, c := range asg {
		e.Clusters[i] = uint16(c)
	}
	var mx float32
	for _, x := range in {
		mx = max(mx, abs32(x))
	}
	e.Scale = mx / 127
	e.Vec = make([]int8, len(in))
	for i, x := range in {
		e.Vec[i] = int8(math.Round(float64(x / e.Scale)))
	}
	return e, nil
}

func sigmoid32(x float32) float32 {
	if x > 8 {
		return 1
	}
	if x < -8 {
		return 0
	}
	return float32(1 / (1 + math.Exp(-float64(x))))
}

// Nearest returns the k words whose vectors are closest to w's (for
// checking that the vectors mean something).
func (e *Embeddings) Nearest(w string, k int) []string {
	idx := -1
	if e.Vec == nil {
		return nil // a shipped model keeps projections, not vectors
	}
	for i, x := range e.Words {
		if x == w {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil
	}
	a := make([]float32, e.Dim)
	b := make([]float32, e.Dim)
	e.vec(idx, a)
	type sc struct {
		i int
		s float32
	}
	var all []sc
	for i := range e.Words {
		if i == idx {
			continue
		}
		e.vec(i, b)
		var dot float32
		for d := range a {
			dot += a[d] * b[d]
		}
		all = append(all, sc{i, dot})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s > all[j].s })
	out := make([]string, 0, k)
	for _, x := range all[:min(k, len(all))] {
		out = append(out, e.Words[x.i])
	}
	return out
}

// ReadCorpus reads plain-text files (gzip'ed when they end in .gz) into
// lines of feature-form words, the input of TrainEmbeddings.
func ReadCorpus(paths []string) ([][]string, error) {
	var out [][]string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("embedding corpus: %w", err)
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("embedding corpus %s: %w", p, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				return nil, fmt.Errorf("embedding corpus %s: %w", p, err)
			}
		}
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) < 20 {
				continue
			}
			out = append(out, Words(line, text.Tokenize(line), nil))
		}
	}
	return out, nil
}
