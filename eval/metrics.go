// Package eval scores newslens components on their benchmarks. Each
// evaluation returns a result struct whose JSON form is what
// "newslens eval NAME --json" prints: exactly one object.
package eval

// PRF holds precision, recall and F1 with the counts they came from.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        float64 `json:"tp"`
	FP        float64 `json:"fp"`
	FN        float64 `json:"fn"`
}

// Counts fills precision, recall and F1 from tp, fp and fn. Empty
// denominators give 0, never NaN, so the JSON stays valid.
func Counts(tp, fp, fn float64) PRF {
	p := PRF{TP: tp, FP: fp, FN: fn}
	if tp+fp > 0 {
		p.Precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		p.Recall = tp / (tp + fn)
	}
	p.F1 = F1(p.Precision, p.Recall)
	return p
}

// F1 is the harmonic mean of p and r (0 when both are 0).
func F1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Add accumulates counts; call Counts on the totals afterwards.
func (p *PRF) Add(o PRF) { p.TP += o.TP; p.FP += o.FP; p.FN += o.FN }

// Finish recomputes the ratios from the accumulated counts.
func (p PRF) Finish() PRF { return Counts(p.TP, p.FP, p.FN) }
