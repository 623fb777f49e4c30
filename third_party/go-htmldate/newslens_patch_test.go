package htmldate

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

func render(t *testing.T, n *html.Node) string {
	t.Helper()
	var b strings.Builder
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// patchPages find their dates at different steps of findDate: meta tags,
// JSON-LD, the pruned copy's elements, the regex search over its HTML, and
// the extensive text search, with foreign (SVG) content and things the
// pruning removes.
var patchPages = []string{
	`<html><head><meta property="article:published_time" content="2019-11-19T10:00:00Z"></head><body><p>x</p></body></html>`,
	`<html><head><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2018-03-02"}</script></head><body></body></html>`,
	`<html><body><svg><text>2001-01-01</text></svg><iframe>x</iframe><div class="date">Published 12 March 2017</div><p>text</p></body></html>`,
	`<html><body><object>o</object><p>Posted on 2016/05/04 by someone</p><time datetime="2015-02-03">Feb 3</time></body></html>`,
	`<html><body><p>Nothing here but words, and a year 2014 alone.</p><label>l</label><footer>© 2013</footer></body></html>`,
	`<html><body><div><p>The meeting took place on 7 June 2012 in the town hall.</p></div></body></html>`,
}

// TestNoCopyAsUpstream checks patches 1 and 2: FromDocument on the page
// itself gives what it gives on a copy (upstream copied the page first),
// and leaves the page as it was.
func TestNoCopyAsUpstream(t *testing.T) {
	found := 0
	for _, page := range patchPages {
		for _, opts := range []Options{{UseOriginalDate: true, SkipExtensiveSearch: true}, {UseOriginalDate: true}, {}} {
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			before := render(t, doc)
			want, werr := FromDocument(dom.Clone(doc, true), opts)
			got, gerr := FromDocument(doc, opts)
			if (werr == nil) != (gerr == nil) || got != want {
				t.Fatalf("page %q, %+v: on the page %+v (%v), on a copy %+v (%v)", page, opts, got, gerr, want, werr)
			}
			if render(t, doc) != before {
				t.Fatalf("page %q: FromDocument changed its input", page)
			}
			if !got.DateTime.IsZero() {
				found++
			}
		}
	}
	if found < 10 {
		t.Fatalf("dates found in %d of %d runs: the pages no longer exercise findDate's steps", found, 3*len(patchPages))
	}
}

// TestCloneTreeAsDomClone checks patch 3: the two-allocation copy is
// dom.Clone's tree, and cleanDocument gives the same tree either way.
func TestCloneTreeAsDomClone(t *testing.T) {
	for _, page := range patchPages {
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := render(t, cloneTree(doc)), render(t, dom.Clone(doc, true)); got != want {
			t.Fatalf("cloneTree:\n%s\ndom.Clone:\n%s", got, want)
		}
		if got, want := render(t, cleanDocument(doc)), render(t, cleanDocument(dom.Clone(doc, true))); got != want {
			t.Fatalf("cleanDocument on the page:\n%s\non a copy:\n%s", got, want)
		}
	}
}

// checkQueriesAsCascadia compares patch 4's queries with the selectors
// they replace, from every root of a page.
func checkQueriesAsCascadia(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Skip(err)
	}
	roots := append([]*html.Node{root}, dom.GetElementsByTagName(root, "*")...)
	for _, q := range []struct {
		sel   string
		match func(*html.Node) bool
	}{
		{"meta", elementNamed("meta")},
		{`script[type="application/ld+json"]`, elementWithAttr("script", "type", "application/ld+json")},
		{`script[type="application/settings+json"]`, elementWithAttr("script", "type", "application/settings+json")},
		{`meta[property="og:image"]`, elementWithAttr("meta", "property", "og:image")},
	} {
		for _, r := range roots {
			if got, want := elementsWhere(r, q.match), dom.QuerySelectorAll(r, q.sel); !slices.Equal(got, want) {
				t.Fatalf("page %q, root <%s>, %s: %d elements, cascadia %d", page, r.Data, q.sel, len(got), len(want))
			}
		}
	}
}

func TestQueriesAsCascadia(t *testing.T) {
	for _, page := range []string{
		``,
		`<html><head><meta content="x"><META property="og:image" content=i><meta property="OG:image"></head><body><meta></body></html>`,
		`<script type="application/ld+json">{}</script><script type="Application/ld+json">{}</script><script type="application/settings+json">{}</script><svg><script type="application/ld+json">x</script></svg>`,
		`<meta property=og:image property=x><meta property=" og:image"><div><meta property=og:image></div>`,
	} {
		checkQueriesAsCascadia(t, page)
	}
}

func FuzzQueriesAsCascadia(f *testing.F) {
	f.Add(`<html><head><meta property="og:image" content=i></head><body><script type="application/ld+json">{}</script></body></html>`)
	f.Fuzz(func(t *testing.T, page string) {
		checkQueriesAsCascadia(t, page)
	})
}

// BenchmarkQueries compares patch 4's walk with cascadia for "meta" on a
// page of 200 sections with 20 meta tags.
func BenchmarkQueries(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><head>")
	for range 20 {
		sb.WriteString(`<meta name="m" content="v">`)
	}
	sb.WriteString("</head><body><main>")
	for range 200 {
		sb.WriteString(`<section><div class="c"><p>Text <a href="/a">link</a> and <b>more</b>.</p><ul><li>x</li></ul></div></section>`)
	}
	sb.WriteString("</main></body></html>")
	root, err := html.Parse(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("walk", func(b *testing.B) {
		for range b.N {
			elementsWhere(root, elementNamed("meta"))
		}
	})
	b.Run("cascadia", func(b *testing.B) {
		for range b.N {
			dom.QuerySelectorAll(root, "meta")
		}
	})
}
