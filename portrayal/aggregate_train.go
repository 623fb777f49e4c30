package portrayal

import "math"

// AggregateOptions configure FitAggregator.
type AggregateOptions struct {
	// Use selects the features (FeatureNames indices); nil uses all.
	Use []int
	// L2 is the ridge penalty on the weights' distance from the
	// target-sentiment model alone (not on the biases).
	L2 float64
	// Balanced weights each class by the inverse of its frequency, so the
	// fit aims at macro-F1 rather than accuracy.
	Balanced bool
	// Iterations of full-batch gradient descent (default 2000; negative:
	// none, the target-sentiment model alone).
	Iterations int
}

// FitAggregator fits the mention combiner, a multinomial logistic
// regression, on mentions' features and gold labels (0 negative, 1
// neutral, 2 positive). Features not in Use keep their prior weight (1 on
// a class's own log probability, else 0). The problem is small (hundreds of
// mentions, at most NumFeatures inputs), so plain gradient descent on the
// convex loss is enough.
func FitAggregator(x [][NumFeatures]float64, y []int, o AggregateOptions) *Aggregator {
	if o.Iterations == 0 {
		o.Iterations = 2000
	}
	if o.Iterations < 0 {
		o.Iterations = 0 // the prior alone
	}
	use := o.Use
	if use == nil {
		for k := range NumFeatures {
			use = append(use, k)
		}
	}
	var count [3]float64
	for _, c := range y {
		count[c]++
	}
	var cw [3]float64
	for c := range cw {
		cw[c] = 1
		if o.Balanced && count[c] > 0 {
			cw[c] = float64(len(y)) / (3 * count[c])
		}
	}
	// start from, and shrink towards, the target-sentiment model alone
	// (weight 1 on each class's own log probability)
	var prior [3][NumFeatures]float64
	for c := range 3 {
		prior[c][FeatLogNeg+c] = 1
	}
	a := &Aggregator{W: prior}
	for _, k := range use {
		a.Features = append(a.Features, FeatureNames[k])
	}
	const lr = 0.5
	n := float64(len(y))
	for it := 0; it < o.Iterations; it++ {
		var gw [3][NumFeatures]float64
		var gb [3]float64
		for i := range x {
			p := a.Probs(x[i])
			for c := range 3 {
				g := p[c]
				if c == y[i] {
					g--
				}
				g *= cw[y[i]] / n
				gb[c] += g
				for _, k := range use {
					gw[c][k] += g * x[i][k]
				}
			}
		}
		for c := range 3 {
			a.B[c] -= lr * gb[c]
			for _, k := range use {
				a.W[c][k] -= lr * (gw[c][k] + o.L2*(a.W[c][k]-prior[c][k]))
			}
		}
	}
	// round for a readable, stable file
	for c := range 3 {
		a.B[c] = math.Round(a.B[c]*1e4) / 1e4
		for k := range a.W[c] {
			a.W[c][k] = math.Round(a.W[c][k]*1e4) / 1e4
		}
	}
	return a
}
