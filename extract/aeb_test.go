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
// this scorer; the default options must not fall below it.
func TestAEB(t *testing.T) {
	if testing.Short() {
		t.Skip("full AEB run in -short mode")
	}
	dir := sharedDir(t, "data", "extraction", "aeb")
	x := New(Options{})
	res, err := eval.EvalAEB(context.Background(), dir, 0, func(ctx context.Context, id, url string, html []byte) (string, error) {
		doc, err := x.Extract(ctx, input.Record{Name: id, URL: url, Format: input.FormatHTML, Content: html})
		if err != nil {
			return "", err
		}
		if err := doc.Validate(); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		return BodyText(doc), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AEB P %.4f R %.4f F1 %.4f errors %d", res.Precision, res.Recall, res.F1, res.Errors)
	if res.F1 < 0.962 || res.Errors > 0 {
		t.Errorf("AEB F1 %.4f (errors %d), bar 0.962", res.F1, res.Errors)
	}
}

func loadAEBPages(b *testing.B) [][]byte {
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
func BenchmarkExtractSegment(b *testing.B) {
	pages := loadAEBPages(b)
	x := New(Options{})
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
}
