package quote

import (
	"unicode"
	"unicode/utf8"
)

// maxMarks bounds the quote marks examined per document: a page of 5,000
// stray marks must stay linear and produce a bounded result.
const maxMarks = 20000

// maxQuoteSpans bounds the quoted stretches returned per document.
const maxQuoteSpans = 2000

// qspan is a stretch of text between a pair of quote marks.
type qspan struct {
	open, close int // byte offsets of the opening mark and of the closing mark (close = end of inner text)
	openLen     int // byte length of the opening mark
	closeLen    int // byte length of the closing mark (0 when the quote runs to a paragraph end)
	depth       int // 0 for an outermost quote
	single      bool
	paras       int  // paragraphs spanned (multi-paragraph quotes have > 1)
	unclosed    bool // no closing mark: the quote runs to the paragraph end
}

// inner is the quoted text without its marks.
func (q qspan) inner() (int, int) { return q.open + q.openLen, q.close }

// outer is the quoted text with its marks.
func (q qspan) outer() (int, int) { return q.open, q.close + q.closeLen }

type markKind uint8

const (
	markNone markKind = iota
	markOpen
	markClose
	markEither // a straight quote: its side is decided by its neighbours
)

// classify decides whether the quote character r at byte i opens or closes
// a quote. Curly apostrophes between letters ("Isil’s") are not quotes.
func classify(s string, i int, r rune, size int) (markKind, bool) {
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+size:])
	if i == 0 {
		prev = ' '
	}
	if i+size >= len(s) {
		next = ' '
	}
	prevSpace := unicode.IsSpace(prev) || unicode.IsPunct(prev) && prev != '.' && prev != ',' && prev != '!' && prev != '?' && prev != '’' && prev != '”'
	nextSpace := unicode.IsSpace(next) || unicode.IsPunct(next) && next != '‘' && next != '“' && next != '(' && next != '[' && next != '…'
	switch r {
	case '“', '«', '„', '‹':
		return markOpen, r == '‹'
	case '”', '»', '›':
		return markClose, r == '›'
	case '"':
		switch {
		case prevSpace && !nextSpace:
			return markOpen, false
		case !prevSpace && nextSpace:
			return markClose, false
		}
		return markEither, false
	case '‘', '‚':
		if unicode.IsLetter(prev) && unicode.IsLetter(next) {
			return markNone, true
		}
		return markOpen, true
	case '’':
		if unicode.IsLetter(prev) && unicode.IsLetter(next) || unicode.IsDigit(next) && prevSpace {
			return markNone, true // apostrophe, or an elided year (’90s)
		}
		if prevSpace && !nextSpace {
			return markNone, true // leading elision (’em); a curly opening would be ‘
		}
		return markClose, true
	case '\'':
		switch {
		case unicode.IsLetter(prev) && unicode.IsLetter(next):
			return markNone, true
		case prevSpace && unicode.IsLetter(next):
			return markOpen, true
		case !prevSpace && nextSpace:
			return markClose, true
		}
		return markNone, true
	}
	return markNone, false
}

func isQuoteRune(r rune) bool {
	switch r {
	case '“', '”', '„', '«', '»', '‹', '›', '"', '‘', '’', '‚', '\'':
		return true
	}
	return false
}

// findQuotes pairs the quote marks of s paragraph by paragraph (a paragraph
// is a run of text between newlines). Double and single marks nest; a
// paragraph that ends inside a double quote continues it when the next
// paragraph opens with a quote mark (the multi-paragraph convention);
// otherwise the quote is closed at the paragraph end and marked unclosed.
func findQuotes(s string) []qspan {
	type open struct {
		pos, size int
		single    bool
		r         rune
		paraStart int
		paras     int
	}
	var out []qspan
	var stack []open
	marks := 0
	paraStart := 0
	carry := -1 // index in stack of a double quote carried over from the previous paragraph
	i := 0
	endPara := func(end int, next int) {
		// decide what happens to quotes still open at a paragraph end
		cont := false
		if next < len(s) {
			j := next
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			if j < len(s) {
				r, _ := utf8.DecodeRuneInString(s[j:])
				cont = r == '“' || r == '"' || r == '«' || r == '„'
			}
		}
		// single quotes never carry over; nested ones close at the end
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if cont && !top.single && len(stack) == 1 && top.pos < end {
				carry = 0
				stack[0].paras++
				return
			}
			stack = stack[:len(stack)-1]
			if len(out) < maxQuoteSpans && !top.single {
				out = append(out, qspan{open: top.pos, openLen: top.size, close: trimRight(s, top.pos+top.size, end), depth: len(stack), paras: top.paras + 1, unclosed: true})
			}
		}
		carry = -1
	}
	for i < len(s) {
		c := s[i]
		if c == '\n' {
			// a paragraph ends at a newline
			j := i
			for j < len(s) && (s[j] == '\n' || s[j] == '\r' || s[j] == ' ' || s[j] == '\t') {
				j++
			}
			endPara(i, j)
			paraStart = j
			i = j
			continue
		}
		if c < utf8.RuneSelf && c != '"' && c != '\'' {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isQuoteRune(r) {
			i += size
			continue
		}
		marks++
		if marks > maxMarks {
			break
		}
		kind, single := classify(s, i, r, size)
		if kind == markNone {
			i += size
			continue
		}
		// a carried-over multi-paragraph quote: the opening mark of the new
		// paragraph repeats the old one rather than nesting.
		if carry >= 0 && i == paraStart && kind != markClose && !single {
			carry = -1
			i += size
			continue
		}
		carry = -1
		if kind == markEither {
			// straight double quote: close if one is open at the top, else open
			if len(stack) > 0 && stack[len(stack)-1].r == '"' {
				kind = markClose
			} else {
				kind = markOpen
			}
		}
		if kind == markClose || (r == '“' && len(stack) > 0 && stack[len(stack)-1].r == '„') {
			// pop to the nearest open of the same family
			k := len(stack) - 1
			for k >= 0 && stack[k].single != single {
				k--
			}
			if k < 0 {
				if !single && r == '“' {
					goto opening
				}
				i += size
				continue // stray closing mark (or plural possessive)
			}
			// unclosed marks above k are dropped: they were stray openings
			top := stack[k]
			stack = stack[:k]
			if len(out) < maxQuoteSpans {
				out = append(out, qspan{open: top.pos, openLen: top.size, close: i, closeLen: size, depth: len(stack), single: single, paras: top.paras + 1})
			}
			i += size
			continue
		}
	opening:
		if len(stack) < 64 {
			stack = append(stack, open{pos: i, size: size, single: single, r: r, paraStart: paraStart})
		}
		i += size
	}
	endPara(len(s), len(s))
	sortQuotes(out)
	return out
}

func trimRight(s string, from, end int) int {
	for end > from && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == '\r') {
		end--
	}
	return end
}

// sortQuotes orders quotes by opening offset (insertion sort: the list is
// nearly sorted already, since quotes close in order within a paragraph).
func sortQuotes(q []qspan) {
	for i := 1; i < len(q); i++ {
		for j := i; j > 0 && q[j].open < q[j-1].open; j-- {
			q[j], q[j-1] = q[j-1], q[j]
		}
	}
}
