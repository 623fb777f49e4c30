package quote

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// insertSorted merges add into as in content order and remaps the
// inherited indexes of both (those of add refer to positions in as).
func insertSorted(as, add []attribution) []attribution {
	if len(add) == 0 {
		return as
	}
	all := append(append([]attribution(nil), as...), add...)
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return all[idx[i]].content.Start < all[idx[j]].content.Start })
	pos := make([]int, len(all))
	for newi, old := range idx {
		pos[old] = newi
	}
	out := make([]attribution, len(all))
	for newi, old := range idx {
		x := all[old]
		if x.inherited >= 0 && x.inherited < len(all) {
			x.inherited = pos[x.inherited]
		}
		out[newi] = x
	}
	return out
}

// sentenceStarts returns whether each byte offset starts a sentence, as a set.
func sentenceStarts(sents []document.Sentence) map[int]bool {
	m := make(map[int]bool, len(sents))
	for _, s := range sents {
		m[s.Start] = true
	}
	return m
}

// splitAtQuotedSentence splits content made of a reported clause followed
// by whole quoted sentences ("…told RT, little headway is being made. “The
// US jets…”") into the indirect part and a direct quotation by the same
// speaker.
func splitAtQuotedSentence(s string, toks []document.Token, sents []document.Sentence, qs []qspan, as []attribution) []attribution {
	starts := sentenceStarts(sents)
	var add []attribution
	for i := range as {
		q := &as[i]
		if !q.hasCue || q.c2 >= 0 {
			continue
		}
		for _, x := range qs {
			a, b := x.outer()
			if x.depth != 0 || a <= q.content.Start || a >= q.content.End || !starts[a] {
				continue
			}
			if countWords(toks, q.content.Start, a) < 3 || countWords(toks, a, b) < minQuoteWords {
				continue
			}
			end := max(b, q.content.End)
			ts, te := trimSpan(s, q.content.Start, a)
			q.content = document.Span{Start: ts, End: te}
			add = append(add, attribution{content: document.Span{Start: a, End: end}, inherited: i, citation: -1, c1: -1, c2: -1, conf: q.conf - 0.1})
			break
		}
	}
	return insertSorted(as, add)
}

// namingVerbs introduce a quoted label: "denounced Hezbollah as a ‘menace’".
var namingVerbs = map[string]bool{"denounced": true, "called": true, "described": true, "branded": true,
	"labelled": true, "labeled": true, "dubbed": true, "termed": true, "slammed": true, "hailed": true,
	"condemned": true, "blasted": true, "praised": true, "accused": true, "denounces": true, "calls": true,
	"describes": true, "brands": true, "dubs": true}

// sourceStop ends a backward scan for a source noun phrase.
var sourceStop = map[string]bool{"as": true, "and": true, "that": true, "which": true, "who": true, "when": true,
	"while": true, "whilst": true, "but": true, "if": true, "because": true, "after": true, "before": true,
	"then": true, "where": true, "since": true, "so": true, "or": true}

// namedQuotes finds short quoted labels after a naming verb in the same
// clause and makes them mixed attributions, replacing a covering
// attribution whose cue is not a reporting verb.
func namedQuotes(s string, toks []document.Token, sentOf []int, qs []qspan, as []attribution) []attribution {
	var add []attribution
	drop := map[int]bool{}
	for _, x := range qs {
		a, b := x.outer()
		if x.depth != 0 || countWords(toks, a, b) >= minQuoteWords {
			continue
		}
		k := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= a })
		if k >= len(toks) {
			continue
		}
		verb := -1
		for j := k - 1; j >= 0 && j >= k-8 && sentOf[j] == sentOf[k]; j-- {
			w := strings.ToLower(s[toks[j].Start:toks[j].End])
			if namingVerbs[w] {
				verb = j
				break
			}
			if toks[j].Kind == document.TokPunct && w != "’" && w != "'" {
				break
			}
		}
		if verb < 0 {
			continue
		}
		cover := -1
		for i, q := range as {
			if q.overlapsContent(a, b) {
				cover = i
			}
		}
		if cover >= 0 {
			c := as[cover]
			if c.hasCue && (reporting[strings.ToLower(s[c.cue.Start:c.cue.End])] || c.cue.Start == toks[verb].Start) {
				continue
			}
			drop[cover] = true
		}
		q := attribution{cue: toks[verb].Span, hasCue: true, inherited: -1, citation: -1, c1: -1, c2: -1, conf: 0.6,
			content: document.Span{Start: toks[verb+1].Start, End: b}}
		// the noun phrase right before the verb is the source
		j := verb - 1
		for j >= 0 && verb-j <= 6 && sentOf[j] == sentOf[verb] && toks[j].Kind == document.TokWord &&
			!sourceStop[strings.ToLower(s[toks[j].Start:toks[j].End])] {
			j--
		}
		if j+1 < verb {
			q.source = document.Span{Start: toks[j+1].Start, End: toks[verb-1].End}
			q.hasSource = true
		}
		add = append(add, q)
	}
	if len(drop) == 0 {
		return insertSorted(as, add)
	}
	var kept []attribution
	remap := make([]int, len(as))
	for i, q := range as {
		remap[i] = -1
		if !drop[i] {
			remap[i] = len(kept)
			kept = append(kept, q)
		}
	}
	for i := range kept {
		if kept[i].inherited >= 0 {
			kept[i].inherited = remap[kept[i].inherited]
		}
	}
	return insertSorted(kept, add)
}

// subjectSources gives a source to attributions whose cue has none: the
// noun phrase right before the cue ("as the US president denounced …"),
// else the first subject pronoun or person-like name of the cue's sentence
// ("Today he is ‘explaining’ … to listeners: “…”").
func subjectSources(s string, toks []document.Token, sentOf []int, ms []mention, as []attribution) {
	introduces := map[int]bool{} // attributions whose speaker a later quotation continues
	for _, q := range as {
		if q.inherited >= 0 && q.label == "direct" {
			introduces[q.inherited] = true
		}
	}
	for i := range as {
		q := &as[i]
		// only quotations: a reported clause without a source is often
		// truly sourceless ("it is expected that …")
		if !q.hasCue || q.hasSource || q.label == "indirect" && !introduces[i] {
			continue
		}
		k := sort.Search(len(toks), func(j int) bool { return toks[j].Start >= q.cue.Start })
		if k >= len(toks) {
			continue
		}
		if sp, ok := npBefore(s, toks, sentOf, k); ok {
			q.source, q.hasSource = sp, true
			q.conf -= 0.05
			continue
		}
		j := k - 1
		for j >= 0 && sentOf[j] == sentOf[k] {
			j--
		}
		for t := j + 1; t < k; t++ {
			if toks[t].Start >= q.content.Start && toks[t].End <= q.content.End {
				break
			}
			w := strings.ToLower(s[toks[t].Start:toks[t].End])
			if w == "he" || w == "she" || w == "they" || w == "we" || w == "i" {
				q.source, q.hasSource = toks[t].Span, true
				q.conf -= 0.05
				break
			}
			if m, ok := mentionAt(ms, toks[t].Start); ok && m.person >= 0.45 {
				q.source, q.hasSource = m.span, true
				q.conf -= 0.05
				break
			}
		}
	}
}

// npBefore reads a short noun phrase ending right before token k that
// looks like a speaker: it holds a role noun, a subject pronoun or a
// capitalised word, and starts after a clause boundary word.
func npBefore(s string, toks []document.Token, sentOf []int, k int) (document.Span, bool) {
	j := k - 1
	speaker := false
	for j >= 0 && k-j <= 6 && sentOf[j] == sentOf[k] && toks[j].Kind == document.TokWord {
		w := s[toks[j].Start:toks[j].End]
		lw := strings.ToLower(w)
		if sourceStop[lw] {
			break
		}
		if roleNouns[lw] || lw == "he" || lw == "she" || lw == "they" || isNameTok(w) {
			speaker = true
		}
		j--
	}
	if j+1 >= k || !speaker {
		return document.Span{}, false
	}
	if j >= 0 && toks[j].Kind == document.TokWord && !sourceStop[strings.ToLower(s[toks[j].Start:toks[j].End])] {
		return document.Span{}, false // the phrase runs on: not a clean subject
	}
	return document.Span{Start: toks[j+1].Start, End: toks[k-1].End}, true
}

func mentionAt(ms []mention, at int) (mention, bool) {
	i := sort.Search(len(ms), func(k int) bool { return ms[k].span.Start >= at })
	if i < len(ms) && ms[i].span.Start == at {
		return ms[i], true
	}
	return mention{}, false
}

// anonHeads are the heads of unnamed sources.
var anonHeads = map[string]bool{"source": true, "sources": true, "official": true, "officials": true,
	"insider": true, "insiders": true}

// anonymousSources finds unnamed sources that introduce a clause without a
// reporting verb of their own: "news emerges from a Syrian media source
// that Ankara … is to stop funding …", "sources close to X say …" is left
// to the tagger. The source is the noun phrase, the cue the words that
// link it to the clause, the content the that-clause to the sentence end.
func anonymousSources(s string, toks []document.Token, sentOf []int, as []attribution) []attribution {
	var add []attribution
	covered := func(sp document.Span) bool {
		for _, q := range as {
			if q.hasSource && q.source.Overlaps(sp) || q.content.Contains(sp) {
				return true
			}
		}
		return false
	}
	for k := 1; k+1 < len(toks); k++ {
		if !inLower(anonHeads, s[toks[k].Start:toks[k].End]) || !strings.EqualFold(s[toks[k+1].Start:toks[k+1].End], "that") {
			continue
		}
		// back over modifiers to a determiner
		j := k - 1
		for j >= 0 && k-j <= 4 && toks[j].Kind == document.TokWord {
			d := strings.ToLower(s[toks[j].Start:toks[j].End])
			if d == "a" || d == "an" || d == "some" || d == "the" || d == "several" || d == "two" || d == "unnamed" {
				break
			}
			j--
		}
		if j < 1 || toks[j].Kind != document.TokWord || sentOf[j] != sentOf[k] {
			continue
		}
		src := document.Span{Start: toks[j].Start, End: toks[k].End}
		if covered(src) {
			continue
		}
		// the cue: the preposition before the phrase and its verb ("emerges from")
		c0 := j - 1
		if c0 >= 1 && prepositions[strings.ToLower(s[toks[c0].Start:toks[c0].End])] && toks[c0-1].Kind == document.TokWord && sentOf[c0-1] == sentOf[k] {
			c0--
		}
		e := k + 1
		for e+1 < len(toks) && sentOf[e+1] == sentOf[k] {
			e++
		}
		for e > k+1 && toks[e].Kind == document.TokPunct {
			e--
		}
		if e <= k+2 {
			continue
		}
		add = append(add, attribution{source: src, hasSource: true, cue: document.Span{Start: toks[c0].Start, End: toks[j-1].End},
			hasCue: true, content: document.Span{Start: toks[k+1].Start, End: toks[e].End}, inherited: -1, citation: -1, c1: -1, c2: -1, conf: 0.6, pattern: true})
	}
	return insertSorted(as, add)
}

// accordingTo finds "according to X, CLAUSE" and "CLAUSE, according to X"
// when the tagger has not covered them.
func accordingTo(s string, toks []document.Token, sentOf []int, as []attribution) []attribution {
	var add []attribution
	lw := func(i int) string { return lowerWord(s[toks[i].Start:toks[i].End]) }
	covered := func(i int) bool {
		for _, q := range as {
			if q.hasCue && q.cue.Start <= toks[i].Start && toks[i].Start < q.cue.End || q.hasSource && q.source.Start <= toks[i].Start && toks[i].Start < q.source.End {
				return true
			}
		}
		return false
	}
	for i := 0; i+2 < len(toks); i++ {
		if !strings.EqualFold(s[toks[i].Start:toks[i].End], "according") || lw(i+1) != "to" || covered(i) {
			continue
		}
		sent := sentOf[i]
		// the source runs to the next comma or the sentence end
		j := i + 2
		for j < len(toks) && sentOf[j] == sent && lw(j) != "," && lw(j) != "." && j-i < 14 {
			j++
		}
		if j == i+2 || j >= len(toks) {
			continue
		}
		q := attribution{cue: document.Span{Start: toks[i].Start, End: toks[i+1].End}, hasCue: true,
			source: document.Span{Start: toks[i+2].Start, End: toks[j-1].End}, hasSource: true,
			inherited: -1, citation: -1, c1: -1, c2: -1, conf: 0.7}
		first := i
		for first > 0 && sentOf[first-1] == sent {
			first--
		}
		if lw(j) == "," && (first == i || first == i-1) {
			// "According to X, CLAUSE."
			e := j + 1
			for e+1 < len(toks) && sentOf[e+1] == sent {
				e++
			}
			for e > j+1 && toks[e].Kind == document.TokPunct {
				e--
			}
			if e <= j+1 {
				continue
			}
			q.content = document.Span{Start: toks[j+1].Start, End: toks[e].End}
		} else if i > first+2 && lw(i-1) == "," {
			// "CLAUSE, according to X."
			q.content = document.Span{Start: toks[first].Start, End: toks[i-2].End}
		} else {
			continue
		}
		add = append(add, q)
	}
	return insertSorted(as, add)
}

// colonQuotes makes a quotation introduced by a colon ("… told
// listeners: “We used to say …”") a direct attribution of its own: the
// introducing clause is not part of the content. The cue is the word
// before the colon when it is a known cue, else the colon itself; the
// source is left to subjectSources.
func colonQuotes(s string, toks []document.Token, qs []qspan, cues map[string]float32, as []attribution) []attribution {
	var add []attribution
	for _, x := range qs {
		a, b := x.outer()
		if x.depth != 0 || countWords(toks, a, b) < minQuoteWords {
			continue
		}
		k := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= a })
		if k < 2 || k >= len(toks) || s[toks[k-1].Start:toks[k-1].End] != ":" {
			continue
		}
		colon := toks[k-1]
		cue := colon.Span
		if w := lowerWord(s[toks[k-2].Start:toks[k-2].End]); reporting[w] || cues[w] >= 0.3 {
			cue = toks[k-2].Span
		}
		cover := -1
		for i, q := range as {
			if q.overlapsContent(a, b) {
				cover = i
				break
			}
		}
		if cover < 0 {
			add = append(add, attribution{content: document.Span{Start: a, End: b}, cue: cue, hasCue: true,
				inherited: -1, citation: -1, c1: -1, c2: -1, conf: 0.7})
			continue
		}
		q := &as[cover]
		if q.c2 >= 0 {
			continue
		}
		if q.content.Start >= colon.Start {
			// already the quotation alone; keep its cue unless it is a
			// phrase the training data never saw as a cue
			if !q.hasCue || weakCue(s, toks, cues, q.cue) {
				q.cue, q.hasCue, q.hasSource, q.inherited = cue, true, false, -1
			}
			continue
		}
		q.content = document.Span{Start: a, End: max(b, q.content.End)}
		if !q.hasCue || q.cue.Start > colon.Start {
			q.cue, q.hasCue = cue, true
			q.inherited = -1
			if q.hasSource && q.source.Start > colon.Start {
				q.hasSource = false
			}
		}
	}
	return insertSorted(as, add)
}

// weakCue reports whether no word of the cue is a reporting word or a
// frequent cue in the learned lexicon.
func weakCue(s string, toks []document.Token, cues map[string]float32, cue document.Span) bool {
	for _, t := range toksIn(toks, cue) {
		w := lowerWord(s[t.Start:t.End])
		if reporting[w] || cues[w] >= 0.3 {
			return false
		}
	}
	return true
}

// cutAtCitations ends content before a parenthetical citation that starts
// inside it: "“…” (‘Title’, RT, 1 September 2017)" quotes the words, not the
// reference.
func cutAtCitations(s string, cits []citation, as []attribution) {
	for i := range as {
		q := &as[i]
		for _, c := range cits {
			if c.label != "parenthetical" || c.span.Start <= q.content.Start || c.span.Start >= q.content.End {
				continue
			}
			_, e := trimSpan(s, q.content.Start, c.span.Start)
			q.content.End = e
			if q.c2 >= 0 && q.content2.Start >= e {
				q.c2 = -1
			}
			break
		}
	}
}

// shareSubjects gives a cue without a source the source of the attribution
// before it in the same sentence, when that source precedes its own cue:
// coordinated and participial reporting verbs share their subject ("Clinton
// adds that … and called on Sanders to …", "Sanders is pushing back,
// questioning …"). PolNeAR annotates the shared subject as the source of
// both. A participle after a comma ("“…,” Anderson said, adding that …")
// takes the shared subject even when the tagger gave it a source of its
// own: that source is most often a noun phrase of the quotation or of the
// sentence before (5-fold CV on PolNeAR train: source exact F1 0.669 →
// 0.672, higher or equal on four folds of five; attribution F1 +0.003).
func shareSubjects(s string, toks []document.Token, sentOf []int, as []attribution) {
	sentAt := func(at int) int {
		k := sort.Search(len(toks), func(j int) bool { return toks[j].End > at })
		if k >= len(toks) {
			return -1
		}
		return sentOf[k]
	}
	// participle reports whether the cue is one -ing word after a comma
	// ("X said, adding that …")
	participle := func(q *attribution) bool {
		r := toksIndex(toks, q.cue)
		if r[1]-r[0] != 1 || r[0] < 1 || s[toks[r[0]-1].Start:toks[r[0]-1].End] != "," {
			return false
		}
		w := s[toks[r[0]].Start:toks[r[0]].End]
		return len(w) > 4 && strings.HasSuffix(w, "ing") && unicode.IsLower(firstRune(w))
	}
	for i := range as {
		q := &as[i]
		if !q.hasCue || q.hasSource && !participle(q) {
			continue
		}
		sq := sentAt(q.cue.Start)
		best := -1
		for j := range as {
			p := &as[j]
			if j == i || !p.hasCue || !p.hasSource || p.source.End > p.cue.Start || p.cue.End > q.cue.Start {
				continue
			}
			if sentAt(p.source.Start) != sq {
				continue
			}
			if best < 0 || p.cue.Start > as[best].cue.Start {
				best = j
			}
		}
		if best >= 0 {
			if !q.hasSource {
				q.conf -= 0.05
			}
			q.source, q.hasSource = as[best].source, true
		}
	}
}

// sourceTail are words that end a source chunk but, in PolNeAR train, lie
// outside the source far more often than inside it (a trailing sentence
// adverb or reflexive follows the source 327 times and ends it 22 times;
// "who" after an appositive follows it 200 times and ends it 5).
var sourceTail = map[string]bool{"however": true, "also": true, "even": true, "both": true, "herself": true,
	"himself": true, "themselves": true, "itself": true, "who": true}

// tidySources trims source spans to PolNeAR's conventions as train shows
// them: one sentence (the cue's), no trailing verb contraction ("they’re"
// → "they": outside the source 52 times in train, inside 2), no trailing
// adverb or reflexive, no dangling relative "who".
func tidySources(s string, toks []document.Token, sentOf []int, as []attribution) {
	for i := range as {
		q := &as[i]
		if !q.hasSource {
			continue
		}
		ts := toksIndex(toks, q.source)
		t0, t1 := ts[0], ts[1]
		if t1-t0 < 1 {
			continue
		}
		// one sentence: the cue's when the source reaches into it, else
		// the one nearest the cue
		if sentOf[t0] != sentOf[t1-1] {
			cs := -1
			if q.hasCue {
				if k := toksIndex(toks, q.cue); k[1] > k[0] {
					cs = sentOf[k[0]]
				}
			}
			want := sentOf[t1-1]
			if q.hasCue && q.cue.End <= q.source.Start {
				want = sentOf[t0]
			}
			if cs >= sentOf[t0] && cs <= sentOf[t1-1] {
				want = cs
			}
			for t0 < t1 && sentOf[t0] != want {
				t0++
			}
			for t1 > t0 && sentOf[t1-1] != want {
				t1--
			}
		}
		for t1-t0 > 1 {
			k := t1 - 1
			w := lowerWord(s[toks[k].Start:toks[k].End])
			lower := unicode.IsLower(firstRune(s[toks[k].Start:toks[k].End]))
			if toks[k].Kind == document.TokPunct || lower && (sourceTail[w] || isAdverb(w)) {
				t1--
				continue
			}
			break
		}
		for t0 < t1-1 && toks[t0].Kind == document.TokPunct && !isQuoteRune(firstRune(s[toks[t0].Start:toks[t0].End])) {
			t0++
		}
		if t1 <= t0 {
			continue
		}
		sp := document.Span{Start: toks[t0].Start, End: toks[t1-1].End}
		for _, c := range []string{"’re", "'re", "’ve", "'ve", "’ll", "'ll", "’d", "'d", "’m", "'m"} {
			if strings.HasSuffix(s[sp.Start:sp.End], c) && sp.End-len(c) > sp.Start {
				sp.End -= len(c)
				break
			}
		}
		q.source = sp
	}
}

// toksIndex returns the token index range [t0, t1) of the tokens inside sp.
func toksIndex(toks []document.Token, sp document.Span) [2]int {
	i := sort.Search(len(toks), func(k int) bool { return toks[k].Start >= sp.Start })
	j := i
	for j < len(toks) && toks[j].End <= sp.End {
		j++
	}
	return [2]int{i, j}
}

func firstRune(w string) rune {
	r, _ := utf8.DecodeRuneInString(w)
	return r
}

// eqLower reports whether lowerWord(x) == w, without allocating the
// lower-cased copy when x is ASCII.
func eqLower(x, w string) bool {
	if len(x) != len(w) {
		// an ASCII x lower-cases to its own length; only a non-ASCII x can
		// change length (normWord, strings.ToLower)
		for i := 0; i < len(x); i++ {
			if x[i] >= utf8.RuneSelf {
				return lowerWord(x) == w
			}
		}
		return false
	}
	for i := 0; i < len(x); i++ {
		c := x[i]
		if c >= utf8.RuneSelf {
			return lowerWord(x) == w
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			// a later non-ASCII byte could still fold the word to w
			for j := i + 1; j < len(x); j++ {
				if x[j] >= utf8.RuneSelf {
					return lowerWord(x) == w
				}
			}
			return false
		}
	}
	return true
}

// inLower reports whether lowerWord(w) is in m, without allocating the
// lower-cased copy for short ASCII words (the map lookup of a converted
// byte slice does not allocate).
func inLower(m map[string]bool, w string) bool {
	var buf [32]byte
	if len(w) > len(buf) {
		return m[lowerWord(w)]
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return m[lowerWord(w)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return m[string(buf[:len(w)])]
}
