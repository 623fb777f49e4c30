// Package storetest is the conformance suite every store.Store
// implementation runs: call [Run] from the implementation's tests with a
// function that returns a fresh, empty store.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
)

// Opener returns a new empty store; it registers its own cleanup on t.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite. Each case gets its own fresh store.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PutGet", testPutGet},
		{"Idempotent", testIdempotent},
		{"Versions", testVersions},
		{"Clusters", testClusters},
		{"Search", testSearch},
		{"Filters", testFilters},
		{"Aggregations", testAggregations},
		{"Rollups", testRollups},
		{"RepeatedFacts", testRepeatedFacts},
		{"EventsPortrayal", testEventsPortrayal},
		{"EntitiesPlacesOutlets", testLookups},
		{"StaleReplace", testStaleReplace},
		{"IngestRecords", testIngestRecords},
		{"ConcurrentPut", testConcurrentPut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t, open(t))
		})
	}
}

// Doc builds a test document. Each ann is "kind|label|surface|k=v,k=v":
// the surface's first occurrence in text becomes the span, and numeric
// attribute values (lat, lon, value) become float64.
func Doc(url, outlet, title, text string, published time.Time, anns ...string) *document.Document {
	d := &document.Document{URL: url, Outlet: outlet, Title: title, Text: text, Analyzers: map[string]string{}}
	if !published.IsZero() {
		p := published.UTC()
		d.Published = &p
	}
	for _, spec := range anns {
		f := strings.SplitN(spec, "|", 4)
		for len(f) < 4 {
			f = append(f, "")
		}
		i := strings.Index(text, f[2])
		if i < 0 {
			panic(fmt.Sprintf("storetest: %q not in text", f[2]))
		}
		a := document.Annotation{Kind: f[0], Label: f[1], Span: document.Span{Start: i, End: i + len(f[2])},
			Analyzer: f[0] + "s", Version: "1", Confidence: 0.9}
		if f[3] != "" {
			a.Attrs = map[string]any{}
			for _, kv := range strings.Split(f[3], ",") {
				k, v, _ := strings.Cut(kv, "=")
				var x float64
				if _, err := fmt.Sscan(v, &x); err == nil && (k == "lat" || k == "lon" || k == "value") {
					a.Attrs[k] = x
				} else {
					a.Attrs[k] = v
				}
			}
		}
		if _, err := d.Add(a); err != nil {
			panic(err)
		}
		d.Analyzers[a.Analyzer] = "1"
		if a.Kind == "entity" {
			id, _ := a.Attrs["entity_id"].(string)
			found := false
			for k := range d.Entities {
				if d.Entities[k].ID == id {
					d.Entities[k].Mentions = append(d.Entities[k].Mentions, d.Annotations[len(d.Annotations)-1].ID)
					found = true
				}
			}
			if !found {
				d.Entities = append(d.Entities, document.Entity{ID: id, Type: a.Label, Name: d.Slice(a.Span), Mentions: []string{d.Annotations[len(d.Annotations)-1].ID}})
			}
		}
	}
	return d
}

// Day parses a YYYY-MM-DD date (UTC), for tests.
func Day(s string) time.Time { return day(s) }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func put(t *testing.T, s store.Store, docs ...*document.Document) []store.PutResult {
	t.Helper()
	res, err := s.Put(context.Background(), docs)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if len(res) != len(docs) {
		t.Fatalf("Put returned %d results for %d docs", len(res), len(docs))
	}
	return res
}

const (
	textSyria = "Syrian troops entered Deir Ezzor on Tuesday. \"The siege is broken,\" said Bashar al-Assad, " +
		"according to the Reuters news agency. At least 12 people were killed in the fighting near the city, " +
		"and the Syrian Arab Army said the liberation would continue. Loaded words fill the official statement."
	textAleppo = "Fighting in Aleppo left 40 people wounded on Monday as government forces advanced. " +
		"\"We will not leave,\" said Ahmad Khalil, a resident, speaking to the BBC. Observers in Damascus " +
		"described the offensive as the heaviest in months, and the United Nations called for a ceasefire."
	textWeather = "Heavy snow closed schools across Oslo on Friday, and trains were delayed for hours. The city " +
		"council said ploughs worked through the night while residents dug out their cars in the early morning."
)

// corpus returns three analysed documents with every annotation kind the
// store indexes.
func corpus() []*document.Document {
	return []*document.Document{
		Doc("https://www.example.com/news/syria?utm_source=x", "Example News", "Troops enter Deir Ezzor", textSyria, day("2017-09-05"),
			"entity|LOC|Deir Ezzor|entity_id=Q239",
			"entity|PER|Bashar al-Assad|entity_id=Q44329",
			"entity|ORG|Syrian Arab Army|entity_id=Q1063404",
			"entity|ORG|Reuters|entity_id=Q130879",
			"place|LOC|Deir Ezzor|geonameid=170794,name=Deir ez-Zor,country=SY,lat=35.336,lon=40.14",
			"quote|direct|\"The siege is broken,\"|speaker=Bashar al-Assad,speaker_entity=Q44329",
			"citation|verbal|the Reuters news agency|outlet=Reuters",
			"count|killed|At least 12 people were killed|value=12",
			"technique|Loaded_Language|Loaded words",
		),
		Doc("https://other.org/aleppo", "Other Daily", "Aleppo fighting", textAleppo, day("2017-10-02"),
			"entity|LOC|Aleppo|entity_id=Q41183",
			"entity|PER|Ahmad Khalil|entity_id=Q999001",
			"entity|ORG|United Nations|entity_id=Q1065",
			"entity|LOC|Damascus|entity_id=Q3766",
			"place|LOC|Aleppo|geonameid=170063,name=Aleppo,country=SY,lat=36.202,lon=37.158",
			"place|LOC|Damascus|geonameid=170654,name=Damascus,country=SY,lat=33.51,lon=36.29",
			"quote|direct|\"We will not leave,\"|speaker=Ahmad Khalil,speaker_entity=Q999001",
			"citation|verbal|the BBC|outlet=BBC",
			"count|wounded|40 people wounded|value=40",
			"technique|Exaggeration,Minimisation|the heaviest in months",
		),
		Doc("https://example.com/oslo-snow", "Example News", "Snow in Oslo", textWeather, day("2018-01-12"),
			"entity|LOC|Oslo|entity_id=Q585",
			"place|LOC|Oslo|geonameid=3143244,name=Oslo,country=NO,lat=59.91,lon=10.75",
		),
	}
}

func testPutGet(t *testing.T, s store.Store) {
	ctx := context.Background()
	docs := corpus()
	res := put(t, s, docs...)
	for i, r := range res {
		if r.Existing || r.Version != 1 || r.ID == "" || r.ClusterID == "" {
			t.Errorf("doc %d: unexpected result %+v", i, r)
		}
		got, err := s.Get(ctx, r.ID)
		if err != nil {
			t.Fatalf("Get %s: %v", r.ID, err)
		}
		want := docs[i]
		if got.Text != want.Text || got.Title != want.Title || got.URL != want.URL || got.Outlet != want.Outlet {
			t.Errorf("doc %d: metadata or text differ after round trip", i)
		}
		if !got.Published.Equal(*want.Published) {
			t.Errorf("doc %d: published %v, want %v", i, got.Published, want.Published)
		}
		if !reflect.DeepEqual(got.Annotations, want.Annotations) {
			t.Errorf("doc %d: annotations differ:\n got %+v\nwant %+v", i, got.Annotations, want.Annotations)
		}
		if len(got.Entities) != len(want.Entities) {
			t.Errorf("doc %d: %d entities, want %d", i, len(got.Entities), len(want.Entities))
		}
		if err := got.Validate(); err != nil {
			t.Errorf("doc %d: %v", i, err)
		}
		info, err := s.Info(ctx, r.ID)
		if err != nil || info.CanonicalURL != store.CanonicalURL(want.URL) || info.Bytes != len(want.Text) || !info.Latest {
			t.Errorf("doc %d: Info = %+v, %v", i, info, err)
		}
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.Put(ctx, []*document.Document{{URL: "https://x.org/empty"}}); err == nil {
		t.Error("Put of a document without text succeeded")
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := put(t, s, corpus()...)
	again := put(t, s, corpus()...)
	for i := range first {
		if !again[i].Existing || again[i].ID != first[i].ID {
			t.Errorf("doc %d: re-put = %+v, want existing %s", i, again[i], first[i].ID)
		}
	}
	// The same article under a tracking-parameter / www / http variant.
	d := corpus()[0]
	d.URL = "http://example.com/news/syria/#comments"
	r := put(t, s, d)
	if !r[0].Existing || r[0].ID != first[0].ID {
		t.Errorf("URL variant: %+v, want existing %s", r[0], first[0].ID)
	}
	// A batch holding the same document twice stores it once.
	dup := put(t, s, corpus()[1], corpus()[1])
	if !dup[1].Existing || dup[0].ID != dup[1].ID {
		t.Errorf("duplicate within a batch: %+v", dup)
	}
	n, err := s.Count(ctx, store.Filter{AllVersions: true})
	if err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
}

func testVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	old := corpus()[0]
	r1 := put(t, s, old)
	changed := corpus()[0]
	changed.Text = strings.Replace(changed.Text, "12 people", "15 people", 1)
	changed.Annotations = nil
	r2 := put(t, s, changed)
	if r2[0].Existing || r2[0].Version != 2 || r2[0].ID == r1[0].ID {
		t.Fatalf("changed article: %+v, want new version 2", r2[0])
	}
	vs, err := s.Versions(ctx, "https://example.com/news/syria")
	if err != nil || len(vs) != 2 {
		t.Fatalf("Versions = %v, %v; want 2", vs, err)
	}
	if vs[0].Version != 2 || !vs[0].Latest || vs[1].Version != 1 || vs[1].Latest {
		t.Errorf("Versions order/latest wrong: %+v", vs)
	}
	if n, _ := s.Count(ctx, store.Filter{}); n != 1 {
		t.Errorf("Count(latest) = %d, want 1", n)
	}
	if n, _ := s.Count(ctx, store.Filter{AllVersions: true}); n != 2 {
		t.Errorf("Count(all versions) = %d, want 2", n)
	}
	if got, err := s.Get(ctx, r1[0].ID); err != nil || got.Text != old.Text {
		t.Errorf("old version not kept: %v", err)
	}
	// Putting the old text again does not create a third version.
	if r := put(t, s, corpus()[0]); !r[0].Existing || r[0].ID != r1[0].ID {
		t.Errorf("re-put of old version: %+v", r[0])
	}
}

func testClusters(t *testing.T, s store.Store) {
	ctx := context.Background()
	// A wire story of typical length, and a lightly edited copy of it.
	wire := textAleppo + "\n\n" + textSyria + "\n\n" + textAleppo
	a := Doc("https://other.org/aleppo", "Other Daily", "Aleppo fighting", wire, day("2017-10-02"))
	b := Doc("https://syndicate.net/world/aleppo-fighting", "Syndicate", "Aleppo fighting",
		strings.Replace(wire, "on Monday", "on Monday morning", 1), day("2017-10-02"))
	c := corpus()[2]
	res := put(t, s, a, b, c)
	if res[1].ClusterID != res[0].ClusterID {
		t.Errorf("syndicated copy in cluster %s, original in %s", res[1].ClusterID, res[0].ClusterID)
	}
	if res[2].ClusterID == res[0].ClusterID {
		t.Error("unrelated article joined the cluster")
	}
	members, err := s.Cluster(ctx, res[0].ClusterID)
	if err != nil || len(members) != 2 {
		t.Errorf("Cluster = %v, %v; want 2 members", members, err)
	}
	if n, _ := s.Count(ctx, store.Filter{ClusterID: res[0].ClusterID}); n != 2 {
		t.Errorf("Count(cluster) = %d, want 2", n)
	}
}

func hitIDs(r *store.Results) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Title)
	}
	return out
}

func testSearch(t *testing.T, s store.Store) {
	ctx := context.Background()
	docs := corpus()
	put(t, s, docs...)
	tests := []struct {
		query string
		sort  store.Sort
		want  []string // titles in order
	}{
		{"siege", "", []string{"Troops enter Deir Ezzor"}},
		{"killed", store.SortRelevance, []string{"Troops enter Deir Ezzor"}},
		{"fighting", store.SortDate, []string{"Aleppo fighting", "Troops enter Deir Ezzor"}},
		{"fighting", store.SortDateAsc, []string{"Troops enter Deir Ezzor", "Aleppo fighting"}},
		{"fighting -aleppo", "", []string{"Troops enter Deir Ezzor"}},
		{`"government forces"`, "", []string{"Aleppo fighting"}},
		{`"forces government"`, "", nil},
		{"snow oslo", "", []string{"Snow in Oslo"}},
		{"", store.SortDate, []string{"Snow in Oslo", "Aleppo fighting", "Troops enter Deir Ezzor"}},
		{"zebra", "", nil},
		{`"`, "", []string{"Snow in Oslo", "Aleppo fighting", "Troops enter Deir Ezzor"}},
	}
	for _, tc := range tests {
		t.Run(tc.query+"/"+string(tc.sort), func(t *testing.T) {
			r, err := s.Search(ctx, store.Filter{Query: tc.query}, store.Page{Sort: tc.sort})
			if err != nil {
				t.Fatal(err)
			}
			if got := hitIDs(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("hits %q, want %q", got, tc.want)
			}
			if r.Total != len(tc.want) {
				t.Errorf("Total = %d, want %d", r.Total, len(tc.want))
			}
		})
	}
	// Snippets carry spans into the document text that cover the matches.
	r, err := s.Search(ctx, store.Filter{Query: "siege broken"}, store.Page{})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("search: %v %v", r, err)
	}
	h := r.Hits[0]
	if h.Score <= 0 {
		t.Errorf("relevance score %v, want > 0", h.Score)
	}
	if len(h.Snippets) == 0 {
		t.Fatal("no snippet")
	}
	var words []string
	for _, sn := range h.Snippets {
		if textSyria[sn.Start:sn.End] != sn.Text {
			t.Errorf("snippet span [%d,%d) does not match its text", sn.Start, sn.End)
		}
		for _, m := range sn.Matches {
			words = append(words, strings.ToLower(textSyria[m.Start:m.End]))
		}
	}
	if !reflect.DeepEqual(words, []string{"siege", "broken"}) {
		t.Errorf("matches %q, want siege, broken", words)
	}
	// Paging.
	p1, _ := s.Search(ctx, store.Filter{}, store.Page{Limit: 2, Sort: store.SortDate})
	p2, _ := s.Search(ctx, store.Filter{}, store.Page{Limit: 2, Offset: 2, Sort: store.SortDate})
	if p1.Total != 3 || len(p1.Hits) != 2 || len(p2.Hits) != 1 || p2.Hits[0].Title != "Troops enter Deir Ezzor" {
		t.Errorf("paging: %q / %q", hitIDs(p1), hitIDs(p2))
	}
}

func testFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, corpus()...)
	tests := []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"outlet", store.Filter{Outlets: []string{"Example News"}}, []string{"Snow in Oslo", "Troops enter Deir Ezzor"}},
		{"entity", store.Filter{EntityIDs: []string{"Q44329"}}, []string{"Troops enter Deir Ezzor"}},
		{"entity or", store.Filter{EntityIDs: []string{"Q44329", "Q585"}}, []string{"Snow in Oslo", "Troops enter Deir Ezzor"}},
		{"place", store.Filter{PlaceIDs: []string{"170654"}}, []string{"Aleppo fighting"}},
		{"bbox syria", store.Filter{BBox: &store.BBox{MinLat: 32, MinLon: 35, MaxLat: 37.5, MaxLon: 42.5}}, []string{"Aleppo fighting", "Troops enter Deir Ezzor"}},
		{"bbox antimeridian", store.Filter{BBox: &store.BBox{MinLat: 50, MinLon: 170, MaxLat: 70, MaxLon: 20}}, []string{"Snow in Oslo"}},
		{"speaker name", store.Filter{Speakers: []string{"Ahmad Khalil"}}, []string{"Aleppo fighting"}},
		{"speaker id", store.Filter{Speakers: []string{"Q44329"}}, []string{"Troops enter Deir Ezzor"}},
		{"technique", store.Filter{Techniques: []string{"Loaded_Language"}}, []string{"Troops enter Deir Ezzor"}},
		{"count type", store.Filter{CountTypes: []string{"wounded"}}, []string{"Aleppo fighting"}},
		{"date range", store.Filter{From: day("2017-09-10"), To: day("2017-12-31")}, []string{"Aleppo fighting"}},
		{"query and outlet", store.Filter{Query: "said", Outlets: []string{"Other Daily"}}, []string{"Aleppo fighting"}},
		{"no match", store.Filter{Techniques: []string{"Loaded_Language"}, Outlets: []string{"Other Daily"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Search(ctx, tc.f, store.Page{Sort: store.SortDate})
			if err != nil {
				t.Fatal(err)
			}
			got := hitIDs(r)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func rowsString(rows []store.Row) []string {
	var out []string
	for _, r := range rows {
		s := strings.Join(r.Keys, "|") + fmt.Sprintf("=%d", r.Count)
		if r.Sum != 0 {
			s += fmt.Sprintf("/%g", r.Sum)
		}
		out = append(out, s)
	}
	return out
}

func testAggregations(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, corpus()...)
	tests := []struct {
		q    store.AggQuery
		f    store.Filter
		want []string
	}{
		{store.AggQuery{Agg: store.AggVolume}, store.Filter{}, []string{"2017-09=1", "2017-10=1", "2018-01=1"}},
		{store.AggQuery{Agg: store.AggVolume, Interval: "year"}, store.Filter{}, []string{"2017=2", "2018=1"}},
		{store.AggQuery{Agg: store.AggVolume, Interval: "week"}, store.Filter{Outlets: []string{"Other Daily"}}, []string{"2017-10-02=1"}},
		{store.AggQuery{Agg: store.AggOutletTechnique}, store.Filter{}, []string{"Example News|Loaded_Language=1", "Other Daily|Exaggeration,Minimisation=1"}},
		{store.AggQuery{Agg: store.AggSpeakers}, store.Filter{}, []string{"Example News|Bashar al-Assad=1", "Other Daily|Ahmad Khalil=1"}},
		{store.AggQuery{Agg: store.AggQuotedEntities}, store.Filter{}, []string{"Example News|Q44329|Bashar al-Assad=1", "Other Daily|Q999001|Ahmad Khalil=1"}},
		{store.AggQuery{Agg: store.AggCitedOutlets}, store.Filter{}, []string{"BBC=1", "Reuters=1"}},
		{store.AggQuery{Agg: store.AggCitations}, store.Filter{}, []string{"Example News|Reuters=1", "Other Daily|BBC=1"}},
		{store.AggQuery{Agg: store.AggCooccurrence, Limit: 2}, store.Filter{EntityIDs: []string{"Q44329"}}, []string{"Q1063404|Q130879=1", "Q1063404|Q239=1"}},
		{store.AggQuery{Agg: store.AggEntities, Limit: 1}, store.Filter{Outlets: []string{"Example News"}, Query: "snow"}, []string{"Q585|LOC|Oslo=1"}},
		{store.AggQuery{Agg: store.AggPlaces}, store.Filter{}, []string{"170063|Aleppo|SY|36.202|37.158=1", "170654|Damascus|SY|33.51|36.29=1", "170794|Deir ez-Zor|SY|35.336|40.14=1", "3143244|Oslo|NO|59.91|10.75=1"}},
		{store.AggQuery{Agg: store.AggCountsByType}, store.Filter{}, []string{"wounded=1/40", "killed=1/12"}},
		{store.AggQuery{Agg: store.AggCountsByPlace}, store.Filter{}, []string{"wounded|170063|Aleppo=1/40", "killed|170794|Deir ez-Zor=1/12"}},
		{store.AggQuery{Agg: store.AggCountsByTime}, store.Filter{}, []string{"killed|2017-09=1/12", "wounded|2017-10=1/40"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.q.Agg), func(t *testing.T) {
			rows, err := s.Aggregate(ctx, tc.q, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got := rowsString(rows)
			if tc.q.Agg == store.AggPlaces {
				// Float formatting differs by backend; compare rounded.
				for i := range rows {
					got[i] = strings.Join(rows[i].Keys[:3], "|") + "|" + round(rows[i].Keys[3]) + "|" + round(rows[i].Keys[4]) + fmt.Sprintf("=%d", rows[i].Count)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := s.Aggregate(ctx, store.AggQuery{Agg: "bogus"}, store.Filter{}); err == nil {
		t.Error("unknown aggregation accepted")
	}
}

func round(s string) string {
	var f float64
	fmt.Sscan(s, &f)
	return fmt.Sprintf("%g", float64(int64(f*1000+0.5*sign(f)))/1000)
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// testRollups checks that aggregations a store answers from maintained
// counts (if it does: it then has AggregateBase, the same aggregation
// from its base tables) agree with the base tables after new versions,
// re-puts and reanalysis, for the filters the counts serve and date
// ranges with partial years at the edges.
func testRollups(t *testing.T, s store.Store) {
	base, ok := s.(interface {
		AggregateBase(context.Context, store.AggQuery, store.Filter) ([]store.Row, error)
	})
	if !ok {
		t.Skip("store has no AggregateBase")
	}
	ctx := context.Background()
	src := EventsCorpus()[:3] // corpus() with events and portrayal
	var docs []*document.Document
	for i := 0; i < 36; i++ {
		d := *src[i%3]
		d.URL = fmt.Sprintf("https://o%d.example/story/%d", i%4, i)
		d.Outlet = fmt.Sprintf("O%d", i%4)
		d.ID = ""
		p := time.Date(2015+i%5, time.Month(1+i%12), 1+i%28, i%24, 0, 0, 0, time.UTC)
		if i == 7 {
			p = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC) // on a year boundary
		}
		d.Published = &p
		docs = append(docs, &d)
	}
	put(t, s, docs[:20]...)
	// A query counts the first batch into the rollups (a store that
	// defers them folds first), so that the changes below meet both
	// counted documents and documents not yet counted.
	if _, err := s.Aggregate(ctx, store.AggQuery{Agg: store.AggEntities}, store.Filter{}); err != nil {
		t.Fatal(err)
	}
	// The rest, with the first five again (no-ops) and new versions of
	// two URLs, one of them twice in this batch.
	next := append([]*document.Document(nil), docs[20:]...)
	next = append(next, docs[:5]...)
	for _, v := range []struct{ i, src int }{{8, 1}, {9, 0}, {9, 2}} {
		d := *src[v.src]
		d.URL, d.Outlet, d.Published, d.ID = docs[v.i].URL, docs[v.i].Outlet, docs[v.i].Published, ""
		d.Text += fmt.Sprintf(" Updated %d.", v.src)
		next = append(next, &d)
	}
	put(t, s, next...)
	// A new version of a document of the second batch (not yet counted).
	v := *src[0]
	v.URL, v.Outlet, v.Published, v.ID = docs[30].URL, docs[30].Outlet, docs[30].Published, ""
	v.Text += " Updated again."
	put(t, s, &v)
	// Reanalysis drops two documents' techniques and quotes: one counted
	// before the second batch, one of the second batch.
	for _, i := range []int{3, 25} {
		doc, err := s.Get(ctx, docs[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		var kept []document.Annotation
		for _, a := range doc.Annotations {
			if a.Kind != "technique" && a.Kind != "quote" {
				kept = append(kept, a)
			}
		}
		doc.Annotations = kept
		if err := s.Replace(ctx, []*document.Document{doc}); err != nil {
			t.Fatal(err)
		}
	}
	filters := map[string]store.Filter{
		"all":          {},
		"outlet":       {Outlets: []string{"O1"}},
		"outlets":      {Outlets: []string{"O1", "O2"}},
		"year":         {From: day("2017-01-01"), To: day("2018-01-01")},
		"years":        {From: day("2016-01-01"), To: day("2018-01-01").Add(-time.Second)},
		"edges":        {From: day("2016-03-01"), To: day("2018-06-30")},
		"outlet+years": {Outlets: []string{"O0"}, From: day("2015-06-01"), To: day("2019-01-01")},
		// Partial months at both ends, with documents in them (monthly
		// rollups count whole months and add the edges).
		"mid-months": {From: day("2015-02-03"), To: day("2019-11-20")},
		"one-month":  {From: day("2017-05-01"), To: day("2017-06-01").Add(-time.Second)},
	}
	for name, f := range filters {
		for _, agg := range store.Aggregations {
			for _, limit := range []int{1000, 2} {
				q := store.AggQuery{Agg: agg, Limit: limit, Interval: "month"}
				got, err := s.Aggregate(ctx, q, f)
				if err != nil {
					t.Fatalf("%s %s: %v", name, agg, err)
				}
				want, err := base.AggregateBase(ctx, q, f)
				if err != nil {
					t.Fatalf("%s %s base: %v", name, agg, err)
				}
				g, w := rowsString(got), rowsString(want)
				if limit == 2 {
					// Ties at the cut may pick different rows; the counts
					// must agree.
					g, w = rowCounts(got), rowCounts(want)
				}
				sort.Strings(g)
				sort.Strings(w)
				if len(want) == 0 && agg != store.AggCountsByPlace && agg != store.AggCitations && agg != store.AggCitedOutlets && name == "all" {
					t.Errorf("%s %s: no rows", name, agg)
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s %s limit %d:\n got %q\nwant %q", name, agg, limit, g, w)
				}
			}
		}
	}
}

func rowCounts(rows []store.Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%d/%g", r.Count, r.Sum))
	}
	return out
}

// testRepeatedFacts checks that annotations repeating the same fact (a
// place named twice, a speaker quoted twice, two counts of one type) are
// each counted, from the rollups and from the base tables alike, and that
// replacing the document counts them again. SQLite stores such
// annotations as one row with their number (migration 0011).
func testRepeatedFacts(t *testing.T, s store.Store) {
	ctx := context.Background()
	const text = "Shelling hit Aleppo again. \"We stay,\" said Ahmad Khalil. In the city, 3 people were killed " +
		"and later 4 more were killed. \"We rebuild,\" said Ahmad Khalil again. Brutal and savage attacks, officials said."
	mk := func() *document.Document {
		return Doc("https://rep.org/aleppo", "Rep", "Aleppo again", text, day("2019-03-04"),
			"entity|PER|Ahmad Khalil|entity_id=Q999001",
			"place|LOC|Aleppo|geonameid=170063,name=Aleppo,country=SY,lat=36.202,lon=37.158",
			"place|LOC|the city|geonameid=170063,name=Aleppo,country=SY,lat=36.202,lon=37.158",
			"quote|direct|\"We stay,\"|speaker=Ahmad Khalil,speaker_entity=Q999001",
			"quote|direct|\"We rebuild,\"|speaker=Ahmad Khalil,speaker_entity=Q999001",
			"count|killed|3 people were killed|value=3",
			"count|killed|4 more were killed|value=4",
			"technique|Loaded_Language|Brutal",
			"technique|Loaded_Language|savage",
		)
	}
	res := put(t, s, mk())
	want := map[store.Aggregation]string{
		store.AggPlaces:          "170063=2",
		store.AggSpeakers:        "Rep|Ahmad Khalil=2",
		store.AggQuotedEntities:  "Rep|Q999001=2",
		store.AggOutletTechnique: "Rep|Loaded_Language=2",
		store.AggCountsByType:    "killed=2/7",
	}
	check := func(when string) {
		t.Helper()
		// No filter reads the rollups where there are any; a query
		// filter groups the base tables.
		for _, f := range []store.Filter{{}, {Query: "shelling"}} {
			for agg, w := range want {
				rows, err := s.Aggregate(ctx, store.AggQuery{Agg: agg}, f)
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				if len(rows) == 1 {
					r := rows[0]
					keys := r.Keys
					switch agg {
					case store.AggPlaces:
						keys = keys[:1] // name and coordinates are checked elsewhere
					case store.AggQuotedEntities:
						keys = keys[:2]
					}
					got = strings.Join(keys, "|") + fmt.Sprintf("=%d", r.Count)
					if agg == store.AggCountsByType {
						got += fmt.Sprintf("/%g", r.Sum)
					}
				}
				if got != w {
					t.Errorf("%s: %s (filter %+v) = %q (%d rows), want %q", when, agg, f, got, len(rows), w)
				}
			}
		}
		p, err := s.Place(ctx, "170063")
		if err != nil || p.Documents != 1 || p.Mentions != 2 {
			t.Errorf("%s: Place = %+v, %v", when, p, err)
		}
		n, err := s.Count(ctx, store.Filter{Speakers: []string{"Q999001"}, CountTypes: []string{"killed"}, PlaceIDs: []string{"170063"}})
		if err != nil || n != 1 {
			t.Errorf("%s: filtered count = %d, %v", when, n, err)
		}
	}
	check("after Put")
	d := mk()
	d.ID = res[0].ID
	if err := s.Replace(ctx, []*document.Document{d}); err != nil {
		t.Fatal(err)
	}
	check("after Replace")
}

func testLookups(t *testing.T, s store.Store) {
	ctx := context.Background()
	put(t, s, corpus()...)
	e, err := s.Entity(ctx, "Q44329")
	if err != nil || e.Name != "Bashar al-Assad" || e.Type != "PER" || e.Documents != 1 || e.Mentions != 1 {
		t.Errorf("Entity = %+v, %v", e, err)
	}
	if _, err := s.Entity(ctx, "Q0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing entity: %v", err)
	}
	p, err := s.Place(ctx, "170063")
	if err != nil || p.Name != "Aleppo" || p.Country != "SY" || p.Documents != 1 || p.Lat < 36 || p.Lat > 36.5 {
		t.Errorf("Place = %+v, %v", p, err)
	}
	os, err := s.Outlets(ctx)
	if err != nil || len(os) != 2 || os[0].Name != "Example News" || os[0].Documents != 2 {
		t.Errorf("Outlets = %+v, %v", os, err)
	}
}

func testStaleReplace(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := put(t, s, corpus()...)
	want := map[string]string{"entitys": "1", "places": "1"}
	ids, err := s.Stale(ctx, want, "", 10)
	if err != nil || len(ids) != 0 {
		t.Fatalf("Stale with current versions = %v, %v", ids, err)
	}
	want["entitys"] = "2"
	var all []string
	after := ""
	for {
		ids, err := s.Stale(ctx, want, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			break
		}
		all = append(all, ids...)
		after = ids[len(ids)-1]
	}
	if len(all) != 3 {
		t.Fatalf("Stale paged %d ids, want 3", len(all))
	}
	doc, err := s.Get(ctx, res[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var kept []document.Annotation
	for _, a := range doc.Annotations {
		if a.Kind != "technique" {
			kept = append(kept, a)
		}
	}
	doc.Annotations = kept
	doc.Analyzers["entitys"] = "2"
	if err := s.Replace(ctx, []*document.Document{doc}); err != nil {
		t.Fatal(err)
	}
	ids, _ = s.Stale(ctx, want, "", 10)
	if len(ids) != 2 {
		t.Errorf("after Replace, %d stale, want 2", len(ids))
	}
	if n, _ := s.Count(ctx, store.Filter{Techniques: []string{"Loaded_Language"}}); n != 0 {
		t.Errorf("replaced annotations still indexed")
	}
	got, _ := s.Get(ctx, res[0].ID)
	if len(got.Annotations) != len(kept) || got.Analyzers["entitys"] != "2" {
		t.Errorf("Replace not stored: %d annotations", len(got.Annotations))
	}
	if n, _ := s.Count(ctx, store.Filter{EntityIDs: []string{"Q44329"}}); n != 1 {
		t.Errorf("entity index lost after Replace")
	}
	doc.Text += "x"
	if err := s.Replace(ctx, []*document.Document{doc}); err == nil {
		t.Error("Replace with a different text succeeded")
	}
}

func testIngestRecords(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Ingested(ctx, "a.html"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ingested(missing) = %v", err)
	}
	if err := s.RecordIngest(ctx, store.IngestRecord{Source: "a.html", Hash: "h1", Status: store.IngestFailed, Error: "boom"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordIngest(ctx, store.IngestRecord{Source: "a.html", Hash: "h2", DocID: "d1", Status: store.IngestOK}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Ingested(ctx, "a.html")
	if err != nil || r.Hash != "h2" || r.DocID != "d1" || r.Status != store.IngestOK || r.Error != "" || r.Attempts != 2 || r.Time.IsZero() {
		t.Errorf("Ingested = %+v, %v", r, err)
	}
}

func testConcurrentPut(t *testing.T, s store.Store) {
	ctx := context.Background()
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func(w int) {
			var err error
			for i := 0; i < 10 && err == nil; i++ {
				d := Doc(fmt.Sprintf("https://c.org/%d", i), "C", "t", fmt.Sprintf("Article number %d about the same topic, written once.", i), day("2020-01-01"))
				_, err = s.Put(ctx, []*document.Document{d})
			}
			errs <- err
		}(w)
	}
	for w := 0; w < 4; w++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Put: %v", err)
		}
	}
	if n, _ := s.Count(ctx, store.Filter{}); n != 10 {
		t.Errorf("Count = %d after concurrent identical puts, want 10", n)
	}
	// Distinct documents with the same entities, places and speakers,
	// written concurrently: maintained counts must neither deadlock nor
	// lose an update.
	src := corpus()
	for w := 0; w < 4; w++ {
		go func(w int) {
			var err error
			for i := 0; i < 5 && err == nil; i++ {
				var batch []*document.Document
				for j := 0; j < 3; j++ {
					d := *src[(w+i+j)%3]
					d.URL = fmt.Sprintf("https://w%d.example/%d/%d", w, i, j)
					d.ID = ""
					batch = append(batch, &d)
				}
				_, err = s.Put(ctx, batch)
			}
			errs <- err
		}(w)
	}
	for w := 0; w < 4; w++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Put: %v", err)
		}
	}
	base, ok := s.(interface {
		AggregateBase(context.Context, store.AggQuery, store.Filter) ([]store.Row, error)
	})
	if !ok {
		return
	}
	for _, agg := range []store.Aggregation{store.AggEntities, store.AggSpeakers, store.AggPlaces, store.AggCooccurrence, store.AggVolume} {
		q := store.AggQuery{Agg: agg, Limit: 1000}
		got, err1 := s.Aggregate(ctx, q, store.Filter{})
		want, err2 := base.AggregateBase(ctx, q, store.Filter{})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		g, w := rowsString(got), rowsString(want)
		sort.Strings(g)
		sort.Strings(w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s after concurrent puts:\n got %q\nwant %q", agg, g, w)
		}
	}
}

// BenchPut measures Put throughput in documents per second: batches of
// 100 analysed documents (the suite's three articles with their
// annotations, each under its own URL, so nothing deduplicates).
func BenchPut(b *testing.B, s store.Store) {
	ctx := context.Background()
	base := corpus()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		batch := make([]*document.Document, 100)
		for j := range batch {
			d := *base[n%len(base)]
			d.URL = fmt.Sprintf("https://bench.example/%d/%d", i, j)
			d.ID = ""
			batch[j] = &d
			n++
		}
		if _, err := s.Put(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}

const textStrikes = "Bashar al-Assad ordered new strikes on rebel towns, and the Syrian Arab Army shelled Idlib on Thursday."

// portrayalSummary is the shape of the portrayal analyzer's summary that
// the store reads (entity ids and document-level labels), as a struct,
// which is what a freshly analysed document carries.
type portrayalSummary struct {
	Entities []portrayalEntity `json:"entities"`
}

type portrayalEntity struct {
	EntityID string `json:"entity_id"`
	Label    string `json:"label"`
}

// EventsCorpus returns four analysed documents with "event" annotations
// and portrayal summaries (two as the analyzer's struct, two as the map a
// stored body reads back as), built on corpus().
func EventsCorpus() []*document.Document {
	docs := corpus()
	docs = append(docs, Doc("https://other.org/idlib", "Other Daily", "Strikes on Idlib", textStrikes, day("2018-02-01"),
		"entity|PER|Bashar al-Assad|entity_id=Q44329",
		"entity|ORG|Syrian Arab Army|entity_id=Q1063404",
		"event|ASSAULT|ordered new strikes on rebel towns|source_entity=Q44329,mode=asserted",
		"event|ASSAULT|shelled Idlib|source_entity=Q1063404,mode=asserted",
	))
	more := [][]string{
		{"event|FIGHT|Syrian troops entered Deir Ezzor|source_entity=Q1063404,target_entity=Q239,mode=asserted",
			"event|AGREE|said the liberation would continue|source_entity=Q1063404,mode=reported"},
		{"event|FIGHT|government forces advanced|target_entity=Q41183,mode=asserted",
			"event|DEMAND|the United Nations called for a ceasefire|source_entity=Q1065,mode=asserted"},
	}
	for i, specs := range more {
		extra := Doc("", "", "", docs[i].Text, time.Time{}, specs...)
		for _, a := range extra.Annotations {
			a.ID = ""
			if _, err := docs[i].Add(a); err != nil {
				panic(err)
			}
		}
		docs[i].Analyzers["events"] = "1"
	}
	docs[0].SetSummary("portrayal", portrayalSummary{Entities: []portrayalEntity{{"Q44329", "positive"}, {"Q1063404", "positive"}, {"Q239", "neutral"}}})
	docs[1].SetSummary("portrayal", map[string]any{"entities": []any{
		map[string]any{"entity_id": "Q1065", "label": "positive"},
		map[string]any{"entity_id": "Q41183", "label": "negative"},
		map[string]any{"entity_id": "Q999001", "label": "neutral"},
	}})
	docs[2].SetSummary("portrayal", portrayalSummary{Entities: []portrayalEntity{{"Q585", "neutral"}}})
	docs[3].SetSummary("portrayal", map[string]any{"entities": []any{
		map[string]any{"entity_id": "Q44329", "label": "negative"},
		map[string]any{"entity_id": "Q1063404", "label": "positive"},
	}})
	for _, d := range docs {
		d.Analyzers["portrayal"] = "1"
	}
	return docs
}

// EventsPortrayalCases are the event and portrayal aggregations over
// EventsCorpus with their expected rows (see rowsString).
func EventsPortrayalCases() []struct {
	Q    store.AggQuery
	F    store.Filter
	Want []string
} {
	return []struct {
		Q    store.AggQuery
		F    store.Filter
		Want []string
	}{
		{store.AggQuery{Agg: store.AggEvents}, store.Filter{}, []string{"ASSAULT=2", "FIGHT=2", "AGREE=1", "DEMAND=1"}},
		{store.AggQuery{Agg: store.AggEvents, Limit: 1}, store.Filter{Outlets: []string{"Example News"}}, []string{"AGREE=1"}},
		{store.AggQuery{Agg: store.AggEvents}, store.Filter{EntityIDs: []string{"Q1065"}}, []string{"DEMAND=1", "FIGHT=1"}},
		{store.AggQuery{Agg: store.AggEventsByTime}, store.Filter{}, []string{"AGREE|2017-09=1", "ASSAULT|2018-02=2", "DEMAND|2017-10=1", "FIGHT|2017-09=1", "FIGHT|2017-10=1"}},
		{store.AggQuery{Agg: store.AggEventsByTime, Interval: "year"}, store.Filter{From: day("2017-10-01")}, []string{"ASSAULT|2018=2", "DEMAND|2017=1", "FIGHT|2017=1"}},
		{store.AggQuery{Agg: store.AggEventActors}, store.Filter{}, []string{
			"AGREE|source|Q1063404|Syrian Arab Army=1",
			"ASSAULT|source|Q1063404|Syrian Arab Army=1",
			"ASSAULT|source|Q44329|Bashar al-Assad=1",
			"DEMAND|source|Q1065|United Nations=1",
			"FIGHT|source|Q1063404|Syrian Arab Army=1",
			"FIGHT|target|Q239|Deir Ezzor=1",
			"FIGHT|target|Q41183|Aleppo=1",
		}},
		{store.AggQuery{Agg: store.AggEventActors, Limit: 1}, store.Filter{}, []string{
			"AGREE|source|Q1063404|Syrian Arab Army=1",
			"ASSAULT|source|Q1063404|Syrian Arab Army=1",
			"DEMAND|source|Q1065|United Nations=1",
			"FIGHT|source|Q1063404|Syrian Arab Army=1",
			"FIGHT|target|Q239|Deir Ezzor=1",
		}},
		{store.AggQuery{Agg: store.AggPortrayal, Limit: 2}, store.Filter{}, []string{
			"Q1063404|Syrian Arab Army|positive=2", "Q44329|Bashar al-Assad|negative=1", "Q44329|Bashar al-Assad|positive=1"}},
		{store.AggQuery{Agg: store.AggPortrayal}, store.Filter{Outlets: []string{"Other Daily"}}, []string{
			"Q1063404|Syrian Arab Army|positive=1", "Q1065|United Nations|positive=1", "Q41183|Aleppo|negative=1",
			"Q44329|Bashar al-Assad|negative=1", "Q999001|Ahmad Khalil|neutral=1"}},
		{store.AggQuery{Agg: store.AggPortrayalByOutlet, Limit: 2}, store.Filter{}, []string{
			"Example News|Q1063404|Syrian Arab Army|positive=1", "Example News|Q44329|Bashar al-Assad|positive=1",
			"Other Daily|Q1063404|Syrian Arab Army|positive=1", "Other Daily|Q44329|Bashar al-Assad|negative=1"}},
		{store.AggQuery{Agg: store.AggPortrayalByTime, Interval: "year", Limit: 2}, store.Filter{}, []string{
			"Q1063404|Syrian Arab Army|positive|2017=1", "Q1063404|Syrian Arab Army|positive|2018=1",
			"Q44329|Bashar al-Assad|negative|2018=1", "Q44329|Bashar al-Assad|positive|2017=1"}},
		{store.AggQuery{Agg: store.AggPortrayal}, store.Filter{Query: "snow"}, []string{"Q585|Oslo|neutral=1"}},
		{store.AggQuery{Agg: store.AggPortrayal}, store.Filter{Query: "nothingmatches"}, nil},
	}
}

// EventFilterCases are searches over EventsCorpus with the event and
// portrayal filters, with the titles they must find (sorted).
func EventFilterCases() []struct {
	Name string
	F    store.Filter
	Want []string
} {
	const deir, aleppo, oslo, idlib = "Troops enter Deir Ezzor", "Aleppo fighting", "Snow in Oslo", "Strikes on Idlib"
	pos := func(id, label string) store.Portrayal { return store.Portrayal{EntityID: id, Label: label} }
	return []struct {
		Name string
		F    store.Filter
		Want []string
	}{
		{"event type", store.Filter{EventTypes: []string{"FIGHT"}}, []string{aleppo, deir}},
		{"event types or", store.Filter{EventTypes: []string{"ASSAULT", "DEMAND"}}, []string{aleppo, idlib}},
		{"actor", store.Filter{EventSources: []string{"Q1063404"}}, []string{idlib, deir}},
		{"target", store.Filter{EventTargets: []string{"Q41183"}}, []string{aleppo}},
		{"type and actor", store.Filter{EventTypes: []string{"FIGHT"}, EventSources: []string{"Q1063404"}}, []string{deir}},
		// Deir Ezzor has an AGREE event and an event targeting Q239, but
		// not one event that is both.
		{"same event", store.Filter{EventTypes: []string{"AGREE"}, EventTargets: []string{"Q239"}}, nil},
		{"actor and target", store.Filter{EventSources: []string{"Q1063404"}, EventTargets: []string{"Q239"}}, []string{deir}},
		{"portrayal", store.Filter{Portrayals: []store.Portrayal{pos("Q44329", "positive")}}, []string{deir}},
		{"portrayal other label", store.Filter{Portrayals: []store.Portrayal{pos("Q44329", "negative")}}, []string{idlib}},
		{"portrayal any label", store.Filter{Portrayals: []store.Portrayal{pos("Q44329", "")}}, []string{idlib, deir}},
		{"portrayals or", store.Filter{Portrayals: []store.Portrayal{pos("Q1063404", "positive"), pos("Q585", "neutral")}}, []string{oslo, idlib, deir}},
		{"portrayal unknown", store.Filter{Portrayals: []store.Portrayal{pos("Q41183", "positive")}}, nil},
		{"portrayal and event", store.Filter{Portrayals: []store.Portrayal{pos("Q1063404", "positive")}, EventTypes: []string{"ASSAULT"}}, []string{idlib}},
		{"event and outlet", store.Filter{EventTypes: []string{"FIGHT"}, Outlets: []string{"Other Daily"}}, []string{aleppo}},
	}
}

func testEventsPortrayal(t *testing.T, s store.Store) {
	ctx := context.Background()
	res := put(t, s, EventsCorpus()...)
	for _, tc := range EventsPortrayalCases() {
		t.Run(string(tc.Q.Agg), func(t *testing.T) {
			rows, err := s.Aggregate(ctx, tc.Q, tc.F)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsString(rows); !reflect.DeepEqual(got, tc.Want) {
				t.Errorf("%+v %+v: got %q, want %q", tc.Q, tc.F, got, tc.Want)
			}
		})
	}
	for _, tc := range EventFilterCases() {
		t.Run("filter "+tc.Name, func(t *testing.T) {
			r, err := s.Search(ctx, tc.F, store.Page{Sort: store.SortDate})
			if err != nil {
				t.Fatal(err)
			}
			got := hitIDs(r)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.Want) {
				t.Errorf("%+v: got %q, want %q", tc.F, got, tc.Want)
			}
			if n, err := s.Count(ctx, tc.F); err != nil || n != len(tc.Want) {
				t.Errorf("%+v: Count = %d, %v; want %d", tc.F, n, err, len(tc.Want))
			}
		})
	}
	// Aggregations under the new filters group the filtered documents
	// (never the corpus-wide rollups).
	for _, c := range []struct {
		q    store.AggQuery
		f    store.Filter
		want []string
	}{
		{store.AggQuery{Agg: store.AggEvents}, store.Filter{EventSources: []string{"Q1063404"}}, []string{"ASSAULT=2", "AGREE=1", "FIGHT=1"}},
		{store.AggQuery{Agg: store.AggVolume, Interval: "year"}, store.Filter{EventTypes: []string{"FIGHT"}}, []string{"2017=2"}},
		{store.AggQuery{Agg: store.AggPortrayal}, store.Filter{Portrayals: []store.Portrayal{{EntityID: "Q585", Label: "neutral"}}}, []string{"Q585|Oslo|neutral=1"}},
	} {
		rows, err := s.Aggregate(ctx, c.q, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsString(rows); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s under %+v: got %q, want %q", c.q.Agg, c.f, got, c.want)
		}
	}
	// Reanalysis replaces the indexed events and labels.
	doc, err := s.Get(ctx, res[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	var kept []document.Annotation
	for _, a := range doc.Annotations {
		if a.Kind != "event" || a.Text != "shelled Idlib" {
			kept = append(kept, a)
		}
	}
	if len(kept) != len(doc.Annotations)-1 {
		t.Fatalf("stored document lost its events: %d annotations", len(doc.Annotations))
	}
	doc.Annotations = kept
	doc.SetSummary("portrayal", portrayalSummary{Entities: []portrayalEntity{{"Q44329", "positive"}}})
	if err := s.Replace(ctx, []*document.Document{doc}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    store.AggQuery
		want []string
	}{
		{store.AggQuery{Agg: store.AggEvents, Limit: 2}, []string{"FIGHT=2", "AGREE=1"}},
		{store.AggQuery{Agg: store.AggPortrayal, Limit: 2}, []string{"Q44329|Bashar al-Assad|positive=2", "Q1063404|Syrian Arab Army|positive=1"}},
	} {
		rows, err := s.Aggregate(ctx, c.q, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsString(rows); !reflect.DeepEqual(got, c.want) {
			t.Errorf("after Replace, %s: got %q, want %q", c.q.Agg, got, c.want)
		}
	}
	// A new version of a URL takes the place of the old one's events.
	v2 := Doc("https://other.org/aleppo", "Other Daily", "Aleppo calm", "Aleppo was calm on Tuesday, residents said.", day("2017-10-03"),
		"entity|LOC|Aleppo|entity_id=Q41183")
	put(t, s, v2)
	rows, err := s.Aggregate(ctx, store.AggQuery{Agg: store.AggEvents}, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rowsString(rows), []string{"AGREE=1", "ASSAULT=1", "FIGHT=1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after a new version: got %q, want %q", got, want)
	}
}

// Backfill0005 checks migration 0005's backfill: open opens (or reopens)
// the same store; the suite stores EventsCorpus, undoes the migration in
// the database (drops doc_events, the portrayal column and their rollup
// rows, forgets the migration), as a store written before it would be, reopens it and
// expects the event and portrayal aggregations to be whole again.
func Backfill0005(t *testing.T, open func(t *testing.T) (store.Store, *sql.DB)) {
	ctx := context.Background()
	s, db := open(t)
	put(t, s, EventsCorpus()...)
	for _, q := range []string{
		`DROP TABLE doc_events`,
		`DELETE FROM rollups WHERE agg IN ('events', 'events-by-time', 'portrayal', 'portrayal-by-outlet', 'portrayal-by-time', 'event-actors')`,
		`ALTER TABLE doc_entities DROP COLUMN portrayal`,
		`DELETE FROM schema_migrations WHERE version = 5`,
		// A store from before 0005 predates 0008's rollup queue too.
		`DROP TABLE rollup_pending`,
		`DELETE FROM schema_migrations WHERE version = 8`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	s, _ = open(t)
	defer s.Close()
	for _, tc := range EventsPortrayalCases() {
		rows, err := s.Aggregate(ctx, tc.Q, tc.F)
		if err != nil {
			t.Fatal(err)
		}
		if got := rowsString(rows); !reflect.DeepEqual(got, tc.Want) {
			t.Errorf("after backfill, %+v %+v: got %q, want %q", tc.Q, tc.F, got, tc.Want)
		}
	}
}
