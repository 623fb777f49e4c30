package quote_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/quote"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root, wherever the test runs.
func sharedDir(t testing.TB) string { return testenv.Shared(t) }

var (
	pipeOnce sync.Once
	pipe     *pipeline.Pipeline
	pipeErr  error
)

// quotesPipeline is the default pipeline limited to the quotes analyzer and
// what it requires.
func quotesPipeline(t testing.TB) *pipeline.Pipeline {
	pipeOnce.Do(func() { pipe, pipeErr = newslens.NewPipeline(newslens.Options{Only: []string{"quotes"}}) })
	if pipeErr != nil {
		t.Fatal(pipeErr)
	}
	return pipe
}

func sampleDoc(t *testing.T) *document.Document {
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), "syria-2017-opinion.txt", string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	return doc
}

func part(doc *document.Document, a document.Annotation, name string) string {
	p, ok := a.Parts[name]
	if !ok {
		return ""
	}
	return doc.Slice(p)
}

func TestSampleQuotes(t *testing.T) {
	doc := sampleDoc(t)
	quotes := doc.Of("quote")
	find := func(contains string) (document.Annotation, bool) {
		for _, q := range quotes {
			if strings.Contains(part(doc, q, "content"), contains) {
				return q, true
			}
		}
		return document.Annotation{}, false
	}
	direct := []struct{ content, speaker string }{
		{"Given the extremely high number of reports", "Zeid Ra’ad al-Hussein"},
		{"The US jets are destroying the buildings", "Musa al Khalifa"},
		{"What we are seeing is in my opinion", "Staffan de Mistura"},
		{"We used to say", "Boris Johnson"},
	}
	for _, d := range direct {
		q, ok := find(d.content)
		if !ok {
			t.Errorf("no quote with %q", d.content)
			continue
		}
		if q.Label != "direct" {
			t.Errorf("%q: label %q, want direct", d.content, q.Label)
		}
		if sp, _ := q.Attrs["speaker"].(string); !strings.Contains(sp, d.speaker) {
			t.Errorf("%q: speaker %q, want %q", d.content, sp, d.speaker)
		}
		if q.Attrs["speaker_entity"] == nil {
			t.Errorf("%q: no speaker_entity", d.content)
		}
	}
	if q, ok := find("bilateral ties with Damascus"); !ok {
		t.Error("Jordan's quoted words not found")
	} else if sp, _ := q.Attrs["speaker"].(string); sp != "Jordan" {
		t.Errorf("bilateral ties: speaker %q, want Jordan", sp)
	}
	if q, ok := find("‘menace’"); !ok {
		t.Error("Trump's partial quote not found")
	} else {
		if q.Label != "mixed" && q.Label != "indirect" {
			t.Errorf("menace: label %q", q.Label)
		}
		if sp, _ := q.Attrs["speaker"].(string); !strings.Contains(sp, "Trump") {
			t.Errorf("menace: speaker %q, want Trump", sp)
		}
	}
	anon := false
	for _, q := range quotes {
		if part(doc, q, "source") == "a Syrian media source" && q.Attrs["source_type"] == "anonymous" {
			anon = true
		}
	}
	if !anon {
		t.Error("a Syrian media source: no anonymous source")
	}
	// scare quotes are not attributions
	for _, scare := range []string{"‘liberation’", "‘help’", "‘explaining’"} {
		i := strings.Index(doc.Text, scare)
		sp := document.Span{Start: i, End: i + len(scare)}
		for _, q := range quotes {
			if c := q.Parts["content"]; sp.Contains(c) {
				t.Errorf("scare quote %s is the content of a quote", scare)
			}
		}
	}
}

func TestSampleCitations(t *testing.T) {
	doc := sampleDoc(t)
	var paren []document.Annotation
	verbalGuardian := false
	for _, c := range doc.Of("citation") {
		switch c.Label {
		case "parenthetical":
			paren = append(paren, c)
		case "verbal":
			if c.Text == "reported by the Guardian" && c.Attrs["outlet"] == "Guardian" {
				verbalGuardian = true
			}
		}
	}
	if !verbalGuardian {
		t.Error("no verbal citation 'reported by the Guardian'")
	}
	if len(paren) != 6 {
		t.Fatalf("%d parenthetical citations, want 5 and one (Ibid)", len(paren))
	}
	first := paren[0]
	if first.Attrs["title"] != "Destruction, not liberation" || first.Attrs["outlet"] != "RT" || first.Attrs["date"] != "2017-09-01" {
		t.Errorf("first citation attrs = %v", first.Attrs)
	}
	ibid := paren[1]
	if ibid.Text != "(Ibid)" || ibid.Attrs["title"] != first.Attrs["title"] || ibid.Attrs["ibid"] != true {
		t.Errorf("(Ibid) = %q %v", ibid.Text, ibid.Attrs)
	}
	wantAuthors := map[string]string{"Assad is here to stay, west tells Syrian opposition": "Hannah Lucinda Smith|Richard Spencer"}
	for _, c := range paren {
		if w, ok := wantAuthors[c.Attrs["title"].(string)]; ok {
			if got, _ := c.Attrs["authors"].([]string); strings.Join(got, "|") != w {
				t.Errorf("authors = %v, want %s", got, w)
			}
		}
		for _, k := range []string{"title", "outlet", "date"} {
			if c.Attrs[k] == nil || c.Attrs[k] == "" {
				t.Errorf("citation %q lacks %s", c.Text, k)
			}
		}
	}
	// the UN commissioner's quote cites the first publication
	for _, q := range doc.Of("quote") {
		if strings.Contains(part(doc, q, "content"), "Given the extremely high number") && q.Attrs["citation"] != first.ID {
			t.Errorf("Zeid's quote cites %v, want %s", q.Attrs["citation"], first.ID)
		}
	}
}

func TestLinkCitations(t *testing.T) {
	a, err := quote.New()
	if err != nil {
		t.Fatal(err)
	}
	s := "The ministry said the figures were wrong, as the BBC reported."
	doc := &document.Document{Text: s, URL: "https://example.org/news/1"}
	i := strings.Index(s, "BBC reported")
	doc.Links = []document.Link{
		{URL: "https://www.bbc.co.uk/news/x", Span: &document.Span{Start: i, End: i + 3}},
		{URL: "https://example.org/other", Span: &document.Span{Start: 0, End: 3}},
	}
	text.Segment(doc)
	if err := a.Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	var links []document.Annotation
	for _, c := range doc.Of("citation") {
		if c.Label == "link" {
			links = append(links, c)
		}
	}
	if len(links) != 1 || links[0].Attrs["outlet"] != "BBC" || links[0].Attrs["domain"] != "bbc.co.uk" {
		t.Errorf("link citations = %+v", links)
	}
}

// TestAttributionStyles checks quote styles end to end: every case must
// give a quote whose content covers the quoted words and whose source is
// the speaker.
func TestAttributionStyles(t *testing.T) {
	tests := []struct {
		name, text, content, source, label string
	}{
		{"said after", `“We will rebuild the city,” the mayor said on Monday.`, "We will rebuild the city", "the mayor", "direct"},
		{"colon before", `The minister said: “There will be no more delays.”`, "There will be no more delays", "The minister", "direct"},
		{"straight quotes", `"Prices will keep rising this year," said John Smith, an economist at the bank.`, "Prices will keep rising", "John Smith", "direct"},
		{"indirect that", `The company said that profits fell by a third in the last quarter.`, "profits fell by a third", "The company", "indirect"},
		{"according to", `According to the police, three people were arrested after the match.`, "three people were arrested", "the police", "indirect"},
		{"clause before source, adjunct after cue", `Prices of bread rose sharply in March, the ministry said on Tuesday.`, "Prices of bread rose sharply in March", "the ministry", "indirect"},
		{"clause before source", `The town was shelled overnight, the army said.`, "The town was shelled overnight", "the army", "indirect"},
		{"guillemets", `Le ministre a dit : « Nous allons reconstruire la ville. » The mayor agreed.`, "Nous allons reconstruire", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), tt.name, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range doc.Of("quote") {
				c := part(doc, q, "content")
				got = append(got, q.Label+": "+c+" <- "+part(doc, q, "source"))
				if !strings.Contains(c, tt.content) {
					continue
				}
				if tt.source != "" && !strings.Contains(part(doc, q, "source"), tt.source) {
					t.Errorf("source %q, want %q", part(doc, q, "source"), tt.source)
				}
				if tt.label != "" && q.Label != tt.label {
					t.Errorf("label %q, want %q", q.Label, tt.label)
				}
				return
			}
			if tt.source != "" {
				t.Errorf("no quote with content %q; got %q", tt.content, got)
			}
		})
	}
}

// TestPassiveIsNotSpeech: a passive verb with its agent after it is done to
// its subject; the subject is not a speaker.
func TestPassiveIsNotSpeech(t *testing.T) {
	for _, s := range []string{
		`The camp near Goma was attacked by militiamen on Sunday.`,
		`The plan was criticised by opposition leaders and rejected.`,
	} {
		doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), "passive", s)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range doc.Of("quote") {
			if src := part(doc, q, "source"); src != "" && strings.HasPrefix(s, src) {
				t.Errorf("%q: the passive subject %q is a source (cue %q)", s, src, part(doc, q, "cue"))
			}
		}
	}
}

func TestInterruptedAndContinued(t *testing.T) {
	s := "The general Ali Haidar said the offensive would continue.\n\n" +
		"“We have taken the northern districts and we will take the rest.\n\n" +
		"“Nobody will stop this army now,” he added, “not even the winter.”"
	doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), "interrupted", s)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range doc.Of("quote") {
		sp, _ := q.Attrs["speaker"].(string)
		got = append(got, q.Label+"|"+sp+"|"+part(doc, q, "content_1")+"|"+part(doc, q, "content_2"))
	}
	want := []string{
		"indirect|Ali Haidar||",
		"direct|Ali Haidar||", // the middle paragraph continues the speaker
		"direct|Ali Haidar|“Nobody will stop this army now,”|“not even the winter.”",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHostile feeds bad input: unbalanced marks across an article, 5,000
// marks in one paragraph, and an article that is one giant quote.
func TestHostile(t *testing.T) {
	a, err := quote.New()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"unbalanced": strings.Repeat("He said “this and that. Then ‘more\n\n", 300),
		"marks":      strings.Repeat(`“ ” " ‘ ’ « » „ `, 625),
		"giant":      "“" + strings.Repeat("We will win this war, the general said, and nobody will stop us. ", 2000) + "”",
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			doc := &document.Document{Text: s}
			text.Segment(doc)
			if err := a.Analyze(context.Background(), doc); err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatal(err)
			}
			if n := len(doc.Annotations); n > 10000 {
				t.Errorf("%d annotations", n)
			}
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(`“We will win,” he said, “and soon.”`)
	f.Add("“First para.\n\n“Second.” (Ibid) (‘T’, RT, 1 September 2017)")
	f.Add(`according to Reuters, "x' ‘y « z „ w`)
	f.Add(strings.Repeat("“", 100))
	a, err := quote.New()
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
		for _, q := range doc.Of("quote") {
			c, ok := q.Parts["content"]
			if !ok || !q.Span.Contains(c) {
				t.Fatalf("quote %s: content %v outside %v", q.ID, c, q.Span)
			}
		}
	})
}

// BenchmarkAnalyze measures the quotes analyzer alone on PolNeAR dev
// articles that are already segmented (the speed bar is on top of
// tokenisation).
// BenchmarkAnalyze runs the analyzer alone on segmented articles: PolNeAR
// dev (US political news, ~5 KB each) and the first 120 PTC train articles
// (propaganda-rich news, where the issue #10 profile found the tagger's
// decoding hot).
func BenchmarkAnalyze(b *testing.B) {
	for _, corpus := range []struct{ name, glob string }{
		{"polnear-dev", filepath.Join("data", "quotes", "polnear", "dev", "text", "*.txt")},
		{"ptc", filepath.Join("data", "propaganda", "ptc", "train-articles", "*.txt")},
	} {
		files, _ := filepath.Glob(filepath.Join(sharedDir(b), corpus.glob))
		if len(files) > 120 {
			files = files[:120]
		}
		if len(files) == 0 {
			b.Logf("no %s texts", corpus.name)
			continue
		}
		var docs []*document.Document
		bytes := 0
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			d := &document.Document{Text: string(raw)}
			text.Segment(d)
			docs = append(docs, d)
			bytes += len(raw)
		}
		a, err := quote.New()
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range []struct {
			name string
			a    *quote.Analyzer
		}{{"", a}} {
			b.Run(corpus.name+v.name, func(b *testing.B) {
				ctx := context.Background()
				b.SetBytes(int64(bytes / len(docs)))
				cpu0 := cpuSeconds()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					d := docs[i%len(docs)]
					d.Annotations = d.Annotations[:0]
					if err := v.a.Analyze(ctx, d); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
				// on a shared machine wall time counts other processes'
				// load; CPU time (user+system of this process, GC
				// included) gives articles per core-second.
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(float64(b.N)/cpu, "articles/cpu-s")
				}
			})
		}
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// TestCueAtEnd: a text that ends on its cue, with nothing after it.
func TestCueAtEnd(t *testing.T) {
	for _, s := range []string{"The army said", "Prices rose sharply in March, the ministry said", "said"} {
		doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), "end", s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if err := doc.Validate(); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestJoinContinued: a quotation that continues the speaker of a direct
// quote later in the same paragraph is that quote's second part (one
// attribution, as PolNeAR annotates it); in a new paragraph it stays a
// quotation of its own.
func TestJoinContinued(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // label|content_1|content_2 per quote with a content_1
	}{
		{
			name: "same paragraph",
			text: "Sanders spoke in Concord. “We have come a pretty long way in the last nine months,” he said, " +
				"noting that he had trailed Clinton by 50 points. “We are going to work as hard as we can to win.”",
			want: []string{"direct|“We have come a pretty long way in the last nine months,”|" +
				"“We are going to work as hard as we can to win.”"},
		},
		{
			name: "next paragraph",
			text: "Sanders spoke in Concord. “We have come a pretty long way in the last nine months,” he said.\n\n" +
				"“We are going to work as hard as we can to win.”",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := newslens.AnalyzeText(context.Background(), quotesPipeline(t), tc.name, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			direct := 0
			for _, q := range doc.Of("quote") {
				if q.Label == "direct" {
					direct++
				}
				if _, ok := q.Parts["content_1"]; ok {
					got = append(got, q.Label+"|"+part(doc, q, "content_1")+"|"+part(doc, q, "content_2"))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if want := 2 - len(tc.want); direct != want {
				t.Errorf("%d direct quotes, want %d", direct, want)
			}
			// "he" never resolves to the place the sentence before names
			for _, q := range doc.Of("quote") {
				if sp, _ := q.Attrs["speaker"].(string); sp == "Concord" {
					t.Errorf("speaker %q for %q", sp, part(doc, q, "source"))
				}
			}
		})
	}
}
