package technique

import (
	"strings"

	"github.com/newslens/newslens/document"
)

// Template ids of the TC features (distinct from the SI ones; the two
// models have separate tables, so overlap would be harmless anyway).
const (
	gBias uint64 = iota + 100
	gWord
	gBigram
	gFirst
	gLast
	gWhole
	gLen
	gBefore
	gAfter
	gBefore1
	gAfter1
	gRepSpan
	gRepWord
	gQuote
	gBang
	gQuestion
	gSentEnd
	gSentStart
	gCover
	gCaps
	gPolMin
	gPolMax
	gSubj
	gScare
	gHyphen
	gSentBang
	gSentQuestion
	gFirstSent
	gShapeFirst
	gPrevPunct
	gNextPunct
	gWordCount
	gNgramDoc
	gNested
	gFirstOcc
	gSuffix
	gCluster1
	gCluster2
	gWN
	gWNLast
	gWNPersonPol
	gScareIn
	gSentAlone
)

// spanText returns the lower-cased words of tokens [a,b) joined by spaces:
// the key that repetition of a span is counted by.
func (p *prepared) spanText(a, b int) string {
	var sb strings.Builder
	for i := a; i < b && i-a < 16; i++ {
		if p.toks[i].punct != 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(p.toks[i].lower)
	}
	return sb.String()
}

// tokenRange returns the tokens [a,b) that overlap the byte span [s,e).
func (p *prepared) tokenRange(s, e int) (int, int) {
	lo, hi := 0, len(p.toks)
	for lo < hi {
		m := (lo + hi) / 2
		if p.toks[m].end <= s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	a := lo
	b := a
	for b < len(p.toks) && p.toks[b].start < e {
		b++
	}
	return a, b
}

// sentOf returns the sentence holding token i.
func (p *prepared) sentOf(i int) *sent {
	lo, hi := 0, len(p.sents)
	for lo < hi {
		m := (lo + hi) / 2
		if p.sents[m].end <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(p.sents) {
		return &p.sents[lo]
	}
	return nil
}

// tcFeatures appends the features of the span over tokens [a,b). spanCount
// is how many spans of the document (given or predicted) have the same
// text: the Repetition class is about phrases said again and again. nest
// says whether the span lies inside another given span (1), holds one (2)
// or both (3): a short span inside a long one is often Loaded_Language.
func (p *prepared) tcFeatures(buf []uint64, a, b int, spanCount int, nest uint64) []uint64 {
	buf = append(buf, mix(gBias, 0), mix(gNested, nest))
	if a >= b {
		return buf
	}
	n := b - a
	words := 0
	polMin, polMax, subj := int8(0), int8(0), int8(0)
	caps, quote, scare := 0, false, 0
	person := false
	lastWN, scareIn := uint8(0), false
	prev := startWord
	for i := a; i < b && i-a < 64; i++ {
		t := &p.toks[i]
		buf = append(buf, mix(gWord, t.word), mix(gBigram, mix(prev, t.word)), mix(gSuffix, t.suf))
		if p.clusters && t.punct == 0 {
			buf = append(buf, mix(gCluster1, uint64(t.cl[1])), mix(gCluster2, uint64(t.cl[2])))
		}
		prev = t.word
		if t.punct == 0 {
			words++
		}
		polMin, polMax = min(polMin, t.pol), max(polMax, t.pol)
		subj = max(subj, t.subj)
		if t.caps == 2 && len(t.lower) > 1 {
			caps++
		}
		if t.inQuote {
			quote = true
		}
		switch t.punct {
		case '!':
			buf = append(buf, mix(gBang, 1))
		case '?':
			buf = append(buf, mix(gQuestion, 1))
		case '"', '\'':
			scare++
		}
		if t.hyphen {
			buf = append(buf, mix(gHyphen, 1))
		}
		if p.wordnet && t.punct == 0 {
			buf = append(buf, mix(gWN, uint64(t.wn)))
			person = person || t.wn&wnPerson != 0
			lastWN = t.wn
		}
		scareIn = scareIn || t.scare == 1
	}
	buf = append(buf, mix(gBigram, mix(prev, endWord)))
	buf = append(buf,
		mix(gFirst, p.toks[a].word),
		mix(gLast, p.toks[b-1].word),
		mix(gShapeFirst, p.toks[a].shape),
		mix(gLen, bucket(n, 1, 2, 3, 5, 8, 12, 20, 35)),
		mix(gWordCount, bucket(words, 0, 1, 2, 3, 4, 6)),
		mix(gPolMin, uint64(polMin+3)),
		mix(gPolMax, uint64(polMax+3)),
		mix(gSubj, uint64(subj)),
		mix(gCaps, bucket(caps, 0, 1, 3)),
		mix(gScare, bucket(scare, 0, 1)),
	)
	if p.wordnet {
		buf = append(buf, mix(gWNLast, mix(uint64(lastWN), bucket(words, 1, 2, 4))))
		if person {
			buf = append(buf, mix(gWNPersonPol, uint64(polMin+3)))
		}
	}
	if scareIn {
		buf = append(buf, mix(gScareIn, 1))
	}
	if n <= 6 {
		buf = append(buf, mix(gWhole, hashString(p.spanText(a, b))))
	}
	for k := 1; k <= 3; k++ {
		if a-k >= 0 {
			buf = append(buf, mix(gBefore, p.toks[a-k].word))
		}
		if b-1+k < len(p.toks) {
			buf = append(buf, mix(gAfter, p.toks[b-1+k].word))
		}
	}
	if a > 0 {
		buf = append(buf, mix(gBefore1, p.toks[a-1].word), mix(gPrevPunct, uint64(p.toks[a-1].punct)))
	}
	if b < len(p.toks) {
		buf = append(buf, mix(gAfter1, p.toks[b].word), mix(gNextPunct, uint64(p.toks[b].punct)))
	}
	buf = append(buf, mix(gRepSpan, bucket(spanCount, 1, 2, 3, 5)))
	if n <= 8 {
		occ, before := p.occurrences(a, b)
		buf = append(buf, mix(gNgramDoc, mix(bucket(occ, 1, 2, 3, 5), bucket(n, 1, 2, 4))))
		if occ > 1 {
			buf = append(buf, mix(gFirstOcc, bucket(before, 0, 1, 2)))
		}
	}
	maxRep := 0
	for i := a; i < b && i-a < 64; i++ {
		maxRep = max(maxRep, p.toks[i].docCount)
	}
	buf = append(buf, mix(gRepWord, mix(bucket(maxRep, 0, 1, 2, 3, 5, 8), bucket(n, 1, 3))))
	if quote {
		buf = append(buf, mix(gQuote, 1))
	}
	if s := p.sentOf(a); s != nil {
		if a == s.first {
			buf = append(buf, mix(gSentStart, 1))
		}
		if b >= s.end-1 {
			buf = append(buf, mix(gSentEnd, 1))
		}
		cover := 10 * n / max(1, s.end-s.first)
		buf = append(buf, mix(gCover, uint64(min(cover, 10))))
		if s.bang {
			buf = append(buf, mix(gSentBang, 1))
		}
		if s.question {
			buf = append(buf, mix(gSentQuestion, 1))
		}
		if s.index == 0 {
			buf = append(buf, mix(gFirstSent, 1))
		}
		if s.alone && s.index > 0 {
			buf = append(buf, mix(gSentAlone, mix(uint64(min(cover, 10)), bucket(s.end-s.first, 5, 10, 15, 25))))
		}
	}
	return buf
}

// occurrences counts where the token sequence [a,b) occurs in the
// document, and how many of those come before a.
func (p *prepared) occurrences(a, b int) (c, before int) {
	n := b - a
	for i := 0; i+n <= len(p.toks); i++ {
		if p.toks[i].word != p.toks[a].word {
			continue
		}
		k := 1
		for k < n && p.toks[i+k].word == p.toks[a+k].word {
			k++
		}
		if k == n {
			c++
			if i < a {
				before++
			}
		}
	}
	return c, before
}

// nesting returns the nest value of span x among spans (see tcFeatures).
func nesting(spans []document.Span, x document.Span) uint64 {
	var v uint64
	for _, o := range spans {
		if o == x {
			continue
		}
		if o.Contains(x) {
			v |= 1
		} else if x.Contains(o) {
			v |= 2
		}
	}
	return v
}
