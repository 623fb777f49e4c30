package memcorpus

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// sortTop must give the same first k as a full sort, for every k.
func TestSortTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	less := func(a, b [2]int) bool {
		if a[0] != b[0] {
			return a[0] > b[0]
		}
		return a[1] < b[1]
	}
	for _, n := range []int{0, 1, 5, 40, 1000} {
		xs := make([][2]int, n)
		for i := range xs {
			xs[i] = [2]int{rng.IntN(20), i} // many ties on the first key
		}
		want := slices.Clone(xs)
		slices.SortFunc(want, func(a, b [2]int) int {
			if less(a, b) {
				return -1
			}
			return 1
		})
		for _, k := range []int{0, 1, 3, 10, n / 5, n} {
			k = min(k, n)
			got := slices.Clone(xs)
			sortTop(got, k, less)
			if !slices.Equal(got[:k], want[:k]) {
				t.Errorf("n=%d k=%d: top differs", n, k)
			}
		}
	}
}
