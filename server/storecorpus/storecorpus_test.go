package storecorpus_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"

	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
	"github.com/newslens/newslens/server/storecorpus"
	"github.com/newslens/newslens/store/sqlite"
)

func open(t *testing.T) (*storecorpus.Corpus, map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := storecorpus.New(st, 0)
	ids := map[string]string{} // fixture id -> store id
	for _, d := range servertest.Docs() {
		fixture := d.ID
		if err := c.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		ids[fixture] = d.ID
	}
	return c, ids
}

func TestCorpus(t *testing.T) {
	ctx := context.Background()
	c, ids := open(t)

	d, err := c.Get(ctx, ids["d1"])
	if err != nil || d.Title != "The liberation of Deir Ezzor" {
		t.Fatalf("Get: %v %v", d, err)
	}
	if _, err := c.Get(ctx, "nope"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("Get missing: %v", err)
	}

	// Paging through documents with the cursor visits each once.
	seen := map[string]bool{}
	cur := ""
	for i := 0; i < 10; i++ {
		pg, err := c.Documents(ctx, server.PageRequest{Limit: 3, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range pg.Items {
			if seen[it.ID] {
				t.Errorf("document %s listed twice", it.ID)
			}
			seen[it.ID] = true
		}
		if cur = pg.Next; cur == "" {
			break
		}
	}
	if len(seen) != 4 {
		t.Errorf("listed %d documents, want 4", len(seen))
	}

	res, err := c.Search(ctx, server.SearchRequest{Query: "minister"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Hits) != 2 || len(res.Hits[0].Snippets) == 0 {
		t.Fatalf("search minister: %+v", res)
	}
	if got := res.Facets[server.FacetOutlet]; len(got) != 1 || got[0].Value != "Syria Times" || got[0].Count != 2 {
		t.Errorf("outlet facet %+v", got)
	}
	res, err = c.Search(ctx, server.SearchRequest{Query: "reported", Filter: server.Filter{Outlet: "Daily Planet"}})
	if err != nil || res.Total != 1 {
		t.Fatalf("narrowed search: %+v %v", res, err)
	}

	st, err := c.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 4 || len(st.Places) != 1 || st.Places[0].Name != "Deir ez-Zor" || len(st.OutletTechnique) == 0 || len(st.Volume) == 0 {
		t.Errorf("stats %+v", st)
	}
	if len(st.Citations) == 0 || st.Citations[0].To != "Reuters" {
		t.Errorf("citations %+v", st.Citations)
	}

	e, err := c.Entity(ctx, "per:bashar-al-assad")
	if err != nil || e.Name != "Bashar al-Assad" || len(e.Documents) != 2 {
		t.Errorf("entity %+v %v", e, err)
	}
	p, err := c.Place(ctx, "170794")
	if err != nil || p.Documents == nil || p.Mentions != 2 {
		t.Errorf("place %+v %v", p, err)
	}
	o, err := c.Outlet(ctx, "Syria Times")
	if err != nil || o.OutletSummary.Documents != 2 || len(o.Techniques) == 0 {
		t.Errorf("outlet %+v %v", o, err)
	}
	if _, err := c.Outlet(ctx, "Nobody"); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("missing outlet: %v", err)
	}
	ents, err := c.Entities(ctx, server.PageRequest{Limit: 10})
	if err != nil || ents.Total != 1 || ents.Items[0].Mentions == 0 {
		t.Errorf("entities %+v %v", ents, err)
	}
	// Paging one item at a time visits every outlet exactly once.
	var names []string
	for cur := ""; ; {
		pg, err := c.Outlets(ctx, server.PageRequest{Limit: 1, Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range pg.Items {
			names = append(names, it.Name)
		}
		if cur = pg.Next; cur == "" {
			if len(names) != pg.Total || pg.Total < 2 {
				t.Errorf("paged outlets %v, total %d", names, pg.Total)
			}
			break
		}
	}
	pl, err := c.Places(ctx, server.PageRequest{Limit: 1})
	if err != nil || len(pl.Items) != 1 || (pl.Total > 1) != (pl.Next != "") {
		t.Errorf("places page %+v %v", pl, err)
	}
	if err := c.Delete(ctx, ids["d1"]); !errors.Is(err, server.ErrNotImplemented) {
		t.Errorf("delete: %v", err)
	}
}

func TestIndexed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := storecorpus.NewIndexed(st)
	for _, d := range servertest.Docs() {
		if err := c.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// A second index over the same store loads what the first wrote.
	c2 := storecorpus.NewIndexed(st)
	n, err := c2.Load(ctx)
	if err != nil || n != 4 {
		t.Fatalf("loaded %d documents, %v", n, err)
	}
	res, err := c2.Search(ctx, server.SearchRequest{Query: "minister"})
	if err != nil || res.Total != 2 {
		t.Fatalf("search after load: %+v %v", res, err)
	}
	if _, err := c2.Place(ctx, "170794"); err != nil {
		t.Error(err)
	}

	// A syndicated copy (same text, another outlet's URL) is in the same
	// cluster, and the article view lists it.
	d := servertest.Docs()[0]
	d.URL, d.Outlet, d.ID = "https://mirror.example/liberation", "Mirror", ""
	if err := c.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	copies, err := c.Cluster(ctx, d.ID)
	if err != nil || len(copies) != 1 || copies[0].Outlet != "Syria Times" {
		t.Errorf("cluster of %s: %+v %v", d.ID, copies, err)
	}
	// An index loaded afterwards lists the same copies as the store does.
	c3 := storecorpus.NewIndexed(st)
	if _, err := c3.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{d.ID, copies[0].ID} {
		fromStore, err1 := storecorpus.New(st, 0).Cluster(ctx, id)
		fromIndex, err2 := c3.Cluster(ctx, id)
		if err1 != nil || err2 != nil || len(fromStore) != 1 || !reflect.DeepEqual(fromStore, fromIndex) {
			t.Errorf("cluster of %s: store %+v (%v), loaded index %+v (%v)", id, fromStore, err1, fromIndex, err2)
		}
	}
	s, err := server.New(server.ServerConfig{Corpus: c, Processor: nopProcessor{}})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/doc/"+d.ID, nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Syndication cluster") || !strings.Contains(w.Body.String(), "/doc/"+copies[0].ID) {
		t.Errorf("article view of a syndicated copy: %d, no cluster listed", w.Code)
	}
}

type nopProcessor struct{}

func (nopProcessor) Process(ctx context.Context, rec input.Record) (*document.Document, error) {
	return nil, errors.New("not used")
}

// Event and portrayal statistics need the in-memory index: the store
// adapter says so with 501 rather than answering wrongly.
func TestEventStatsNeedTheIndex(t *testing.T) {
	c, _ := open(t)
	s, err := server.New(server.ServerConfig{Corpus: c, Processor: nopProcessor{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/stats/events", "/api/v1/stats/portrayal"} {
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 501 || !strings.Contains(w.Body.String(), "in-memory index") {
			t.Errorf("%s: %d %.200s", path, w.Code, w.Body.String())
		}
	}
}

// The event and portrayal filters are store filters now: the store
// adapter finds the same documents as the in-memory index loaded from the
// same store, and offers the values as facets.
func TestEventPortrayalFilters(t *testing.T) {
	ctx := context.Background()
	c, _ := open(t)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx := storecorpus.NewIndexed(st)
	for _, d := range servertest.Docs() {
		if err := idx.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(r *server.SearchResult) []string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.Title)
		}
		sort.Strings(out)
		return out
	}
	all, err := c.Search(ctx, server.SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, facet := range []string{server.FacetEvent, server.FacetActor, server.FacetPortrayal} {
		if len(all.Facets[facet]) == 0 {
			t.Errorf("no %s facet from the store: %+v", facet, all.Facets)
		}
	}
	filters := []server.Filter{
		{Event: "CONSULT"},
		{Actor: "per:bashar-al-assad"},
		{Event: "CONSULT", Actor: "per:bashar-al-assad"},
		{Event: "CONSULT", Target: "per:bashar-al-assad"},
		{Event: "FIGHT"},
	}
	for _, fc := range all.Facets[server.FacetPortrayal] {
		filters = append(filters, server.Filter{Portrayal: fc.Value})
	}
	for _, f := range filters {
		got, err := c.Search(ctx, server.SearchRequest{Filter: f})
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		want, err := idx.Search(ctx, server.SearchRequest{Filter: f})
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		if !reflect.DeepEqual(ids(got), ids(want)) || got.Total != want.Total {
			t.Errorf("%+v: store found %q (%d), the index %q (%d)", f, ids(got), got.Total, ids(want), want.Total)
		}
	}
	if r, _ := c.Search(ctx, server.SearchRequest{Filter: server.Filter{Event: "CONSULT"}}); r == nil || r.Total == 0 {
		t.Errorf("event filter found nothing")
	}
}

// A changed article replaces its older version in the in-memory index, as
// in the store's searches (the store keeps both versions).
func TestIndexedDropsSupersededVersions(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx := storecorpus.NewIndexed(st)
	v1 := &document.Document{URL: "https://example.com/a", Title: "First", Text: "The first version of the story."}
	v2 := &document.Document{URL: "https://example.com/a", Title: "Second", Text: "The second version of the story, corrected."}
	for _, d := range []*document.Document{v1, v2} {
		if err := idx.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	r, err := idx.Search(ctx, server.SearchRequest{Query: "version"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 1 || len(r.Hits) != 1 || r.Hits[0].Title != "Second" {
		t.Errorf("search after a new version: %+v", r)
	}
	if _, err := idx.Get(ctx, v1.ID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("superseded version still indexed: %v", err)
	}
	reloaded := storecorpus.NewIndexed(st)
	if n, err := reloaded.Load(ctx); err != nil || n != 1 {
		t.Errorf("Load: %d documents, %v; want 1", n, err)
	}
}

// The server's To is exclusive and the store's inclusive: a document
// published at exactly To is outside the range, as in memcorpus.
func TestToIsExclusive(t *testing.T) {
	ctx := context.Background()
	c, ids := open(t)
	to := time.Date(2017, 10, 5, 12, 0, 0, 0, time.UTC) // d2 and d3 are published at this instant
	res, err := c.Search(ctx, server.SearchRequest{Filter: server.Filter{To: to}, Sort: "date"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	if want := []string{ids["d1"]}; !reflect.DeepEqual(got, want) {
		t.Errorf("To %v: got %v, want %v", to, got, want)
	}
}
