package eval

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sync"
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

// geoFake resolves every span it is given to 0,0 and, as a GeoURLParser,
// records the URLs eval passes.
type geoFake struct {
	mu   sync.Mutex
	urls []string
}

func (f *geoFake) Parse(ctx context.Context, text string) ([]GeoMention, error) {
	return nil, nil
}

func (f *geoFake) ResolveSpans(ctx context.Context, text string, spans [][2]int) ([]GeoMention, error) {
	return nil, nil
}

func (f *geoFake) ParseURL(ctx context.Context, text, url string) ([]GeoMention, error) {
	f.mu.Lock()
	f.urls = append(f.urls, url)
	f.mu.Unlock()
	return []GeoMention{{Start: 0, End: 10, Lat: 31.3113, Lon: -92.4451, Resolved: true}}, nil
}

func (f *geoFake) ResolveSpansURL(ctx context.Context, text, url string, spans [][2]int) ([]GeoMention, error) {
	out := make([]GeoMention, len(spans))
	for i, s := range spans {
		out[i] = GeoMention{Start: s[0], End: s[1]}
	}
	return out, nil
}

// TestGeoURL: the article's URL reaches a parser that reads it, and the
// scoring of a small LGL file is what it should be.
func TestGeoURL(t *testing.T) {
	const lgl = `<articles><article docid="1"><url> http://www.thetowntalk.com/a </url><text>Alexandria police said on Monday.</text>
<toponyms><toponym><start>0</start><end>10</end><phrase>Alexandria</phrase><gaztag geonameid="4314550"><lat>31.3113</lat><lon>-92.4451</lon></gaztag></toponym></toponyms></article></articles>`
	path := filepath.Join(t.TempDir(), "lgl.xml")
	if err := os.WriteFile(path, []byte(lgl), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &geoFake{}
	res, err := Geo(context.Background(), "lgl", path, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.urls) != 1 || f.urls[0] != "http://www.thetowntalk.com/a" {
		t.Errorf("urls passed: %q", f.urls)
	}
	if res.TP != 1 || res.FP != 0 || res.Acc161 != 1 || res.ResolutionOnly.Abstained != 1 {
		t.Errorf("result %+v", res)
	}
}
