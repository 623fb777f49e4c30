package portrayal

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// TestSentenceShare checks that scoring a sentence's mentions through the
// shared prefix sums (as Analyze does) gives the probabilities of scoring
// each mention on its own, for the shipped model and for sentences with
// several actors, repeated actors, and a window cut short by a long sentence.
func TestSentenceShare(t *testing.T) {
	m, err := Load(modelFS, ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("the troops advanced slowly and the villagers fled ", 30)
	cases := []struct {
		sent   string
		actors []string
	}{
		{"Russia and Hezbollah helped the Syrian army defeat Daesh, while the US-led coalition bombed Raqqa.", []string{"Russia", "Hezbollah", "Syrian army", "Daesh", "US-led coalition", "Raqqa"}},
		{"Johnson praised Johnson's critics but not May, who called Corbyn a stooge of Moscow.", []string{"Johnson", "May", "Corbyn", "Moscow"}},
		{"Smith " + long + "said Jones, and Brown " + long + "agreed with Smith.", []string{"Smith", "Jones", "Brown"}},
	}
	var share sentShare
	for _, c := range cases {
		toks := text.Tokenize(c.sent)
		var spans []document.Span
		var ids []string
		for _, a := range c.actors {
			for off := 0; ; {
				k := strings.Index(c.sent[off:], a)
				if k < 0 {
					break
				}
				spans = append(spans, document.Span{Start: off + k, End: off + k + len(a)})
				ids = append(ids, a)
				off += k + len(a)
			}
		}
		infos := m.fs.sentenceInfos(c.sent, toks, nil, nil)
		share.build(&m.fs, infos, m.wq, uint32(1)<<m.bits-1)
		for i, sp := range spans {
			var others []document.Span
			for j, o := range spans {
				if j != i && ids[j] != ids[i] {
					others = append(others, o)
				}
			}
			sortSpans(others)
			plain := Target{Sentence: c.sent, Tokens: toks, Span: sp, Others: others}
			shared := plain
			shared.infos, shared.share = infos, &share
			want, got := m.Probs(&plain), m.Probs(&shared)
			for k := range got {
				if math.Abs(got[k]-want[k]) > 1e-6 {
					t.Errorf("%q in %.40q: shared %v, alone %v", c.sent[sp.Start:sp.End], c.sent, got, want)
					break
				}
			}
		}
	}
}

func sortSpans(s []document.Span) {
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
}

// TestTokenInfo checks that the allocation-free word info of a token is the
// info of its feature form, across case, numbers, curly apostrophes and
// non-ASCII words.
func TestTokenInfo(t *testing.T) {
	m, err := Load(modelFS, ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	src := "The TERRORISTS didn't DON'T don’t Can't 1,200 3rd Ölkrise über ÉTAT naïve \"stooges\" a B (x)"
	for _, tk := range text.Tokenize(src) {
		want := m.fs.info(tokenWord(src, tk))
		if got := m.fs.tokenInfo(src, tk); got != want {
			t.Errorf("%q: tokenInfo %+v, info %+v", src[tk.Start:tk.End], got, want)
		}
	}
}
