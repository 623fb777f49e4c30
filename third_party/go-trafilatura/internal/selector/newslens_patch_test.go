package selector

import (
	"fmt"
	"slices"
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

// checkQueryAsUpstream compares Query and QueryAll with upstream's loops
// over dom.GetElementsByTagName for every rule list, from every root of a
// page.
func checkQueryAsUpstream(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Skip(err)
	}
	roots := append([]*html.Node{root}, dom.GetElementsByTagName(root, "*")...)
	lists := [][]Rule{Content, MetaAuthor, MetaAuthorDiscard, OverallDiscardedContent, PrecisionDiscardedContent,
		DiscardedImage, DiscardedTeaser, Comments, DiscardedComments, RemovedComments, MetaCategories, MetaTags, MetaTitle}
	for _, r := range roots {
		for _, rules := range lists {
			for _, rule := range rules {
				var want []*html.Node
				var first *html.Node
				for _, e := range dom.GetElementsByTagName(r, "*") {
					if rule(e) {
						want = append(want, e)
						if first == nil {
							first = e
						}
					}
				}
				if got := QueryAll(r, rule); !slices.Equal(got, want) {
					t.Fatalf("page %q, root <%s>: QueryAll found %d, upstream %d", page, r.Data, len(got), len(want))
				}
				if got := Query(r, rule); got != first {
					t.Fatalf("page %q, root <%s>: Query differs from upstream", page, r.Data)
				}
			}
		}
	}
}

func TestQueryAsUpstream(t *testing.T) {
	for _, page := range []string{
		``,
		`<div class="post-content"><p>a</p><div id="comments"><p>c</p></div></div><aside class="sidebar">s</aside>`,
		`<article><span class="author">A. Writer</span><div class="comment-list"><a rel="author">x</a></div></article>`,
		`<main><section class="article-body"><figure><img src=x><figcaption>c</figcaption></figure></section></main>`,
	} {
		checkQueryAsUpstream(t, page)
	}
}

func FuzzQueryAsUpstream(f *testing.F) {
	f.Add(`<div class="post-content"><p>a</p><div id="comments">c</div></div><aside class="sidebar">s</aside>`)
	f.Add(`<article><span class="author">A</span><div class="comment-list"><a rel="author">x</a></div></article>`)
	f.Fuzz(func(t *testing.T, page string) {
		checkQueryAsUpstream(t, page)
	})
}

// BenchmarkQueryAll runs every rule of OverallDiscardedContent over a page
// of 200 sections, as pruneUnwantedNodes does, with the walk and with
// upstream's loop.
func BenchmarkQueryAll(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><body><main>")
	for i := range 200 {
		fmt.Fprintf(&sb, `<section class="s%d"><div class="c"><p>Text <a href="/a">link</a> <b>more</b>.</p><ul><li>x</li></ul></div></section>`, i)
	}
	sb.WriteString(`<aside class="sidebar">s</aside></main></body></html>`)
	root, err := html.Parse(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("walk", func(b *testing.B) {
		for range b.N {
			for _, rule := range OverallDiscardedContent {
				QueryAll(root, rule)
			}
		}
	})
	b.Run("upstream", func(b *testing.B) {
		for range b.N {
			for _, rule := range OverallDiscardedContent {
				var m []*html.Node
				for _, e := range dom.GetElementsByTagName(root, "*") {
					if rule(e) {
						m = append(m, e)
					}
				}
			}
		}
	})
}
