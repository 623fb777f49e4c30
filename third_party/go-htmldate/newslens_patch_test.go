package htmldate

import (
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
