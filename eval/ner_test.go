package eval

import (
	"math"
	"reflect"
	"testing"
)

func TestNERTagSpans(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want []NERSpan
	}{
		{"iob1", []string{"I-ORG", "O", "I-MISC", "O", "I-PER", "I-PER"},
			[]NERSpan{{0, 1, "ORG"}, {2, 3, "MISC"}, {4, 6, "PER"}}},
		{"iob1 B splits same type", []string{"I-LOC", "B-LOC", "I-LOC"}, []NERSpan{{0, 1, "LOC"}, {1, 3, "LOC"}}},
		{"iob2", []string{"B-PER", "I-PER", "O", "B-LOC"}, []NERSpan{{0, 2, "PER"}, {3, 4, "LOC"}}},
		{"B after O (CoNLL quirk)", []string{"O", "B-MISC", "I-MISC"}, []NERSpan{{1, 3, "MISC"}}},
		{"type change", []string{"I-PER", "I-ORG"}, []NERSpan{{0, 1, "PER"}, {1, 2, "ORG"}}},
		{"bilou", []string{"U-PER", "B-ORG", "I-ORG", "L-ORG", "U-ORG"}, []NERSpan{{0, 1, "PER"}, {1, 4, "ORG"}, {4, 5, "ORG"}}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NERTagSpans(tt.tags); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScoreNER(t *testing.T) {
	gold := [][]NERSpan{{{0, 2, "PER"}, {3, 4, "LOC"}}, {{0, 1, "ORG"}}}
	pred := [][]NERSpan{{{0, 2, "PER"}, {3, 4, "ORG"}}, {{0, 1, "ORG"}, {2, 3, "MISC"}}}
	all, per := ScoreNER(gold, pred)
	// TP 2 (PER, ORG), FP 2 (ORG at 3, MISC), FN 1 (LOC)
	if all.TP != 2 || all.FP != 2 || all.FN != 1 {
		t.Fatalf("counts = %+v", all)
	}
	if math.Abs(all.F1-2*0.5*(2.0/3)/(0.5+2.0/3)) > 1e-9 {
		t.Errorf("F1 = %v", all.F1)
	}
	if per["LOC"].Recall != 0 || per["PER"].F1 != 1 {
		t.Errorf("per type = %+v", per)
	}
}
