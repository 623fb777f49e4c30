package geo

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/newslens/newslens/gazetteer"
)

// TestGenerateAmbiguous rewrites ambiguous.txt from a word list when
// NEWSLENS_GEN_AMBIGUOUS names one.
func TestGenerateAmbiguous(t *testing.T) {
	src := os.Getenv("NEWSLENS_GEN_AMBIGUOUS")
	if src == "" {
		t.Skip("set NEWSLENS_GEN_AMBIGUOUS=/usr/share/dict/american-english to regenerate")
	}
	g, err := gazetteer.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := sc.Text()
		if len(w) < 3 || strings.ToLower(w) != w || strings.ContainsAny(w, "'") {
			continue
		}
		if len(g.Lookup(gazetteer.Key(w))) > 0 {
			set[w] = true
		}
	}
	words := make([]string, 0, len(set))
	for w := range set {
		words = append(words, w)
	}
	sort.Strings(words)
	out := "# lower-case English words (SCOWL wamerican) that are also gazetteer names; see ambiguous.go\n" + strings.Join(words, "\n") + "\n"
	if err := os.WriteFile("ambiguous.txt", []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d ambiguous words", len(words))
}

func TestAmbiguousLoaded(t *testing.T) {
	for _, w := range []string{"reading", "march", "hope"} {
		if !ambiguous[w] {
			t.Errorf("%q not in the ambiguous list", w)
		}
	}
	if ambiguous["aleppo"] {
		t.Error("aleppo listed as a common word")
	}
}
