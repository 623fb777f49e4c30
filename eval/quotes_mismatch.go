package eval

import (
	"sort"
	"strings"
)

// QuotesMismatch is one span of one role that the exact metric did not
// match, for error analysis: a gold span with the predicted span that
// overlaps it most (boundary errors) or none (a miss), or a predicted span
// that overlaps no gold span (spurious).
type QuotesMismatch struct {
	Article string `json:"article"`
	Role    string `json:"role"`
	// Kind is "longer", "shorter", "shifted" (pred overlaps gold but the
	// edges differ: covers it, is inside it, or neither), "missed" or
	// "spurious".
	Kind string `json:"kind"`
	Gold string `json:"gold,omitempty"`
	Pred string `json:"pred,omitempty"`
	// Context is the sentence-sized text around the span.
	Context string `json:"context"`
}

// QuotesMismatches lists the source, cue and content spans of one article
// that do not match exactly, with the same edge trimming as the scorer.
func QuotesMismatches(name, txt string, pred, gold []QuoteAttr) []QuotesMismatch {
	var out []QuotesMismatch
	for _, role := range []string{"source", "cue", "content"} {
		get := func(x QuoteAttr) QuoteSpan {
			switch role {
			case "source":
				return x.Source
			case "cue":
				return x.Cue
			}
			return x.Content
		}
		var ps, gs []QuoteSpan
		for _, x := range pred {
			if s := quotesTrim(txt, get(x)); s.Set {
				ps = append(ps, s)
			}
		}
		for _, x := range gold {
			if s := quotesTrim(txt, get(x)); s.Set {
				gs = append(gs, s)
			}
		}
		exactP := map[[2]int]bool{}
		for _, p := range ps {
			exactP[[2]int{p.Start, p.End}] = true
		}
		exactG := map[[2]int]bool{}
		for _, g := range gs {
			exactG[[2]int{g.Start, g.End}] = true
		}
		ctx := func(a, b int) string {
			a0, b0 := max(0, a-80), min(len(txt), b+80)
			for a0 > 0 && a0 < len(txt) && txt[a0]&0xC0 == 0x80 {
				a0--
			}
			for b0 < len(txt) && txt[b0]&0xC0 == 0x80 {
				b0++
			}
			return strings.ReplaceAll(txt[a0:a]+"[["+txt[a:b]+"]]"+txt[b:b0], "\n", " ¶ ")
		}
		ov := func(a, b QuoteSpan) int { return min(a.End, b.End) - max(a.Start, b.Start) }
		for _, g := range gs {
			if exactP[[2]int{g.Start, g.End}] {
				continue
			}
			best, bo := -1, 0
			for i, p := range ps {
				if o := ov(p, g); o > bo {
					best, bo = i, o
				}
			}
			m := QuotesMismatch{Article: name, Role: role, Gold: txt[g.Start:g.End], Context: ctx(g.Start, g.End)}
			if best < 0 {
				m.Kind = "missed"
			} else {
				p := ps[best]
				m.Pred = txt[p.Start:p.End]
				switch {
				case p.Start <= g.Start && p.End >= g.End:
					m.Kind = "longer"
				case p.Start >= g.Start && p.End <= g.End:
					m.Kind = "shorter"
				default:
					m.Kind = "shifted"
				}
			}
			out = append(out, m)
		}
		for _, p := range ps {
			if exactG[[2]int{p.Start, p.End}] {
				continue
			}
			hit := false
			for _, g := range gs {
				if ov(p, g) > 0 {
					hit = true
					break
				}
			}
			if !hit {
				out = append(out, QuotesMismatch{Article: name, Role: role, Kind: "spurious", Pred: txt[p.Start:p.End], Context: ctx(p.Start, p.End)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Role < out[j].Role })
	return out
}
