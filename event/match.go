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
	plover   string // the pattern's type, or its recoding
	recoded  string // why the type differs from the pattern's
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
			if s.lem[i+k] != w {
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
	var hits []hit
	covered := -1
	for i := range s.lem {
		if i <= covered || s.toks[i].Kind != document.TokWord || s.skipToken(i) {
			continue
		}
		h, ok := s.best(i)
		if !ok || s.adjectival(i) {
			continue
		}
		covered = h.last // a discard or statement pattern consumes its words too
		if h.p.plover == "" {
			continue
		}
		h.plover = h.p.plover
		hits = append(hits, h)
		if len(hits) >= maxEventsPerSent {
			break
		}
	}
	s.recode(hits)
	out := make([]document.Annotation, 0, len(hits))
	for _, h := range hits {
		ev, evidence := s.event(h)
		if evidence < s.a.minConf-1e-9 {
			continue
		}
		// one event per type, source and target in a sentence ("engaged
		// ... in the liberation of Raqqa" is one fight): keep the most
		// confident, at its place in the text
		dup := false
		for k := range out {
			if sameEvent(&out[k], &ev, s.doc.Text) {
				if ev.Confidence > out[k].Confidence {
					out[k] = ev
				}
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, ev)
		}
	}
	return out
}

// sameEvent reports whether two events of one sentence have the same type,
// source and target (by entity id, else by text).
func sameEvent(a, b *document.Annotation, text string) bool {
	if a.Label != b.Label {
		return false
	}
	for _, r := range [2]string{"source", "target"} {
		ida, _ := a.Attrs[r+"_entity"].(string)
		idb, _ := b.Attrs[r+"_entity"].(string)
		if ida != "" || idb != "" {
			if ida != idb {
				return false
			}
			continue
		}
		sa, oka := a.Parts[r]
		sb, okb := b.Parts[r]
		if oka != okb || oka && text[sa.Start:sa.End] != text[sb.Start:sb.End] {
			return false
		}
	}
	return true
}

// adjectival reports whether token i, a trigger that is also an adjective
// ("direct", "free", "open"; the dictionary's "~" lines), is used as one:
// a bare form after a determiner, copula, degree word, preposition or past
// form ("claimed direct drone strikes", "is free", "a more open"), or
// before a noun ("free elections"), unless a verb's context comes first:
// "to", a modal, a pronoun, a negation, or a plural subject ("rebels free
// hostages"). There is no part-of-speech layer, so this reads the
// neighbouring words.
func (s *sentence) adjectival(i int) bool {
	if !s.a.dict.adjectives[s.lem[i]] {
		return false
	}
	w := s.doc.Text[s.toks[i].Start:s.toks[i].End]
	if !strings.EqualFold(w, s.lem[i]) {
		return false // "directed", "frees": inflected, so a verb
	}
	if i > 0 {
		p := s.lem[i-1]
		pw := strings.ToLower(s.doc.Text[s.toks[i-1].Start:s.toks[i-1].End])
		switch {
		case verbBefore[p] || modals[p] || verbBefore[pw]:
			return false
		case adjBefore[p] || adjBefore[pw] || nounContext[p] || prepositions[p]:
			return true
		case strings.HasSuffix(pw, "ed") && s.toks[i-1].Kind == document.TokWord:
			return true // "claimed direct strikes"
		case strings.HasSuffix(pw, "s") && !strings.HasSuffix(pw, "ss") && !adjBefore[pw]:
			return false // a plural subject: "rebels free hostages"
		}
	}
	if i+1 < len(s.toks) {
		nt := s.toks[i+1]
		nw := s.doc.Text[nt.Start:nt.End]
		if nt.Kind == document.TokWord && nw[0] >= 'a' && nw[0] <= 'z' && !functionWords[s.lem[i+1]] && !nounContext[s.lem[i+1]] && !prepositions[s.lem[i+1]] {
			return true // before a noun or another adjective
		}
	}
	return false
}

var (
	verbBefore    = map[string]bool{"to": true, "will": true, "must": true, "shall": true, "i": true, "we": true, "you": true, "they": true, "he": true, "she": true, "it": true, "not": true, "n't": true, "never": true, "also": true, "and": true, "or": true, "who": true, "which": true, "that": true}
	adjBefore     = map[string]bool{"be": true, "is": true, "are": true, "was": true, "were": true, "been": true, "being": true, "become": true, "remain": true, "seem": true, "very": true, "more": true, "most": true, "less": true, "least": true, "so": true, "too": true, "as": true, "quite": true, "fairly": true, "this": true, "that": true, "such": true, "no": true, "any": true, "some": true, "every": true, "each": true}
	functionWords = map[string]bool{"and": true, "or": true, "but": true, "to": true, "that": true, "which": true, "who": true, "it": true, "them": true, "him": true, "her": true, "us": true, "me": true, "you": true, "up": true, "out": true, "down": true, "off": true, "away": true, "back": true, "over": true, "not": true}
)

// lightVerbs are general verbs whose bare use rarely reports an event
// ("go", "take", "find", "face"); PETRARCH's dictionary gives each a
// default code, so a match on the verb alone is weak evidence. Patterns
// with more words ("take control of", "give aid") are not weak.
var lightVerbs = map[string]bool{
	"go": true, "take": true, "give": true, "find": true, "face": true, "leave": true, "make": true,
	"get": true, "come": true, "put": true, "keep": true, "bring": true, "set": true,
	"turn": true, "run": true, "head": true, "lead": true, "direct": true, "control": true,
	"clear": true, "free": true, "pay": true, "hope": true, "suggest": true, "claim": true, "show": true,
	"seem": true, "look": true, "see": true, "use": true, "move": true, "open": true, "close": true,
	"work": true, "help": true, "want": true, "need": true, "try": true, "begin": true, "start": true,
	"end": true, "continue": true, "remain": true, "stay": true, "become": true, "carry": true,
}

// eventNoun reports whether token i is a noun that names an event
// ("the liberation of", "air strikes"), by lemma or by its own form.
func (s *sentence) eventNoun(i int) bool {
	if eventNouns[s.lem[i]] {
		return true
	}
	w := s.doc.Text[s.toks[i].Start:s.toks[i].End]
	return eventNouns[strings.ToLower(w)] || eventNouns[strings.ToLower(strings.TrimSuffix(w, "s"))]
}

// modifierBefore reports whether the token before i makes token i a noun:
// a determiner, possessive or preposition ("the aid", "in contrast",
// "under control"), or a national adjective or compound modifier ("Syrian
// forces", "Russian planes", "US-led forces").
func (s *sentence) modifierBefore(i int) bool {
	if i == 0 {
		return false
	}
	if nounContext[s.lem[i-1]] || prepositions[s.lem[i-1]] {
		return true
	}
	// an -s form followed by punctuation, a conjunction, a preposition or
	// a past form is a plural noun ("patriotic forces, the", "forces
	// involved in"), not a verb, which takes an object
	if tw := s.doc.Text[s.toks[i].Start:s.toks[i].End]; strings.HasSuffix(tw, "s") && !strings.HasSuffix(tw, "ss") && i+1 < len(s.toks) {
		nt := s.toks[i+1]
		nw := s.doc.Text[nt.Start:nt.End]
		if nt.Kind == document.TokPunct || s.lem[i+1] == "and" || s.lem[i+1] == "or" || prepositions[s.lem[i+1]] || strings.HasSuffix(nw, "ed") {
			return true
		}
	}
	// after a modifier, a past form is still a verb ("Syrian troops
	// attacked", "Palestinians blamed")
	if strings.HasSuffix(s.doc.Text[s.toks[i].Start:s.toks[i].End], "ed") {
		return false
	}
	w := s.doc.Text[s.toks[i-1].Start:s.toks[i-1].End]
	if strings.HasSuffix(w, "-led") || strings.HasSuffix(w, "-backed") || strings.HasSuffix(w, "-based") {
		return true
	}
	ms := s.ments
	k := sort.Search(len(ms), func(k int) bool { return ms[k].span.End > s.toks[i-1].Start })
	inMention := k < len(ms) && ms[k].span.Start <= s.toks[i-1].Start && ms[k].span.End <= s.toks[i].Start
	// a plural right after a name is a compound noun ("SAA forces",
	// "Hezbollah fighters") far more often than a verb with a subject
	if inMention && strings.HasSuffix(s.doc.Text[s.toks[i].Start:s.toks[i].End], "s") {
		return true
	}
	// a national adjective ("Syrian", "Kurdish"), not a plural noun
	// ("Albanians demonstrated")
	return inMention && ms[k].label == "MISC" && !strings.HasSuffix(w, "s")
}

// verbal are the event types said rather than done: their trigger may be
// a quote's cue, whose speaker is then the source.
var verbal = map[string]bool{"AGREE": true, "SUPPORT": true, "DEMAND": true, "DISAPPROVE": true, "REJECT": true, "THREATEN": true, "PROTEST": true, "CONSULT": true}

// actorless are the event types news reports without naming who acted:
// fighting, assault, coercion and protest.
var actorless = map[string]bool{"FIGHT": true, "ASSAULT": true, "COERCE": true, "PROTEST": true}

var prepositions = map[string]bool{"in": true, "under": true, "with": true, "of": true, "for": true, "from": true, "by": true, "on": true, "without": true, "after": true, "before": true, "during": true, "amid": true, "despite": true}

// skipToken reports tokens that cannot be triggers: words inside an entity
// mention ("the Liberation Tigers") and capitalised words inside the
// sentence, which are names or titles far more often than verbs.
func (s *sentence) skipToken(i int) bool {
	t := s.toks[i]
	if i > 0 {
		if c := s.doc.Text[t.Start]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	// a plural -s noun after a determiner or possessive ("its forces",
	// "the issues") is not a verb, unless it is a known event noun
	w := s.doc.Text[t.Start:t.End]
	if i > 0 && strings.HasSuffix(w, "s") && !eventNouns[s.lem[i]] && nounContext[s.lem[i-1]] {
		return true
	}
	ms := s.ments
	k := sort.Search(len(ms), func(k int) bool { return ms[k].span.End > t.Start })
	return k < len(ms) && ms[k].span.Start <= t.Start
}

var nounContext = map[string]bool{"the": true, "a": true, "an": true, "its": true, "their": true, "his": true, "her": true, "our": true, "your": true, "these": true, "those": true, "'s": true, "’s": true, "security": true, "government": true, "military": true, "armed": true, "rebel": true}

var eventNouns = map[string]bool{"strike": true, "attack": true, "raid": true, "bombing": true, "clash": true, "protest": true, "sanction": true, "shelling": true, "airstrike": true, "demonstration": true, "talk": true, "visit": true, "threat": true, "demand": true, "killing": true, "arrest": true,
	"riot": true, "siege": true, "investigation": true, "rally": true, "offensive": true, "invasion": true, "ambush": true,
	"bombardment": true, "massacre": true, "assassination": true, "kidnapping": true, "execution": true, "ceasefire": true,
	"agreement": true, "accord": true, "treaty": true, "boycott": true, "embargo": true, "blockade": true, "liberation": true}

// Event-type recoding after CAMEO's coding rules: an intention to do
// something cooperative is AGREE (CAMEO 03) and to do something hostile is
// THREATEN (13); saying another party must do something is DEMAND (10); a
// cooperative act declared not to happen is REJECT (12).
var (
	cooperative = map[string]bool{"SUPPORT": true, "COOPERATE": true, "AID": true, "CONSULT": true, "CONCEDE": true, "RETREAT": true, "INVESTIGATE": true, "AGREE": true}
	hostile     = map[string]bool{"FIGHT": true, "ASSAULT": true, "COERCE": true, "SANCTION": true, "MOBILIZE": true}
	futureCues  = map[string]bool{"will": true, "'ll": true, "shall": true, "would": true, "willing": true, "ready": true, "prepared": true, "plan": true, "intend": true, "promise": true, "pledge": true, "offer": true, "vow": true, "swear": true, "decide": true, "prepare": true, "may": true, "might": true}
	// intentVerbs are control verbs that take the type of the act they
	// announce ("plans to impose restrictions" is a threat).
	intentVerbs = map[string]bool{"plan": true, "prepare": true, "promise": true, "pledge": true, "vow": true, "swear": true, "decide": true, "intend": true, "announce": true}
)

func (s *sentence) recode(hits []hit) {
	for k := range hits {
		h := &hits[k]
		lo, _ := s.clause(h.trig)
		from := h.trig - 4
		if from < lo {
			from = lo
		}
		if k > 0 && hits[k-1].last >= from {
			from = hits[k-1].last + 1
		}
		must, future, neg := false, false, false
		for j := from; j < h.trig; j++ {
			switch l := s.lem[j]; {
			case l == "must" || l == "should":
				must = true
			case futureCues[l]:
				future = true
			case negators[l]:
				neg = true
			}
		}
		switch {
		case must && h.plover != "DEMAND":
			h.plover, h.recoded = "DEMAND", "must"
		case neg && future && cooperative[h.plover]:
			h.plover, h.recoded = "REJECT", "will not"
		case future && !neg && cooperative[h.plover] && h.plover != "AGREE":
			h.plover, h.recoded = "AGREE", "intent"
		case future && !neg && hostile[h.plover]:
			h.plover, h.recoded = "THREATEN", "intent"
		}
		// a control verb right before this trigger takes its type
		if k > 0 {
			c := &hits[k-1]
			if intentVerbs[s.lem[c.trig]] && h.trig-c.last <= 4 && containsTo(s.lem[c.last+1:h.trig]) {
				switch {
				case hostile[h.p.plover]:
					c.plover, c.recoded = "THREATEN", "intent"
				case cooperative[h.p.plover]:
					c.plover, c.recoded = "AGREE", "intent"
				}
			}
		}
	}
}

func containsTo(ls []string) bool {
	for _, l := range ls {
		if l == "to" {
			return true
		}
	}
	return false
}

// clause returns the token range [lo, hi) of the trigger's clause:
// bounded by semicolons, colons, dashes, brackets and the sentence.
func (s *sentence) clause(i int) (int, int) {
	lo, hi := 0, len(s.lem)
	for k := i - 1; k >= 0; k-- {
		if s.lem[k] == ")" {
			// a parenthesis before the trigger is an aside: the clause
			// goes on before it ("Ankara, after years of ... (including
			// ...), is to stop funding")
			if o := s.openParen(k); o >= 0 {
				k = o
				continue
			}
		}
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

// openParen returns the index of the "(" matching the ")" at k, or -1.
func (s *sentence) openParen(k int) int {
	depth := 0
	for j := k; j >= 0 && k-j < 200; j-- {
		switch s.lem[j] {
		case ")":
			depth++
		case "(":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// inParens reports whether byte offset pos lies inside a parenthesis that
// closes before the trigger token i.
func (s *sentence) inParens(pos, lo, i int) bool {
	for k := i - 1; k >= lo; k-- {
		if s.lem[k] == ")" {
			if o := s.openParen(k); o >= 0 {
				if s.toks[o].Start <= pos && pos < s.toks[k].End {
					return true
				}
				k = o
			}
		}
	}
	return false
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

// event builds the annotation of hit h and returns it with the evidence
// score the confidence threshold applies to.
func (s *sentence) event(h hit) (document.Annotation, float64) {
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
			if cl[k].span.End <= t.Start && !s.inParens(cl[k].span.Start, lo, h.trig) {
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
	// a speech act that is also a quote's cue ("the US president denounced
	// Hezbollah as a 'menace'") has the quote's speaker as its source: the
	// quotes analyzer resolves nominals and pronouns, the nearest mention
	// heuristic does not
	var speaker *quoteRef
	for k := range s.quotes {
		q := &s.quotes[k]
		// only verbal acts: a cue found on "was attacked by" is the quotes
		// analyzer's mistake, not a speaker
		if verbal[h.plover] && q.hasCue && q.cue.Overlaps(t.Span) && (q.entity != "" || src == nil) {
			speaker = q
			src = nil
			break
		}
	}
	if src != nil && tgt != nil && src.entityID != "" && src.entityID == tgt.entityID {
		tgt = nil
	}
	// confidence: a pattern of more words is more specific; each actor
	// found adds evidence; a light verb alone or a noun reading of the
	// trigger ("the aid", "Syrian forces") takes it away
	conf := 0.45 + 0.05*float64(h.elements-1)
	if h.elements == 1 && lightVerbs[h.p.trigger] {
		conf -= 0.2
	}
	if !s.eventNoun(h.trig) && s.modifierBefore(h.trig) {
		conf -= 0.2
	}
	for _, found := range [3]bool{speaker != nil, src != nil, tgt != nil} {
		if found {
			conf += 0.1
		}
	}
	if src == nil && tgt == nil && speaker == nil {
		// an event with no actor is worth keeping only when it is violence
		// ("several key facilities have been recaptured"), which news
		// reports whoever did it
		if actorless[h.plover] {
			conf += 0.05
		} else {
			conf -= 0.15
		}
	}
	// the threshold applies to the evidence that an event is reported at
	// all; below it nothing more is worked out
	evidence := conf
	if evidence < s.a.minConf-1e-9 {
		return document.Annotation{}, evidence
	}
	parts := map[string]document.Span{"trigger": t.Span}
	attrs := map[string]any{"cameo": h.p.code, "cameo_root": root(h.p.code), "plover": h.plover}
	if h.recoded != "" {
		attrs["recoded"] = h.recoded
		attrs["pattern_plover"] = h.p.plover
	}
	if speaker != nil {
		parts["source"] = speaker.source
		if speaker.entity != "" {
			attrs["source_entity"] = speaker.entity
		}
		if speaker.speaker != "" {
			attrs["source_name"] = speaker.speaker
		}
	}
	if src != nil {
		parts["source"] = src.span
		if src.entityID != "" {
			attrs["source_entity"] = src.entityID
		}
	}
	if tgt != nil {
		parts["target"] = tgt.span
		if tgt.entityID != "" {
			attrs["target_entity"] = tgt.entityID
		}
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
	// a negated or hypothetical event is less likely to have happened
	if mode == "hypothetical" || mode == "negated" {
		conf -= 0.1
	}
	if p := s.place(t.Start, src, tgt, lo, hi); p != nil {
		attrs["place"] = map[string]any{"geonameid": p.attrs["geonameid"], "name": p.attrs["name"], "span": []int{p.span.Start, p.span.End}}
	}
	if d := s.date(); d != nil {
		attrs["date"] = d.Attrs["iso"]
	}
	conf = min(conf, 0.95)
	return document.Annotation{Kind: "event", Span: s.span, Label: h.plover, Parts: parts, Attrs: attrs, Confidence: conf, Analyzer: "events", Version: Version}, evidence
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
