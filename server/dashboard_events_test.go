package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"

	. "github.com/newslens/newslens/server/internal/htmlcheck"
)

// addStrike adds a document with an event whose source and target are both
// entities (the fixtures' only event has no target), so the pair table has
// a row.
func addStrike(t *testing.T, put func(context.Context, *document.Document) error) {
	t.Helper()
	d := servertest.Article("d5", "Syria Times", 9, "Strikes near Deir Ezzor",
		`Bashar al-Assad ordered strikes on Daesh near Deir Ezzor.`)
	find := func(s string) document.Span {
		i := strings.Index(d.Text, s)
		return document.Span{Start: i, End: i + len(s)}
	}
	for _, a := range []document.Annotation{
		{Kind: "entity", Span: find("Daesh"), Label: "ORG", Confidence: 0.9, Attrs: map[string]any{"entity_id": "org:daesh"}},
		{Kind: "event", Span: find(d.Text), Label: "FIGHT", Confidence: 0.7,
			Parts: map[string]document.Span{"trigger": find("strikes"), "source": find("Bashar al-Assad"), "target": find("Daesh")},
			Attrs: map[string]any{"plover": "FIGHT", "mode": "asserted", "source_entity": "per:bashar-al-assad", "target_entity": "org:daesh"}},
	} {
		a.Analyzer, a.Version = "test", "1"
		if _, err := d.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	d.Entities = append(d.Entities, document.Entity{ID: "org:daesh", Type: "ORG", Name: "Daesh"})
	if err := put(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

func TestDashboardEventsPortrayal(t *testing.T) {
	s, c := newServer(t, nil)
	addStrike(t, c.Put)
	h := s.Handler()
	w := get(t, h, "/")
	if w.Code != 200 {
		t.Fatalf("dashboard: %d", w.Code)
	}
	err := Run(bytes.NewReader(w.Body.Bytes()), All(
		// Events per month, stacked by type, each segment a search link.
		In(`#events-section a.csv[href="/chart/events-by-type.csv"]`),
		In(`#events-section figcaption`, HasText(`^Events per month by PLOVER type \(2 events\)`)),
		In(`svg.events a[href="/search?date=2017-09&event=CONSULT"] .seg title`, HasExactText("2017-09, CONSULT: 1 events")),
		In(`svg.events a[href="/search?date=2017-09&event=FIGHT"] .seg title`, HasExactText("2017-09, FIGHT: 1 events")),
		Count(`svg.events .key`, 2),
		// The pair table links both entities and the filtered search.
		In(`#pairs-section a.csv[href="/chart/event-pairs.csv"]`),
		Count(`table.pairs tbody tr`, 1),
		In(`table.pairs td a[href="/entity/per:bashar-al-assad"]`, HasExactText("Bashar al-Assad")),
		In(`table.pairs td a[href="/entity/org:daesh"]`, HasExactText("Daesh")),
		In(`table.pairs a.pair[href="/search?actor=per%3Abashar-al-assad&target=org%3Adaesh"]`, HasAttr("title", "Bashar al-Assad → Daesh: 1 events")),
		// Portrayal: one bar for the one portrayed entity, a segment per label.
		In(`#portrayal-section a.csv[href="/chart/portrayal-entities.csv"]`),
		In(`#portrayal-section svg.stacked text.lbl`, HasExactText("Bashar al-Assad")),
		In(`#portrayal-section a[href="/search?portrayal=per%3Abashar-al-assad%3Apositive"] .seg.p-pos title`, HasExactText("Bashar al-Assad, positive: 1 documents")),
		In(`#portrayal-section a[href="/search?portrayal=per%3Abashar-al-assad%3Anegative"] .seg.p-neg title`, HasExactText("Bashar al-Assad, negative: 1 documents")),
		NotIn(`#portrayal-section a[href*="neutral"]`),
	))
	if err != nil {
		t.Fatal(err)
	}
	checkNoInline(t, w.Body.Bytes())

	// The links lead to the documents behind the marks.
	for path, want := range map[string]string{
		"/search?portrayal=per%3Abashar-al-assad%3Apositive":            "The liberation of Deir Ezzor",
		"/search?portrayal=per%3Abashar-al-assad%3Anegative":            "Talks in Geneva",
		"/search?actor=per%3Abashar-al-assad&target=org%3Adaesh":        "Strikes near Deir Ezzor",
		"/search?date=2017-09&event=CONSULT":                            "The liberation of Deir Ezzor",
		"/api/v1/search?actor=per%3Abashar-al-assad&target=org%3Adaesh": `"total":1`,
	} {
		w := get(t, h, path)
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d, want %q in\n%.400s", path, w.Code, want, w.Body.String())
		}
	}
}

func TestDashboardEventsCSV(t *testing.T) {
	s, c := newServer(t, nil)
	addStrike(t, c.Put)
	h := s.Handler()
	tests := []struct{ name, head, row string }{
		{"events-by-type", "month,event_type,count", "2017-09,FIGHT,1"},
		{"event-pairs", "actor,actor_name,target,target_name,count", "per:bashar-al-assad,Bashar al-Assad,org:daesh,Daesh,1"},
		{"portrayal-entities", "entity_id,name,negative,neutral,positive", "per:bashar-al-assad,Bashar al-Assad,1,0,1"},
	}
	for _, tt := range tests {
		w := get(t, h, "/chart/"+tt.name+".csv")
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
			w.Header().Get("Content-Disposition") != `attachment; filename="`+tt.name+`.csv"` {
			t.Errorf("%s: %d %q %q", tt.name, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
			continue
		}
		lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
		if lines[0] != tt.head {
			t.Errorf("%s: header %q, want %q", tt.name, lines[0], tt.head)
		}
		if !strings.Contains(w.Body.String(), tt.row+"\n") {
			t.Errorf("%s: no row %q in\n%s", tt.name, tt.row, w.Body.String())
		}
	}
}

// plainCorpus hides the Analytics methods of the corpus it wraps.
type plainCorpus struct{ server.Corpus }

// Without Analytics (serve --index store) the dashboard leaves the event and
// portrayal charts out and their CSVs answer 501.
func TestDashboardWithoutAnalytics(t *testing.T) {
	s, _ := newServer(t, func(cfg *server.ServerConfig) { cfg.Corpus = plainCorpus{cfg.Corpus} })
	h := s.Handler()
	w := get(t, h, "/")
	if w.Code != 200 {
		t.Fatalf("dashboard: %d", w.Code)
	}
	if err := Run(bytes.NewReader(w.Body.Bytes()), All(
		In("svg.map"),
		NotIn("#events-section"), NotIn("#pairs-section"), NotIn("#portrayal-section"),
	)); err != nil {
		t.Fatal(err)
	}
	if w := get(t, h, "/chart/event-pairs.csv"); w.Code != 501 {
		t.Errorf("event-pairs.csv without analytics: %d", w.Code)
	}
}
