package eval

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// extractDataDir finds ../shared/data/extraction from the module root.
func extractDataDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "extraction", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("benchmark data not found: %v", err)
	}
	return dir
}

func TestExtractWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hello, world_1!", []string{"Hello", "world_1"}},
		{"café naïve ĳ 東京 ٣٤", []string{"café", "naïve", "ĳ", "東京", "٣٤"}},
		{"a—b ‘c’", []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		if got := ExtractWords(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ExtractWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAEBScorePage(t *testing.T) {
	tests := []struct {
		name        string
		truth, pred string
		p, r        float64
	}{
		{"exact", "one two three four five", "one two three four five", 1, 1},
		{"empty prediction", "one two three four five", "", 0, 0},
		{"short texts one shingle", "a b", "a b", 1, 1},
		// truth shingles: abcd bcde; pred: abcd bcde cdef -> tp 2 fp 1.
		{"extra", "a b c d e", "a b c d e f", 2.0 / 3, 1},
	}
	for _, tt := range tests {
		p := aebScorePage(tt.truth, tt.pred)
		if math.Abs(p.precision()-tt.p) > 1e-9 || math.Abs(p.recall()-tt.r) > 1e-9 {
			t.Errorf("%s: P=%v R=%v, want %v %v", tt.name, p.precision(), p.recall(), tt.p, tt.r)
		}
	}
}

// TestAEBReference checks the scorer against the benchmark's published
// figures for the bundled reference outputs.
func TestAEBReference(t *testing.T) {
	dir := extractDataDir(t, "aeb")
	pages, err := LoadAEB(dir)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]string{}
	for _, p := range pages {
		truth[p.ID] = p.Truth
	}
	for _, tt := range []struct {
		name     string
		f1, p, r float64
		accuracy float64
	}{
		{"trafilatura", 0.958, 0.938, 0.978, 0.293},
		{"go_trafilatura", 0.960, 0.940, 0.980, 0.287},
	} {
		pred, err := LoadAEBReference(dir, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		res := ScoreAEB(truth, pred)
		round := func(x float64) float64 { return math.Round(x*1000) / 1000 }
		if round(res.F1) != tt.f1 || round(res.Precision) != tt.p || round(res.Recall) != tt.r || round(*res.Accuracy) != tt.accuracy {
			t.Errorf("%s: F1 %.4f P %.4f R %.4f acc %.4f, want %.3f %.3f %.3f %.3f",
				tt.name, res.F1, res.Precision, res.Recall, *res.Accuracy, tt.f1, tt.p, tt.r, tt.accuracy)
		}
		if res.N != 181 {
			t.Errorf("%s: n = %d, want 181", tt.name, res.N)
		}
	}
}

func TestScoreWCXBPage(t *testing.T) {
	tests := []struct {
		ref, pred string
		p, r, f   float64
	}{
		{"", "", 1, 1, 1},
		{"", "x", 0, 0, 0},
		{"a b", "", 0, 0, 0},
		{"The cat the dog", "the THE cat bird", 0.75, 0.75, 0.75},
	}
	for _, tt := range tests {
		p, r, f := ScoreWCXBPage(tt.ref, tt.pred)
		if math.Abs(p-tt.p) > 1e-9 || math.Abs(r-tt.r) > 1e-9 || math.Abs(f-tt.f) > 1e-9 {
			t.Errorf("ScoreWCXBPage(%q, %q) = %v %v %v, want %v %v %v", tt.ref, tt.pred, p, r, f, tt.p, tt.r, tt.f)
		}
	}
}

func TestScoreWCXB(t *testing.T) {
	truth := []WCXBTruth{
		{ID: "1", Type: "article", Text: "a b c d", With: []string{"B C"}, Without: []string{"menu"}},
		{ID: "2", Type: "forum", Text: "x y"},
	}
	res := ScoreWCXB(truth, map[string]string{"1": "a b c d menu"})
	if res.N != 2 || res.PerType["article"].N != 1 || res.PerType["forum"].F1 != 0 {
		t.Fatalf("bad result %+v", res)
	}
	if math.Abs(res.PerType["article"].Precision-0.8) > 1e-9 || *res.WithRate != 1 || *res.WithoutRate != 0.5 {
		t.Errorf("article P %v with %v without %v", res.PerType["article"].Precision, *res.WithRate, *res.WithoutRate)
	}
}
