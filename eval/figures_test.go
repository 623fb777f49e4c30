package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
)

func TestScoreFigures(t *testing.T) {
	dir := t.TempDir()
	txt := "About 25,000 civilians were trapped; £200m in aid arrived in July."
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(txt), 0o644); err != nil {
		t.Fatal(err)
	}
	gold := []FiguresArticle{{Article: "a.txt", Published: "2017-09-02", Figures: []FiguresRef{
		{Kind: "count", Start: 0, End: 22, Label: "trapped", Value: 25000},
		{Kind: "amount", Start: 37, End: 42, Label: "money", Value: 2e8, Currency: "GBP"},
		{Kind: "date", Start: 61, End: 65, Label: "date", ISO: "2017-07"},
	}}}
	var gotPub *time.Time
	predict := func(_ context.Context, s string, pub *time.Time) ([]document.Annotation, error) {
		gotPub = pub
		return []document.Annotation{
			{Kind: "count", Span: document.Span{Start: 6, End: 35}, Label: "trapped", Attrs: map[string]any{"value": 25000.0}},
			// right value, wrong currency: a false positive and a miss
			{Kind: "amount", Span: document.Span{Start: 37, End: 42}, Label: "money", Attrs: map[string]any{"value": 2e8, "currency": "USD"}},
			{Kind: "date", Span: document.Span{Start: 61, End: 65}, Label: "date", Attrs: map[string]any{"iso": "2017-07"}},
			// durations and times are not scored
			{Kind: "date", Span: document.Span{Start: 0, End: 5}, Label: "duration", Attrs: map[string]any{"duration": "P3W"}},
		}, nil
	}
	res, err := ScoreFigures(context.Background(), dir, gold, predict, true)
	if err != nil {
		t.Fatal(err)
	}
	if gotPub == nil || gotPub.Format("2006-01-02") != "2017-09-02" {
		t.Errorf("published not passed: %v", gotPub)
	}
	if res.Counts.TP != 1 || res.Counts.FP != 0 || res.Counts.FN != 0 {
		t.Errorf("counts %+v", res.Counts)
	}
	if res.Amounts.TP != 0 || res.Amounts.FP != 1 || res.Amounts.FN != 1 {
		t.Errorf("amounts %+v", res.Amounts)
	}
	if res.Dates.TP != 1 || res.Dates.FP != 0 || res.DatesF1 != 1 {
		t.Errorf("dates %+v", res.Dates)
	}
	if len(res.Errors) != 2 {
		t.Errorf("errors %+v", res.Errors)
	}
}

func TestFiguresTextXML(t *testing.T) {
	dir := t.TempDir()
	x := `<articles><article><text>first &amp; one</text></article><article><text>second</text></article></articles>`
	if err := os.WriteFile(filepath.Join(dir, "c.xml"), []byte(x), 0o644); err != nil {
		t.Fatal(err)
	}
	for frag, want := range map[string]string{"#0": "first & one", "#1": "second"} {
		got, err := FiguresText(dir, "c.xml"+frag)
		if err != nil || got != want {
			t.Errorf("%s: %q, %v", frag, got, err)
		}
	}
	if _, err := FiguresText(dir, "c.xml#5"); err == nil {
		t.Error("missing record accepted")
	}
}

func TestReadFiguresGoldErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "g.jsonl")
	if err := os.WriteFile(p, []byte("{\"article\": \"x\"}\n{bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFiguresGold(p); err == nil {
		t.Error("bad line accepted")
	}
}
