package server

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"github.com/newslens/newslens/document"
)

// A layer is one toggleable highlight layer of the article view: an entity
// type, places, quotes and their parts, a figure kind, or one technique.
type layer struct {
	Key   string // "entity-PER", "quote-cue", "technique-Loaded_Language"
	Name  string // for display
	Group string // the kind it belongs to
	Count int
}

// hlSpan is one highlighted span before nesting.
type hlSpan struct {
	start, end int
	layer      string
	class      string
	ann        string // annotation id, for the anchor and the side panel
	quote      string // the quote id, linking a quote's content, cue and source
	conf       float64
	kind       string
	title      string
	idx        int
}

// cssName keeps the characters safe in a class name or data attribute key.
// Labels come from models and documents, so they are untrusted.
func cssName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() > 60 {
			break
		}
	}
	return b.String()
}

func layerName(key string) string {
	k, label, _ := strings.Cut(key, "-")
	switch k {
	case "entity":
		return "Entities: " + label
	case "technique":
		return strings.ReplaceAll(label, "_", " ")
	case "quote":
		if label == "" {
			return "Quotes"
		}
		return "Quote " + label
	case "portrayal":
		return "Portrayal: " + label
	}
	if label != "" {
		return k + " " + label
	}
	return strings.ToUpper(k[:1]) + k[1:] + "s"
}

// spansOf turns annotations into highlight spans.
func spansOf(doc *document.Document) []hlSpan {
	var out []hlSpan
	add := func(s document.Span, a document.Annotation, layerKey, class, quote string) {
		if !s.Valid(len(doc.Text)) || s.Len() == 0 {
			return
		}
		title := a.Label
		if title == "" {
			title = a.Kind
		}
		title += " · " + strconv.FormatFloat(a.Confidence, 'f', 2, 64)
		if sp, ok := a.Attrs["speaker"].(string); ok && sp != "" {
			title += " · " + sp
		}
		out = append(out, hlSpan{start: s.Start, end: s.End, layer: layerKey, class: class, ann: a.ID, quote: quote,
			conf: a.Confidence, kind: a.Kind, title: title, idx: len(out)})
	}
	for _, a := range doc.Annotations {
		kind := cssName(a.Kind)
		switch a.Kind {
		case "entity":
			add(a.Span, a, "entity-"+cssName(a.Label), "ent ent-"+cssName(a.Label), "")
		case "technique":
			add(a.Span, a, "technique-"+cssName(a.Label), "tech", "")
		case "quote":
			if c, ok := a.Parts["content"]; ok {
				add(c, a, "quote", "q-content", a.ID)
			} else {
				add(a.Span, a, "quote", "q-content", a.ID)
			}
			if c, ok := a.Parts["cue"]; ok {
				add(c, a, "quote-cue", "q-cue", a.ID)
			}
			if c, ok := a.Parts["source"]; ok {
				add(c, a, "quote-source", "q-source", a.ID)
			}
		case "portrayal":
			// the mention, coloured by how the text portrays its entity
			add(a.Span, a, "portrayal-"+cssName(a.Label), "k-portrayal portrayal-"+cssName(a.Label), "")
		case "event":
			// the trigger is the evidence word; the whole sentence would bury the text
			// one layer for all types: the panel and the hover title give the type
			if t, ok := a.Parts["trigger"]; ok {
				add(t, a, "event", "k-event", "")
			} else {
				add(a.Span, a, "event", "k-event", "")
			}
		default:
			add(a.Span, a, kind, "k-"+kind, "")
		}
	}
	return out
}

// renderHighlighted writes doc.Text as escaped HTML with one properly nested
// <span> per highlight piece. Overlapping annotations are split where they
// cross, and the first piece of each annotation carries id="ev-<id>" so the
// side panel can link to it.
func renderHighlighted(doc *document.Document, spans []hlSpan) template.HTML {
	text := doc.Text
	bset := map[int]bool{0: true, len(text): true}
	for _, s := range spans {
		bset[s.start], bset[s.end] = true, true
	}
	bounds := make([]int, 0, len(bset))
	for b := range bset {
		bounds = append(bounds, b)
	}
	sort.Ints(bounds)
	order := func(a, b *hlSpan) bool {
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.idx < b.idx
	}
	sorted := make([]*hlSpan, len(spans))
	for i := range spans {
		sorted[i] = &spans[i]
	}
	sort.Slice(sorted, func(i, j int) bool { return order(sorted[i], sorted[j]) })

	var b strings.Builder
	b.Grow(len(text) * 2)
	anchored := map[string]bool{}
	var stack []*hlSpan
	var active []*hlSpan
	next := 0
	for i := 0; i+1 < len(bounds); i++ {
		lo, hi := bounds[i], bounds[i+1]
		// Update the active set: drop ended spans, add starting ones.
		kept := active[:0]
		for _, s := range active {
			if s.end > lo {
				kept = append(kept, s)
			}
		}
		active = kept
		for next < len(sorted) && sorted[next].start <= lo {
			if sorted[next].end > lo {
				active = append(active, sorted[next])
			}
			next++
		}
		sort.Slice(active, func(i, j int) bool { return order(active[i], active[j]) })
		// Keep the common prefix of the open stack, close the rest, open the new.
		p := 0
		for p < len(stack) && p < len(active) && stack[p] == active[p] {
			p++
		}
		for j := len(stack) - 1; j >= p; j-- {
			b.WriteString("</span>")
		}
		stack = append(stack[:p], active[p:]...)
		for _, s := range active[p:] {
			b.WriteString(`<span class="hl `)
			b.WriteString(s.class)
			b.WriteString(`" data-layer="`)
			b.WriteString(s.layer)
			b.WriteString(`" data-ann="`)
			b.WriteString(cssName(s.ann))
			b.WriteString(`"`)
			if s.quote != "" {
				b.WriteString(` data-q="`)
				b.WriteString(cssName(s.quote))
				b.WriteString(`"`)
			}
			if s.kind == "technique" {
				b.WriteString(` data-conf="`)
				b.WriteString(strconv.FormatFloat(s.conf, 'f', 3, 64))
				b.WriteString(`"`)
			}
			if !anchored[s.ann] {
				anchored[s.ann] = true
				b.WriteString(` id="ev-`)
				b.WriteString(cssName(s.ann))
				b.WriteString(`"`)
			}
			b.WriteString(` title="`)
			b.WriteString(html.EscapeString(s.title))
			b.WriteString(`">`)
		}
		b.WriteString(html.EscapeString(text[lo:hi]))
	}
	for range stack {
		b.WriteString("</span>")
	}
	return template.HTML(b.String()) //nolint: every piece of text above is escaped
}

// layersOf counts the spans per layer, in a stable display order.
func layersOf(spans []hlSpan) []layer {
	m := map[string]*layer{}
	for _, s := range spans {
		l, ok := m[s.layer]
		if !ok {
			group, _, _ := strings.Cut(s.layer, "-")
			l = &layer{Key: s.layer, Name: layerName(s.layer), Group: group}
			m[s.layer] = l
		}
		l.Count++
	}
	rank := map[string]int{"entity": 0, "place": 1, "demonym": 2, "quote": 3, "citation": 4, "count": 5, "amount": 6, "date": 7, "technique": 9}
	out := make([]layer, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, ok := rank[out[i].Group]
		if !ok {
			ri = 8
		}
		rj, ok := rank[out[j].Group]
		if !ok {
			rj = 8
		}
		if ri != rj {
			return ri < rj
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// panelGroup is a section of the side panel.
type panelGroup struct {
	Title string
	Kind  string
	Items []panelItem
}

type panelItem struct {
	ID         string
	Anchor     string
	Text       string
	Label      string
	Detail     string
	Confidence float64
	Link       string // entity or place page
	Technique  bool
}

func panelOf(doc *document.Document) []panelGroup {
	groups := map[string]*panelGroup{}
	var order []string
	get := func(kind, title string) *panelGroup {
		g, ok := groups[kind]
		if !ok {
			g = &panelGroup{Title: title, Kind: kind}
			groups[kind] = g
			order = append(order, kind)
		}
		return g
	}
	titles := map[string]string{"entity": "Entities", "place": "Places", "demonym": "Demonyms", "quote": "Quotes",
		"citation": "Citations", "count": "Counts", "amount": "Amounts", "date": "Dates", "technique": "Techniques",
		"portrayal": "Portrayal", "event": "Events"}
	anns := append([]document.Annotation(nil), doc.Annotations...)
	sort.SliceStable(anns, func(i, j int) bool { return anns[i].Start < anns[j].Start })
	for _, a := range anns {
		t := titles[a.Kind]
		if t == "" {
			t = a.Kind
		}
		it := panelItem{ID: a.ID, Anchor: "ev-" + cssName(a.ID), Text: clip(a.Text, 160), Label: a.Label, Confidence: a.Confidence}
		switch a.Kind {
		case "entity":
			if id, ok := a.Attrs["entity_id"].(string); ok && id != "" {
				it.Link = "/entity/" + id
			}
		case "place":
			if id := attrText(a.Attrs["geonameid"]); id != "" {
				it.Link = "/place/" + id
			}
			if c, ok := a.Attrs["country"].(string); ok {
				it.Detail = c
			}
		case "quote":
			if c, ok := a.Parts["content"]; ok {
				it.Text = clip(doc.Slice(c), 200)
			}
			sp, _ := a.Attrs["speaker"].(string)
			if sp == "" {
				if s, ok := a.Parts["source"]; ok {
					sp = doc.Slice(s)
				}
			}
			if sp != "" {
				it.Detail = "— " + sp
			}
			if c, ok := a.Parts["cue"]; ok {
				it.Detail += " (" + doc.Slice(c) + ")"
			}
		case "citation":
			if o, ok := a.Attrs["outlet"].(string); ok {
				it.Detail = o
			}
		case "technique":
			it.Technique = true
			it.Label = strings.ReplaceAll(a.Label, "_", " ")
		case "portrayal":
			if v, ok := a.Attrs["voice"].(string); ok && v != "" {
				it.Detail = "voice: " + v
			}
		case "event":
			src, tgt := "?", "?"
			if p, ok := a.Parts["source"]; ok {
				src = doc.Slice(p)
			}
			if p, ok := a.Parts["target"]; ok {
				tgt = doc.Slice(p)
			}
			it.Detail = src + " → " + tgt
			if m, ok := a.Attrs["mode"].(string); ok && m != "" && m != "asserted" {
				it.Detail += " (" + m + ")"
			}
		}
		g := get(a.Kind, t)
		g.Items = append(g.Items, it)
	}
	rank := map[string]int{"entity": 0, "place": 1, "demonym": 2, "quote": 3, "citation": 4, "count": 5, "amount": 6, "date": 7, "technique": 9}
	sort.SliceStable(order, func(i, j int) bool {
		ri, ok := rank[order[i]]
		if !ok {
			ri = 8
		}
		rj, ok := rank[order[j]]
		if !ok {
			rj = 8
		}
		return ri < rj
	})
	out := make([]panelGroup, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out
}

func attrText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// renderPanel writes the side panel's annotation list. It is built here
// rather than in the template because an article has hundreds of
// annotations and html/template's per-action escaping made the panel the
// largest part of rendering an article page. Every value is escaped: text
// and attributes with html.EscapeString, links additionally normalised.
func renderPanel(groups []panelGroup) template.HTML {
	var b strings.Builder
	for _, g := range groups {
		kind := html.EscapeString(g.Kind)
		b.WriteString(`<section class="group group-`)
		b.WriteString(kind)
		b.WriteString(`" data-kind="`)
		b.WriteString(kind)
		b.WriteString(`">` + "\n<h3>")
		b.WriteString(html.EscapeString(g.Title))
		b.WriteString(` <span class="count">`)
		b.WriteString(strconv.Itoa(len(g.Items)))
		b.WriteString("</span></h3>\n<ol>\n")
		for _, it := range g.Items {
			b.WriteString(`<li class="item"`)
			if it.Technique {
				b.WriteString(` data-conf="`)
				b.WriteString(strconv.FormatFloat(it.Confidence, 'f', 3, 64))
				b.WriteString(`"`)
			}
			b.WriteString(`><a class="jump" href="#`)
			b.WriteString(html.EscapeString(it.Anchor))
			b.WriteString(`" data-ann="`)
			b.WriteString(html.EscapeString(it.ID))
			b.WriteString(`">`)
			b.WriteString(html.EscapeString(it.Text))
			b.WriteString("</a>\n")
			if it.Label != "" {
				b.WriteString(`<span class="label">`)
				b.WriteString(html.EscapeString(it.Label))
				b.WriteString(`</span>`)
			}
			if it.Detail != "" {
				b.WriteString(` <span class="detail">`)
				b.WriteString(html.EscapeString(it.Detail))
				b.WriteString(`</span>`)
			}
			b.WriteString("\n" + `<span class="conf" title="confidence">`)
			b.WriteString(strconv.FormatFloat(it.Confidence, 'f', 2, 64))
			b.WriteString(`</span>`)
			if it.Link != "" {
				b.WriteString(` <a class="more" href="`)
				b.WriteString(html.EscapeString(normalizeURL(it.Link)))
				b.WriteString(`">page</a>`)
			}
			b.WriteString("</li>\n")
		}
		b.WriteString("</ol>\n</section>")
	}
	return template.HTML(b.String())
}

// normalizeURL percent-encodes every byte of a same-site path that is not
// allowed as is in a URL (as html/template's URL normaliser does), so an id
// from a hostile document cannot break out of the attribute or change the
// link's scheme; a link that does not start with "/" becomes "#".
func normalizeURL(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return "#"
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0,
			c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]): // an escape already
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
