package eval

import (
	"sort"
)

// NERSpan is an entity over tokens [Start, End) of a sentence.
type NERSpan struct {
	Start, End int
	Type       string
}

// NERResult is what "newslens eval ner --json" prints: conlleval-style
// exact-match entity scores, overall and per type.
type NERResult struct {
	Data      string         `json:"data"`
	Format    string         `json:"format"`
	System    string         `json:"system"`
	Precision float64        `json:"precision"`
	Recall    float64        `json:"recall"`
	F1        float64        `json:"f1"`
	PerType   map[string]PRF `json:"per_type"`
	Sentences int            `json:"sentences"`
	Tokens    int            `json:"tokens"`
	// TokensPerSecond is the tagging speed on this machine, when the system
	// was run by the evaluation (0 when scoring a prediction file).
	TokensPerSecond float64 `json:"tokens_per_second,omitempty"`
}

// NERTagSpans decodes entity spans from IOB1, IOB2 or BILOU tags with
// conlleval's rule: an entity starts at every B-X (or U-X/S-X) and at every
// I-X (or L-X/E-X) whose previous tag is not of type X, and ends at O, at a
// tag of another type, or after a U-X/L-X. IOB1 and IOB2 give the same
// spans.
func NERTagSpans(tags []string) []NERSpan {
	var out []NERSpan
	open, typ := -1, ""
	closeAt := func(i int) {
		if open >= 0 {
			out = append(out, NERSpan{Start: open, End: i, Type: typ})
		}
		open, typ = -1, ""
	}
	for i, t := range tags {
		p, x := byte('O'), ""
		if len(t) >= 3 && t[1] == '-' && (t[0] == 'B' || t[0] == 'I' || t[0] == 'L' || t[0] == 'U' || t[0] == 'E' || t[0] == 'S') {
			p, x = t[0], t[2:]
		}
		switch {
		case p == 'O':
			closeAt(i)
		case p == 'B' || p == 'U' || p == 'S' || open < 0 || x != typ:
			closeAt(i)
			open, typ = i, x
		}
		if p == 'U' || p == 'S' || p == 'L' || p == 'E' {
			closeAt(i + 1)
		}
	}
	closeAt(len(tags))
	return out
}

// ScoreNER scores predicted spans against gold spans, sentence by sentence
// (gold and pred have one entry per sentence). A predicted entity counts
// only if its start, end and type all match a gold entity.
func ScoreNER(gold, pred [][]NERSpan) (overall PRF, perType map[string]PRF) {
	perType = map[string]PRF{}
	for i := range gold {
		g := map[NERSpan]bool{}
		for _, s := range gold[i] {
			g[s] = true
			p := perType[s.Type]
			p.FN++
			perType[s.Type] = p
		}
		if i >= len(pred) {
			continue
		}
		for _, s := range pred[i] {
			p := perType[s.Type]
			if g[s] {
				p.TP++
				p.FN--
			} else {
				p.FP++
			}
			perType[s.Type] = p
		}
	}
	types := make([]string, 0, len(perType))
	for t := range perType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		p := perType[t].Finish()
		perType[t] = p
		overall.Add(p)
	}
	return overall.Finish(), perType
}
