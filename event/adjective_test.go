package event

import (
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// TestAdjectival checks the adjective reading of triggers that are also
// adjectives, on the word after "|" in each sentence.
func TestAdjectival(t *testing.T) {
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		adj  bool
	}{
		{"Hezbollah claimed |direct drone strikes on Daesh positions.", true},
		{"The opposition demanded |free elections.", true},
		{"The border crossing is |open again.", true},
		{"It was a more |open process.", true},
		{"The army vowed to |free the hostages.", false},
		{"Rebels |free hostages in Aleppo.", false},
		{"They |free prisoners every year.", false},
		{"The minister will |direct the inquiry.", false},
		{"Police |directed traffic.", false}, // inflected: never an adjective
		{"The talks |failed.", false},        // not a listed adjective
	} {
		t.Run(tc.text, func(t *testing.T) {
			at := strings.Index(tc.text, "|")
			txt := tc.text[:at] + tc.text[at+1:]
			doc := &document.Document{Text: txt}
			text.Segment(doc)
			s := sentence{doc: doc, a: a, toks: doc.Tokens}
			idx := -1
			for i, tk := range doc.Tokens {
				s.lem = append(s.lem, a.dict.Lemma(strings.ToLower(txt[tk.Start:tk.End])))
				if tk.Start == at {
					idx = i
				}
			}
			if idx < 0 {
				t.Fatal("no token at the marker")
			}
			if got := s.adjectival(idx); got != tc.adj {
				t.Errorf("adjectival(%q) = %v, want %v", txt[doc.Tokens[idx].Start:doc.Tokens[idx].End], got, tc.adj)
			}
		})
	}
}
