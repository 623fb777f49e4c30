package selector

import (
	"strings"
	"testing"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

func classNode(class string) *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "div", Attr: []html.Attribute{{Key: "class", Val: class}}}
}

// TestClassNameAsDom checks that className gives dom.ClassName's string
// (newslens patch 13).
func TestClassNameAsDom(t *testing.T) {
	for _, s := range []string{"", " ", "a", "post", "post entry", " post", "post ", "post  entry", "a\tb", "a\nb",
		"\u00a0a", "a\u2003b", "é", "\xff b", "  ", "a b c", "x\u0085y"} {
		n := classNode(s)
		if got, want := className(n), dom.ClassName(n); got != want {
			t.Errorf("className(%q) = %q, want %q", s, got, want)
		}
	}
	if got := className(&html.Node{Type: html.ElementNode, Data: "div"}); got != "" {
		t.Errorf("no class attribute: %q", got)
	}
}

func FuzzClassNameAsDom(f *testing.F) {
	f.Add("post  entry")
	f.Add(" a\u00a0b ")
	f.Fuzz(func(t *testing.T, s string) {
		n := classNode(s)
		got, want := className(n), dom.ClassName(n)
		if got != want {
			t.Fatalf("className(%q) = %q, want %q", s, got, want)
		}
		if got == s && strings.Contains(s, "  ") {
			t.Fatalf("className(%q) kept a double space", s)
		}
	})
}
