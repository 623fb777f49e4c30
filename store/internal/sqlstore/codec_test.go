package sqlstore

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
)

type tone struct {
	Score float64  `json:"score"`
	Words []string `json:"words"`
}

func codecDoc(t testing.TB) *document.Document {
	pub := time.Date(2017, 9, 5, 10, 0, 0, 0, time.UTC)
	d := &document.Document{
		ID: "x", URL: "https://example.com/a", Outlet: "example.com", Title: "Troops enter Deir Ezzor",
		Authors: []string{"A. Writer"}, Published: &pub, Language: "en",
		Text:       "Syrian troops entered Deir Ezzor on Tuesday. \"The siege is broken,\" said Bashar al-Assad. Ünïcode façade.",
		Blocks:     []document.Block{{Kind: document.BlockParagraph, Span: document.Span{Start: 0, End: 44}}},
		Extraction: document.Extraction{Source: "text", Notes: []string{"n"}},
		Sentences:  []document.Sentence{{Span: document.Span{Start: 0, End: 44}, FirstToken: 0, EndToken: 8}, {Span: document.Span{Start: 45, End: 90}, FirstToken: 8, EndToken: 20}},
		Summaries: map[string]any{
			"tone":   tone{Score: -0.25, Words: []string{"siege"}},
			"places": map[string]any{"focus": []any{map[string]any{"geonameid": "170794", "score": 0.75}}},
			"n":      3,
			"empty":  map[string]any{},
			"nested": []any{1.5, "x", nil, true, false, []any{}, map[string]any{"k": -2.0}},
		},
		Analyzers: map[string]string{"entities": "1.2", "places": "0.3"},
	}
	adds := []document.Annotation{
		{Kind: "entity", Label: "LOC", Span: document.Span{Start: 22, End: 32}, Attrs: map[string]any{"entity_id": "Q239"}, Confidence: 0.9, Analyzer: "entities", Version: "1.2"},
		{Kind: "quote", Label: "direct", Span: document.Span{Start: 45, End: 67}, Parts: map[string]document.Span{"content": {Start: 46, End: 66}, "cue": {Start: 68, End: 72}},
			Attrs:      map[string]any{"speaker": "Bashar al-Assad", "speaker_entity": "Q44329", "list": []string{"a", "b"}, "big": float64(1 << 60), "neg": -3.0, "frac": 0.1, "nan": math.Inf(1)-math.Inf(1) == 0},
			Confidence: 0.8, Analyzer: "quotes", Version: "2"},
		{Kind: "date", Span: document.Span{Start: 36, End: 43}, Confidence: 1, Analyzer: "figures", Version: "1"},
		{Kind: "place", Span: document.Span{Start: 93, End: 100}, Attrs: map[string]any{"geonameid": 170794.0, "lat": 35.336, "lon": 40.14, "metonymic": false}, Analyzer: "places", Version: "0.3"},
	}
	for _, a := range adds {
		if _, err := d.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	// A surface text that differs from the span (kept as written).
	d.Annotations[2].Text = "Tuesday (normalised)"
	d.Entities = []document.Entity{{ID: "Q239", Type: "LOC", Name: "Deir ez-Zor", Aliases: []string{"Deir Ezzor"}, Mentions: []string{"a1"}, Attrs: map[string]any{"wikidata": "Q239"}},
		{ID: "Q1", Type: "PER", Name: "Nobody", Mentions: []string{}}}
	return d
}

// TestBodyRoundTrip checks that a document read back from the binary body
// equals the document read back from JSON, the format it replaces.
func TestBodyRoundTrip(t *testing.T) {
	d := codecDoc(t)
	b, err := encodeBody(d)
	if err != nil {
		t.Fatal(err)
	}
	got := &document.Document{Text: d.Text}
	if err := decodeBody(b, got); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var want document.Document
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &want) {
		gj, _ := json.Marshal(got)
		t.Errorf("binary round trip differs from JSON round trip:\n got %s\nwant %s", gj, js)
	}
	if len(b) >= len(js) {
		t.Errorf("binary body %d bytes, JSON %d", len(b), len(js))
	}
	// Every proper prefix is rejected, never a panic.
	for i := len(bodyMagicV2); i < len(b); i++ {
		if err := decodeBody(b[:i], &document.Document{Text: d.Text}); err == nil {
			t.Fatalf("prefix of %d/%d bytes decoded", i, len(b))
		}
	}
}

func FuzzDecodeBody(f *testing.F) {
	d := codecDoc(f)
	b, err := encodeBody(d)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[len(bodyMagicV2):])
	f.Add([]byte{2, '{', '}', 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := &document.Document{Text: d.Text}
		decodeBody(append([]byte(bodyMagicV2), data...), doc) // must not panic
	})
}

func BenchmarkEncodeBody(b *testing.B) {
	d := codecDoc(b)
	for i := 0; i < b.N; i++ {
		if _, err := encodeBody(d); err != nil {
			b.Fatal(err)
		}
	}
}
