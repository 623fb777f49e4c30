package event_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
)

// sharedDir finds ../shared from the module root.
func sharedDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "shared")
}

func analyze(t testing.TB, txt string) *document.Document {
	t.Helper()
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"events"}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := newslens.AnalyzeText(context.Background(), p, "t.txt", txt)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestSampleDump(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Skip(err)
	}
	doc := analyze(t, string(b))
	for _, a := range doc.Annotations {
		if a.Kind != "event" {
			continue
		}
		sp := func(n string) string {
			if s, ok := a.Parts[n]; ok {
				return doc.Text[s.Start:s.End]
			}
			return ""
		}
		t.Logf("%-11s trig=%q src=%q tgt=%q mode=%v by=%v place=%v date=%v", a.Label, sp("trigger"), sp("source"), sp("target"), a.Attrs["mode"], a.Attrs["reported_by"], a.Attrs["place"], a.Attrs["date"])
	}
}
