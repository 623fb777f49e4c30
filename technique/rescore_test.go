package technique

import (
	"bytes"
	"context"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

func TestSelectSpans(t *testing.T) {
	// candidates over 10 tokens; bit 0 of configs is the base decoding
	cands := []scoredCand{
		{candidate: candidate{a: 0, b: 3, configs: 1}, logit: -2, chars: 12},
		{candidate: candidate{a: 0, b: 5, configs: 2}, logit: 0.5, chars: 20},
		{candidate: candidate{a: 4, b: 6, configs: 2}, logit: 0.2, chars: 8},
		{candidate: candidate{a: 6, b: 8, configs: 3}, logit: -0.5, chars: 8},
		{candidate: candidate{a: 7, b: 10, configs: 2}, logit: 1.0, chars: 12},
	}
	tests := []struct {
		name string
		sel  selection
		want []int
	}{
		{"filter only keeps base spans above the threshold", selection{Thr: -1, Other: rsNever}, []int{3}},
		{"base spans first, others fill the gaps", selection{Thr: -3, Other: 0}, []int{0, 2, 3}},
		{"without base spans the best others win", selection{Thr: rsNever, Other: 0}, []int{1, 4}},
		{"length weighs the order of others", selection{Thr: rsNever, Other: 0, Beta: 1}, []int{1, 4}},
		{"nothing above the thresholds", selection{Thr: 5, Other: 5}, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := selectSpans(cands, tc.sel, 10)
			if !reflect.DeepEqual(append([]int{}, got...), tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTrainRS(t *testing.T) {
	// one informative feature (precision 0.9 or 0.1) and noise features
	rng := rand.New(rand.NewSource(1))
	var ex []rsExample
	for i := 0; i < 2000; i++ {
		good := i%2 == 0
		y := float32(0.1)
		f := mix(rLen, 0)
		if good {
			y, f = 0.9, mix(rLen, 1)
		}
		ex = append(ex, rsExample{feats: []uint64{mix(rBias, 0), f, mix(rFirst, uint64(rng.Intn(50)))}, y: y})
	}
	m := trainRS(ex, 12, 6, 1e-5, 0.05, 1)
	pg := sigmoid(m.logit([]uint64{mix(rBias, 0), mix(rLen, 1), mix(rFirst, 999)}))
	pb := sigmoid(m.logit([]uint64{mix(rBias, 0), mix(rLen, 0), mix(rFirst, 999)}))
	if pg < 0.8 || pg > 0.97 || pb < 0.03 || pb > 0.2 {
		t.Errorf("soft targets 0.9 / 0.1 learned as %.3f / %.3f", pg, pb)
	}
}

// TestRescorerIdentity checks the rescorer path against the tagger alone:
// with zero weights, a base threshold below 0 and no other offsets
// allowed, it must output exactly the base decoding's spans; and a model
// with a rescorer survives encoding.
func TestRescorerIdentity(t *testing.T) {
	a := newAnalyzer(t)
	const s = "The corrupt elites betrayed our great nation, and the cowardly traitors lied again! " +
		"Nobody believes these shameless puppets. They want to destroy everything we love, the vile thugs."
	base := a.Model()
	opts := Options{}
	opts.EnsureDefaults()
	grid := opts.grid()
	for _, bi := range []int{0, 5, len(grid) - 1} {
		m := *base
		m.si = &siModel{}
		*m.si = *base.si
		m.si.OBias, m.si.BBias = grid[bi].O, grid[bi].B
		m.rs = nil
		want := spansOf(t, &m, s)
		m.rs = &rsModel{Bits: 8, W: make([]float32, 1<<8), Configs: grid, Sel: selection{Base: bi, Thr: -1, Other: rsNever}}
		if got := spansOf(t, &m, s); !reflect.DeepEqual(got, want) {
			t.Errorf("offsets %v: rescorer path gives %v, tagger alone %v", grid[bi], got, want)
		}
		m.rs.Sel = selection{Base: bi, Thr: -1, Other: -1, Beta: 1}
		all := spansOf(t, &m, s)
		for i := 1; i < len(all); i++ {
			if all[i].Start < all[i-1].End {
				t.Errorf("overlapping spans %v %v", all[i-1], all[i])
			}
		}
		if bi != 0 {
			continue // encoding (gzip of a few MB) once is enough
		}
		var buf bytes.Buffer
		if err := m.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if m2.rs == nil || m2.rs.Sel != m.rs.Sel || len(m2.rs.Configs) != len(grid) {
			t.Fatalf("rescorer lost in encoding: %+v", m2.rs)
		}
		if got := spansOf(t, m2, s); !reflect.DeepEqual(got, all) {
			t.Errorf("decoded model gives %v, want %v", got, all)
		}
	}
}

func spansOf(t *testing.T, m *Model, s string) []document.Span {
	t.Helper()
	doc := &document.Document{Text: s}
	text.Segment(doc)
	var out []document.Span
	for _, p := range m.Predict(context.Background(), doc) {
		out = append(out, document.Span{Start: p.Start, End: p.End})
	}
	return out
}

// TestRescorerBadInput runs the rescorer path (every candidate kept) on
// the hostile inputs of TestBadInput: bounded time, valid spans.
func TestRescorerBadInput(t *testing.T) {
	a := newAnalyzer(t)
	m := *a.Model()
	opts := Options{}
	opts.EnsureDefaults()
	grid := opts.grid()
	m.rs = &rsModel{Bits: 8, W: make([]float32, 1<<8), Configs: grid, Sel: selection{Base: 0, Thr: -1, Other: -1, Beta: 1}}
	ra := NewWithModel(&m)
	long := strings.Repeat("the vile corrupt traitors lie again and again ", 100000/46+1)[:100000]
	for name, s := range map[string]string{
		"one 100,000-character sentence": long,
		"no letters":                     strings.Repeat("12 -- ... !!! 34,5 ?? ", 2000),
	} {
		t.Run(name, func(t *testing.T) {
			t0 := time.Now()
			doc := analyze(t, ra, s)
			if d := time.Since(t0); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			spans := doc.Of(Kind)
			for i := 1; i < len(spans); i++ {
				if spans[i].Start < spans[i-1].End {
					t.Errorf("overlapping spans %v %v", spans[i-1].Span, spans[i].Span)
				}
			}
		})
	}
}
