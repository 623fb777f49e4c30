package quote

import (
	"strings"
	"testing"
)

// TestIndexHyphen checks the byte scan against strings.IndexAny, which it
// replaces, on hyphens, non-breaking hyphens, other dashes and bad UTF-8.
func TestIndexHyphen(t *testing.T) {
	for _, w := range []string{"", "-", "al-Hussein", "al‑Hussein", "ab", "x–y", "x—y", "\xe2\x80", "a\xe2\x80\x91",
		"\xe2\x80\x91-", "é-", "\xff\xe2\x80\x91", "\xe2\xe2\x80\x91", "bin‐Laden", "abu-", "no hyphen at all"} {
		if got, want := indexHyphen(w), strings.IndexAny(w, "-‑"); got != want {
			t.Errorf("indexHyphen(%q) = %d, IndexAny %d", w, got, want)
		}
	}
}

func FuzzIndexHyphen(f *testing.F) {
	f.Add("al-Hussein")
	f.Add("al‑Hussein")
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := indexHyphen(w), strings.IndexAny(w, "-‑"); got != want {
			t.Errorf("indexHyphen(%q) = %d, IndexAny %d", w, got, want)
		}
	})
}
