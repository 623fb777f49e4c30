package trafilatura

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"github.com/markusmobius/go-trafilatura/internal/etree"
	"github.com/markusmobius/go-trafilatura/internal/re2go"
	"github.com/markusmobius/go-trafilatura/internal/selector"
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

// cleaningUpstream is docCleaning's stripping and removal as upstream wrote
// them, one walk per tag name, taking the names in the order given.
func cleaningUpstream(doc *html.Node, strip, clean []string) {
	for _, tag := range strip {
		etree.StripTags(doc, tag)
	}
	for _, tag := range clean {
		etree.StripElements(doc, false, tag)
	}
}

func sortedNames(m map[string]struct{}, reverse bool) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	if reverse {
		slices.Reverse(names)
	}
	return names
}

// checkCleaningAsUpstream compares the one-walk cleaning with upstream's
// per-name walks, with the names in two opposite orders (upstream's order
// is Go's random map order).
func checkCleaningAsUpstream(t *testing.T, page string) {
	t.Helper()
	parse := func() *html.Node {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Skip(err)
		}
		return root
	}
	got := parse()
	stripTagsIn(got, tagsToStrip)
	stripElementsIn(got, tagsToClean)
	for _, reverse := range []bool{false, true} {
		want := parse()
		cleaningUpstream(want, sortedNames(tagsToStrip, reverse), sortedNames(tagsToClean, reverse))
		if g, w := renderNode(t, got), renderNode(t, want); g != w {
			t.Fatalf("page %q:\none walk:  %s\nper name: %s", page, g, w)
		}
	}
}

func TestCleaningAsUpstream(t *testing.T) {
	for _, page := range []string{
		``,
		`<p>plain</p>`,
		// nested names of both lists, tails between them, comments inside tails
		`<div><aside>a<nav>n<p>x</p></nav>t1</aside>t2<!--c-->t3<p>keep</p>t4<script>s</script>t5</div>`,
		`<p><abbr>A<small>s<font>f</font>t</small>u</abbr>v<ins>i<b>b</b></ins>w</p>`,
		`<form><small>s</small>t</form>tail<small><form>f</form>u</small>v<footer/>w<footer/>x`,
		`<table><thead><tr><th>h</th></tr></thead><tbody><tr><td><img src=a>c<button>b</button>d</td></tr></tbody></table>`,
		`<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>字<meta name=x><template><p>t</p></template>`,
	} {
		checkCleaningAsUpstream(t, page)
	}
}

func FuzzCleaningAsUpstream(f *testing.F) {
	f.Add(`<div><aside>a<nav>n</nav>t1</aside>t2<!--c-->t3<p>keep</p></div>`)
	f.Add(`<p><abbr>A<small>s<font>f</font>t</small>u</abbr>v<ins>i</ins>w</p>`)
	f.Fuzz(func(t *testing.T, page string) {
		checkCleaningAsUpstream(t, page)
	})
}

// pruneUnwantedNodesUpstream is upstream's pruneUnwantedNodes: a copy to
// prune, a backup copy made beforehand, text measured by building it.
func pruneUnwantedNodesUpstream(tree *html.Node, queries []selector.Rule, withBackup bool) *html.Node {
	var oldLen int
	var backup *html.Node
	tree = dom.Clone(tree, true)
	if withBackup {
		backup = dom.Clone(tree, true)
		oldLen = utf8.RuneCountInString(dom.TextContent(tree))
	}
	pruneNodesInPlace(tree, queries) // the loop itself is upstream's, moved unchanged
	if withBackup {
		newLen := utf8.RuneCountInString(dom.TextContent(tree))
		if newLen <= oldLen/7 {
			return backup
		}
	}
	return tree
}

// checkPruningAsUpstream checks the pieces of patch 10 on one page: the
// pruning without a backup copy (on the page and on its body, a subtree
// with a parent, as extractContent prunes), the text length without
// building the text, and the test that lets docCleaning skip its backup.
func checkPruningAsUpstream(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Skip(err)
	}
	before := renderNode(t, root)
	if got, want := textRuneCount(root), utf8.RuneCountInString(dom.TextContent(root)); got != want {
		t.Fatalf("page %q: textRuneCount %d, want %d", page, got, want)
	}
	subtrees := []*html.Node{root}
	if body := dom.QuerySelector(root, "body"); body != nil {
		subtrees = append(subtrees, body)
	}
	for _, sub := range subtrees {
		for _, queries := range [][]selector.Rule{selector.OverallDiscardedContent, selector.DiscardedImage, selector.MetaAuthorDiscard} {
			for _, backup := range []bool{false, true} {
				got := pruneUnwantedNodes(sub, queries, backup)
				want := pruneUnwantedNodesUpstream(sub, queries, backup)
				if g, w := renderNode(t, got), renderNode(t, want); g != w {
					t.Fatalf("page %q (backup %v):\npatched:  %s\nupstream: %s", page, backup, g, w)
				}
				if got.Parent != nil {
					t.Fatalf("page %q: the pruned copy has a parent", page)
				}
				// in place on a copy the caller owns, as the patched callers do
				inPlace := cloneTree(sub)
				pruneNodesInPlace(inPlace, queries)
				if g, w := renderNode(t, inPlace), renderNode(t, pruneUnwantedNodesUpstream(sub, queries, false)); g != w {
					t.Fatalf("page %q: in place:\n%s\nupstream:\n%s", page, g, w)
				}
			}
		}
	}
	if renderNode(t, root) != before {
		t.Fatalf("page %q: pruning changed its input", page)
	}
	stripped := cloneTree(root)
	stripTagsIn(stripped, tagsToStrip)
	keeps := keepsElementNamed(stripped, "p", tagsToClean)
	stripElementsIn(stripped, tagsToClean)
	if has := hasElementNamed(stripped, "p"); keeps != has {
		t.Fatalf("page %q: keepsElementNamed %v, but a <p> is left after the removal: %v", page, keeps, has)
	}
}

func TestPruningAsUpstream(t *testing.T) {
	for _, page := range []string{
		``,
		`<p>plain</p>`,
		`<div class="sidebar">side<p>in</p></div>tail<p>keep</p>`,
		`<body><div id="comments"><p>c</p></div><p>only a little text</p></body>`,
		// almost everything is discarded: the backup (the unpruned copy) is returned
		`<body><div class="footer">` + strings.Repeat("long footer text ", 40) + `</div>x</body>`,
		`<aside><p>gone</p></aside><form><p>gone too</p></form>`,
		`<div class="author">By <a href="/a">A</a></div><p class="byline">B</p><figure><img src=i><figcaption>cap</figcaption></figure>`,
		"<p>\xff\xfe broken</p><p>\xe2\x82</p><p>\xac</p>",
	} {
		checkPruningAsUpstream(t, page)
	}
}

func FuzzPruningAsUpstream(f *testing.F) {
	f.Add(`<div class="sidebar">side<p>in</p></div>tail<p>keep</p>`)
	f.Add(`<aside><p>gone</p></aside><nav>n</nav><p>x</p>`)
	f.Fuzz(func(t *testing.T, page string) {
		checkPruningAsUpstream(t, page)
	})
}

// checkTrimmedTextLen compares trimmedTextLen with upstream's
// utf8.RuneCountInString(trim(dom.TextContent(n))) on every node of a page,
// capped at the limit as documented.
func checkTrimmedTextLen(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Skip(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		want := utf8.RuneCountInString(trim(dom.TextContent(n)))
		for _, limit := range []int{0, 1, 3, 10, 30, 100} {
			w := want
			if limit > 0 && w >= limit {
				w = limit
			}
			if got := trimmedTextLen(n, limit); got != w {
				t.Fatalf("page %q, node %q: trimmedTextLen(limit %d) = %d, want %d", page, n.Data, limit, got, w)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
}

func TestTrimmedTextLen(t *testing.T) {
	for _, page := range []string{
		``, `<p> </p>`, `<p>a</p>`, `<div> a  b <a href=x> c\td </a>e<span>f</span> </div>`,
		"<p>\u00a0x\u3000y\u2003</p>z", "<p>\xe2\x82</p><p>\xac</p>", "<p>\xff a</p>",
		`<ul><li>one<li>two<li>three</ul>` + strings.Repeat(`<p>word word </p>`, 30),
	} {
		checkTrimmedTextLen(t, page)
	}
}

func FuzzTrimmedTextLen(f *testing.F) {
	f.Add(`<div> a  b <a href=x> c d </a>e</div>`)
	f.Add("<p>\u00a0x\u3000y</p>z\xff")
	f.Fuzz(func(t *testing.T, page string) {
		checkTrimmedTextLen(t, page)
	})
}

// TestOwnsDocument checks that the precision pass gives the same result on
// the page itself (OwnsDocument) as on a copy, including pages with
// foreign (SVG, MathML) content, whose namespace a copy leaves empty.
func TestOwnsDocument(t *testing.T) {
	para := strings.Repeat("The committee said on Tuesday that the report would be published next month. ", 4)
	for _, page := range []string{
		`<html><head><title>T</title></head><body><article><h1>Head</h1><p>` + para + `</p><p>` + para +
			`</p><aside>side <a href="/x">link</a></aside><p>` + para + `</p></article><footer>foot</footer></body></html>`,
		`<html><body><div class="content"><p>` + para + `<svg><circle r="1"/><text>svg text</text></svg></p>` +
			`<p>` + para + `<math><mi>x</mi></math></p><div class="comments"><p>comment</p></div><p>` + para + `</p></div></body></html>`,
	} {
		results := make([]string, 2)
		for i, owns := range []bool{false, true} {
			root, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			res, err := ExtractDocument(root, Options{Focus: FavorPrecision, ExcludeComments: true, OwnsDocument: owns})
			if err != nil {
				t.Fatal(err)
			}
			results[i] = renderNode(t, res.ContentNode) + "\n" + res.ContentText
		}
		if results[0] != results[1] {
			t.Fatalf("on a copy:\n%s\non the page:\n%s", results[0], results[1])
		}
		if !strings.Contains(results[0], "committee") {
			t.Fatalf("no text extracted: %s", results[0])
		}
	}
}

// checkProtectedLinksAsUpstream compares protectedLinks with the selector
// convertTags used, from the page and from every element of it as the root
// (convertTags also runs on subtrees), with and without tables.
func checkProtectedLinksAsUpstream(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Skip(err)
	}
	roots := []*html.Node{root}
	for _, e := range dom.GetElementsByTagName(root, "*") {
		roots = append(roots, e)
	}
	for _, tables := range []bool{false, true} {
		sel := "div a, ul a, ol a, dl a, p a"
		if tables {
			sel += ", table a"
		}
		for _, r := range roots {
			got, want := protectedLinks(r, tables), dom.QuerySelectorAll(r, sel)
			if !slices.Equal(got, want) {
				t.Fatalf("page %q, root <%s>, tables %v: %d links, selector %d", page, r.Data, tables, len(got), len(want))
			}
		}
	}
}

func TestProtectedLinksAsUpstream(t *testing.T) {
	for _, page := range []string{
		``,
		`<a href=x>top</a>`,
		`<div><a>1</a><span><a>2</a></span></div><a>3</a><p>t<a>4<a>5</a></a></p>`,
		`<ul><li><a>1</a></li></ul><ol><li><b><a>2</a></b></li></ol><dl><dt><a>3</a></dt></dl>`,
		`<table><tr><td><a>1</a></td></tr></table><section><a>2</a><div><a>3</a></div></section>`,
		`<DIV><A HREF=x>caps</A></DIV><svg><a>svg link</a></svg><div><svg><a>in div</a></svg></div>`,
	} {
		checkProtectedLinksAsUpstream(t, page)
	}
}

func FuzzProtectedLinksAsUpstream(f *testing.F) {
	f.Add(`<div><a>1</a><span><a>2</a></span></div><a>3</a><p>t<a>4</a></p>`)
	f.Add(`<table><tr><td><a>1</a></td></tr></table><ul><li><a>2</a></li></ul>`)
	f.Fuzz(func(t *testing.T, page string) {
		checkProtectedLinksAsUpstream(t, page)
	})
}

// BenchmarkProtectedLinks compares protectedLinks with the selector on a
// page of 200 paragraphs, lists and tables with links.
func BenchmarkProtectedLinks(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><body><main>")
	for i := range 200 {
		fmt.Fprintf(&sb, `<section><div class="c%d"><p>Text <a href="/a%d">link</a> and <b>more</b> text.</p>`, i, i)
		sb.WriteString(`<ul><li><a href="/x">x</a></li><li>y</li></ul><table><tr><td><a href="/t">t</a></td></tr></table></div></section>`)
	}
	sb.WriteString("</main></body></html>")
	root, err := html.Parse(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("walk", func(b *testing.B) {
		for range b.N {
			protectedLinks(root, true)
		}
	})
	b.Run("selector", func(b *testing.B) {
		for range b.N {
			dom.QuerySelectorAll(root, "div a, ul a, ol a, dl a, p a, table a")
		}
	})
}

// isTrimmedUpstream is isTrimmed as patch 4 wrote it (a rune loop), the
// reference for patch 15's byte loop.
func isTrimmedUpstream(s string) bool {
	prevSpace := true
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (r != ' ' || prevSpace) {
			return false
		}
		prevSpace = space
	}
	return !prevSpace || s == ""
}

func FuzzIsTrimmed(f *testing.F) {
	for _, s := range []string{"", " ", "a b", "a  b", "a\u00a0b", "\xff b", "x\u0085y", "a\tb", "é è", "a "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isTrimmed(s), isTrimmedUpstream(s); got != want {
			t.Fatalf("isTrimmed(%q) = %v, the rune loop says %v", s, got, want)
		}
	})
}

func BenchmarkIsTrimmed(b *testing.B) {
	s := "The minister said on Tuesday that the talks would resume next week, after a pause of several months."
	b.Run("bytes", func(b *testing.B) {
		for range b.N {
			isTrimmed(s)
		}
	})
	b.Run("runes", func(b *testing.B) {
		for range b.N {
			isTrimmedUpstream(s)
		}
	})
}

// checkQueriesAsCascadia compares patch 17's queries with the selectors
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
		{"head meta[content]", headMetaWithContent},
		{`meta[property^="og:"]`, metaOpenGraph},
		{`script[type="application/ld+json"]`, scriptOfType("application/ld+json")},
		{`script[type="application/settings+json"]`, scriptOfType("application/settings+json")},
		{"figure", elementNamed("figure")},
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
		`<html><head><meta content="x" name="a"><meta name="b"><META CONTENT=y property="og:title"></head><body><meta content="z"></body></html>`,
		`<meta property=" og:x" content=a><meta property="og:" content=b><meta property="  " content=c><meta property="OG:x"><meta property=og:a property=b>`,
		`<script type="application/ld+json">{}</script><script type="application/LD+json">{}</script><script type="application/settings+json">{}</script><svg><script type="application/ld+json">x</script></svg>`,
		`<figure><table><tr><td>t</td></tr></table></figure><div><figure><figcaption>c</figcaption></figure></div><FIGURE>u</FIGURE>`,
		`<head><template><meta content=t></template></head><body><svg><head><meta content=s></head></svg></body>`,
	} {
		checkQueriesAsCascadia(t, page)
	}
}

func FuzzQueriesAsCascadia(f *testing.F) {
	f.Add(`<html><head><meta content="x"><meta property="og:title" content=t></head><body><figure>f</figure></body></html>`)
	f.Add(`<script type="application/ld+json">{}</script><meta property=" og:x">`)
	f.Fuzz(func(t *testing.T, page string) {
		checkQueriesAsCascadia(t, page)
	})
}

// BenchmarkQueries compares patch 17's walk with cascadia for "head
// meta[content]" on a page of 200 sections with 20 meta tags.
func BenchmarkQueries(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><head>")
	for i := range 20 {
		fmt.Fprintf(&sb, `<meta name="m%d" content="v%d">`, i, i)
	}
	sb.WriteString("</head><body><main>")
	for i := range 200 {
		fmt.Fprintf(&sb, `<section><div class="c%d"><p>Text <a href="/a">link</a> and <b>more</b>.</p><ul><li>x</li></ul></div></section>`, i)
	}
	sb.WriteString("</main></body></html>")
	root, err := html.Parse(strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("walk", func(b *testing.B) {
		for range b.N {
			elementsWhere(root, headMetaWithContent)
		}
	})
	b.Run("cascadia", func(b *testing.B) {
		for range b.N {
			dom.QuerySelectorAll(root, "head meta[content]")
		}
	})
}

func checkFilterLine(t *testing.T, line string) {
	t.Helper()
	if !mayBeFilterLine(line) && re2go.IsTextFilter(line) {
		t.Fatalf("mayBeFilterLine(%q) = false, but the matcher matches it", line)
	}
}

func TestFilterLine(t *testing.T) {
	for _, line := range []string{"", "Print", " print", "» Facebook", "E-Mail", "email", "Mehr zum Thema:", "Mehr zum Thema",
		"More on this", "More on this........", "More on this.........", "Share on Twitter", "PDF.", "Print:", "QQ",
		"A sentence that ends in a word.", "Read more on this...", "\u212aing", "Faceboo\u212a", "x\u00a0WhatsApp", "WEIBO"} {
		checkFilterLine(t, line)
	}
	if !mayBeFilterLine("Follow us on Twitter") || mayBeFilterLine("An ordinary sentence of the article.") {
		t.Error("mayBeFilterLine does not tell the two example lines apart")
	}
}

func FuzzFilterLine(f *testing.F) {
	for _, s := range []string{"Print", "» Facebook", "More on this...", "Mehr zum Thema:", "x E-Mail", "\u212aing"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkFilterLine(t, line)
	})
}

// BenchmarkFilterLine compares the matcher with and without the precheck
// on ordinary sentences of a page.
func BenchmarkFilterLine(b *testing.B) {
	lines := []string{"The minister said on Tuesday that the talks would resume next week.",
		"Officials in both capitals declined to comment on the report.", "Share this article", "Print"}
	b.Run("precheck", func(b *testing.B) {
		for i := range b.N {
			l := lines[i%len(lines)]
			_ = mayBeFilterLine(l) && re2go.IsTextFilter(l)
		}
	})
	b.Run("matcher", func(b *testing.B) {
		for i := range b.N {
			re2go.IsTextFilter(lines[i%len(lines)])
		}
	})
}
