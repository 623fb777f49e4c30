package ner

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/newslens/newslens/internal/wordvec"
	"github.com/newslens/newslens/text"
)

// ReadClustersFile reads a cluster table: "word<TAB>c0<TAB>c1<TAB>c2" lines,
// optionally gzip-compressed.
func ReadClustersFile(path string) (map[string][3]uint16, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	out := map[string][3]uint16{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) != 4 {
			continue
		}
		var c [3]uint16
		for k := 0; k < 3; k++ {
			v, err := strconv.Atoi(fs[k+1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			c[k] = uint16(v)
		}
		out[fs[0]] = c
	}
	return out, sc.Err()
}

// ClusterConfig configures LearnClusters.
type ClusterConfig struct {
	// Vocab is the number of most frequent word forms clustered (default
	// 40,000); MinCount drops rarer ones (default 3).
	Vocab, MinCount int
	// Contexts is the number of most frequent lower-case words used as
	// left/right context dimensions (default 500); rarer neighbours count
	// by their shape.
	Contexts int
	// Dim is the random-projection size (default 100).
	Dim int
	// K are the cluster counts from coarse to fine (default 40, 200, 1000).
	K [3]int
	// Iter is the number of k-means iterations (default 10).
	Iter int
	Seed uint64
}

// LearnClusters learns distributional word clusters from tokenised
// sentences: each word form is represented by the positive PMI of its left
// and right neighbours, projected to a few dense dimensions, and grouped by
// spherical k-means; coarser levels cluster the finer centroids. Words in
// one cluster occur in similar contexts (surnames, cities, months...),
// which is what helps a tagger generalise to unseen names.
func LearnClusters(ctx context.Context, sents func(yield func([]string) bool), cfg ClusterConfig) (map[string][3]uint16, error) {
	if cfg.Vocab <= 0 {
		cfg.Vocab = 40000
	}
	if cfg.MinCount <= 0 {
		cfg.MinCount = 3
	}
	if cfg.Contexts <= 0 {
		cfg.Contexts = 500
	}
	if cfg.Dim <= 0 {
		cfg.Dim = 100
	}
	if cfg.K == [3]int{} {
		cfg.K = [3]int{40, 200, 1000}
	}
	if cfg.Iter <= 0 {
		cfg.Iter = 10
	}
	freq := map[string]int{}
	lfreq := map[string]int{}
	sents(func(ws []string) bool {
		for _, w := range ws {
			freq[w]++
			lfreq[strings.ToLower(w)]++
		}
		return true
	})
	vocab := topKeys(freq, cfg.Vocab, cfg.MinCount)
	ctxWords := topKeys(lfreq, cfg.Contexts, 1)
	wid := make(map[string]int, len(vocab))
	for i, w := range vocab {
		wid[w] = i
	}
	cid := make(map[string]int, len(ctxWords))
	for i, w := range ctxWords {
		cid[w] = i
	}
	shapes := map[string]int{}
	nc := len(ctxWords)
	ctxOf := func(w string) int {
		if w == "" {
			return nc // sentence boundary
		}
		if i, ok := cid[strings.ToLower(w)]; ok {
			return i
		}
		s := shapeOf(w)
		if len(s) > 4 {
			s = s[:4]
		}
		i, ok := shapes[s]
		if !ok {
			if len(shapes) >= 30 {
				return nc + 1
			}
			i = nc + 2 + len(shapes)
			shapes[s] = i
		}
		return i
	}
	D := nc + 32 // context ids per side
	counts := make([]float32, len(vocab)*2*D)
	sents(func(ws []string) bool {
		for i, w := range ws {
			k, ok := wid[w]
			if !ok {
				continue
			}
			l, r := "", ""
			if i > 0 {
				l = ws[i-1]
			}
			if i+1 < len(ws) {
				r = ws[i+1]
			}
			counts[k*2*D+ctxOf(l)]++
			counts[k*2*D+D+ctxOf(r)]++
		}
		return true
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// PPMI
	colSum := make([]float64, 2*D)
	rowSum := make([]float64, len(vocab))
	total := 0.0
	for k := range vocab {
		for j := 0; j < 2*D; j++ {
			v := float64(counts[k*2*D+j])
			colSum[j] += v
			rowSum[k] += v
			total += v
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	proj := make([]float32, 2*D*cfg.Dim)
	for i := range proj {
		proj[i] = float32(rng.NormFloat64())
	}
	vecs := make([]float32, len(vocab)*cfg.Dim)
	for k := range vocab {
		v := vecs[k*cfg.Dim : (k+1)*cfg.Dim]
		for j := 0; j < 2*D; j++ {
			c := float64(counts[k*2*D+j])
			if c == 0 {
				continue
			}
			pmi := math.Log(c * total / (rowSum[k] * colSum[j]))
			if pmi <= 0 {
				continue
			}
			p := proj[j*cfg.Dim : (j+1)*cfg.Dim]
			for d := range v {
				v[d] += float32(pmi) * p[d]
			}
		}
		wordvec.Normalize(v)
	}
	counts = nil
	fine := wordvec.KMeans(ctx, vecs, nil, cfg.Dim, cfg.K[2], cfg.Iter, rng)
	cent := centroids(vecs, fine, cfg.Dim, cfg.K[2])
	weights := make([]float32, cfg.K[2])
	for _, a := range fine {
		weights[a]++
	}
	mid := wordvec.KMeans(ctx, cent, weights, cfg.Dim, cfg.K[1], cfg.Iter, rng)
	coarse := wordvec.KMeans(ctx, cent, weights, cfg.Dim, cfg.K[0], cfg.Iter, rng)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string][3]uint16, len(vocab))
	for k, w := range vocab {
		f := fine[k]
		out[w] = [3]uint16{uint16(coarse[f] + 1), uint16(mid[f] + 1), uint16(f + 1)}
	}
	return out, nil
}

func topKeys(freq map[string]int, n, minCount int) []string {
	keys := make([]string, 0, len(freq))
	for w, c := range freq {
		if c >= minCount {
			keys = append(keys, w)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if freq[keys[i]] != freq[keys[j]] {
			return freq[keys[i]] > freq[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

func centroids(vecs []float32, assign []int, dim, k int) []float32 {
	cent := make([]float32, k*dim)
	for i, a := range assign {
		cc := cent[a*dim : (a+1)*dim]
		for d, x := range vecs[i*dim : (i+1)*dim] {
			cc[d] += x
		}
	}
	for c := 0; c < k; c++ {
		wordvec.Normalize(cent[c*dim : (c+1)*dim])
	}
	return cent
}

// WriteClusters writes a cluster table in the format ReadClustersFile reads.
func WriteClusters(w io.Writer, cl map[string][3]uint16) error {
	words := make([]string, 0, len(cl))
	for w := range cl {
		words = append(words, w)
	}
	sort.Strings(words)
	bw := bufio.NewWriter(w)
	for _, wd := range words {
		c := cl[wd]
		fmt.Fprintf(bw, "%s\t%d\t%d\t%d\n", wd, c[0], c[1], c[2])
	}
	return bw.Flush()
}

// ReutersSentences yields the tokenised lines of the unlabelled Reuters
// file (gzip), followed by the given CoNLL documents' sentences.
func ReutersSentences(path string, docs []Doc) (func(yield func([]string) bool), error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lines := strings.Split(string(plain), "\n")
	var toks [][]string
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ts := text.Tokenize(l)
		ws := make([]string, len(ts))
		for i, t := range ts {
			ws[i] = plainWord(l[t.Start:t.End])
		}
		toks = append(toks, ws)
	}
	return func(yield func([]string) bool) {
		for _, ws := range toks {
			if !yield(ws) {
				return
			}
		}
		for _, d := range docs {
			for _, s := range d.Sentences {
				if !yield(s.Words) {
					return
				}
			}
		}
	}, nil
}
