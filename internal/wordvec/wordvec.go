// Package wordvec holds the small vector routines the trainers share: unit
// normalisation and spherical k-means over dense word vectors (the NER
// word clusters and the portrayal embeddings are both built with them).
package wordvec

import (
	"context"
	"math"
	"math/rand/v2"
)

// Normalize scales v to unit length in place; a zero vector stays zero.
func Normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// KMeans clusters the unit vectors in vecs (n×dim, row-major) by cosine
// (spherical k-means, iter rounds or until ctx is done) and returns each
// vector's cluster. weights, if not nil, weight the vectors in the
// centroids. Seeds and reseeds of empty clusters come from rng, so the
// result is reproducible from its seed.
func KMeans(ctx context.Context, vecs, weights []float32, dim, k, iter int, rng *rand.Rand) []int {
	n := len(vecs) / dim
	if k > n {
		k = n
	}
	cent := make([]float32, k*dim)
	perm := rng.Perm(n)
	for c := 0; c < k; c++ {
		copy(cent[c*dim:(c+1)*dim], vecs[perm[c]*dim:(perm[c]+1)*dim])
	}
	assign := make([]int, n)
	for it := 0; it < iter && ctx.Err() == nil; it++ {
		for i := 0; i < n; i++ {
			v := vecs[i*dim : (i+1)*dim]
			best, bs := 0, float32(-2)
			for c := 0; c < k; c++ {
				cc := cent[c*dim : (c+1)*dim]
				var s float32
				for d := range v {
					s += v[d] * cc[d]
				}
				if s > bs {
					best, bs = c, s
				}
			}
			assign[i] = best
		}
		clear(cent)
		for i := 0; i < n; i++ {
			wt := float32(1)
			if weights != nil {
				wt = weights[i]
			}
			cc := cent[assign[i]*dim : (assign[i]+1)*dim]
			for d, x := range vecs[i*dim : (i+1)*dim] {
				cc[d] += wt * x
			}
		}
		for c := 0; c < k; c++ {
			cc := cent[c*dim : (c+1)*dim]
			empty := true
			for _, x := range cc {
				if x != 0 {
					empty = false
					break
				}
			}
			if empty { // reseed an empty cluster
				j := rng.IntN(n)
				copy(cc, vecs[j*dim:(j+1)*dim])
			}
			Normalize(cc)
		}
	}
	return assign
}
