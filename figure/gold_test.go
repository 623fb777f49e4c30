package figure_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/figure"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root (two levels up from here).
func sharedDir(t testing.TB) string {
	d := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(filepath.Join(d, "data")); err != nil {
		t.Skipf("shared data not found at %s", d)
	}
	return d
}

func predict(an *figure.Analyzer) eval.FiguresPredictFunc {
	return func(ctx context.Context, txt string, pub *time.Time) ([]document.Annotation, error) {
		doc := &document.Document{Text: txt, Published: pub}
		text.Segment(doc)
		if err := an.Analyze(ctx, doc); err != nil {
			return nil, err
		}
		return doc.Annotations, doc.Validate()
	}
}

// TestGold scores the analyzer on the hand-annotated gold set and holds it
// to the bars of issue #6.
func TestGold(t *testing.T) {
	sh := sharedDir(t)
	gold, err := eval.ReadFiguresGold(filepath.Join("testdata", "gold", "figures.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eval.ScoreFigures(context.Background(), sh, gold, predict(figure.New()), testing.Verbose())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Logf("%s %-6s %s @%d %q %s", e.Type, e.Kind, e.Article, e.Start, e.Text, e.Key)
	}
	t.Logf("counts %+v\namounts %+v\ndates %+v", res.Counts, res.Amounts, res.Dates)
	bars := []struct {
		name string
		got  eval.PRF
		p, r float64
	}{
		{"counts", res.Counts, 0.90, 0.85},
		{"amounts", res.Amounts, 0.95, 0.90},
		{"dates", res.Dates, 0.95, 0.90},
	}
	for _, b := range bars {
		if b.got.Precision < b.p || b.got.Recall < b.r {
			t.Errorf("%s: P %.3f R %.3f, want P ≥ %.2f R ≥ %.2f", b.name, b.got.Precision, b.got.Recall, b.p, b.r)
		}
	}
}
