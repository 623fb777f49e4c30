package eval

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestScorePortrayal(t *testing.T) {
	for _, tc := range []struct {
		name       string
		gold, pred []int
		acc, macro float64
	}{
		{"perfect", []int{0, 1, 2}, []int{0, 1, 2}, 1, 1},
		{"all neutral", []int{0, 1, 2}, []int{1, 1, 1}, 1.0 / 3, (0 + 0.5 + 0) / 3},
		{"empty", nil, nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ScorePortrayal(tc.gold, tc.pred, nil)
			if math.Abs(r.Accuracy-tc.acc) > 1e-9 || math.Abs(r.MacroF1-tc.macro) > 1e-9 {
				t.Errorf("accuracy %v macro-F1 %v, want %v %v", r.Accuracy, r.MacroF1, tc.acc, tc.macro)
			}
		})
	}
}

// TestReadNewsMTSC checks the code-point to byte conversion on a line with
// a multi-byte character before the target.
func TestReadNewsMTSC(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.jsonl")
	line := `{"sentence_normalized": "“Böse” Smith lost.", "targets": [{"Input.gid": "g", "from": 7, "to": 12, "mention": "Smith", "polarity": 2.0}]}` + "\n"
	if err := os.WriteFile(p, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	ts, err := ReadNewsMTSC(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Sentence[ts[0].Span.Start:ts[0].Span.End] != "Smith" || ts[0].Label != 0 {
		t.Fatalf("got %+v", ts)
	}
}
