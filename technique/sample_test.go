package technique

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/pipeline"
)

// sharedDir finds ../shared from the module root, wherever the test runs.
func sharedDir(t testing.TB) string { return testenv.Shared(t) }

func newAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sampleDoc runs the running example through extraction and the pipeline.
func sampleDoc(t testing.TB, a *Analyzer) *document.Document {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Config{Extractor: extract.New(extract.Options{}), Analyzers: []pipeline.Analyzer{a}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := p.Process(context.Background(), input.Record{Name: "syria-2017-opinion.txt", Format: input.FormatText, Content: raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	return doc
}

// sampleModel lets TestSample check a freshly trained model before it
// replaces the embedded one: go test -run TestSample -model /tmp/m/techniques.gob.gz
var sampleModel = flag.String("model", "", "TestSample: a model file to check instead of the embedded model")

func TestSample(t *testing.T) {
	a := newAnalyzer(t)
	if *sampleModel != "" {
		m, err := Load(os.DirFS(filepath.Dir(*sampleModel)), filepath.Base(*sampleModel))
		if err != nil {
			t.Fatal(err)
		}
		a = NewWithModel(m)
	}
	doc := sampleDoc(t, a)
	spans := doc.Of(Kind)
	for _, x := range spans {
		t.Logf("%-34s %.2f %q", x.Label, x.Confidence, x.Text)
	}
	// found reports whether a span with one of labels overlaps phrase.
	found := func(phrase string, labels ...string) (bool, string) {
		i := strings.Index(doc.Text, phrase)
		if i < 0 {
			t.Fatalf("phrase %q not in the extracted text", phrase)
		}
		ph := document.Span{Start: i, End: i + len(phrase)}
		var got []string
		for _, x := range spans {
			if x.Span.Overlaps(ph) {
				got = append(got, x.Label+" "+x.Text)
				for _, l := range labels {
					if x.Label == l {
						return true, ""
					}
				}
			}
		}
		return false, strings.Join(got, "; ")
	}
	checks := []struct {
		phrase string
		label  string
	}{
		{"stooges", "Name_Calling,Labeling"},
		{"Assad-baiters", "Name_Calling,Labeling"},
		{"cut-throats", "Name_Calling,Labeling"},
		{"comprador shysters", "Name_Calling,Labeling"},
		{"oafish", "Name_Calling,Labeling"},
		{"an imperialist stooge of the first water", "Name_Calling,Labeling"},
		{"infestation by west-backed terrorist proxies", "Loaded_Language"},
		{"this vile proxy war", "Loaded_Language"},
		{"Victory to the Syrian president, government, army and people!", "Slogans"},
		{"avalanche of men and materiel", "Exaggeration,Minimisation"},
		{"supposedly engaged in the ‘liberation’ of Raqqa", "Doubt"},
	}
	hits := 0
	for _, c := range checks {
		ok, got := found(c.phrase, c.label)
		if ok {
			hits++
		}
		t.Logf("%-5v %-26s %q (overlapping: %s)", ok, c.label, c.phrase, got)
	}
	t.Logf("%d of %d expected technique spans found", hits, len(checks))
	if hits < sampleMinHits {
		t.Errorf("%d of the %d expected spans found with their technique, want at least %d", hits, len(checks), sampleMinHits)
	}
	for _, x := range spans {
		if techniqueIndex(x.Label) < 0 || x.Confidence < 0 || x.Confidence > 1 {
			t.Errorf("bad annotation %+v", x)
		}
	}
	sum, ok := doc.Summaries[Name].(Summary)
	if !ok || sum.Spans != len(spans) || sum.Words == 0 {
		t.Errorf("summary %+v does not match %d spans", doc.Summaries[Name], len(spans))
	}
}

// sampleMinHits is what the embedded model reaches on the sample's checks:
// a regression floor, not a target (see BENCHMARKS.md).
const sampleMinHits = 6
