package quote

import (
	"testing"

	"github.com/newslens/newslens/document"
)

// TestDropWeak checks that cue-less reported clauses go, quotations and
// cued clauses stay, and continuation links follow the kept attributions.
func TestDropWeak(t *testing.T) {
	sp := func(a int) document.Span { return document.Span{Start: a, End: a + 5} }
	in := []attribution{
		{content: sp(0), cue: sp(6), hasCue: true, label: "indirect", inherited: -1}, // kept
		{content: sp(20), label: "indirect", inherited: 0},                           // dropped: no cue
		{content: sp(30), cue: sp(40), hasCue: true, label: "direct", inherited: -1}, // kept
		{content: sp(50), label: "direct", inherited: 2},                             // kept: a quotation continuing 2
		{content: sp(60), label: "mixed", inherited: 1},                              // kept, its speaker was dropped
	}
	out := dropWeak(in)
	tests := []struct {
		start, inherited int
	}{{0, -1}, {30, -1}, {50, 1}, {60, -1}}
	if len(out) != len(tests) {
		t.Fatalf("kept %d attributions, want %d", len(out), len(tests))
	}
	for i, tc := range tests {
		if out[i].content.Start != tc.start || out[i].inherited != tc.inherited {
			t.Errorf("out[%d] = content %d inherited %d, want %d, %d", i, out[i].content.Start, out[i].inherited, tc.start, tc.inherited)
		}
	}
	if got := dropWeak(out); len(got) != len(out) {
		t.Errorf("second pass dropped %d more", len(out)-len(got))
	}
}
