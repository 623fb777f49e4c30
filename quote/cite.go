package quote

import (
	"net/url"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
)

// maxCitations bounds the citations of one document.
const maxCitations = 2000

// findCitations collects parenthetical, verbal and link citations in text order.
func findCitations(doc *document.Document, s string, toks []document.Token, as []attribution) []citation {
	cits := findParenCitations(s)
	known := map[string]string{}
	for _, c := range cits {
		known[foldOutlet(c.outlet)] = c.outlet
	}
	cits = append(cits, verbalCitations(s, toks, known)...)
	cits = append(cits, linkCitations0(doc)...)
	sort.SliceStable(cits, func(i, j int) bool { return cits[i].span.Start < cits[j].span.Start })
	if len(cits) > maxCitations {
		cits = cits[:maxCitations]
	}
	return cits
}

// verbal patterns: the words before an outlet name, and whether the
// pattern alone makes the name an outlet ("reported by X") or the name must
// be a known outlet ("according to X", "told X").
var verbalPatterns = []struct {
	words  []string
	strong bool
}{
	{[]string{"reported", "by"}, true},
	{[]string{"quoted", "by"}, true},
	{[]string{"cited", "by"}, true},
	{[]string{"published", "by"}, true},
	{[]string{"published", "in"}, true},
	{[]string{"interview", "with"}, false},
	{[]string{"according", "to"}, false},
	{[]string{"told"}, false},
	{[]string{"wrote", "in"}, true},
	{[]string{"writing", "in"}, true},
	{[]string{"report", "by"}, true},
	{[]string{"report", "in"}, true},
}

// verbalFirst holds the first words of verbalPatterns, to skip other tokens fast.
var verbalFirst = map[string]bool{}

func init() {
	for _, p := range verbalPatterns {
		verbalFirst[p.words[0]] = true
	}
}

// verbalCitations finds "reported by the Guardian", "according to Reuters",
// "told RT" and "X reported".
func verbalCitations(s string, toks []document.Token, known map[string]string) []citation {
	var out []citation
	// is reports whether token i lower-cases to w, without building the
	// lower-cased copy (this runs for every token of every document)
	is := func(i int, w string) bool { return eqLower(s[toks[i].Start:toks[i].End], w) }
	for i := 0; i < len(toks) && len(out) < maxCitations; i++ {
		if toks[i].Kind != document.TokWord || !inLower(verbalFirst, s[toks[i].Start:toks[i].End]) {
			continue
		}
		for _, p := range verbalPatterns {
			n := len(p.words)
			if i+n >= len(toks) {
				continue
			}
			ok := true
			for k, w := range p.words {
				if !is(i+k, w) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			j := i + n
			if is(j, "the") && j+1 < len(toks) {
				j++
			}
			name, end := nameAt(s, toks, j)
			if name == "" {
				continue
			}
			canon, isKnown := outletNames[foldOutlet(name)]
			if !isKnown {
				canon, isKnown = known[foldOutlet(name)]
			}
			if !isKnown && !p.strong {
				continue
			}
			if !isKnown {
				canon = name
			}
			out = append(out, citation{span: document.Span{Start: toks[i].Start, End: toks[end-1].End},
				label: "verbal", outlet: canon, conf: map[bool]float64{true: 0.85, false: 0.6}[isKnown]})
			break
		}
	}
	// "Reuters reported", "RT reports"
	for i := 0; i+1 < len(toks) && len(out) < maxCitations; i++ {
		if !is(i+1, "reported") && !is(i+1, "reports") {
			continue
		}
		w0 := s[toks[i].Start:toks[i].End]
		if canon, ok := outletNames[foldOutlet(w0)]; ok && isCap(w0) {
			start := toks[i].Start
			if i > 0 && is(i-1, "the") {
				start = toks[i-1].Start
			}
			out = append(out, citation{span: document.Span{Start: start, End: toks[i+1].End}, label: "verbal", outlet: canon, conf: 0.85})
		}
	}
	return out
}

// nameAt reads a capitalised name starting at token j; it returns the name
// and the index after it.
func nameAt(s string, toks []document.Token, j int) (string, int) {
	k := j
	for k < len(toks) && k-j < 6 {
		w := s[toks[k].Start:toks[k].End]
		if toks[k].Kind != document.TokWord || !isCap(w) {
			break
		}
		if k > j && gapBreaks(s, toks[k-1].End, toks[k].Start) {
			break
		}
		k++
	}
	if k == j {
		return "", j
	}
	return s[toks[j].Start:toks[k-1].End], k
}

// linkCitations0 turns links to other sites into citations.
func linkCitations0(doc *document.Document) []citation {
	own := ""
	if u, err := url.Parse(doc.URL); err == nil {
		own = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	var out []citation
	for _, l := range doc.Links {
		if l.Span == nil || doc.CheckSpan(*l.Span) != nil || l.Span.Len() == 0 {
			continue
		}
		outlet, domain := hostOutlet(l.URL)
		if domain == "" || domain == own || own != "" && strings.HasSuffix(domain, "."+own) {
			continue
		}
		out = append(out, citation{span: *l.Span, label: "link", outlet: outlet, domain: domain, url: l.URL, conf: 0.7})
		if len(out) >= maxCitations {
			break
		}
	}
	return out
}

// linkCitations links each attribution to the citation that is its
// evidence: a verbal citation inside the attribution ("told RT"), or the
// first parenthetical citation after its content in the same paragraph.
func linkCitations(s string, as []attribution, cits []citation) {
	for i := range as {
		q := &as[i]
		span := q.content
		if q.hasCue {
			span = union(span, q.cue)
		}
		if q.hasSource {
			span = union(span, q.source)
		}
		q.citation = -1
		for k, c := range cits {
			if c.label == "verbal" && span.Overlaps(c.span) {
				q.citation = k
				break
			}
			if c.label == "parenthetical" && c.span.Start >= q.content.End &&
				!strings.Contains(s[q.content.End:c.span.Start], "\n") && c.span.Start-q.content.End < 400 {
				q.citation = k
				break
			}
		}
		if q.citation < 0 && q.inherited >= 0 && q.inherited < i {
			// a continuation shares its speaker's citation unless one follows it
			q.citation = as[q.inherited].citation
		}
	}
}
