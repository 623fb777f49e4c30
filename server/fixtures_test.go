package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
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

// corpus returns the fixture corpus in memory.
func corpus(t testing.TB) *memcorpus.Corpus {
	c := memcorpus.New()
	for _, d := range servertest.Docs() {
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := c.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

const xssTitle = servertest.XSSTitle

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
