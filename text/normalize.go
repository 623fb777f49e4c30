// Package text is newslens's text layer: normalisation with an offset map,
// tokens and sentences with exact byte offsets into a document's text.
//
// Analyzers read tokens and sentences from the document (the pipeline fills
// them with [Segment]); they match on [Normalize]d or [Fold]ed strings and map
// offsets back with the returned [Map], so evidence always points at the
// stored text.
package text

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Map maps byte offsets of a derived string back to the string it was derived
// from. The zero Map is the identity.
type Map struct {
	// pairs of (derived offset, source offset) at every point where the
	// running difference changes.
	dst, src []int
	srcLen   int
}

// ToSource converts an offset in the derived string to the source string.
// An offset inside a replaced sequence maps to the sequence's start.
func (m *Map) ToSource(i int) int {
	if m == nil || len(m.dst) == 0 {
		return i
	}
	k := sort.SearchInts(m.dst, i+1) - 1
	if k < 0 {
		return i
	}
	s := m.src[k] + (i - m.dst[k])
	if k+1 < len(m.src) && s > m.src[k+1] {
		s = m.src[k+1]
	}
	if s > m.srcLen {
		s = m.srcLen
	}
	return s
}

type mapBuilder struct {
	m    Map
	b    strings.Builder
	diff int
}

// emit writes repl for the source range [from,to).
func (mb *mapBuilder) emit(from, to int, repl string) {
	d := mb.b.Len()
	if d-from != mb.diff || len(repl) != to-from {
		mb.m.dst = append(mb.m.dst, d)
		mb.m.src = append(mb.m.src, from)
	}
	mb.b.WriteString(repl)
	mb.diff = mb.b.Len() - to
	if len(repl) != to-from {
		mb.m.dst = append(mb.m.dst, mb.b.Len())
		mb.m.src = append(mb.m.src, to)
	}
}

// Normalize returns s with typographic variants made plain, for matching:
// curly quotes and primes become ' and ", dashes become -, NBSP and other
// spaces become a space, soft hyphens and zero-width characters are dropped,
// and the ellipsis becomes "...". Invalid UTF-8 bytes become U+FFFD. Length
// may change, so use the Map to point back into s.
//
// firstChange is the offset of the first rune Normalize replaces, or
// len(s) when there is none.
func firstChange(s string) int {
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := normRune(r, size); ok {
			break
		}
		i += size
	}
	return i
}

// Most strings (every ASCII one) need no change: they are returned as they
// are, with the identity Map, without copying. Otherwise unchanged runs are
// copied whole; only the replaced runes are mapped.
func Normalize(s string) (string, *Map) {
	i := firstChange(s)
	if i == len(s) {
		return s, &Map{srcLen: len(s)}
	}
	mb := &mapBuilder{}
	mb.m.srcLen = len(s)
	mb.b.Grow(len(s))
	run := 0 // start of the unchanged run not yet written
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		repl, ok := normRune(r, size)
		if !ok {
			i += size
			continue
		}
		// An unchanged run keeps the running difference: no map entry.
		mb.b.WriteString(s[run:i])
		mb.emit(i, i+size, repl)
		i += size
		run = i
	}
	mb.b.WriteString(s[run:])
	return mb.b.String(), &mb.m
}

// NormalizeString is Normalize without the Map, for callers that only
// match on the result: an unchanged string costs no allocation.
func NormalizeString(s string) string {
	i := firstChange(s)
	if i == len(s) {
		return s
	}
	n, _ := Normalize(s)
	return n
}

// normRune returns the replacement of the rune r (size bytes in the
// source) and true, or false when it stays as it is.
func normRune(r rune, size int) (string, bool) {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´', 'ʼ':
		return "'", true
	case '“', '”', '„', '‟', '″', '«', '»':
		return "\"", true
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return "-", true
	case '\u00a0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
		'\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000':
		return " ", true
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return "", true
	case '…':
		return "...", true
	case utf8.RuneError:
		// an invalid byte; a U+FFFD written out (3 bytes) stays
		return "\ufffd", size == 1
	}
	return "", false
}

// Fold returns a matching key for a name: Normalize, then lower case, with
// diacritics, apostrophes and hyphens removed and whitespace collapsed. It is
// the base of the entity and place matchers' folding; transliteration-aware
// folding builds on it (see package names in the entity analyzer).
func Fold(s string) string {
	n := NormalizeString(s)
	if isASCII(n) {
		return foldASCII(n)
	}
	var b strings.Builder
	b.Grow(len(n))
	space := true
	for _, r := range norm.NFD.String(n) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '.' || r == 'ʿ' || r == 'ʾ':
			continue
		case r == '-' || unicode.IsSpace(r) || r == '_':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			b.WriteRune(unicode.ToLower(r))
			space = false
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is Fold's loop for ASCII text, where NFD changes nothing and
// there are no combining marks: the same result without the decomposition.
func foldASCII(n string) string {
	b := make([]byte, 0, len(n))
	space := true
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '\'' || c == '.':
			continue
		case c == '-' || c == '_' || c == ' ' || ('\t' <= c && c <= '\r'):
			if !space {
				b = append(b, ' ')
				space = true
			}
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			space = false
		}
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}
