package eval

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestGeoErrors(t *testing.T) {
	tests := []struct {
		errs           []float64
		acc, mean, med float64
		auc            float64
	}{
		{[]float64{0, 0}, 1, 0, 0, 0},
		{[]float64{maxErrorKm, maxErrorKm}, 0, maxErrorKm, maxErrorKm, 1},
		{[]float64{10, 200, 0}, 2.0 / 3, 70, 10, (math.Log1p(0)/2 + math.Log1p(10) + math.Log1p(200)/2) / (2 * math.Log(maxErrorKm))},
		{[]float64{1, 3, 5, 7}, 1, 4, 4, -1},
	}
	for _, tt := range tests {
		r := GeoErrors(tt.errs)
		if math.Abs(r.Acc161-round4(tt.acc)) > 1e-9 || math.Abs(r.MeanKm-tt.mean) > 1e-3 || math.Abs(r.MedianKm-tt.med) > 1e-3 {
			t.Errorf("GeoErrors(%v) = %+v", tt.errs, r)
		}
		if tt.auc >= 0 && math.Abs(r.AUC-round4(tt.auc)) > 1e-4 {
			t.Errorf("GeoErrors(%v).AUC = %v, want %v", tt.errs, r.AUC, tt.auc)
		}
	}
	if d := haversineKm(0, 0, 0, 180); math.Abs(d-20015) > 1 {
		t.Errorf("antipodal distance %v", d)
	}
}

func TestLoadGeo(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "geo", "eval")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared data not found")
	}
	for _, tt := range []struct{ format, path string }{
		{"lgl", "lgl/lgl.xml"}, {"gwn", "gwn/GWN.xml"}, {"geovirus", "geovirus/GeoVirus.xml"},
	} {
		arts, err := LoadGeo(tt.format, filepath.Join(dir, tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if len(arts) < 100 || len(arts[0].Gold) == 0 {
			t.Errorf("%s: %d articles", tt.format, len(arts))
		}
	}
}
