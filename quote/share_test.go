package quote

import (
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// TestShareSubjects checks which cues take the source of the attribution
// before them in the sentence: a sourceless cue always, a participle after
// a comma even over a source of its own, other cues never over their own.
func TestShareSubjects(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		cue, own   string // the second attribution's cue and own source ("": none)
		want       string // its source after shareSubjects
	}{
		{"participle over its own source", "“It works,” Anderson said, adding that Sanders is “the most trustworthy.”",
			"adding", "Sanders", "Anderson"},
		{"participle without a source", "Cruz said the race is close, adding that Trump attacks him.",
			"adding", "", "Cruz"},
		{"no comma: own source kept", "Cruz said the race is close and Trump insisted that it is not.",
			"insisted", "Trump", "Trump"},
		{"not a participle: own source kept", "Cruz said the race is close, Trump argued in reply.",
			"argued", "Trump", "Trump"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.text
			toks := text.Tokenize(s)
			sentOf := sentIndex(toks, text.Sentences(s, toks))
			at := func(w string) document.Span {
				i := strings.Index(s, w)
				return document.Span{Start: i, End: i + len(w)}
			}
			src := "Anderson"
			if !strings.HasPrefix(tc.text, "“") {
				src = "Cruz"
			}
			as := []attribution{
				{source: at(src), hasSource: true, cue: at("said"), hasCue: true, content: at("the"), inherited: -1, c2: -1},
				{cue: at(tc.cue), hasCue: true, content: at("is"), inherited: -1, c2: -1},
			}
			if tc.own != "" {
				as[1].source, as[1].hasSource = at(tc.own), true
			}
			shareSubjects(s, toks, sentOf, as)
			got := ""
			if as[1].hasSource {
				got = s[as[1].source.Start:as[1].source.End]
			}
			if got != tc.want {
				t.Errorf("source of %q = %q, want %q", tc.cue, got, tc.want)
			}
		})
	}
}
