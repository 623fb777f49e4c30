package gazetteer

import (
	"strings"

	"github.com/newslens/newslens/names"
)

// Key folds a place name for exact matching with [names.Key] (diacritics,
// case, apostrophes, hyphens, the Arabic article, romanisation pairs and
// vowel classes, so "Deir Ezzor", "Dayr az Zawr" and "Deir ez-Zor" agree),
// after dropping a leading "the" ("the Hague", "the Bekaa"). The index and
// the text go through the same function, so the conflation only has to be
// consistent, not linguistically exact.
func Key(s string) string {
	k := names.Key(s)
	if strings.HasPrefix(k, "tha ") {
		// names.Key's vowel classes turn "the" into "tha".
		k = k[4:]
	}
	return k
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
