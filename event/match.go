package event

import (
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
)

// sentence holds what the matcher needs of one sentence.
type sentence struct {
	doc    *document.Document
	a      *Analyzer
	span   document.Span
	toks   []document.Token
	lem    []string
	ments  []mention // sorted by start, whole document
	places []placeRef
	dates  []document.Annotation
	quotes []quoteRef
}

// hit is one matched pattern.
type hit struct {
	p        *pattern
	trig     int // token index of the trigger
	last     int // last token the pattern used
	elements int
}

// elemAt reports whether element e (a lemma or &synset) matches at token
// i, and how many tokens it covers.
func (s *sentence) elemAt(e string, i int) int {
	if i >= len(s.lem) {
		return 0
	}
	if !strings.HasPrefix(e, "&") {
		if s.lem[i] == e {
			return 1
		}
		return 0
	}
	for _, m := range s.a.dict.synsets[e[1:]] {
		if i+len(m) > len(s.lem) {
			continue
		}
		ok := true
		for k, w := range m {
			if s.lem[i+k] != w && s.a.dict.Lemma(w) != s.lem[i+k] {
				ok = false
				break
			}
		}
		if ok {
			return len(m)
		}
	}
	return 0
}

// match tries pattern p with its trigger at token i.
func (s *sentence) match(p *pattern, i int) (hit, bool) {
	// words before the trigger stand right before it
	j := i
	for k := len(p.pre) - 1; k >= 0; k-- {
		found := false
		for back := 1; back <= 2 && j-back >= 0; back++ {
			if n := s.elemAt(p.pre[k], j-back); n > 0 {
				j -= back
				found = true
				break
			}
		}
		if !found {
			return hit{}, false
		}
	}
	// words after it follow in order, within postWindow tokens each
	j = i + 1
	last := i
	for _, e := range p.post {
		found := false
		for k := j; k < len(s.lem) && k < j+postWindow; k++ {
			if isBoundary(s.lem[k]) {
				break
			}
			if n := s.elemAt(e, k); n > 0 {
				j = k + n
				last = k + n - 1
				found = true
				break
			}
		}
		if !found {
			return hit{}, false
		}
	}
	return hit{p: p, trig: i, last: last, elements: 1 + len(p.pre) + len(p.post)}, true
}

func isBoundary(l string) bool {
	switch l {
	case ";", ":", ".", "?", "!", "(", ")", "–", "—":
		return true
	}
	return false
}

// best finds the most specific pattern whose trigger is token i.
func (s *sentence) best(i int) (hit, bool) {
	var b hit
	ok := false
	for _, p := range s.a.dict.byTrigger[s.lem[i]] {
		h, m := s.match(p, i)
		if !m {
			continue
		}
		if !ok || h.elements > b.elements || h.elements == b.elements && h.p.order > b.p.order {
			b, ok = h, true
		}
	}
	return b, ok
}

func (s *sentence) events() []document.Annotation {
	var out []document.Annotation
	covered := -1
	for i := range s.lem {
		if i <= covered || s.toks[i].Kind != document.TokWord {
			continue
		}
		h, ok := s.best(i)
		if !ok || h.p.plover == "" {
			if ok {
				covered = h.last // a discard or statement pattern consumes its words
			}
			continue
		}
		covered = h.last
		out = append(out, s.event(h))
		if len(out) >= maxEventsPerSent {
			break
		}
	}
	return out
}

// clause returns the token range [lo, hi) of the trigger's clause:
// bounded by semicolons, colons, dashes, brackets and the sentence.
func (s *sentence) clause(i int) (int, int) {
	lo, hi := 0, len(s.lem)
	for k := i - 1; k >= 0; k-- {
		if isBoundary(s.lem[k]) {
			lo = k + 1
			break
		}
	}
	for k := i + 1; k < len(s.lem); k++ {
		if isBoundary(s.lem[k]) {
			hi = k
			break
		}
	}
	return lo, hi
}

// mentionsIn returns the entity mentions inside [from, to) bytes.
func (s *sentence) mentionsIn(from, to int) []mention {
	ms := s.ments
	i := sort.Search(len(ms), func(k int) bool { return ms[k].span.Start >= from })
	j := i
	for j < len(ms) && ms[j].span.End <= to {
		j++
	}
	return ms[i:j]
}

var passiveAux = map[string]bool{"be": true, "get": true}

var modals = map[string]bool{"would": true, "could": true, "might": true, "may": true, "should": true, "can": true}

var negators = map[string]bool{"not": true, "n't": true, "never": true, "no": true, "without": true, "nor": true}

var threatCues = map[string]bool{"threaten": true, "vow": true, "warn": true, "swear": true}

var reportCues = map[string]bool{"say": true, "report": true, "claim": true, "according": true, "tell": true, "allege": true, "announce": true}

func (s *sentence) event(h hit) document.Annotation {
	t := s.toks[h.trig]
	lo, hi := s.clause(h.trig)
	cl := s.mentionsIn(s.toks[lo].Start, s.toks[hi-1].End)
	// a "by" after the trigger names the agent of a passive or nominal
	// trigger ("was recaptured by X", "the liberation of Y by X").
	byAt := -1
	for k := h.trig + 1; k < hi && k <= h.trig+8; k++ {
		if s.lem[k] == "by" {
			byAt = k
			break
		}
	}
	passive := h.trig > lo && (passiveAux[s.lem[h.trig-1]] || h.trig-2 >= lo && passiveAux[s.lem[h.trig-2]] && s.lem[h.trig-1] != "to") &&
		strings.HasSuffix(strings.ToLower(s.doc.Text[t.Start:t.End]), "ed")
	var src, tgt *mention
	left := func() *mention {
		for k := len(cl) - 1; k >= 0; k-- {
			if cl[k].span.End <= t.Start {
				return &cl[k]
			}
		}
		return nil
	}
	rightFrom := func(pos int, skipBy bool) *mention {
		for k := range cl {
			if cl[k].span.Start >= pos {
				if skipBy && byAt >= 0 && cl[k].span.Start >= s.toks[byAt].Start && cl[k].span.Start < s.toks[byAt].End+40 && k == firstAfter(cl, s.toks[byAt].End) {
					continue
				}
				return &cl[k]
			}
		}
		return nil
	}
	switch {
	case byAt >= 0:
		if m := rightFrom(s.toks[byAt].End, false); m != nil && m.span.Start-s.toks[byAt].End < 40 {
			src = m
		}
		if passive {
			tgt = left()
		} else {
			tgt = s.firstBetween(cl, t.End, s.toks[byAt].Start)
			if tgt == nil {
				tgt = left()
			}
		}
	case passive:
		tgt = left()
	default:
		src = left()
		tgt = rightFrom(t.End, false)
	}
	if src != nil && tgt != nil && src.entityID != "" && src.entityID == tgt.entityID {
		tgt = nil
	}
	parts := map[string]document.Span{"trigger": t.Span}
	attrs := map[string]any{"cameo": h.p.code, "cameo_root": root(h.p.code), "plover": h.p.plover}
	conf := 0.45 + 0.05*float64(h.elements-1)
	if src != nil {
		parts["source"] = src.span
		if src.entityID != "" {
			attrs["source_entity"] = src.entityID
		}
		conf += 0.1
	}
	if tgt != nil {
		parts["target"] = tgt.span
		if tgt.entityID != "" {
			attrs["target_entity"] = tgt.entityID
		}
		conf += 0.1
	}
	if h.last > h.trig {
		parts["trigger"] = document.Span{Start: t.Start, End: s.toks[h.last].End}
	}
	mode, by := s.mode(h.trig, lo)
	attrs["mode"] = mode
	if by != nil {
		if by.speaker != "" {
			attrs["reported_by"] = by.speaker
		}
		if by.entity != "" {
			attrs["reported_by_entity"] = by.entity
		}
	}
	if mode == "hypothetical" || mode == "negated" {
		conf -= 0.1
	}
	if p := s.place(t.Start, src, tgt, lo, hi); p != nil {
		attrs["place"] = map[string]any{"geonameid": p.attrs["geonameid"], "name": p.attrs["name"], "span": []int{p.span.Start, p.span.End}}
	}
	if d := s.date(); d != nil {
		attrs["date"] = d.Attrs["iso"]
	}
	if conf > 0.95 {
		conf = 0.95
	}
	return document.Annotation{Kind: "event", Span: s.span, Label: h.p.plover, Parts: parts, Attrs: attrs, Confidence: conf, Analyzer: "events", Version: Version}
}

func firstAfter(cl []mention, pos int) int {
	for k := range cl {
		if cl[k].span.Start >= pos {
			return k
		}
	}
	return -1
}

func (s *sentence) firstBetween(cl []mention, from, to int) *mention {
	for k := range cl {
		if cl[k].span.Start >= from && cl[k].span.End <= to {
			return &cl[k]
		}
	}
	return nil
}

func root(code string) string {
	if len(code) >= 2 {
		return code[:2]
	}
	return code
}

// mode classifies the trigger's modality from cue words before it in its
// clause and from the quotes that contain it.
func (s *sentence) mode(i, lo int) (string, *quoteRef) {
	t := s.toks[i]
	for k := range s.quotes {
		q := &s.quotes[k]
		if q.content.Start <= t.Start && t.End <= q.content.End {
			return "reported", q
		}
	}
	from := i - 4
	if from < lo {
		from = lo
	}
	for k := i - 1; k >= from; k-- {
		l := s.lem[k]
		switch {
		case negators[l]:
			return "negated", nil
		case threatCues[l]:
			return "threatened", nil
		case modals[l]:
			return "hypothetical", nil
		}
	}
	for k := lo; k < i; k++ {
		if s.lem[k] == "if" || s.lem[k] == "unless" {
			return "hypothetical", nil
		}
		if reportCues[s.lem[k]] {
			return "reported", nil
		}
	}
	return "asserted", nil
}

// place picks the place mention of the clause nearest the trigger that is
// not the source or target itself; a place standing as an actor is fine
// when nothing else is there.
func (s *sentence) place(pos int, src, tgt *mention, lo, hi int) *placeRef {
	from, to := s.toks[lo].Start, s.toks[hi-1].End
	var best *placeRef
	bestD := 1 << 30
	for k := range s.places {
		p := &s.places[k]
		if p.span.Start < from || p.span.End > to {
			continue
		}
		if src != nil && p.span.Overlaps(src.span) {
			continue
		}
		d := p.span.Start - pos
		if d < 0 {
			d = -d * 2 // places after the trigger ("in X") are likelier its place
		}
		if d < bestD {
			best, bestD = p, d
		}
	}
	return best
}

// date picks the first resolved date of the sentence.
func (s *sentence) date() *document.Annotation {
	for k := range s.dates {
		d := &s.dates[k]
		if d.Start >= s.span.Start && d.End <= s.span.End {
			return d
		}
	}
	return nil
}
