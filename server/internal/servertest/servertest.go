// Package servertest holds fixtures shared by the server's tests and its
// Corpus adapters' tests.
package servertest

import (
	"strings"
	"time"

	"github.com/newslens/newslens/document"
)

// Article builds a document with one annotation of every kind the UI draws.
func Article(id, outlet string, month int, title, body string) *document.Document {
	return article(id, outlet, month, title, body, "", false)
}

func article(id, outlet string, month int, title, body, portrayal string, withSummary bool) *document.Document {
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
	if strings.Contains(body, "Bashar al-Assad visited Deir Ezzor") {
		sent := find("As the day of total victory draws near, Bashar al-Assad visited Deir Ezzor.")
		add(document.Annotation{Kind: "event", Span: sent, Label: "CONSULT", Confidence: 0.65,
			Parts: map[string]document.Span{"trigger": find("visited"), "source": find("Bashar al-Assad")},
			Attrs: map[string]any{"plover": "CONSULT", "cameo": "042", "cameo_root": "04", "mode": "asserted",
				"source_entity": "per:bashar-al-assad", "date": "2017-09-04",
				"place": map[string]any{"geonameid": 170794, "name": "Deir ez-Zor", "span": []int{0, 0}}}})
	}
	// Portrayal of Bashar al-Assad: from the analyzer's summary (a typed
	// value, as in process) where the portrayal label is given, else from
	// the mention annotations alone.
	if strings.Contains(body, "Bashar al-Assad") && portrayal != "" {
		ann, err := doc.Add(document.Annotation{Kind: "portrayal", Span: find("Bashar al-Assad"), Label: portrayal, Confidence: 0.7,
			Analyzer: "portrayal", Version: "1",
			Attrs: map[string]any{"entity_id": "per:bashar-al-assad", "mention": "a1", "voice": "author", "probs": []float64{0.1, 0.2, 0.7}}})
		if err != nil {
			panic(err)
		}
		if withSummary {
			type ent struct {
				EntityID string   `json:"entity_id"`
				Label    string   `json:"label"`
				Mentions []string `json:"mentions"`
			}
			doc.SetSummary("portrayal", struct {
				Entities []ent `json:"entities"`
			}{[]ent{{"per:bashar-al-assad", portrayal, []string{ann}}}})
		}
	}
	return doc
}

const XSSTitle = `<script>alert("title")</script><img src=x onerror=alert(1)>`

// Docs returns a small corpus: two outlets, several months, quotes,
// techniques, citations, entities and places, and one article with hostile
// markup in its title and text.
func Docs() []*document.Document {
	return []*document.Document{
		article("d1", "Syria Times", 9, "The liberation of Deir Ezzor",
			`As the day of total victory draws near, Bashar al-Assad visited Deir Ezzor. "We will win," said the minister. 12 soldiers were killed, Reuters reported.`,
			"positive", true),
		Article("d2", "Syria Times", 10, "Army advances",
			`The army advanced near Deir Ezzor. "We will win," said the minister again.`),
		article("d3", "Daily Planet", 10, "Talks in Geneva",
			`Diplomats met in Geneva while Bashar al-Assad stayed home. Reuters reported the meeting.`, "negative", false),
		Article("xss", "Daily Planet", 11, XSSTitle,
			`Text with <script>alert("text")</script> and <img src=x onerror=alert(2)> and javascript:alert(3) inside.`),
	}
}
