package trafilatura

import (
	"strings"
	"testing"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
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

func TestCloneTreeAsDomClone(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>t</title><meta name="a" content="b"></head>
<body class="x" id="y"><!-- c --><div><p>one <a href="/u">two</a> three</p><svg><circle r="1"/></svg>
<ul><li>a<li>b</ul><img src="i.png" alt=""></div>tail</body></html>`
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want, got := renderNode(t, dom.Clone(root, true)), renderNode(t, cloneTree(root))
	if got != want {
		t.Fatalf("cloneTree:\n%s\ndom.Clone:\n%s", got, want)
	}
	c := cloneTree(root)
	body := dom.QuerySelector(c, "body")
	body.Attr = append(body.Attr, html.Attribute{Key: "z", Val: "1"})
	if renderNode(t, cloneTree(root)) != want || renderNode(t, root) != renderNode(t, dom.Clone(root, true)) {
		t.Fatal("changing a clone changed the source")
	}
	if div := dom.QuerySelector(c, "div"); len(div.Attr) != 0 {
		t.Fatalf("appending to body's attributes wrote into the next node's: %v", div.Attr)
	}
}

func renderNode(t *testing.T, n *html.Node) string {
	t.Helper()
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// BenchmarkClone compares cloneTree with dom.Clone on a page of 5,000
// paragraphs with links and classes.
func BenchmarkClone(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><body>")
	for i := 0; i < 5000; i++ {
		sb.WriteString(`<div class="c"><p id="p">text <a href="/x" rel="r">link</a> more</p></div>`)
	}
	root, err := html.Parse(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("dom.Clone", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			dom.Clone(root, true)
		}
	})
	b.Run("cloneTree", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			cloneTree(root)
		}
	})
}
