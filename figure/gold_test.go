package figure_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/figure"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root (two levels up from here).
func sharedDir(t testing.TB) string { return testenv.Shared(t) }

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

// TestHoldout scores the second, smaller gold set, annotated after the
// rules were frozen and never used to change them: an estimate of how the
// analyzer does on unseen articles. It asserts a floor well below the bars
// (the bars are checked on the main set) so it catches regressions.
func TestHoldout(t *testing.T) {
	sh := sharedDir(t)
	gold, err := eval.ReadFiguresGold(filepath.Join("testdata", "gold", "holdout.jsonl"))
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
	t.Logf("holdout counts %+v\namounts %+v\ndates %+v", res.Counts, res.Amounts, res.Dates)
	if res.CountsF1 < 0.7 || res.AmountsF1 < 0.7 || res.DatesF1 < 0.7 {
		t.Errorf("holdout F1 counts %.3f amounts %.3f dates %.3f", res.CountsF1, res.AmountsF1, res.DatesF1)
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

var (
	benchOnce  sync.Once
	benchTexts []string
	benchErr   error
)

// benchDocs loads the gold set's articles (real news, 44 texts) and the
// sample, once per test binary.
func benchDocs(b *testing.B) []string {
	benchOnce.Do(func() { benchTexts, benchErr = loadBenchDocs(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchTexts
}

func loadBenchDocs(b *testing.B) ([]string, error) {
	sh := sharedDir(b)
	gold, err := eval.ReadFiguresGold(filepath.Join("testdata", "gold", "figures.jsonl"))
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, g := range gold {
		t, err := eval.FiguresText(sh, g.Article)
		if err != nil {
			return nil, err
		}
		texts = append(texts, t)
	}
	sample, err := os.ReadFile(filepath.Join(sh, "samples", "syria-2017-opinion.txt"))
	if err != nil {
		return nil, err
	}
	return append(texts, string(sample)), nil
}

// BenchmarkAnalyze measures the analyzer alone on segmented documents, as
// in the pipeline (which segments once for every analyzer). Run with
// -cpu=1 for articles per second per core.
func BenchmarkAnalyze(b *testing.B) {
	texts := benchDocs(b)
	docs := make([]*document.Document, len(texts))
	var size int64
	for i, t := range texts {
		docs[i] = &document.Document{Text: t}
		text.Segment(docs[i])
		size += int64(len(t))
	}
	an := figure.New()
	ctx := context.Background()
	b.SetBytes(size / int64(len(docs)))
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		d.Annotations = d.Annotations[:0]
		if err := an.Analyze(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportSpeed(b, cpuSeconds()-cpu0)
}

// reportSpeed reports articles per wall-clock second and per CPU second of
// the process: on a shared, loaded machine the second is the per-core
// figure (the loop runs on one goroutine).
func reportSpeed(b *testing.B, cpu float64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "articles/cpu-s")
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkSegmentAndAnalyze includes tokenisation and sentence splitting.
func BenchmarkSegmentAndAnalyze(b *testing.B) {
	texts := benchDocs(b)
	an := figure.New()
	ctx := context.Background()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := &document.Document{Text: texts[i%len(texts)]}
		text.Segment(d)
		if err := an.Analyze(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportSpeed(b, cpuSeconds()-cpu0)
}
