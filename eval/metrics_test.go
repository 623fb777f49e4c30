package eval

import (
	"math"
	"testing"
)

func TestCounts(t *testing.T) {
	tests := []struct {
		tp, fp, fn float64
		p, r, f    float64
	}{
		{8, 2, 2, 0.8, 0.8, 0.8},
		{0, 0, 0, 0, 0, 0},
		{1, 0, 3, 1, 0.25, 0.4},
	}
	for _, tt := range tests {
		got := Counts(tt.tp, tt.fp, tt.fn)
		if math.Abs(got.Precision-tt.p) > 1e-9 || math.Abs(got.Recall-tt.r) > 1e-9 || math.Abs(got.F1-tt.f) > 1e-9 {
			t.Errorf("Counts(%v,%v,%v) = %+v", tt.tp, tt.fp, tt.fn, got)
		}
	}
}
