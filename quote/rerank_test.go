package quote

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// rrTestDoc prepares s for the reranker and returns it with the token
// range of the first occurrence of each of the given phrases.
func rrTestDoc(t *testing.T, s string, phrases ...string) (*rrDoc, []document.Span) {
	t.Helper()
	toks := text.Tokenize(s)
	sents := text.Sentences(s, toks)
	d := &rrDoc{s: s, toks: toks, sentOf: sentIndex(toks, sents)}
	var out []document.Span
	for _, p := range phrases {
		i := strings.Index(s, p)
		if i < 0 {
			t.Fatalf("%q not in %q", p, s)
		}
		out = append(out, document.Span{Start: i, End: i + len(p)})
	}
	return d, out
}

func TestRerankCandidates(t *testing.T) {
	tests := []struct {
		name                 string
		text                 string
		source, cue, content string
		role                 int
		want, notWant        []string
	}{
		{
			name: "source cut before a relative clause", role: rrSource,
			text:   "Mike Pence, who spoke in Ohio, said the plan would work.",
			source: "Mike Pence, who spoke in Ohio", cue: "said", content: "the plan would work",
			want: []string{"Mike Pence", "Mike Pence, who spoke in Ohio", "(none)"},
		},
		{
			name: "source widened to a title", role: rrSource,
			text:   "On Monday Sen. Elizabeth Warren said that the bill was dead.",
			source: "Elizabeth Warren", cue: "said", content: "the bill was dead",
			want:    []string{"Sen. Elizabeth Warren", "Elizabeth Warren"},
			notWant: []string{"Warren said"}, // never into the cue
		},
		{
			name: "cue with its particle", role: rrCue,
			text:   "The governor urged lawmakers to pass the budget.",
			source: "The governor", cue: "urged", content: "lawmakers to pass the budget",
			want:    []string{"urged"},
			notWant: []string{"governor urged", "(none)"}, // never into the source; a cue is never dropped
		},
		{
			name: "cue with a trailing phrase", role: rrCue,
			text:   "The ministry said in a statement that prices rose.",
			source: "The ministry", cue: "said", content: "prices rose",
			want: []string{"said", "said in", "said in a statement"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, sp := rrTestDoc(t, tc.text, tc.source, tc.cue, tc.content)
			q := &attribution{source: sp[0], cue: sp[1], content: sp[2], hasSource: true, hasCue: true, c2: -1}
			base := d.tokRange(q.source)
			if tc.role == rrCue {
				base = d.tokRange(q.cue)
			}
			got := map[string]bool{}
			for _, c := range d.candidates(d.site(q, tc.role, base), nil) {
				if c == rrNone {
					got["(none)"] = true
					continue
				}
				got[tc.text[d.toks[c.t0].Start:d.toks[c.t1-1].End]] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("candidates lack %q: %v", w, got)
				}
			}
			for _, w := range tc.notWant {
				if got[w] {
					t.Errorf("candidates include %q", w)
				}
			}
		})
	}
}

// TestRerankFit trains on a convention the tagger gets wrong (it keeps a
// trailing ", who …" clause in sources; the gold drops it) and checks that
// the model learns it, that it survives the model file, and that it leaves
// sources without such a clause alone.
func TestRerankFit(t *testing.T) {
	names := []string{"Mike Pence", "Ann Lee", "John Smith", "Maria Diaz", "Tom Ford", "Lisa Park"}
	set := &RerankSet{}
	for i, n := range names {
		s := n + ", who spoke in Ohio, said the plan would work."
		d, sp := rrTestDoc(t, s, n+", who spoke in Ohio", "said", "the plan would work")
		q := &attribution{source: sp[0], cue: sp[1], content: sp[2], hasSource: true, hasCue: true, c2: -1}
		base := d.tokRange(q.source)
		st := d.site(q, rrSource, base)
		cands := d.candidates(st, nil)
		gold := []GoldAttr{{Source: document.Span{Start: 0, End: len(n)}, Cue: sp[1], Content: sp[2]}}
		ex := rrExample{group: i % 2, role: rrSource, gold: rrGoldIndex(d, q, rrSource, cands, gold)}
		if ex.gold <= 0 {
			t.Fatalf("%s: gold candidate index %d, want > 0 (not the base)", n, ex.gold)
		}
		for _, c := range cands {
			ex.offs = append(ex.offs, len(ex.feats))
			ex.feats = d.features(st, c, ex.feats)
		}
		ex.offs = append(ex.offs, len(ex.feats))
		set.ex = append(set.ex, ex)
	}
	r, err := set.Fit(context.Background(), RerankOptions{Epochs: 20, Rate: 0.2}, 1)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := set.Score(r, 1)
	if src.Oracle != 3 || src.Base != 0 || src.Reranked != 3 {
		t.Errorf("held-out group: %+v, want all 3 reranked right", src)
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r2, err := LoadReranker(fstest.MapFS{"m": {Data: buf.Bytes()}}, "m")
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.w {
		if r.w[i] != r2.w[i] {
			t.Fatalf("weight %d: %v written, %v read", i, r.w[i], r2.w[i])
		}
	}
	s := "Karen Bass, who spoke in Ohio, said the plan would work."
	d, sp := rrTestDoc(t, s, "Karen Bass, who spoke in Ohio", "said", "the plan would work")
	as := []attribution{{source: sp[0], cue: sp[1], content: sp[2], hasSource: true, hasCue: true, c2: -1}}
	r2.rerank(d, as, &rrScratch{})
	if got := s[as[0].source.Start:as[0].source.End]; got != "Karen Bass" {
		t.Errorf("reranked source %q, want %q", got, "Karen Bass")
	}
	if _, err := LoadReranker(fstest.MapFS{"m": {Data: []byte("junk")}}, "m"); err == nil {
		t.Error("junk loaded as a model")
	}
}
