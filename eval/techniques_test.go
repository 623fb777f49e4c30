package eval

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

// techniquesShared finds ../shared from the module root; tests run in eval/.
func techniquesShared(t *testing.T, rel string) string {
	t.Helper()
	return testenv.Shared(t, rel)
}

func TestTechniquesScorerFixtures(t *testing.T) {
	dir := techniquesShared(t, "data/propaganda/ptc/scorer-fixtures")
	read := func(name string) []TechSpan {
		s, err := ReadTechSpansPath(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	p, r, f1, ng, np := ScoreSI(read("article736757214.task-SI.labels"), read("submission-task-SI.tsv"))
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"SI precision", p, 0.964912}, {"SI recall", r, 0.486864}, {"SI F1", f1, 0.647181},
		{"gold spans", float64(ng), 4}, {"pred spans", float64(np), 2},
	} {
		if math.Abs(c.got-c.want) > 5e-7 {
			t.Errorf("%s = %.6f, want %.6f", c.name, c.got, c.want)
		}
	}
	names, err := os.ReadFile(filepath.Join(dir, "propaganda-techniques-names-semeval2020task11.txt"))
	if err != nil {
		t.Fatal(err)
	}
	techs := strings.Fields(string(names))
	micro, per, err := ScoreTC(read("article736757214.labels-task-TC"), read("submission-task-TC.tsv"), techs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(micro-0.6) > 1e-9 {
		t.Errorf("TC micro-F1 = %v, want 0.6", micro)
	}
	wantPer := map[string]float64{"Exaggeration,Minimisation": 1, "Loaded_Language": 2.0 / 3, "Name_Calling,Labeling": 2.0 / 3, "Doubt": 0}
	for k, v := range wantPer {
		if math.Abs(per[k].F1-v) > 1e-9 {
			t.Errorf("TC F1[%s] = %v, want %v", k, per[k].F1, v)
		}
	}
	if len(per) != 14 {
		t.Errorf("per-technique has %d entries, want 14", len(per))
	}
}

func TestTechniquesScoreSI(t *testing.T) {
	sp := func(a string, s, e int) TechSpan { return TechSpan{Article: a, Start: s, End: e} }
	tests := []struct {
		name       string
		gold, pred []TechSpan
		p, r       float64
	}{
		{"exact", []TechSpan{sp("1", 0, 10)}, []TechSpan{sp("1", 0, 10)}, 1, 1},
		{"half", []TechSpan{sp("1", 0, 10)}, []TechSpan{sp("1", 0, 5)}, 1, 0.5},
		{"other article", []TechSpan{sp("1", 0, 10)}, []TechSpan{sp("2", 0, 5)}, 0, 0},
		{"touching not merged", []TechSpan{sp("1", 0, 10), sp("1", 10, 20)}, []TechSpan{sp("1", 0, 20)}, 1, 1},
		{"gold overlap merged", []TechSpan{sp("1", 0, 10), sp("1", 5, 20)}, []TechSpan{sp("1", 0, 10)}, 1, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, r, _, _, _ := ScoreSI(tc.gold, tc.pred)
			if math.Abs(p-tc.p) > 1e-9 || math.Abs(r-tc.r) > 1e-9 {
				t.Errorf("P,R = %v,%v want %v,%v", p, r, tc.p, tc.r)
			}
		})
	}
}

func TestTechniquesScoreTCMismatch(t *testing.T) {
	g := []TechSpan{{Article: "1", Technique: "Doubt", Start: 0, End: 4}}
	p := []TechSpan{{Article: "1", Technique: "Doubt", Start: 0, End: 5}}
	if _, _, err := ScoreTC(g, p, nil); err == nil {
		t.Error("mismatched spans scored without error")
	}
	// two labels on one span, predicted in the other order: both count.
	g2 := []TechSpan{{"1", "A", 0, 4}, {"1", "B", 0, 4}}
	p2 := []TechSpan{{"1", "B", 0, 4}, {"1", "A", 0, 4}}
	m, _, err := ScoreTC(g2, p2, nil)
	if err != nil || m != 1 {
		t.Errorf("reordered labels: micro %v err %v, want 1", m, err)
	}
}
