package extract

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestIsNFC(t *testing.T) {
	for _, s := range []string{"", "plain ascii text", "café", "cafe\u0301", "e\u0301", "\u0301", "a\u0301\u0302b",
		"Ω", "\u2126", "한국어", "\u1100\u1161", "x\u1100\u1161y", "“quoted” – dash", strings.Repeat("abcdefgh", 9) + "\u0301",
		"abcdefg\u0301", "ﬁ ligature", "\u0344", "a" + strings.Repeat("\u0301", 40), "\u00e9\u0301\u0327",
		// pieces cut around nfcChunk: a composing pair just after the cut, a long non-ASCII run
		"é" + strings.Repeat("x", nfcChunk-2) + "e\u0301", "é" + strings.Repeat("x", nfcChunk) + "e\u0301",
		"é" + strings.Repeat("x", nfcChunk-1) + "=\u0338", strings.Repeat("é", nfcChunk) + "e\u0301 ok"} {
		if got, want := isNFC(s), norm.NFC.IsNormalString(s); got != want {
			t.Errorf("isNFC(%q) = %v, norm says %v", s, got, want)
		}
	}
}

func FuzzIsNFC(f *testing.F) {
	f.Add("cafe\u0301 and “quotes”")
	f.Add("\u1100\u1161 x\u0344")
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "\uFFFD") // decodeBytes calls it on valid UTF-8 only
		if got, want := isNFC(s), norm.NFC.IsNormalString(s); got != want {
			t.Fatalf("isNFC(%q) = %v, norm says %v", s, got, want)
		}
	})
}

// BenchmarkIsNFC compares isNFC with the normaliser's check on the AEB
// pages (one page per iteration), as decodeBytes checks them.
func BenchmarkIsNFC(b *testing.B) {
	var pages []string
	size := 0
	for _, p := range loadAEBPages(b) {
		pages = append(pages, string(p))
		size += len(p)
	}
	for _, c := range []struct {
		name string
		f    func(string) bool
	}{{"isNFC", isNFC}, {"norm", norm.NFC.IsNormalString}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(size / len(pages)))
			for i := range b.N {
				c.f(pages[i%len(pages)])
			}
		})
	}
}
