package extract

import (
	"strings"
	"testing"
)

// checkWriteText compares writeText, which copies runs of bytes, with
// writeRunes, the rune-by-rune loop it replaced, from the same state.
func checkWriteText(t *testing.T, prefix string, space bool, s string) {
	t.Helper()
	var a, b inline
	a.b.WriteString(prefix)
	b.b.WriteString(prefix)
	a.space, b.space = space, space
	a.writeText(s)
	b.writeRunes(s)
	if a.b.String() != b.b.String() || a.space != b.space {
		t.Fatalf("writeText(%q) after %q (space %v) = %q (space %v), rune by rune %q (space %v)",
			s, prefix, space, a.b.String(), a.space, b.b.String(), b.space)
	}
}

func TestWriteTextAsRunes(t *testing.T) {
	for _, s := range []string{"", " ", "a", "  a  b\t\nc ", "é\u00a0x", "\xff a \xfe", "x\r\fy", strings.Repeat("word ", 5)} {
		for _, prefix := range []string{"", "p", "line\n", "cell\t"} {
			for _, space := range []bool{false, true} {
				checkWriteText(t, prefix, space, s)
			}
		}
	}
}

func FuzzWriteText(f *testing.F) {
	f.Add("p", true, "  a  b\t\nc ")
	f.Add("", false, "\xff é\u00a0")
	f.Fuzz(func(t *testing.T, prefix string, space bool, s string) {
		checkWriteText(t, prefix, space, s)
	})
}
