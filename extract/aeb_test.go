package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/text"
)

// TestAEB holds the bar: go-trafilatura alone scores F1 0.962 on AEB with
// this scorer. The default run scores every sixth page (the CI budget is
// tight) against a lower bar; NEWSLENS_FULL=1 scores all 181 against the
// bar itself.
func TestAEB(t *testing.T) {
	if testing.Short() {
		t.Skip("AEB run in -short mode")
	}
	dir := sharedDir(t, "data", "extraction", "aeb")
	pages, err := eval.LoadAEB(dir)
	if err != nil {
		t.Fatal(err)
	}
	full := os.Getenv("NEWSLENS_FULL") != ""
	bar := 0.962
	if !full {
		bar = 0.955
	}
	x := New(Options{})
	truth, pred := map[string]string{}, map[string]string{}
	for i, p := range pages {
		if !full && i%6 != 0 {
			continue
		}
		truth[p.ID] = p.Truth
		html, err := os.ReadFile(filepath.Join(dir, "html", p.ID+".html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(html))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := x.Extract(context.Background(), input.Record{Name: p.ID, URL: p.URL, Format: input.FormatHTML, Content: raw})
		if err != nil {
			t.Errorf("%s: %v", p.ID, err)
			continue
		}
		if err := doc.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		pred[p.ID] = BodyText(doc)
	}
	res := eval.ScoreAEB(truth, pred)
	t.Logf("AEB (%d pages) P %.4f R %.4f F1 %.4f", res.N, res.Precision, res.Recall, res.F1)
	if res.F1 < bar {
		t.Errorf("AEB F1 %.4f on %d pages, bar %.3f", res.F1, res.N, bar)
	}
}

func loadAEBPages(b testing.TB) [][]byte {
	dir := sharedDir(b, "data", "extraction", "aeb", "html")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.html.gz"))
	sort.Strings(paths)
	var pages [][]byte
	for _, p := range paths {
		f, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(f))
		if err != nil {
			b.Fatal(err)
		}
		h, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, h)
	}
	return pages
}

// BenchmarkExtractSegment measures extraction plus segmentation on the AEB
// pages, one page per iteration, single-threaded: pages/s is per core.
// "default" is the zero Options (two trafilatura passes, a fallback rescue
// for short output); "single" is Options{Single: true}.
func BenchmarkExtractSegment(b *testing.B) {
	pages := loadAEBPages(b)
	for _, bc := range []struct {
		name string
		opts Options
	}{{"default", Options{}}, {"single", Options{Single: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			x := New(bc.opts)
			ctx := context.Background()
			var bytesIn int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p := pages[i%len(pages)]
				bytesIn += int64(len(p))
				doc, err := x.Extract(ctx, input.Record{Name: "aeb", Format: input.FormatHTML, Content: p})
				if err != nil {
					continue
				}
				text.Segment(doc)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
			b.ReportMetric(float64(bytesIn)/1e6/b.Elapsed().Seconds(), "MB/s")
		})
	}
}
