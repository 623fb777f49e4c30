package eval

import (
	"context"
	"testing"
)

func TestReadPolNeAR(t *testing.T) {
	arts, err := ReadPolNeAR("testdata/polnear")
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 {
		t.Fatalf("%d articles, want 1", len(arts))
	}
	a := arts[0]
	if a.Annotator != "4b22" {
		t.Errorf("annotator %s, want 4b22 (the id that sorts first)", a.Annotator)
	}
	if len(a.Attrs) != 2 {
		t.Fatalf("%d attributions, want 2", len(a.Attrs))
	}
	// offsets are code points in the .ann; "Café" and the curly quotes make
	// byte offsets differ, so the text must match exactly after conversion.
	want := []struct{ src, cue, con string }{
		{"Café owners", "said", "the “new rules” hurt"},
		{"He", "added", "“We will fight.”"},
	}
	for i, w := range want {
		x := a.Attrs[i]
		got := [3]string{a.Text[x.Source.Start:x.Source.End], a.Text[x.Cue.Start:x.Cue.End], a.Text[x.Content.Start:x.Content.End]}
		if got != [3]string{w.src, w.cue, w.con} {
			t.Errorf("attribution %d = %q", i, got)
		}
	}
	if a.Attrs[0].Direct || !a.Attrs[1].Direct {
		t.Errorf("direct flags = %v, %v; want false, true", a.Attrs[0].Direct, a.Attrs[1].Direct)
	}
}

func TestScoreQuotes(t *testing.T) {
	arts, err := ReadPolNeAR("testdata/polnear")
	if err != nil {
		t.Fatal(err)
	}
	gold := arts[0].Attrs
	tests := []struct {
		name                                   string
		pred                                   []QuoteAttr
		contentOverlap, contentExact, srcExact float64
		attr                                   float64
	}{
		{"perfect", gold, 1, 1, 1, 1},
		{"nothing", nil, 0, 0, 0, 0},
		{
			// content off by its trailing word: overlap yes, exact no; the
			// quote marks and full stop at the edges are normalised away.
			"partial", []QuoteAttr{{Source: gold[0].Source, Cue: gold[0].Cue,
				Content: QuoteSpan{Start: gold[0].Content.Start, End: gold[0].Content.End - len(" hurt"), Set: true}}},
			2.0 / 3, 0, 2.0 / 3, 2.0 / 3, // P 1, R 0.5 for each
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ScoreQuotes(context.Background(), arts, func(context.Context, string, string) ([]QuoteAttr, error) {
				return tt.pred, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want float64) {
				if d := got - want; d > 1e-9 || d < -1e-9 {
					t.Errorf("%s = %.4f, want %.4f", what, got, want)
				}
			}
			check("content overlap F1", res.ContentOverlapF1, tt.contentOverlap)
			check("content exact F1", res.ContentExactF1, tt.contentExact)
			check("source exact F1", res.SourceExactF1, tt.srcExact)
			check("attribution F1", res.AttributionF1, tt.attr)
		})
	}
}

func TestQuotesTrim(t *testing.T) {
	txt := `He said: “We will fight.” ok`
	s := quotesTrim(txt, QuoteSpan{Start: 7, End: len(txt) - 3, Set: true})
	if got := txt[s.Start:s.End]; got != "We will fight" {
		t.Errorf("trim = %q", got)
	}
	if e := quotesTrim(txt, QuoteSpan{Start: 7, End: 9, Set: true}); e.Set {
		t.Errorf("punctuation-only span should be empty, got %+v", e)
	}
}

func TestQuotesAgreement(t *testing.T) {
	multi, err := ReadPolNeARMulti("testdata/polnear")
	if err != nil {
		t.Fatal(err)
	}
	if len(multi) != 1 || len(multi[0]) != 2 {
		t.Fatalf("got %d articles, want 1 with 2 annotators", len(multi))
	}
	res, err := QuotesAgreement(context.Background(), multi)
	if err != nil {
		t.Fatal(err)
	}
	// 4b22 has cues "said" and "added", ef2d only "said" (and no source):
	// over both orders 2 of 3 cues match each way.
	near := func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
	if !near(res.CueExactF1, 2.0/3) || !near(res.ContentExactF1, 2.0/3) || res.SourceExactF1 != 0 {
		t.Errorf("cue %v content %v source %v, want 2/3, 2/3, 0", res.CueExactF1, res.ContentExactF1, res.SourceExactF1)
	}
	if res.Articles != 1 || res.Gold != 3 {
		t.Errorf("articles %d gold %d, want 1 and 3", res.Articles, res.Gold)
	}
}

func TestQuotesMismatches(t *testing.T) {
	txt := "Café owners said the rules hurt, he added."
	gold := []QuoteAttr{{Source: QuoteSpan{Start: 0, End: 12, Set: true}, Cue: QuoteSpan{Start: 13, End: 17, Set: true},
		Content: QuoteSpan{Start: 18, End: 32, Set: true}}}
	pred := []QuoteAttr{{Source: QuoteSpan{Start: 6, End: 12, Set: true}, Cue: QuoteSpan{Start: 13, End: 17, Set: true},
		Content: QuoteSpan{Start: 18, End: 27, Set: true}}, {Cue: QuoteSpan{Start: 37, End: 42, Set: true},
		Content: QuoteSpan{Start: 18, End: 32, Set: true}}}
	// the gold content is matched exactly by the second prediction, and
	// the first one's shorter content overlaps it: no content mismatch
	got := map[string]string{}
	for _, m := range QuotesMismatches("a", txt, pred, gold) {
		got[m.Role+" "+m.Kind] = m.Gold + "|" + m.Pred
	}
	want := map[string]string{
		"source shorter": "Café owners|owners",
		"cue spurious":   "|added",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
