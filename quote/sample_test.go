package quote

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root, wherever the test runs.
func sharedDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not found: %v", err)
	}
	return dir
}

func analyzeText(t testing.TB, a *Analyzer, s string) *document.Document {
	t.Helper()
	doc := &document.Document{Text: s}
	text.Segment(doc)
	if err := a.Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDumpSample(t *testing.T) {
	if os.Getenv("QUOTES_DUMP") == "" {
		t.Skip("set QUOTES_DUMP=1")
	}
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	doc := analyzeText(t, a, string(raw))
	for _, x := range doc.Annotations {
		t.Logf("%s %s conf=%.2f attrs=%v", x.Kind, x.Label, x.Confidence, x.Attrs)
		for n, p := range x.Parts {
			t.Logf("    %s: %q", n, doc.Slice(p))
		}
		if x.Kind == "citation" {
			t.Logf("    %q", x.Text)
		}
	}
}
