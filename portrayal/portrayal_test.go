package portrayal_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/portrayal"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root, as in CI.
func sharedDir(t testing.TB) string {
	t.Helper()
	return testenv.Shared(t)
}

func analyzeSample(t testing.TB) *document.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"portrayal"}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := newslens.AnalyzeText(context.Background(), p, "syria-2017-opinion.txt", string(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSample runs the sample article through extract and the pipeline and
// checks what the general model gets for the actors the article judges.
// The expectations are the article's stance; the wants list what the model
// really gets (see BENCHMARKS.md), not rules for this text.
func TestSample(t *testing.T) {
	doc := analyzeSample(t)
	sum, ok := doc.Summaries[portrayal.Name].(portrayal.Summary)
	if !ok {
		t.Fatalf("no portrayal summary: %T", doc.Summaries[portrayal.Name])
	}
	got := map[string]string{}
	names := map[string]string{}
	for _, e := range sum.Entities {
		names[e.EntityID] = e.Name
		got[e.Name] = e.Label
		t.Logf("%-30s %-8s %.2f %v mentions=%d voices=%d techniques=%d evaluative=%d", e.Name, e.Label, e.Confidence, e.Probs, len(e.Mentions), len(e.Voices), len(e.Techniques), len(e.Evaluative))
	}
	for _, a := range doc.Of("portrayal") {
		if a.Attrs["entity_id"] == "" || a.Attrs["voice"] == "" {
			t.Errorf("portrayal %s lacks entity_id or voice: %v", a.ID, a.Attrs)
		}
		if a.Confidence < 1.0/3 || a.Confidence > 1 {
			t.Errorf("portrayal %s confidence %v", a.ID, a.Confidence)
		}
	}
	// one portrayal per entity mention, plus the nominal mentions of
	// people ("the US president") linked to a person named before
	// and the demonyms that are no entity mention, read as their country
	var nominal []string
	nEnt, nDem := 0, 0
	for _, a := range doc.Of("portrayal") {
		switch {
		case a.Attrs["nominal"] == true:
			nominal = append(nominal, a.Text+" -> "+names[a.Attrs["entity_id"].(string)])
		case a.Attrs["mention"] != nil:
			nEnt++
		case a.Attrs["via"] == "demonym":
			nDem++
		default:
			t.Errorf("portrayal %s %q is neither an entity mention, a nominal nor a demonym: %v", a.ID, a.Text, a.Attrs)
		}
	}
	if nEnt != len(doc.Of("entity")) {
		t.Errorf("%d portrayal annotations on named mentions for %d entity mentions", nEnt, len(doc.Of("entity")))
	}
	// phrase actors: an adjective and a collective noun
	phrases := map[string]string{}
	for _, a := range doc.Of("portrayal") {
		if a.Attrs["via"] == "phrase" {
			phrases[a.Text] = names[a.Attrs["entity_id"].(string)]
		}
	}
	for text, want := range map[string]string{"US-led coalition": "US-led coalition", "Syrian army": "Syrian Arab Army", "Lebanese army": "Lebanese army"} {
		if phrases[text] != want {
			t.Errorf("phrase %q is actor %q, want %q (phrases %v)", text, phrases[text], want, phrases)
		}
	}
	wantNominal := []string{"foreign secretary -> Boris Johnson", "president -> Donald Trump", "president -> Bashar al-Assad"}
	if strings.Join(nominal, "; ") != strings.Join(wantNominal, "; ") {
		t.Errorf("nominal mentions %q, want %q", nominal, wantNominal)
	}
	for _, tc := range sampleWants {
		if got[tc.name] != tc.want {
			t.Errorf("%s: got %q, want %q (article stance %s)", tc.name, got[tc.name], tc.want, tc.stance)
		}
	}
}

// sampleWants: article stance and the model's measured label (see
// BENCHMARKS.md: 3 of the 10 actors the issue names agree with the
// stance). Russia is named by its demonym ("Russian air power", read as the
// country through the places analyzer's demonyms) and "the US-led
// coalition" is a phrase actor (adjective and collective noun).
var sampleWants = []struct{ name, stance, want string }{
	{"Islamic State", "negative", "negative"},
	{"al-Nusra Front", "negative", "negative"},
	{"Syrian Arab Army", "positive", "negative"}, // miss
	{"Russia", "positive", "positive"},
	{"Hezbollah", "positive", "negative"},        // miss: 0.53 negative
	{"Saad al-Hariri", "negative", "positive"},   // miss: 0.41 positive (+0.1 offset) against 0.43 negative
	{"Bashar al-Assad", "positive", "negative"},  // miss
	{"Free Syrian Army", "negative", "neutral"},  // miss
	{"US-led coalition", "negative", "positive"}, // miss
	{"Boris Johnson", "negative", "positive"},    // miss: 0.41 positive against 0.27 negative
}

// TestNewsMTSCDev keeps the embedded model's dev scores from regressing.
func TestNewsMTSCDev(t *testing.T) {
	a, err := portrayal.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file  string
		floor float64
	}{{"dev_mt.jsonl", 0.62}, {"dev_rw.jsonl", 0.62}} {
		ts, err := eval.ReadNewsMTSC(filepath.Join(sharedDir(t), "data", "portrayal", "newsmtsc", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var g, p []int
		for _, x := range ts {
			tg := portrayal.SentenceTarget(x.Sentence, document.Span{Start: x.Span.Start, End: x.Span.End}, nil)
			g = append(g, x.Label)
			p = append(p, portrayal.Argmax(a.Model().Probs(&tg)))
		}
		res := eval.ScorePortrayal(g, p, nil)
		t.Logf("%s: macro-F1 %.3f accuracy %.3f", tc.file, res.MacroF1, res.Accuracy)
		if res.MacroF1 < tc.floor {
			t.Errorf("%s macro-F1 %.3f < %.2f", tc.file, res.MacroF1, tc.floor)
		}
	}
}

// TestPolarity checks single sentences the model must get in the clear cases.
func TestPolarity(t *testing.T) {
	a, err := portrayal.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ sent, target, want string }{
		{"Smith was convicted of fraud and murder.", "Smith", "negative"},
		{"Critics slammed Jones as a corrupt liar.", "Jones", "negative"},
		{"Garcia was praised for her brave and generous work.", "Garcia", "positive"},
	} {
		i := strings.Index(tc.sent, tc.target)
		tg := portrayal.SentenceTarget(tc.sent, document.Span{Start: i, End: i + len(tc.target)}, nil)
		p := a.Model().Probs(&tg)
		if got := portrayal.Labels[portrayal.Argmax(p)]; got != tc.want {
			t.Errorf("%q → %s %v, want %s", tc.sent, got, p, tc.want)
		}
	}
}

// hostile builds a document with its prerequisites run.
func analyzeText(t testing.TB, p *pipeline.Pipeline, s string) *document.Document {
	t.Helper()
	doc, err := newslens.AnalyzeText(context.Background(), p, "hostile", s)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestHostile: the bad inputs (a sentence with 500 entity
// mentions, negation stacked 50 deep, an article with no verbs) run
// through the real pipeline in bounded time, with valid spans and a
// portrayal for every entity mention.
func TestHostile(t *testing.T) {
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"portrayal"}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var many strings.Builder
	for i := 0; i < 500; i++ {
		many.WriteString("Barack Obama, ")
	}
	many.WriteString("and Angela Merkel met.")
	for _, tc := range []struct{ name, text string }{
		{"500 mentions", many.String()},
		{"negation 50 deep", "Putin is " + strings.Repeat("not ", 50) + "good, said \"" + strings.Repeat("never ", 50) + "bad Vladimir Putin\"."},
		{"no verbs", strings.Repeat("Angela Merkel, Paris, London; Barack Obama and Vladimir Putin. ", 200)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			doc := analyzeText(t, p, tc.text)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if err := doc.Validate(); err != nil {
				t.Error(err)
			}
			ents, ps := len(doc.Of("entity")), len(doc.Of("portrayal"))
			if ents == 0 || ps == 0 {
				t.Errorf("%d portrayal annotations on %d entity mentions", ps, ents)
			}
			sum, _ := doc.Summaries[portrayal.Name].(portrayal.Summary)
			if ps+sum.Skipped < ents {
				t.Errorf("%d portrayals + %d skipped < %d entity mentions", ps, sum.Skipped, ents)
			}
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	a, err := portrayal.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Obama praised Merkel, but \"Putin is not a liar\", Trump said.", 0, 5)
	f.Add("no no no not never Smith", 19, 24)
	f.Add("Take John. Britain's oafish foreign secretary, a liar, denounced Smith as a menace.", 0, 4)
	f.Fuzz(func(t *testing.T, s string, i, j int) {
		doc := &document.Document{Text: strings.ToValidUTF8(s, "")}
		text.Segment(doc)
		// mark every capitalised word as a mention of a person (named in
		// full, so nominal mentions link to it too)
		seen := map[string]bool{}
		for _, tk := range doc.Tokens {
			w := doc.Text[tk.Start:tk.End]
			if w != "" && w[0] >= 'A' && w[0] <= 'Z' {
				if _, err := doc.Add(document.Annotation{Kind: "entity", Span: tk.Span, Label: "PER", Attrs: map[string]any{"entity_id": "e" + w}}); err != nil {
					t.Fatal(err)
				}
				if !seen[w] {
					seen[w] = true
					doc.Entities = append(doc.Entities, document.Entity{ID: "e" + w, Type: "PER", Name: w + " Full"})
				}
			}
		}
		if i >= 0 && j >= i && j <= len(doc.Text) && doc.CheckSpan(document.Span{Start: i, End: j}) == nil {
			doc.Add(document.Annotation{Kind: "quote", Span: document.Span{Start: i, End: j}, Parts: map[string]document.Span{"content": {Start: i, End: j}}})
		}
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkAnalyze times the portrayal analyzer alone on the sample, its
// prerequisites already run.
func BenchmarkAnalyze(b *testing.B) {
	doc := analyzeSample(b)
	var base []document.Annotation
	for _, a := range doc.Annotations {
		if a.Kind != "portrayal" {
			base = append(base, a)
		}
	}
	a, err := portrayal.New()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := runAnalyzeBench(b, a, []prepared{{doc, base}})
	// the machine is shared, so wall time overstates the cost: CPU time of
	// this process is the per-core figure
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "articles/cpu-s")
	b.ReportMetric(float64(len(doc.Of("entity"))), "mentions/article")
}

// prepared is a document with its prerequisites' annotations, which each
// benchmark iteration gives the analyzer a fresh copy of.
type prepared struct {
	doc  *document.Document
	base []document.Annotation
}

// runAnalyzeBench runs the analyzer b.N times over ps in turn and returns
// the CPU time of the analysis alone: each iteration needs its own copy of
// the annotations (Analyze appends to them), and those copies are made in
// batches with the timer stopped and their CPU time taken out, so the
// figure is the analyzer's cost, not the harness's.
func runAnalyzeBench(b *testing.B, a *portrayal.Analyzer, ps []prepared) time.Duration {
	const batch = 64
	docs := make([]document.Document, batch)
	var setup time.Duration
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if i%batch == 0 {
			b.StopTimer()
			c0 := cpuTime()
			for k := range docs {
				x := ps[(i+k)%len(ps)]
				docs[k] = *x.doc
				docs[k].Annotations = append(make([]document.Annotation, 0, len(x.base)+len(x.doc.Of("portrayal"))), x.base...)
				docs[k].Summaries = nil
			}
			setup += cpuTime() - c0
			b.StartTimer()
		}
		if err := a.Analyze(context.Background(), &docs[i%batch]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	return cpuTime() - cpu0 - setup
}

// cpuTime is the user+system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAnalyzeNews times the analyzer on ordinary news articles: the
// first 100 PerSenT dev documents, run through the pipeline's
// prerequisites first (so entities, quotes and techniques are the real
// ones), then portrayal alone.
func BenchmarkAnalyzeNews(b *testing.B) {
	docs, err := eval.ReadPerSenT(filepath.Join(sharedDir(b), "data", "portrayal", "persent", "dev.csv.gz"))
	if err != nil {
		b.Fatal(err)
	}
	docs = docs[:min(100, len(docs))]
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"portrayal"}, Workers: 1})
	if err != nil {
		b.Fatal(err)
	}
	var ps []prepared
	mentions := 0
	for _, d := range docs {
		doc := analyzeText(b, p, d.Text)
		var base []document.Annotation
		for _, a := range doc.Annotations {
			if a.Kind != "portrayal" {
				base = append(base, a)
			}
		}
		mentions += len(doc.Of("entity"))
		ps = append(ps, prepared{doc, base})
	}
	a, err := portrayal.New()
	if err != nil {
		b.Fatal(err)
	}
	cpu := runAnalyzeBench(b, a, ps)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "articles/cpu-s")
	b.ReportMetric(float64(mentions)/float64(len(ps)), "mentions/article")
}
