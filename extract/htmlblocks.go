package extract

import (
	nurl "net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newslens/newslens/document"
)

// htmlBuilder turns trafilatura's content tree into text, blocks, links and
// embeds. Block elements become blocks; inline content is gathered into a
// line buffer with collapsed white space, remembering link anchors so their
// spans can be placed once the block's offset is known.
type htmlBuilder struct {
	b        strings.Builder
	blocks   []document.Block
	links    []document.Link
	embeds   []document.Embed
	base     *nurl.URL
	captions map[string]string // image/video URL → figcaption in the page

	line       inline // inline content of the open paragraph
	quoteDepth int

	// index, when set, makes the builder record what it sees instead of
	// building text: see pageIndex.
	index *pageIndex
	// page is the index of the original page, consulted for each block.
	page *pageIndex
	seen map[string]bool // embed URLs already recorded
}

// pageIndex records, for every text block of the original page, the links
// in it and the media (figures, videos) that come just before it.
//
// trafilatura extracts better text when it is told to drop links and images
// (AEB F1 0.962 against 0.953 with both kept), so the content is extracted
// without them and they are put back from the original page: a block of the
// extracted text that equals a block of the page gets that block's links
// and the media before it.
type pageIndex struct {
	anchors map[string][]anchor
	media   map[string][]document.Embed
	pending []document.Embed
}

// inline is a run of inline text with link anchors relative to its start.
type inline struct {
	b       strings.Builder
	anchors []anchor
	space   bool // a space is pending before the next word
}

type anchor struct {
	url        string
	start, end int
	// lazy marks an anchor of the page index whose url is the href as
	// written: most of a page's links are in blocks the article does not
	// keep, so they are resolved against the base only when used (see
	// addBlock); the builders share the base, so the URL is the same.
	lazy bool
}

func newHTMLBuilder(base *nurl.URL, captions map[string]string) *htmlBuilder {
	return &htmlBuilder{base: base, captions: captions}
}

func (h *htmlBuilder) text() string { return h.b.String() }

// writeText appends s with runs of white space collapsed to one space.
// The collapsible characters are ASCII, so valid UTF-8 is cut into runs of
// other bytes written whole; invalid UTF-8 goes rune by rune, so its bad
// bytes still become U+FFFD as WriteRune makes them.
func (in *inline) writeText(s string) {
	if !utf8.ValidString(s) {
		in.writeRunes(s)
		return
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && isCollapsibleByte(s[i]) {
			i++
		}
		if i > 0 {
			in.space = true
			s = s[i:]
			continue
		}
		for i < len(s) && !isCollapsibleByte(s[i]) {
			i++
		}
		if in.space {
			if n := in.b.Len(); n > 0 && !endsWithBreak(in.b.String()) {
				in.b.WriteByte(' ')
			}
			in.space = false
		}
		in.b.WriteString(s[:i])
		s = s[i:]
	}
}

func isCollapsibleByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// writeRunes is writeText rune by rune.
func (in *inline) writeRunes(s string) {
	for _, r := range s {
		if isCollapsible(r) {
			in.space = true
			continue
		}
		if in.space {
			if n := in.b.Len(); n > 0 && !endsWithBreak(in.b.String()) {
				in.b.WriteByte(' ')
			}
			in.space = false
		}
		in.b.WriteRune(r)
	}
}

// appendInline appends finished inline text with its anchors.
func (in *inline) appendInline(s string, as []anchor) {
	off := in.b.Len()
	in.b.WriteString(s)
	for _, a := range as {
		a.start += off
		a.end += off
		in.anchors = append(in.anchors, a)
	}
	in.space = false
}

// writeBreak starts a new line inside the block (a <br>, a list item).
func (in *inline) writeBreak() {
	in.space = false
	s := in.b.String()
	if len(s) == 0 || endsWithBreak(s) {
		return
	}
	in.b.WriteByte('\n')
}

// writeRaw appends preformatted text as is.
func (in *inline) writeRaw(s string) {
	if in.space && in.b.Len() > 0 && !endsWithBreak(in.b.String()) {
		in.b.WriteByte(' ')
	}
	in.space = false
	in.b.WriteString(s)
}

func endsWithBreak(s string) bool { return strings.HasSuffix(s, "\n") || strings.HasSuffix(s, "\t") }

// isCollapsible is HTML's inter-element white space (NBSP is kept: it is
// text, and the text layer normalises it with an offset map).
func isCollapsible(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// take returns the buffer trimmed of surrounding white space, with anchors
// shifted and clamped to the trimmed text, and resets it.
func (in *inline) take() (string, []anchor) {
	s := in.b.String()
	lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	t := strings.TrimSpace(s)
	var out []anchor
	for _, a := range in.anchors {
		a.start -= lead
		a.end -= lead
		a.start = max(0, min(a.start, len(t)))
		a.end = max(a.start, min(a.end, len(t)))
		// Trim the anchor's own surrounding spaces.
		for a.start < a.end && t[a.start] == ' ' {
			a.start++
		}
		for a.end > a.start && (t[a.end-1] == ' ' || t[a.end-1] == '\n') {
			a.end--
		}
		out = append(out, a)
	}
	in.b.Reset()
	in.anchors = nil
	in.space = false
	return t, out
}

// addBlock appends a finished block of text, separated from the previous one
// by a blank line, with its links.
func (h *htmlBuilder) addBlock(kind string, level int, s string, anchors []anchor) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if ix := h.index; ix != nil {
		if _, dup := ix.anchors[s]; !dup {
			ix.anchors[s] = anchors
			if len(ix.pending) > 0 {
				ix.media[s] = ix.pending
			}
		}
		ix.pending = nil
		return
	}
	if h.page != nil {
		if len(anchors) == 0 {
			anchors = h.page.anchors[s]
		}
		for _, e := range h.page.media[s] {
			h.addEmbed(e)
		}
	}
	if h.b.Len() > 0 {
		h.b.WriteString("\n\n")
	}
	start := h.b.Len()
	h.b.WriteString(s)
	h.blocks = append(h.blocks, document.Block{Kind: kind, Level: level, Span: document.Span{Start: start, End: h.b.Len()}})
	for _, a := range anchors {
		l := document.Link{URL: a.url}
		if a.lazy {
			l.URL = h.resolve(a.url)
		}
		if a.end > a.start && utf8.RuneStart(s[a.start]) && (a.end == len(s) || utf8.RuneStart(s[a.end])) {
			l.Span = &document.Span{Start: start + a.start, End: start + a.end}
		}
		h.links = append(h.links, l)
	}
}

// flush closes the open paragraph, if any.
func (h *htmlBuilder) flush() {
	kind := document.BlockParagraph
	if h.quoteDepth > 0 {
		kind = document.BlockQuote
	}
	s, as := h.line.take()
	h.addBlock(kind, 0, s, as)
}

// walk visits a node in block context.
func (h *htmlBuilder) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		h.node(c)
	}
}

func (h *htmlBuilder) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		h.line.writeText(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	switch tagOf(n) {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		h.flush()
		var in inline
		h.inlineChildren(&in, n, false)
		s, as := in.take()
		h.addBlock(document.BlockHeading, int(n.Data[1]-'0'), s, as)
	case atom.Summary:
		h.flush()
		var in inline
		h.inlineChildren(&in, n, false)
		s, as := in.take()
		h.addBlock(document.BlockHeading, 0, s, as)
	case atom.Ul, atom.Ol, atom.Dl:
		h.flush()
		var in inline
		h.inlineChildren(&in, n, true)
		s, as := in.take()
		kind := document.BlockList
		if h.quoteDepth > 0 {
			kind = document.BlockQuote
		}
		h.addBlock(kind, 0, s, as)
	case atom.Table:
		h.flush()
		var in inline
		h.table(&in, n)
		s, as := in.take()
		h.addBlock(document.BlockTable, 0, s, as)
	case atom.Blockquote, atom.Q:
		if tagOf(n) == atom.Q && n.Parent != nil && isInlineParent(n.Parent) {
			h.inlineNode(&h.line, n, false)
			return
		}
		h.flush()
		h.quoteDepth++
		h.walk(n)
		h.flush()
		h.quoteDepth--
	case atom.Figure:
		h.flush()
		h.figure(n)
	case atom.Figcaption:
		h.flush()
		h.caption(n)
	case atom.Img, atom.Video, atom.Iframe, atom.Audio, atom.Embed, atom.Object:
		h.flush()
		h.embed(n, "")
	case atom.Pre, atom.Code:
		if tagOf(n) == atom.Code && n.Parent != nil && isInlineParent(n.Parent) {
			h.inlineNode(&h.line, n, false)
			return
		}
		h.flush()
		h.line.writeRaw(textOf(n))
		h.flush()
	case atom.Br:
		h.line.writeBreak()
	case atom.Hr:
		h.flush()
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Title, atom.Meta, atom.Link:
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer,
		atom.Aside, atom.Nav, atom.Body, atom.Html, atom.Center, atom.Details, atom.Address,
		atom.Li, atom.Dd, atom.Dt, atom.Form, atom.Fieldset:
		h.flush()
		h.walk(n)
		h.flush()
	default:
		h.inlineNode(&h.line, n, false)
	}
}

// isInlineParent reports a parent that is itself inline text (a <q> or
// <code> inside a paragraph stays in the paragraph).
func isInlineParent(p *html.Node) bool {
	switch tagOf(p) {
	case atom.P, atom.Span, atom.A, atom.Em, atom.Strong, atom.B, atom.I, atom.Li, atom.Td, atom.Th:
		return true
	}
	return false
}

// inlineChildren gathers the inline text of n's children into in. In list
// mode every item starts a new line.
func (h *htmlBuilder) inlineChildren(in *inline, n *html.Node, list bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		h.inlineNode(in, c, list)
	}
}

// inlineNode gathers n as inline content. Block descendants become line
// breaks, images become embeds, links become anchors.
func (h *htmlBuilder) inlineNode(in *inline, n *html.Node, list bool) {
	switch n.Type {
	case html.TextNode:
		in.writeText(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	switch tagOf(n) {
	case atom.A:
		href := strings.TrimSpace(attr(n, "href"))
		// Settle a pending space outside the anchor, so the span is the
		// anchor's text only.
		if in.space && in.b.Len() > 0 && !endsWithBreak(in.b.String()) {
			in.b.WriteByte(' ')
			in.space = false
		}
		start := in.b.Len()
		h.inlineChildren(in, n, list)
		if href != "" && !strings.HasPrefix(href, "#") && !strings.HasPrefix(strings.ToLower(href), "javascript:") {
			if h.index != nil {
				in.anchors = append(in.anchors, anchor{url: href, start: start, end: in.b.Len(), lazy: true})
			} else {
				in.anchors = append(in.anchors, anchor{url: h.resolve(href), start: start, end: in.b.Len()})
			}
		}
	case atom.Br:
		in.writeBreak()
	case atom.Img, atom.Video, atom.Iframe, atom.Audio, atom.Embed, atom.Object:
		h.embed(n, "")
	case atom.Figure:
		h.figure(n)
	case atom.Figcaption:
		h.caption(n)
	case atom.Script, atom.Style, atom.Noscript, atom.Template:
	case atom.Li, atom.Dt, atom.Dd, atom.P, atom.Div, atom.Ul, atom.Ol, atom.Dl, atom.Tr,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre, atom.Section:
		in.writeBreak()
		h.inlineChildren(in, n, list)
		in.writeBreak()
	case atom.Table:
		in.writeBreak()
		h.table(in, n)
		in.writeBreak()
	case atom.Td, atom.Th:
		if in.b.Len() > 0 && !endsWithBreak(in.b.String()) {
			in.b.WriteByte('\t')
		}
		in.space = false
		h.inlineChildren(in, n, list)
	default:
		h.inlineChildren(in, n, list)
	}
}

// table writes rows as lines and cells separated by tabs.
func (h *htmlBuilder) table(in *inline, n *html.Node) {
	prev := ""
	var rows func(*html.Node)
	rows = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch tagOf(c) {
			case atom.Tr:
				// trafilatura sometimes repeats a header row; a row equal
				// to the one before it carries nothing.
				var row inline
				h.inlineChildren(&row, c, false)
				rs, ras := row.take()
				if rs == "" || rs == prev {
					continue
				}
				prev = rs
				in.writeBreak()
				in.appendInline(rs, ras)
				in.writeBreak()
			case atom.Caption:
				in.writeBreak()
				h.inlineChildren(in, c, false)
				in.writeBreak()
			default:
				rows(c)
			}
		}
	}
	rows(n)
}

// figure records the media of a <figure> as embeds with its caption; the
// caption is not body text.
func (h *htmlBuilder) figure(n *html.Node) {
	caption := ""
	var media []*html.Node
	var find func(*html.Node)
	find = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch tagOf(c) {
			case atom.Figcaption:
				caption = collapse(textOf(c))
			case atom.Img, atom.Video, atom.Iframe, atom.Audio, atom.Embed, atom.Object:
				media = append(media, c)
			default:
				find(c)
			}
		}
	}
	find(n)
	if len(media) == 0 {
		if caption != "" {
			h.addEmbed(document.Embed{Kind: "image", Caption: caption})
		}
		return
	}
	for _, m := range media {
		h.embed(m, caption)
	}
}

// caption attaches a loose <figcaption> to the last embed without one, or
// records it as an image embed of its own.
func (h *htmlBuilder) caption(n *html.Node) {
	c := collapse(textOf(n))
	if c == "" {
		return
	}
	if k := len(h.embeds) - 1; k >= 0 && h.embeds[k].Caption == "" {
		h.embeds[k].Caption = c
		return
	}
	h.addEmbed(document.Embed{Kind: "image", Caption: c})
}

// embed records an image, video or frame.
func (h *htmlBuilder) embed(n *html.Node, caption string) {
	if h.index != nil && caption == "" && tagOf(n) == atom.Img && !inFigure(n) {
		// The page index keeps no bare image (see below; its captions map
		// is empty), so its URL is not resolved for nothing.
		return
	}
	src := attr(n, "src")
	if src == "" {
		src = attr(n, "data-src")
	}
	if src == "" && tagOf(n) == atom.Object {
		src = attr(n, "data")
	}
	if src == "" {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if tagOf(c) == atom.Source {
				if src = attr(c, "src"); src != "" {
					break
				}
			}
		}
	}
	u := h.resolve(strings.TrimSpace(src))
	if caption == "" {
		caption = h.captions[u]
		if caption == "" {
			caption = h.captions[src]
		}
	}
	kind := "image"
	switch tagOf(n) {
	case atom.Video:
		kind = "video"
	case atom.Iframe, atom.Embed, atom.Object:
		kind = mediaKind(u)
	case atom.Audio:
		kind = "other"
	}
	if u == "" && caption == "" {
		return
	}
	if h.index != nil && caption == "" && kind != "video" && !inFigure(n) {
		// On the original page, a bare image is mostly an icon, a logo
		// or an ad; figures and videos are the article's media.
		return
	}
	h.addEmbed(document.Embed{Kind: kind, URL: u, Caption: caption})
}

// addEmbed records an embed once per URL (or caption, when it has none).
func (h *htmlBuilder) addEmbed(e document.Embed) {
	if h.index != nil {
		h.index.pending = append(h.index.pending, e)
		return
	}
	key := e.URL
	if key == "" {
		key = "caption:" + e.Caption
	}
	if h.seen == nil {
		h.seen = map[string]bool{}
	}
	if h.seen[key] {
		return
	}
	h.seen[key] = true
	h.embeds = append(h.embeds, e)
}

func inFigure(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if tagOf(p) == atom.Figure {
			return true
		}
	}
	return false
}

// indexPage builds the pageIndex of the original page.
func indexPage(root *html.Node, base *nurl.URL) *pageIndex {
	ix := &pageIndex{anchors: map[string][]anchor{}, media: map[string][]document.Embed{}}
	h := &htmlBuilder{base: base, captions: map[string]string{}, index: ix}
	h.walk(root)
	h.flush()
	return ix
}

// mediaKind classifies a frame by its host.
func mediaKind(u string) string {
	l := strings.ToLower(u)
	for _, v := range []string{"youtube.", "youtu.be", "vimeo.", "dailymotion.", "/video", "brightcove", "jwplayer", "rutube.", "facebook.com/plugins/video"} {
		if strings.Contains(l, v) {
			return "video"
		}
	}
	for _, s := range []string{"twitter.", "x.com/", "instagram.", "facebook.", "tiktok.", "t.me/"} {
		if strings.Contains(l, s) {
			return "social"
		}
	}
	return "other"
}

func (h *htmlBuilder) resolve(ref string) string {
	if ref == "" || strings.HasPrefix(ref, "data:") {
		return ""
	}
	if h.base == nil {
		return ref
	}
	u, err := h.base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf returns the concatenated text of n's subtree.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.TextNode {
			b.WriteString(x.Data)
		}
		if x.Type == html.ElementNode && (tagOf(x) == atom.Script || tagOf(x) == atom.Style) {
			return
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if x.Type == html.ElementNode && tagOf(x) == atom.Br {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return b.String()
}

// collapse trims s and collapses its white space runs to single spaces.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// figureCaptions maps the media URLs of the original page's <figure>s to
// their captions: trafilatura keeps images but drops figcaptions, so the
// captions are looked up here by the image's address.
func figureCaptions(root *html.Node, base *nurl.URL) map[string]string {
	m := map[string]string{}
	var order []string // the page's media addresses in page order
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if tagOf(c) == atom.Figure {
				order = figureCaption(c, m, order)
				continue
			}
			walk(c)
		}
	}
	walk(root)
	if base != nil {
		// Resolved addresses are added in page order, not map order: two
		// relative addresses of one image with different captions must
		// give the same caption on every run.
		for _, k := range order {
			if u, err := base.Parse(k); err == nil {
				if _, ok := m[u.String()]; !ok {
					m[u.String()] = m[k]
				}
			}
		}
	}
	return m
}

// figureCaption adds fig's media addresses with its caption to m (the
// first caption of an address wins) and appends the new ones to order.
func figureCaption(fig *html.Node, m map[string]string, order []string) []string {
	caption := ""
	var srcs []string
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch tagOf(c) {
			case atom.Figcaption:
				if caption == "" {
					caption = collapse(textOf(c))
				}
				continue
			case atom.Img, atom.Video, atom.Iframe, atom.Source:
				for _, k := range []string{"src", "data-src"} {
					if v := strings.TrimSpace(attr(c, k)); v != "" {
						srcs = append(srcs, v)
					}
				}
			}
			walk(c)
		}
	}
	walk(fig)
	if caption == "" {
		return order
	}
	for _, s := range srcs {
		if _, ok := m[s]; !ok {
			m[s] = caption
			order = append(order, s)
		}
	}
	return order
}

// tagOf returns n's tag as an atom. trafilatura builds some elements without
// setting DataAtom, so the name is looked up when it is missing.
func tagOf(n *html.Node) atom.Atom {
	if n.DataAtom != 0 || n.Type != html.ElementNode {
		return n.DataAtom
	}
	return atom.Lookup([]byte(n.Data))
}
