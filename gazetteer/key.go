package gazetteer

import (
	"strings"
	"unicode"

	"github.com/newslens/newslens/text"
)

// arabicArticles are the romanised forms of the Arabic definite article that
// transliterations attach to a name in many ways ("Deir ez-Zor", "Dayr az
// Zawr", "Deir al-Zour"); a key drops them when they precede another word.
var arabicArticles = map[string]bool{
	"al": true, "el": true, "ad": true, "ar": true, "as": true, "at": true, "az": true,
	"ez": true, "es": true, "ed": true, "er": true, "et": true, "an": true, "en": true,
	"ash": true, "adh": true, "ul": true, "ud": true, "uz": true, "ut": true,
}

// Key folds a place name for exact matching: diacritics, case, apostrophes
// and hyphens go (text.Fold), a leading "the" and the Arabic article are
// dropped, and common transliteration variants are conflated within each
// word (q/k, ou/u, ay/ei/ai/ey, aw/o, ee/i, oo/u, doubled letters). Both the
// index and the text go through the same function, so the conflation only
// has to be consistent, not linguistically exact.
func Key(s string) string {
	f := text.Fold(s)
	if f == "" {
		return ""
	}
	words := strings.FieldsFunc(f, func(r rune) bool {
		return unicode.IsSpace(r) || r == '’' || r == '‘' || r == '`' || r == '´' || r == 'ʻ' || r == 'ʼ' ||
			r == '(' || r == ')' || r == ',' || r == '"' || r == '/' || r == ';' || r == ':'
	})
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	out := words[:0]
	for i, w := range words {
		if i < len(words)-1 && arabicArticles[w] {
			continue
		}
		if i > 0 {
			w = attachedArticle(w)
		}
		out = append(out, translit(w))
	}
	return strings.Join(out, " ")
}

// attachedArticle strips an assimilated Arabic article written into the
// word, as in "Ezzor", "Azzor", "Arraqqa": a vowel, then a doubled sun
// letter. Only non-initial words are stripped ("Deir Ezzor"), which keeps
// English names such as "Essex" intact.
func attachedArticle(w string) string {
	if len(w) >= 5 && (w[0] == 'a' || w[0] == 'e') && w[1] == w[2] && strings.IndexByte("zsdrtnl", w[1]) >= 0 {
		return w[2:]
	}
	return w
}

// translit conflates spelling variants inside one folded word.
func translit(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		var n byte
		if i+1 < len(w) {
			n = w[i+1]
		}
		switch {
		case c == 'q':
			c = 'k'
		case c == 'o' && n == 'u', c == 'o' && n == 'o':
			c, i = 'u', i+1
		case c == 'o':
			// Arabic and Persian o/u are one vowel (Zor/Zour/Zur).
			c = 'u'
		case c == 'h' && i == len(w)-1 && len(b) > 0 && strings.IndexByte("aeiu", b[len(b)-1]) >= 0:
			// Final -ah/-eh: Raqqah/Raqqa, Hamah/Hama.
			continue
		case c == 'e' && n == 'e':
			c, i = 'i', i+1
		case (c == 'a' || c == 'e') && (n == 'y' || n == 'i') && i+1 < len(w):
			// ay, ai, ey -> ei (Dayr/Deir, Zaid/Zeid); "ei" itself stays.
			b = append(b, 'e', 'i')
			i++
			continue
		case c == 'a' && n == 'w' && i+2 >= len(w)-1:
			// Zawr/Zor: a final -aw- before at most one letter.
			c, i = 'u', i+1
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue // doubled letters: Azzor/Azor, Raqqa/Raqa
		}
		b = append(b, c)
	}
	return string(b)
}

// Skeleton is a coarse consonant key for fuzzy transliteration matching:
// the Key without spaces, vowels, y, w and h, with similar consonants
// merged. "Akerbat" and "‘Uqayribāt" share "krbt". It is only used when no
// exact key matches, and the resolver demands corroboration before trusting
// it.
func Skeleton(s string) string {
	k := Key(s)
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 0x80 {
			return "" // non-Latin keys have no skeleton
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'w', 'h', ' ', '\'', '.':
			continue
		case 'c', 'q':
			c = 'k'
		case 'z':
			c = 's'
		case 'p':
			c = 'b'
		case 'v':
			c = 'f'
		case 'j':
			c = 'g'
		}
		if c < 'a' || c > 'z' {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	if len(b) < 3 {
		return ""
	}
	return string(b)
}
