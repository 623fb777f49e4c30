package technique

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

func analyze(t testing.TB, a *Analyzer, s string) *document.Document {
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

func TestBadInput(t *testing.T) {
	a := newAnalyzer(t)
	long := strings.Repeat("the vile corrupt traitors lie again and again ", 100000/46+1)[:100000]
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"no letters", strings.Repeat("12 -- ... !!! 34,5 ?? ", 2000)},
		{"one 100,000-character sentence", long},
		{"invalid utf-8", "Traitors \xff\xfe lie!"},
		{"only quotes", strings.Repeat("“‘\"'", 500)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			doc := analyze(t, a, strings.ToValidUTF8(tc.text, "\uFFFD"))
			if d := time.Since(t0); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			for _, x := range doc.Of(Kind) {
				if x.Len() == 0 || techniqueIndex(x.Label) < 0 {
					t.Errorf("bad span %+v", x)
				}
			}
		})
	}
}

func TestModelRoundTrip(t *testing.T) {
	a := newAnalyzer(t)
	var buf bytes.Buffer
	if err := a.Model().Encode(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	const s = "The corrupt elites betrayed our great nation. Make America great again!"
	d1 := analyze(t, a, s)
	d2 := analyze(t, NewWithModel(m2), s)
	if len(d1.Annotations) != len(d2.Annotations) {
		t.Fatalf("re-encoded model finds %d spans, embedded one %d", len(d2.Annotations), len(d1.Annotations))
	}
	for i := range d1.Annotations {
		if d1.Annotations[i].Span != d2.Annotations[i].Span || d1.Annotations[i].Label != d2.Annotations[i].Label {
			t.Errorf("span %d differs: %+v vs %+v", i, d1.Annotations[i], d2.Annotations[i])
		}
	}
}

func TestManifest(t *testing.T) {
	m, err := LoadManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Validated == nil || m.Validated.SIF1 <= 0 || m.Validated.TCMicroF1 <= 0 || len(m.Data) == 0 {
		t.Errorf("manifest lacks validation figures or data hashes: %+v", m)
	}
	b, err := modelFS.ReadFile(ModelFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 6<<20 {
		t.Errorf("model is %d bytes, over the 6 MiB cap", len(b))
	}
}

// TestPTCOffsets checks the code point conversion on the scorer fixture,
// whose text has curly apostrophes before some labelled spans.
func TestPTCOffsets(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "propaganda", "ptc", "scorer-fixtures")
	b, err := os.ReadFile(filepath.Join(dir, "article736757214.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a := NewArticle("736757214", string(b))
	sp := a.FromRunes(740, 759)
	if s, e := a.ToRunes(sp); s != 740 || e != 759 {
		t.Errorf("round trip gives %d,%d", s, e)
	}
	if got := []rune(string(b))[740:759]; string(got) != a.Doc.Text[sp.Start:sp.End] {
		t.Errorf("byte span text %q, code point text %q", a.Doc.Text[sp.Start:sp.End], string(got))
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("The liberation of Deir Ezzor\n\nVictory to the Syrian president, government, army and people!")
	f.Add("“Lies,” he said. ‘Liberation’ — so-called!!! ???")
	f.Add(strings.Repeat("a ", 3000))
	f.Add("")
	a, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		doc := &document.Document{Text: s}
		text.Segment(doc)
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, x := range doc.Of(Kind) {
			if x.Len() == 0 || x.Confidence < 0 || x.Confidence > 1 {
				t.Errorf("bad span %+v", x)
			}
		}
	})
}

// BenchmarkAnalyze measures articles per second on PTC train articles.
func BenchmarkAnalyze(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "data", "propaganda", "ptc", "train-articles")
	arts, err := LoadArticles(dir)
	if err != nil {
		b.Fatal(err)
	}
	arts = arts[:100]
	a := newAnalyzer(b)
	var bytes int64
	for _, x := range arts {
		bytes += int64(len(x.Doc.Text))
	}
	b.SetBytes(bytes / int64(len(arts)))
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		x := arts[i%len(arts)]
		doc := &document.Document{Text: x.Doc.Text, Tokens: x.Doc.Tokens, Sentences: x.Doc.Sentences}
		if err := a.Analyze(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(b.N)/c.Seconds(), "articles/cpu-s")
	}
}

// BenchmarkPrepare measures the per-document feature preparation (tokens'
// word facts, repetition counts, sentences, sentence classifier) alone.
func BenchmarkPrepare(b *testing.B) {
	arts, err := LoadArticles(filepath.Join(sharedDir(b), "data", "propaganda", "ptc", "train-articles"))
	if err != nil {
		b.Fatal(err)
	}
	arts = arts[:100]
	m := newAnalyzer(b).Model()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		m.prepare(arts[i%len(arts)].Doc)
	}
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(b.N)/c.Seconds(), "articles/cpu-s")
	}
}
