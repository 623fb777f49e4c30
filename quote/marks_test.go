package quote

import (
	"strings"
	"testing"
)

func TestFindQuotes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // outer text of the outermost quotes, in order
	}{
		{"curly double", `He said: “We will win.” Then he left.`, []string{"“We will win.”"}},
		{"straight double", `"We will win," he said, "and soon."`, []string{`"We will win,"`, `"and soon."`}},
		{"single curly", `the ‘liberation’ of Raqqa`, []string{"‘liberation’"}},
		{"guillemets", `il a dit « nous gagnerons » hier`, []string{"« nous gagnerons »"}},
		{"german low-high", `Er sagte: „Wir gewinnen“ und ging.`, []string{"„Wir gewinnen“"}},
		{"apostrophes are not quotes", `Isil’s fighters and the terrorists’ gloom, don't`, nil},
		{"nested", `“We used to say ‘he has to go’ as a precondition.”`, []string{"“We used to say ‘he has to go’ as a precondition.”"}},
		{"multi-paragraph", "“First paragraph of the quote.\n\n“Second paragraph ends here.” he said.", []string{"“First paragraph of the quote.\n\n“Second paragraph ends here.”"}},
		{"unclosed runs to paragraph end", "“This never closes\n\nNext paragraph.", []string{"“This never closes"}},
		{"stray closing mark", "text” more text", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, q := range findQuotes(tt.in) {
				if q.depth == 0 {
					a, b := q.outer()
					got = append(got, tt.in[a:b])
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("findQuotes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFindQuotesNested(t *testing.T) {
	s := `“We used to say ‘he has to go’ as a precondition.”`
	var depths []int
	for _, q := range findQuotes(s) {
		depths = append(depths, q.depth)
	}
	if len(depths) != 2 || depths[0] != 0 || depths[1] != 1 {
		t.Errorf("depths = %v, want [0 1]", depths)
	}
}

func TestFindQuotesBounded(t *testing.T) {
	// 5,000 quote marks in one paragraph: linear time and a bounded result.
	s := strings.Repeat(`a “b ‘c " d `, 1700)
	qs := findQuotes(s)
	if len(qs) > maxQuoteSpans {
		t.Fatalf("%d quotes, want at most %d", len(qs), maxQuoteSpans)
	}
	for _, q := range qs {
		a, b := q.outer()
		if a < 0 || b > len(s) || a > b {
			t.Fatalf("bad span [%d,%d)", a, b)
		}
	}
}
