package text

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/newslens/newslens/internal/testenv"
)

// The reference implementations below are the straightforward versions
// that Normalize and Fold were first written as. The fast ones
// must give exactly the same output (strings and offset maps).

func normalizeRef(s string) (string, *Map) {
	mb := &mapBuilder{}
	mb.m.srcLen = len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			mb.emit(i, i+1, s[i:i+1])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		repl, ok := normRune(r, size)
		if !ok {
			repl = string(r)
		}
		mb.emit(i, i+size, repl)
		i += size
	}
	return mb.b.String(), &mb.m
}

func foldRef(s string) string {
	n, _ := normalizeRef(s)
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(n) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '.' || r == 'ʿ' || r == 'ʾ':
			continue
		case r == '-' || unicode.IsSpace(r) || r == '_':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			b.WriteRune(unicode.ToLower(r))
			space = false
		}
	}
	return strings.TrimRight(b.String(), " ")
}

var sameCases = []string{
	"", "plain ascii", "“Don’t”\u00a0–\u00adsoft… end", "bad \xff\xfe bytes", "real \ufffd here",
	"Zeid Ra’ad al-Hussein", "Deir ez-Zor", "  Ṣanʿāʾ  ", "A_B\tC\r\nD", "Ελληνικά ΚΕΙΜΕΝΟ",
	"\u200b\u200bzero", "…", "x\u2009y\u202fz", "`back`tick", "İstanbul", "ǅemal", "-lead trail-",
}

func checkSame(t *testing.T, s string) {
	t.Helper()
	n, m := Normalize(s)
	rn, rm := normalizeRef(s)
	if n != rn {
		t.Fatalf("Normalize(%q) = %q, reference %q", s, n, rn)
	}
	for i := 0; i <= len(n); i++ {
		if a, b := m.ToSource(i), rm.ToSource(i); a != b {
			t.Fatalf("Normalize(%q): ToSource(%d) = %d, reference %d", s, i, a, b)
		}
	}
	if ns := NormalizeString(s); ns != rn {
		t.Fatalf("NormalizeString(%q) = %q, reference %q", s, ns, rn)
	}
	if f, rf := Fold(s), foldRef(s); f != rf {
		t.Fatalf("Fold(%q) = %q, reference %q", s, f, rf)
	}
}

func TestNormalizeFoldSameAsReference(t *testing.T) {
	for _, s := range sameCases {
		checkSame(t, s)
	}
	// every line of the running example and of a few real articles
	paths := []string{filepath.Join(testenv.ModuleRoot(), "..", "shared", "samples", "syria-2017-opinion.txt")}
	more, _ := filepath.Glob(filepath.Join(testenv.ModuleRoot(), "..", "shared", "data", "propaganda", "ptc", "train-articles", "*.txt"))
	if len(more) > 40 {
		more = more[:40]
	}
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			checkSame(t, line)
			for _, w := range strings.Fields(line) {
				checkSame(t, w)
			}
		}
	}
}

func FuzzNormalizeSame(f *testing.F) {
	for _, s := range sameCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSame(t, s)
	})
}
