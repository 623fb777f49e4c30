package trafilatura

import (
	"strings"
	"testing"
)

// The patched trim must give what upstream's strings.Join(strings.Fields(s), " ") gave.
func trimUpstream(s string) string {
	return strings.TrimSpace(strings.Join(strings.Fields(s), " "))
}

func TestTrimAsUpstream(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "a b", "a  b", "a\tb", "\n a \u00a0b\u2003c \n",
		"already trimmed text", "x\u0085y", "\xff \xfe", "  many   spaces   here  "} {
		if got, want := trim(s), trimUpstream(s); got != want {
			t.Errorf("trim(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzTrim(f *testing.F) {
	f.Add("a  b\tc")
	f.Add("\u00a0x\u3000")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trim(s), trimUpstream(s); got != want {
			t.Errorf("trim(%q) = %q, want %q", s, got, want)
		}
	})
}
