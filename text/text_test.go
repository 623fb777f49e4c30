package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

func tokStrings(s string) []string {
	var out []string
	for _, t := range Tokenize(s) {
		out = append(out, s[t.Start:t.End])
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want string // tokens joined by |
	}{
		{"About 25,000 civilians.", "About|25,000|civilians|."},
		{"The U.S. and Britain’s envoy", "The|U.S.|and|Britain|’s|envoy"},
		{"Zeid Ra’ad al-Hussein said", "Zeid|Ra’ad|al-Hussein|said"},
		{"on 26/08/2017 at 1.5%", "on|26/08/2017|at|1.5|%"},
		{"see https://example.com/a?b=1.", "see|https://example.com/a?b=1|."},
		{"“Given the ‘liberation’,” he said", "“|Given|the|‘|liberation|’|,|”|he|said"},
		{"£200m of aid", "£|200m|of|aid"},
		{"Wait...what?!", "Wait|...|what|?|!"},
		{"don't stop", "don't|stop"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := strings.Join(tokStrings(tt.in), "|")
			if got != tt.want {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func sentStrings(s string) []string {
	var out []string
	for _, se := range Sentences(s, Tokenize(s)) {
		out = append(out, s[se.Start:se.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Mr. Smith went to Washington. He said so.", []string{"Mr. Smith went to Washington.", "He said so."}},
		{"The U.S. Army said 2.5 million. Then it left.", []string{"The U.S. Army said 2.5 million.", "Then it left."}},
		{"He said: “We will win.” Then he left.", []string{"He said: “We will win.”", "Then he left."}},
		{"John F. Kennedy spoke. Crowds cheered!", []string{"John F. Kennedy spoke.", "Crowds cheered!"}},
		{"Headline without stop\nFirst sentence here.", []string{"Headline without stop", "First sentence here."}},
		{"It rose 3.5 per cent. (Reuters) Later, more.", []string{"It rose 3.5 per cent.", "(Reuters) Later, more."}},
		{"Visit www.bbc.co.uk. It is good.", []string{"Visit www.bbc.co.uk.", "It is good."}},
		{"prices fell. but not much", []string{"prices fell. but not much"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := sentStrings(tt.in)
			if strings.Join(got, "‖") != strings.Join(tt.want, "‖") {
				t.Errorf("Sentences(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeMap(t *testing.T) {
	src := "“Don’t”\u00a0–\u00adsoft… end"
	n, m := Normalize(src)
	if n != "\"Don't\" -soft... end" {
		t.Fatalf("Normalize = %q", n)
	}
	// "end" must map back to "end" in the source
	i := strings.Index(n, "end")
	if got := src[m.ToSource(i):m.ToSource(i+3)]; got != "end" {
		t.Errorf("mapped back %q", got)
	}
	j := strings.Index(n, "Don't")
	if got := src[m.ToSource(j):m.ToSource(j+5)]; got != "Don’t" {
		t.Errorf("mapped back %q", got)
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"Deir ez-Zor":       "deir ez zor",
		"‘Uqayribāt":        "uqayribat",
		"Ra’ad  AL-Hussein": "raad al hussein",
		"São Paulo":         "sao paulo",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSegment(f *testing.F) {
	for _, s := range []string{"Mr. Smith said “hi.” Then 25,000 left.", "a\x00\xff\xfe b", "U.S.A. e.g. ...!!!??", "“‘«»’”", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := &document.Document{Text: strings.ToValidUTF8(s, "\ufffd")}
		Segment(doc)
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		prev := 0
		for _, tok := range doc.Tokens {
			if tok.Start < prev || tok.End <= tok.Start || tok.End-tok.Start > 2048 {
				t.Fatalf("bad token %v after %d", tok, prev)
			}
			prev = tok.End
		}
		for i, se := range doc.Sentences {
			if se.EndToken <= se.FirstToken || (i > 0 && se.FirstToken != doc.Sentences[i-1].EndToken) {
				t.Fatalf("bad sentence %v", se)
			}
		}
		n, m := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatal("normalized text not valid UTF-8")
		}
		for i := 0; i <= len(n); i++ {
			if j := m.ToSource(i); j < 0 || j > len(s) {
				t.Fatalf("ToSource(%d) = %d out of [0,%d]", i, j, len(s))
			}
		}
	})
}

// BenchmarkNormalizeFold measures the matching helpers on the words of
// a news text: most are ASCII and unchanged.
func BenchmarkNormalizeFold(b *testing.B) {
	words := strings.Fields("Zeid Ra’ad al-Hussein, the U.N. human rights chief, said on Monday that “at least 25,000” civilians had fled Deir ez-Zor — a city of 300,000 — since the offensive began…")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, w := range words {
			Normalize(w)
			Fold(w)
		}
	}
}
