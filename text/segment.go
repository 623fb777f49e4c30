package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// Tokenize splits s into tokens with byte offsets. Words keep internal
// apostrophes, hyphens and abbreviation dots ("U.S.", "al-Hussein"); numbers
// keep separators ("25,000", "1.5", "26/08/2017"); the possessive "'s" is its
// own token, as in CoNLL; URLs and e-mail addresses are single tokens; every
// other punctuation mark is a token of its own. Tokens never exceed
// maxToken bytes, so hostile input cannot make one unbounded token.
func Tokenize(s string) []document.Token {
	return appendTokens(nil, s, 0, len(s))
}

const maxToken = 256

func appendTokens(toks []document.Token, s string, from, to int) []document.Token {
	i := from
	for i < to {
		r, size := utf8.DecodeRuneInString(s[i:to])
		if unicode.IsSpace(r) || r == '\u00ad' || r == '\u200b' || r == '\ufeff' {
			i += size
			continue
		}
		if end := urlEnd(s, i, to); end > i {
			toks = append(toks, document.Token{Span: document.Span{Start: i, End: end}, Kind: document.TokURL})
			i = end
			continue
		}
		if isWordRune(r) {
			end, kind := wordEnd(s, i, to)
			// split a possessive 's / ’s off the word
			if p := possessive(s, i, end); p > i {
				toks = append(toks, document.Token{Span: document.Span{Start: i, End: p}, Kind: kind})
				toks = append(toks, document.Token{Span: document.Span{Start: p, End: end}, Kind: document.TokWord})
			} else {
				toks = append(toks, document.Token{Span: document.Span{Start: i, End: end}, Kind: kind})
			}
			i = end
			continue
		}
		kind := document.TokPunct
		if unicode.IsSymbol(r) {
			kind = document.TokSymbol
		}
		end := i + size
		// keep runs of the same ASCII punctuation together ("...", "--", "!!")
		if r == '.' || r == '-' || r == '!' || r == '?' {
			for end < to && end-i < maxToken && s[end] == byte(r) {
				end++
			}
		}
		toks = append(toks, document.Token{Span: document.Span{Start: i, End: end}, Kind: kind})
		i = end
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApos(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// wordEnd scans a word or number starting at i.
func wordEnd(s string, i, to int) (int, document.TokenKind) {
	start := i
	allDigits := true
	for i < to && i-start < maxToken {
		r, size := utf8.DecodeRuneInString(s[i:to])
		if isWordRune(r) {
			if !unicode.IsDigit(r) {
				allDigits = false
			}
			i += size
			continue
		}
		// a joiner continues the token only between two word runes
		if i+size < to {
			next, _ := utf8.DecodeRuneInString(s[i+size : to])
			prev, _ := utf8.DecodeLastRuneInString(s[start:i])
			switch {
			case isApos(r) && unicode.IsLetter(prev) && unicode.IsLetter(next):
				i += size
				continue
			case (r == '-' || r == '‑' || r == '&') && isWordRune(prev) && isWordRune(next):
				allDigits = false
				i += size
				continue
			case (r == ',' || r == '.' || r == '/' || r == ':') && unicode.IsDigit(prev) && unicode.IsDigit(next):
				i += size
				continue
			case r == '.' && unicode.IsLetter(prev) && unicode.IsLetter(next) && isAbbrevShape(s[start:i]):
				// "U.S", "e.g": single letters joined by dots
				i += size
				continue
			}
		}
		// trailing dot of an abbreviation built from single letters ("U.S.")
		if r == '.' && strings.Contains(s[start:i], ".") && isAbbrevShape(s[start:i]) {
			i += size
		}
		break
	}
	if allDigits {
		return i, document.TokNumber
	}
	if r, _ := utf8.DecodeRuneInString(s[start:]); unicode.IsDigit(r) && looksNumeric(s[start:i]) {
		return i, document.TokNumber
	}
	return i, document.TokWord
}

func looksNumeric(w string) bool {
	for _, r := range w {
		if !(unicode.IsDigit(r) || r == ',' || r == '.' || r == '/' || r == ':') {
			return false
		}
	}
	return true
}

// isAbbrevShape reports whether w is like "U", "U.S", "e.g": letters, each
// group one letter long, separated by dots.
func isAbbrevShape(w string) bool {
	n := 0
	for _, r := range w {
		if r == '.' {
			if n != 1 {
				return false
			}
			n = 0
			continue
		}
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n <= 1
}

func possessive(s string, start, end int) int {
	w := s[start:end]
	for _, suf := range []string{"'s", "’s", "'S", "’S"} {
		if len(w) > len(suf) && strings.HasSuffix(w, suf) {
			return end - len(suf)
		}
	}
	return start
}

func urlEnd(s string, i, to int) int {
	rest := s[i:to]
	hasScheme := strings.HasPrefix(rest, "http://") || strings.HasPrefix(rest, "https://")
	if !hasScheme && !strings.HasPrefix(rest, "www.") {
		return i
	}
	j := 0
	for j < len(rest) && j < 2048 {
		c := rest[j]
		if c <= ' ' || c == '"' || c == '<' || c == '>' || c >= utf8.RuneSelf {
			break
		}
		j++
	}
	// trailing punctuation belongs to the sentence
	for j > 0 && strings.IndexByte(".,;:!?)]'", rest[j-1]) >= 0 {
		j--
	}
	if j <= 4 {
		return i
	}
	return i + j
}
