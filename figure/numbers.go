package figure

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxValue bounds every number the analyzer reports. Anything larger is not
// a count or amount a news article states (and 500-digit strings or "1e308"
// must not overflow downstream arithmetic), so it is rejected.
const maxValue = 1e15

// digitValue returns the value of a decimal digit rune. ASCII, Arabic-Indic,
// Extended Arabic-Indic (Persian) and fullwidth digits are accepted; other
// scripts' digits are rejected rather than guessed.
func digitValue(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '\u0660' && r <= '\u0669':
		return int(r - '\u0660'), true
	case r >= '\u06f0' && r <= '\u06f9':
		return int(r - '\u06f0'), true
	case r >= '\uff10' && r <= '\uff19':
		return int(r - '\uff10'), true
	}
	return 0, false
}

// asciiDigits rewrites the accepted digit scripts to ASCII and reports
// whether s contains only digits and the separators , . (in that order of
// preference). It refuses strings longer than a sane number.
func asciiDigits(s string) (string, bool) {
	if s == "" || len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	digits := 0
	for _, r := range s {
		if d, ok := digitValue(r); ok {
			b.WriteByte(byte('0' + d))
			digits++
			continue
		}
		switch r {
		case ',', '.', '\u066c': // ٬ Arabic thousands separator
			if r == '\u066c' {
				r = ','
			}
			b.WriteRune(r)
		case '\u066b': // ٫ Arabic decimal separator
			b.WriteByte('.')
		default:
			return "", false
		}
	}
	if digits == 0 {
		return "", false
	}
	return b.String(), true
}

// parseDigits parses "25,000", "1.5", "1,234.5", "12.000" (never European
// thousands: "12.000" is 12), Arabic-Indic digits included. Thousands
// separators must group by three; the result is finite and ≤ maxValue.
func parseDigits(s string) (float64, bool) {
	a, ok := asciiDigits(s)
	if !ok {
		return 0, false
	}
	if strings.Count(a, ".") > 1 {
		return 0, false
	}
	intPart, frac, _ := strings.Cut(a, ".")
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if len(intPart) == 0 || len(intPart) > 16 || strings.Contains(frac, ",") {
		return 0, false
	}
	num := intPart
	if frac != "" {
		num += "." + frac
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v > maxValue {
		return 0, false
	}
	return v, true
}

// isDigitsToken reports whether a token starts with a digit (any script).
func isDigitsToken(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	_, ok := digitValue(r)
	return ok
}

var smallNumbers = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}

var scaleWords = map[string]float64{
	"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"mn": 1e6, "bn": 1e9, "m": 1e6, "k": 1e3, "tn": 1e12, "mln": 1e6, "bln": 1e9, "b": 1e9,
}

// vagueNumbers are plural number words ("dozens of", "hundreds of"). Their
// value is the documented lower reading (two of the unit), marked approx
// "vague" — see docs/format.md.
var vagueNumbers = map[string]float64{
	"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6,
	"billions": 2e9, "tens": 20,
}

var pluralScales = map[string]float64{"thousands": 1e3, "millions": 1e6, "billions": 1e9}

// wordNumber parses "twenty-five" or "five".
func wordNumber(w string) (float64, bool) {
	if v, ok := smallNumbers[w]; ok {
		return v, true
	}
	if a, b, ok := strings.Cut(w, "-"); ok {
		t, ok1 := smallNumbers[a]
		u, ok2 := smallNumbers[b]
		if ok1 && ok2 && t >= 20 && t <= 90 && u >= 1 && u <= 9 {
			return t + u, true
		}
	}
	return 0, false
}

// suffixed parses "200m", "1.5bn", "3k", "10mn".
func suffixed(w string) (float64, bool) {
	i := 0
	for i < len(w) && (w[i] >= '0' && w[i] <= '9' || w[i] == '.' || w[i] == ',') {
		i++
	}
	if i == 0 || i == len(w) {
		return 0, false
	}
	s, ok := scaleWords[w[i:]]
	if !ok || s < 1e3 {
		return 0, false
	}
	v, ok := parseDigits(w[:i])
	if !ok || v*s > maxValue {
		return 0, false
	}
	return v * s, true
}

// number is a parsed numeric expression over tokens [first, end).
type number struct {
	first, end int     // token indexes; end exclusive
	value      float64 // the (lower) value
	max        float64 // upper value of a range, 0 when not a range
	approx     string  // "about", "at least", "vague", ... or ""
	approxTok  int     // first token of the approximation phrase, or -1
	digits     bool    // written with digits
	year       bool    // a bare four-digit integer 1000..2100 (possibly a year)
}

var approxPhrases = [][]string{
	{"at", "least"}, {"more", "than"}, {"less", "than"}, {"fewer", "than"}, {"as", "many", "as"},
	{"up", "to"}, {"close", "to"}, {"upwards", "of"}, {"an", "estimated"}, {"in", "excess", "of"},
	{"no", "fewer", "than"}, {"no", "less", "than"}, {"at", "most"}, {"just", "over"}, {"just", "under"},
	{"well", "over"}, {"about"}, {"around"}, {"roughly"}, {"approximately"}, {"nearly"},
	{"almost"}, {"some"}, {"over"}, {"estimated"}, {"approx"}, {"c."}, {"under"},
}

// parseNumber reads a number starting at token i of s: digits with an
// optional scale word, number words, vague plurals ("hundreds of") and
// ranges ("10 to 20", "between 10 and 20", "10-20").
func (s *scan) parseNumber(i int) (number, bool) {
	n, ok := s.parseSimple(i)
	if !ok {
		return n, false
	}
	// ranges: N to/and/- M, "between N and M"
	j := n.end
	if j+1 < len(s.toks) && (s.low[j] == "to" || s.low[j] == "-" || s.low[j] == "and" && i > 0 && s.low[i-1] == "between") {
		if m, ok := s.parseSimple(j + 1); ok && m.value > n.value && !m.year {
			n.max = m.value
			n.end = m.end
			n.year = false
		}
	}
	// "10-20" is one token for the tokenizer when both sides are digits joined by '-'
	return n, true
}

func (s *scan) parseSimple(i int) (number, bool) {
	n := number{first: i, end: i + 1, approxTok: -1}
	w := s.low[i]
	switch {
	case isDigitsToken(w):
		if v, ok := suffixed(w); ok {
			// "200m" is money only after a currency ("£200m"); alone it is
			// usually metres ("the 200m race")
			suf := strings.TrimLeft(w, "0123456789.,")
			if (suf == "m" || suf == "k" || suf == "b") && !s.currencyBefore(i) {
				return n, false
			}
			n.value, n.digits = v, true
			return n, true
		}
		if lo, hi, ok := strings.Cut(w, "-"); ok { // "10-20"
			a, ok1 := parseDigits(lo)
			b, ok2 := parseDigits(hi)
			if ok1 && ok2 && b > a {
				n.value, n.max, n.digits = a, b, true
				return n, true
			}
			return n, false
		}
		v, ok := parseDigits(w)
		if !ok {
			return n, false
		}
		n.value, n.digits = v, true
		if v >= 1000 && v <= 2100 && v == math.Trunc(v) && !strings.ContainsAny(w, ",.") && len(w) == 4 {
			n.year = true
		}
		// scale words: "1.5 million", "3 billion"
		if i+1 < len(s.toks) {
			if sc, ok := scaleWords[s.low[i+1]]; ok && (sc >= 1e3 && len(s.low[i+1]) > 2 || s.raw(i+1) == "bn" || s.raw(i+1) == "m" && s.currencyBefore(i)) {
				if n.value*sc <= maxValue {
					n.value *= sc
					n.end = i + 2
					n.year = false
				}
			}
		}
		return n, true
	case w == "a" || w == "an":
		// "a dozen", "a hundred", "a million"
		if i+1 < len(s.toks) {
			nw := s.low[i+1]
			if nw == "dozen" || nw == "hundred" || nw == "thousand" || nw == "million" || nw == "billion" {
				v := smallNumbers[nw]
				if v == 0 {
					v = scaleWords[nw]
				}
				n.value, n.end = v, i+2
				return n, true
			}
		}
		return n, false
	}
	if v, ok := vagueNumbers[w]; ok {
		// "tens of thousands", "hundreds of thousands", "dozens of"
		if i+2 < len(s.toks) && s.low[i+1] == "of" {
			if sc, ok := scaleWords[s.low[i+2]]; ok && len(s.low[i+2]) > 2 {
				n.end, n.approx = i+3, "vague"
				if w == "tens" {
					n.value = 2 * 10 * sc
				} else {
					n.value = v * sc
				}
				return n, true
			}
			// "hundreds of thousands", "tens of millions": the plural scale
			// word reads as its unit
			if sc, ok := pluralScales[s.low[i+2]]; ok && (w == "tens" || w == "hundreds") {
				n.value, n.end, n.approx = v*sc, i+3, "vague"
				if w == "tens" {
					n.value = 20 * sc
				}
				return n, true
			}
		}
		if w == "tens" || w == "scores" {
			// "tens" and "scores" alone are too ambiguous ("scores of 3-1")
			if !(i+1 < len(s.toks) && s.low[i+1] == "of") {
				return n, false
			}
		}
		n.value, n.approx = v, "vague"
		return n, true
	}
	v, ok := wordNumber(w)
	if !ok {
		return n, false
	}
	if w == "dozen" {
		return n, false // "a dozen" handled above; bare "dozen" is odd
	}
	// compound number words: "two hundred and fifty thousand"
	total, cur := 0.0, v
	j := i + 1
	for j < len(s.toks) {
		x := s.low[j]
		if sc, ok := scaleWords[x]; ok && len(x) > 2 {
			if sc == 100 {
				cur *= 100
			} else {
				total += cur * sc
				cur = 0
			}
			j++
			continue
		}
		if x == "and" && j+1 < len(s.toks) {
			if u, ok := wordNumber(s.low[j+1]); ok && u < 100 {
				cur += u
				j += 2
				continue
			}
			break
		}
		if u, ok := wordNumber(x); ok && u < 100 && cur >= 100 {
			cur += u
			j++
			continue
		}
		break
	}
	n.value = total + cur
	n.end = j
	if n.value > maxValue {
		return n, false
	}
	return n, true
}

// approxBefore finds an approximation phrase ending just before token i.
func (s *scan) approxBefore(i int) (string, int) {
	for _, p := range approxPhrases {
		k := i - len(p)
		if k < 0 {
			continue
		}
		ok := true
		for m, w := range p {
			if s.low[k+m] != w {
				ok = false
				break
			}
		}
		if ok {
			return strings.Join(p, " "), k
		}
	}
	return "", -1
}
