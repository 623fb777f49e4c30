// Package names folds personal, organisation and place names into
// transliteration-aware matching keys, so that spellings of one name that
// differ only by romanisation ("Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor")
// share a key, and gives a similarity for fuzzy matching of the rest
// ("Akerbat" and "Uqayribat").
//
// [Key] builds on [text.Fold] (diacritics, apostrophes, ayn and hamza,
// hyphens, case) and then
//
//   - drops the Arabic article (al-, el-, and the assimilated ez-, az-, ad-,
//     ash-, ...), whether written apart, hyphenated or, for the assimilated
//     e- forms and az- after the first word, attached ("Ezzor", "Azzor");
//   - rewrites common romanisation pairs: q/k, ph/f, dj/j, ck/k, and a
//     final h after a vowel;
//   - collapses double letters;
//   - reduces every vowel group (with a following y or w that closes a
//     diphthong) to one of three classes: "u" when it has o, u or w
//     (o/ou/u/aw/oo), "i" for i, ee, ie, iy, and "a" otherwise (a, e, ai,
//     ay, ei, ey), so Deir/Dayr/Dair, Zor/Zawr/Zour, Hussein/Husayn and
//     Mohammed/Muhammad agree.
//
// The key is lossy on purpose: it is a matching key, never a display form.
// Different names can share a key ("Bush" and "Bosh"); callers that merge
// on keys should also use context (type, other name parts).
package names

import (
	"strings"

	"github.com/newslens/newslens/text"
)

// articles are the romanised forms of the Arabic definite article when they
// stand as a word of their own (after text.Fold split "al-Assad").
var articles = map[string]bool{
	"al": true, "el": true, "il": true, "ul": true,
	"ad": true, "ed": true, "adh": true, "edh": true,
	"an": true, "en": true, "ar": true, "er": true,
	"as": true, "es": true, "ash": true, "esh": true,
	"at": true, "et": true, "ath": true, "eth": true,
	"az": true, "ez": true, "adz": true,
}

// sunLetters are the consonants the article assimilates to ("ez-Zor",
// "ash-Sham"); an attached assimilated article doubles them ("Ezzor").
var sunLetters = []string{"sh", "th", "dh", "t", "d", "r", "z", "s", "n"}

// Key returns the transliteration-aware matching key of a name. Words are
// separated by single spaces; an empty or article-only name gives "".
func Key(s string) string {
	f := text.Fold(s)
	// text.Fold separates words by single spaces, so they are the spans
	// between spaces; counting them first keeps the article rule ("al" is
	// dropped only when it is not the whole name) without a word slice.
	nw := 0
	if f != "" {
		nw = strings.Count(f, " ") + 1
	}
	var b []byte
	for i, rest := 0, f; rest != ""; i++ {
		w := rest
		if k := strings.IndexByte(rest, ' '); k >= 0 {
			w, rest = rest[:k], rest[k+1:]
		} else {
			rest = ""
		}
		if w == "" || articles[w] && nw > 1 {
			continue
		}
		if i > 0 {
			w = stripAttachedArticle(w)
		}
		n := len(b)
		if n > 0 {
			b = append(b, ' ')
		}
		if b = appendWordKey(b, w); len(b) == n+1 && n > 0 {
			b = b[:n] // empty key: no separator
		}
	}
	return string(b)
}

// stripAttachedArticle removes an assimilated article written into the word:
// "ezzor" → "zor", "essham" → "sham", "azzor" → "zor". Only words after the
// first are considered, since a name's first word is rarely an article; and
// only e- forms plus "azz", because a- with other doubled letters is common
// in names themselves ("Assad", "Addis", "Arras").
func stripAttachedArticle(w string) string {
	if len(w) < 5 {
		return w
	}
	if strings.HasPrefix(w, "azz") {
		return w[1:]
	}
	if w[0] != 'e' {
		return w
	}
	rest := w[1:]
	for _, c := range sunLetters {
		if strings.HasPrefix(rest, c+c) && len(rest)-len(c) >= 3 {
			return rest[len(c):]
		}
	}
	return w
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// pairs are consonant romanisation pairs rewritten before vowel grouping.
var pairs = strings.NewReplacer("ph", "f", "dj", "j", "ck", "k", "q", "k")

// appendPairs appends w to b with the pairs rewritten, as pairs.Replace
// does: left to right, without overlaps; no two pairs start with the same
// byte, so at most one matches at a position. It saves the Replacer's
// allocations.
func appendPairs(b []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if i+1 < len(w) {
			switch {
			case c == 'p' && w[i+1] == 'h':
				b = append(b, 'f')
				i++
				continue
			case c == 'd' && w[i+1] == 'j':
				b = append(b, 'j')
				i++
				continue
			case c == 'c' && w[i+1] == 'k':
				b = append(b, 'k')
				i++
				continue
			}
		}
		if c == 'q' {
			c = 'k'
		}
		b = append(b, c)
	}
	return b
}

// wordKey rewrites one folded word.
func wordKey(w string) string { return string(appendWordKey(nil, w)) }

// appendWordKey appends the key of one folded word to b.
func appendWordKey(b []byte, w string) []byte {
	// consonant pairs first, so vowel grouping sees the final consonants
	if strings.ContainsAny(w, "phdjckq") {
		var buf [64]byte // words are short; a longer one spills to the heap
		w = string(appendPairs(buf[:0], w))
	}
	start := len(b)
	for i := 0; i < len(w); {
		c := w[i]
		if isVowel(c) {
			j := i
			// y and w after a vowel are glides of the group ("ay", "aw",
			// "ayi" in Uqayribat), so Dayr/Deir and Zawr/Zor agree
			for j < len(w) && (isVowel(w[j]) || w[j] == 'y' || w[j] == 'w') {
				j++
			}
			b = append(b, vowelClass(w[i:j]))
			i = j
			continue
		}
		// final h after a vowel ("Hamah", "Raqqah") is silent
		if c == 'h' && i == len(w)-1 && len(b) > start && isVowel(b[len(b)-1]) && i > 0 && !isConsonantDigraphH(w, i) {
			i++
			continue
		}
		if len(b) > start && b[len(b)-1] == c {
			i++ // double letters
			continue
		}
		b = append(b, c)
		i++
	}
	return b
}

// isConsonantDigraphH reports whether the h at i closes sh, kh, th, gh, dh.
func isConsonantDigraphH(w string, i int) bool {
	if i == 0 {
		return false
	}
	switch w[i-1] {
	case 's', 'k', 't', 'g', 'd', 'c', 'z':
		return true
	}
	return false
}

// vowelClass reduces a vowel group (with y/w glides) to a, i or u.
func vowelClass(g string) byte {
	if strings.ContainsAny(g, "ouw") {
		return 'u'
	}
	switch g {
	case "i", "ii", "ee", "ie", "iy", "iyy", "ea", "eey":
		return 'i'
	}
	return 'a'
}

// Similarity returns how alike two names are, from 0 to 1, comparing their
// keys by an edit distance in which vowel edits cost half, since vowels are
// what romanisations disagree on most. Identical keys give 1.
func Similarity(a, b string) float64 {
	return KeySimilarity(Key(a), Key(b))
}

// KeySimilarity is Similarity on keys already computed with Key.
func KeySimilarity(ka, kb string) float64 {
	if ka == kb {
		if ka == "" {
			return 0
		}
		return 1
	}
	n := max(len(ka), len(kb))
	if n == 0 {
		return 0
	}
	d := editDistance(ka, kb)
	s := 1 - d/float64(n)
	if s < 0 {
		return 0
	}
	return s
}

func cost(c byte) float64 {
	if isVowel(c) {
		return 0.5
	}
	return 1
}

// editDistance is Levenshtein with vowel insertions, deletions and
// vowel-for-vowel substitutions costing 0.5.
func editDistance(a, b string) float64 {
	// two rows on the stack for names of ordinary length
	var buf [2 * 48]float64
	var prev, cur []float64
	if len(b)+1 <= len(buf)/2 {
		prev, cur = buf[:len(b)+1], buf[len(buf)/2:len(buf)/2+len(b)+1]
	} else {
		prev, cur = make([]float64, len(b)+1), make([]float64, len(b)+1)
	}
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + cost(b[j-1])
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = prev[0] + cost(a[i-1])
		for j := 1; j <= len(b); j++ {
			sub := 0.0
			if a[i-1] != b[j-1] {
				sub = 1
				if isVowel(a[i-1]) && isVowel(b[j-1]) {
					sub = 0.5
				}
			}
			cur[j] = min(prev[j-1]+sub, prev[j]+cost(a[i-1]), cur[j-1]+cost(b[j-1]))
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Close reports whether two names are likely spellings of one name: equal
// keys, or a similarity of at least 0.85 between keys of 4 or more letters.
func Close(a, b string) bool {
	ka, kb := Key(a), Key(b)
	if ka == kb {
		return ka != ""
	}
	if len(ka) < 4 || len(kb) < 4 {
		return false
	}
	return KeySimilarity(ka, kb) >= 0.85
}
