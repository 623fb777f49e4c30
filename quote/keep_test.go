package quote

import (
	"context"
	"testing"
)

// TestKeepFit trains the filter on a cue the annotators never take
// ("showed", with a report as its subject) beside one they always take
// ("said"), and checks that the held-out group is filtered the same way
// and that an untrained model (no filter weights) keeps everything.
func TestKeepFit(t *testing.T) {
	type row struct{ text, source, cue, content string }
	rows := []row{
		{"Ann Lee said the plan would work.", "Ann Lee", "said", "the plan would work"},
		{"The data showed the plan would work.", "The data", "showed", "the plan would work"},
		{"Tom Ford said prices will rise.", "Tom Ford", "said", "prices will rise"},
		{"The poll showed prices will rise.", "The poll", "showed", "prices will rise"},
		{"Lisa Park said the vote was close.", "Lisa Park", "said", "the vote was close"},
		{"The chart showed the vote was close.", "The chart", "showed", "the vote was close"},
		{"John Smith said the deal is dead.", "John Smith", "said", "the deal is dead"},
		{"The survey showed the deal is dead.", "The survey", "showed", "the deal is dead"},
	}
	set := &RerankSet{}
	type held struct {
		d  *rrDoc
		as []attribution
	}
	var test []held
	for i, r := range rows {
		d, sp := rrTestDoc(t, r.text, r.source, r.cue, r.content)
		as := []attribution{{source: sp[0], cue: sp[1], content: sp[2], hasSource: true, hasCue: true, c2: -1, inherited: -1, label: "indirect"}}
		var gold []GoldAttr
		if r.cue == "said" {
			gold = []GoldAttr{{Source: sp[0], Cue: sp[1], Content: sp[2]}}
		}
		group := i / 2 % 2
		d.eachKeep(as, func(k int, cu rrSpan) {
			ex := rrExample{group: group, role: rrKeep, gold: 1}
			if len(gold) > 0 {
				ex.gold = 0
			}
			for _, c := range []rrSpan{rrKeepSpan, rrDropSpan} {
				ex.offs = append(ex.offs, len(ex.feats))
				ex.feats = d.keepFeatures(&as[k], cu, c, ex.feats)
			}
			ex.offs = append(ex.offs, len(ex.feats))
			set.ex = append(set.ex, ex)
		})
		if group == 1 {
			test = append(test, held{d, as})
		}
	}
	r, err := set.Fit(context.Background(), RerankOptions{Epochs: 20, Rate: 0.2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ks := set.KeepScore(r, 1); ks.Real != 2 || ks.RealKept != 2 || ks.Wrong != 2 || ks.WrongKept != 0 {
		t.Errorf("held-out group: %+v, want the 2 real kept and the 2 spurious dropped", ks)
	}
	for _, h := range test {
		got := r.keep(h.d, h.as, &rrScratch{})
		want := 1
		if h.d.word(h.d.tokRange(h.as[0].cue).t0) == "showed" {
			want = 0
		}
		if len(got) != want {
			t.Errorf("%q: %d attributions kept, want %d", h.d.s, len(got), want)
		}
		if n := len((&Reranker{w: make([]float32, 1<<rrBits)}).keep(h.d, h.as, &rrScratch{})); n != 1 {
			t.Errorf("%q: a model without filter weights kept %d, want 1", h.d.s, n)
		}
	}
}
