package wordvec

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want []float32 }{
		{[]float32{3, 4}, []float32{0.6, 0.8}},
		{[]float32{0, 0}, []float32{0, 0}},
		{[]float32{-2}, []float32{-1}},
	}
	for _, tt := range tests {
		v := append([]float32(nil), tt.in...)
		Normalize(v)
		for i := range v {
			if math.Abs(float64(v[i]-tt.want[i])) > 1e-6 {
				t.Errorf("Normalize(%v) = %v, want %v", tt.in, v, tt.want)
				break
			}
		}
	}
}

func TestKMeans(t *testing.T) {
	// two tight groups of unit vectors around the x and y axes
	var v []float32
	for i := range 20 {
		e := float32(i%5) * 0.01
		if i < 10 {
			v = append(v, 1, e)
		} else {
			v = append(v, e, 1)
		}
	}
	for i := 0; i < len(v); i += 2 {
		Normalize(v[i : i+2])
	}
	for seed := range uint64(5) {
		asg := KMeans(context.Background(), v, nil, 2, 2, 10, rand.New(rand.NewPCG(seed, 1)))
		if len(asg) != 20 {
			t.Fatalf("seed %d: %d assignments, want 20", seed, len(asg))
		}
		for i := range asg {
			if same := asg[i] == asg[0]; same != (i < 10) {
				t.Fatalf("seed %d: groups not separated: %v", seed, asg)
			}
		}
	}
	// more clusters than vectors: each vector its own cluster at most
	if asg := KMeans(context.Background(), v[:4], nil, 2, 5, 3, rand.New(rand.NewPCG(1, 1))); len(asg) != 2 || asg[0] == asg[1] {
		t.Errorf("k > n: %v", asg)
	}
}
