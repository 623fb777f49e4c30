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

// TestEqLower checks eqLower against the lowerWord comparison it replaces
// in verbalCitations.
func TestEqLower(t *testing.T) {
	for _, c := range []struct{ x, w string }{
		{"Reported", "reported"}, {"reported", "reported"}, {"REPORTS", "reported"}, {"The", "the"}, {"the", "then"},
		{"", ""}, {"", "the"}, {"thé", "the"}, {"THÉ", "thé"}, {"’", "'"}, {"“", "\""}, {"Don’t", "don't"},
		{"\u212Aey", "key"}, {"Told", "told"}, {"tolD", "told"}, {"toldx", "told"}, {"t\xffd", "t\xffd"},
	} {
		if got, want := eqLower(c.x, c.w), lowerWord(c.x) == c.w; got != want {
			t.Errorf("eqLower(%q, %q) = %v, want %v", c.x, c.w, got, want)
		}
	}
}

// TestTitleKeyBuf checks shareTitles's allocation-free key against titleKey.
func TestTitleKeyBuf(t *testing.T) {
	for _, name := range []string{"Saad al-Hariri", "Hariri", "Boris Johnson ", "bin-Laden", "Abu-Bakr x", "Zeid Ra’ad al-Hussein",
		"a\tB-c", "O'Neil", "al-", "X  al‑Assad", "Jean-Claude Juncker", "MAC\nDONALD"} {
		if got, want := string(titleKeyBuf(nil, name)), titleKey(name); got != want {
			t.Errorf("titleKeyBuf(%q) = %q, titleKey %q", name, got, want)
		}
	}
}

func FuzzEqLower(f *testing.F) {
	f.Add("Reported", "reported")
	f.Add("Saad al-Hariri", "the")
	f.Fuzz(func(t *testing.T, x, w string) {
		if got, want := eqLower(x, w), lowerWord(x) == w; got != want {
			t.Errorf("eqLower(%q, %q) = %v, want %v", x, w, got, want)
		}
		if x = strings.TrimSpace(x); x != "" && strings.Fields(x) != nil {
			if got, want := string(titleKeyBuf(nil, x)), titleKey(x); got != want {
				t.Errorf("titleKeyBuf(%q) = %q, titleKey %q", x, got, want)
			}
		}
	})
}
