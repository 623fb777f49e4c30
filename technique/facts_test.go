package technique

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// TestWordFactsMatch checks that the precomputed word facts give the same
// prepared tokens as computing every word's facts from the tables.
func TestWordFactsMatch(t *testing.T) {
	m := newAnalyzer(t).Model()
	if len(m.lex.fact.facts) == 0 {
		t.Fatal("the decoded model has no word facts table")
	}
	slow := *m.lex
	slow.fact = factTable{}
	short, err := os.ReadFile(filepath.Join("testdata", "short.txt"))
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{
		"short": string(short),
		// derived WordNet classes (plurals, -ish, compounds), capitalised
		// nationality adjectives, words in no table, non-ASCII
		"derived": "Oafish thugs and cut-throats, war-mongers and Stooges! The Turkish and Polish PRESIDENTS " +
			"met zxqvwords, café owners and naïve ‘liberators’ in Aleppo; 12,000 men.",
	}
	for name, s := range texts {
		t.Run(name, func(t *testing.T) {
			doc := &document.Document{Text: s}
			text.Segment(doc)
			fast, want := prepare(doc, m.lex), prepare(doc, &slow)
			if len(fast.toks) == 0 {
				t.Fatal("no tokens")
			}
			for i := range want.toks {
				if !reflect.DeepEqual(fast.toks[i], want.toks[i]) {
					t.Errorf("token %q: table gives %+v, tables %+v", want.toks[i].lower, fast.toks[i], want.toks[i])
				}
			}
		})
	}
}
