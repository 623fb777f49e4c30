package entity

import (
	"math/rand/v2"
	"testing"

	"github.com/newslens/newslens/names"
)

// TestFarByLettersIsSafe checks the merge prefilter never rules out a pair
// the edit distance would have merged, on close and far random keys.
func TestFarByLettersIsSafe(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const letters = "aeiou bcdfgklmnrst"
	word := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return b
	}
	skipped, close := 0, 0
	for it := 0; it < 20000; it++ {
		a := word(6 + r.IntN(20))
		b := append([]byte(nil), a...)
		for e := r.IntN(6); e > 0 && len(b) > 1; e-- { // a few random edits
			i := r.IntN(len(b))
			switch r.IntN(3) {
			case 0:
				b[i] = letters[r.IntN(len(letters))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]byte{letters[r.IntN(len(letters))]}, b[i:]...)...)
			}
		}
		if r.IntN(4) == 0 {
			b = word(6 + r.IntN(20))
		}
		sim := names.KeySimilarity(string(a), string(b))
		if sim >= 0.9 {
			close++
		}
		if farByLetters(string(a), string(b)) {
			skipped++
			if sim >= 0.9 {
				t.Fatalf("farByLetters(%q, %q) but similarity %.3f", a, b, sim)
			}
		}
	}
	if skipped == 0 || close == 0 {
		t.Fatalf("test pairs too uniform: %d skipped, %d close", skipped, close)
	}
}
