package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/memcorpus"
)

// fakeProcessor stands in for the analysis pipeline: it keeps the text and
// marks every capitalised "Damascus" as a place and every "said" as a quote
// cue, enough to see highlights without loading models.
type fakeProcessor struct{}

func (fakeProcessor) Process(ctx context.Context, rec input.Record) (*document.Document, error) {
	text := string(rec.Content)
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s: empty", rec.Name)
	}
	doc := &document.Document{Text: text, Title: rec.Title, URL: rec.URL, Outlet: rec.Outlet, Published: rec.Published,
		Extraction: document.Extraction{Source: string(rec.Format), Method: "fake"}}
	doc.ID = document.NewID(doc.URL, doc.Text)
	for i := 0; ; {
		j := strings.Index(text[i:], "Damascus")
		if j < 0 {
			break
		}
		s := i + j
		doc.Add(document.Annotation{Kind: "place", Span: document.Span{Start: s, End: s + 8}, Confidence: 0.9, Analyzer: "fake", Version: "1",
			Attrs: map[string]any{"geonameid": "170654", "name": "Damascus", "country": "SY", "lat": 33.51, "lon": 36.29}})
		i = s + 8
	}
	return doc, nil
}

// article builds a document with one annotation of every kind the UI draws.
func article(id, outlet string, month int, title, body string) *document.Document {
	pub := time.Date(2017, time.Month(month), 5, 12, 0, 0, 0, time.UTC)
	doc := &document.Document{ID: id, Title: title, Outlet: outlet, Published: &pub, URL: "https://example.com/" + id,
		Text: title + "\n\n" + body, Extraction: document.Extraction{Source: "text"}}
	find := func(s string) document.Span {
		i := strings.Index(doc.Text, s)
		if i < 0 {
			panic("fixture: no " + s + " in " + id)
		}
		return document.Span{Start: i, End: i + len(s)}
	}
	add := func(a document.Annotation) {
		a.Analyzer, a.Version = a.Kind, "1"
		if _, err := doc.Add(a); err != nil {
			panic(err)
		}
	}
	if strings.Contains(body, "Bashar al-Assad") {
		add(document.Annotation{Kind: "entity", Span: find("Bashar al-Assad"), Label: "PER", Confidence: 0.97, Attrs: map[string]any{"entity_id": "per:bashar-al-assad"}})
		doc.Entities = append(doc.Entities, document.Entity{ID: "per:bashar-al-assad", Type: "PER", Name: "Bashar al-Assad", Mentions: []string{"a1"}})
	}
	if strings.Contains(body, "Deir Ezzor") {
		add(document.Annotation{Kind: "place", Span: find("Deir Ezzor"), Confidence: 0.88,
			Attrs: map[string]any{"geonameid": float64(170794), "name": "Deir ez-Zor", "country": "SY", "lat": 35.336, "lon": 40.14}})
	}
	if strings.Contains(body, `"We will win,"`) {
		content := find(`"We will win,"`)
		cue := find("said")
		src := find("the minister")
		whole := document.Span{Start: content.Start, End: src.End}
		if src.End < content.Start {
			whole = document.Span{Start: src.Start, End: content.End}
		}
		add(document.Annotation{Kind: "quote", Span: whole, Label: "direct", Confidence: 0.8,
			Parts: map[string]document.Span{"content": content, "cue": cue, "source": src}, Attrs: map[string]any{"speaker": "the minister"}})
	}
	if strings.Contains(body, "total victory") {
		add(document.Annotation{Kind: "technique", Span: find("total victory"), Label: "Loaded_Language", Confidence: 0.72})
		add(document.Annotation{Kind: "technique", Span: find("victory draws near"), Label: "Exaggeration,Minimisation", Confidence: 0.31})
	}
	if strings.Contains(body, "12 soldiers") {
		add(document.Annotation{Kind: "count", Span: find("12 soldiers"), Label: "killed", Confidence: 0.9})
	}
	if strings.Contains(body, "Reuters") {
		add(document.Annotation{Kind: "citation", Span: find("Reuters"), Label: "verbal", Confidence: 0.9, Attrs: map[string]any{"outlet": "Reuters"}})
	}
	return doc
}

const xssTitle = `<script>alert("title")</script><img src=x onerror=alert(1)>`

// corpus returns a small corpus: two outlets, several months, one article
// with hostile markup in its title and text.
func corpus(t testing.TB) *memcorpus.Corpus {
	c := memcorpus.New()
	ctx := context.Background()
	docs := []*document.Document{
		article("d1", "Syria Times", 9, "The liberation of Deir Ezzor",
			`As the day of total victory draws near, Bashar al-Assad visited Deir Ezzor. "We will win," said the minister. 12 soldiers were killed, Reuters reported.`),
		article("d2", "Syria Times", 10, "Army advances",
			`The army advanced near Deir Ezzor. "We will win," said the minister again.`),
		article("d3", "Daily Planet", 10, "Talks in Geneva",
			`Diplomats met in Geneva while Bashar al-Assad stayed home. Reuters reported the meeting.`),
		article("xss", "Daily Planet", 11, xssTitle,
			`Text with <script>alert("text")</script> and <img src=x onerror=alert(2)> and javascript:alert(3) inside.`),
	}
	for _, d := range docs {
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := c.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

const testToken = "test-token-0123456789abcdef"

func newServer(t testing.TB, mod func(*server.ServerConfig)) (*server.Server, *memcorpus.Corpus) {
	c := corpus(t)
	cfg := server.ServerConfig{Corpus: c, Processor: fakeProcessor{}, Token: testToken}
	if mod != nil {
		mod(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}
