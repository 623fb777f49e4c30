package names

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/text"
)

// keyRef, wordKeyRef and editDistanceRef are Key, wordKey and
// editDistance as first written; the faster versions must agree exactly.

func keyRef(s string) string {
	words := strings.Fields(text.Fold(s))
	out := make([]string, 0, len(words))
	for i, w := range words {
		if articles[w] && len(words) > 1 {
			continue
		}
		if i > 0 {
			w = stripAttachedArticle(w)
		}
		if k := wordKeyRef(w); k != "" {
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}
func wordKeyRef(w string) string {
	// consonant pairs first, so vowel grouping sees the final consonants
	w = pairs.Replace(w)
	b := make([]byte, 0, len(w))
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
		if c == 'h' && i == len(w)-1 && len(b) > 0 && isVowel(b[len(b)-1]) && i > 0 && !isConsonantDigraphH(w, i) {
			i++
			continue
		}
		if len(b) > 0 && b[len(b)-1] == c {
			i++ // double letters
			continue
		}
		b = append(b, c)
		i++
	}
	return string(b)
}
func editDistanceRef(a, b string) float64 {
	prev := make([]float64, len(b)+1)
	cur := make([]float64, len(b)+1)
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

var refCases = []string{"", "al", "al-Assad", "Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Bashar al- Assad",
	"Raqqah", "Hamah", "Mohammed bin Salman", "Phillip Djokovic", "Quick Check", "Ṣanʿāʾ", "el el", "Ελληνικά Κείμενο",
	"Abu Bakr al-Baghdadi", "Staffan de Mistura", "a", "h", "Ahh", "ZZZZ  zz"}

func checkKeySame(t *testing.T, a, b string) {
	t.Helper()
	if k, r := Key(a), keyRef(a); k != r {
		t.Fatalf("Key(%q) = %q, reference %q", a, k, r)
	}
	ka, kb := Key(a), Key(b)
	if d, r := editDistance(ka, kb), editDistanceRef(ka, kb); d != r {
		t.Fatalf("editDistance(%q, %q) = %v, reference %v", ka, kb, d, r)
	}
	// the length bound callers use to skip the edit distance (entity merge)
	la, lb := len(ka), len(kb)
	if 5*(max(la, lb)-min(la, lb)) > max(la, lb) && KeySimilarity(ka, kb) >= 0.9 {
		t.Fatalf("KeySimilarity(%q, %q) >= 0.9 with lengths %d and %d", ka, kb, la, lb)
	}
}

func TestKeySameAsReference(t *testing.T) {
	for i, s := range refCases {
		checkKeySame(t, s, refCases[(i+1)%len(refCases)])
	}
	long := strings.Repeat("Abdelrahman ", 8)
	checkKeySame(t, long, long+"x")
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "..", "shared", "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Skip("sample not found")
	}
	var prev string
	for _, tok := range text.Tokenize(string(b)) {
		w := string(b[tok.Start:tok.End])
		checkKeySame(t, w, prev)
		checkKeySame(t, prev+" "+w, w)
		prev = w
	}
}

func FuzzKeySame(f *testing.F) {
	for _, s := range refCases {
		f.Add(s, "Deir ez-Zor")
	}
	f.Fuzz(func(t *testing.T, a, b string) { checkKeySame(t, a, b) })
}
