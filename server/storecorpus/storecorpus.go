// Package storecorpus adapts a [store.Store] (SQLite or PostgreSQL) to the
// [server.Corpus] the web server consumes, in two ways. [Corpus] queries the
// store for everything: search facets and dashboard figures come from its
// aggregations, and the dashboard's statistics are cached briefly. [Indexed]
// keeps an in-memory index loaded from the store for reads and writes
// through to the store; `newslens serve` uses it by default, because facet
// counts over every match of a query are aggregations the store answers in
// hundreds of milliseconds on 10,000 documents (see BENCHMARKS.md).
package storecorpus

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/memcorpus"
	"github.com/newslens/newslens/store"
)

var _ server.Corpus = (*Corpus)(nil)

// Corpus is a server.Corpus over a store.Store.
type Corpus struct {
	st       store.Store
	statsTTL time.Duration

	mu      sync.Mutex
	stats   *server.Stats
	statsAt time.Time
}

// New returns an adapter over st; statsTTL is how long dashboard statistics
// are cached (0 means 30 s). Writes through the adapter clear the cache.
func New(st store.Store, statsTTL time.Duration) *Corpus {
	if statsTTL <= 0 {
		statsTTL = 30 * time.Second
	}
	return &Corpus{st: st, statsTTL: statsTTL}
}

// wrap maps store errors to server error kinds.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", what, server.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Get implements server.Corpus.
func (c *Corpus) Get(ctx context.Context, id string) (*document.Document, error) {
	d, err := c.st.Get(ctx, id)
	return d, wrap(err, fmt.Sprintf("document %q", id))
}

// Put implements server.Corpus. The store derives the id from the canonical
// URL and text; doc.ID is updated to it so callers can link to the result.
func (c *Corpus) Put(ctx context.Context, doc *document.Document) error {
	_, err := c.put(ctx, doc)
	return err
}

func (c *Corpus) put(ctx context.Context, doc *document.Document) (store.PutResult, error) {
	res, err := c.st.Put(ctx, []*document.Document{doc})
	if err != nil {
		return store.PutResult{}, wrap(err, "storing "+doc.ID)
	}
	var r store.PutResult
	if len(res) == 1 {
		r = res[0]
		if r.ID != "" {
			doc.ID = r.ID
		}
	}
	c.mu.Lock()
	c.stats = nil
	c.mu.Unlock()
	return r, nil
}

// Delete is not offered by the store: documents are versioned, not removed.
func (c *Corpus) Delete(ctx context.Context, id string) error {
	return server.Errorf(server.ErrNotImplemented, "the store keeps every document version; deleting is not supported")
}

// Cursors encode an offset; the store pages by offset.
func decodeCursor(cur string) (int, error) {
	if cur == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil || !strings.HasPrefix(string(b), "o:") {
		return 0, server.Errorf(server.ErrBadRequest, "bad cursor %q", cur)
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 {
		return 0, server.Errorf(server.ErrBadRequest, "bad cursor %q", cur)
	}
	return n, nil
}

func encodeCursor(off, limit, total int) string {
	if off+limit >= total {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off+limit)))
}

// window returns the page of all at the cursor offset, converting only the
// items on the page (converting may cost a store lookup each).
func window[T, U any](all []T, off, limit int, conv func(T) U) server.Page[U] {
	out := server.Page[U]{Items: []U{}, Total: len(all), Next: encodeCursor(off, limit, len(all))}
	for _, x := range all[min(off, len(all)):min(off+limit, len(all))] {
		out.Items = append(out.Items, conv(x))
	}
	return out
}

func limitOf(p server.PageRequest) int {
	if p.Limit <= 0 {
		return 20
	}
	return min(p.Limit, 1000)
}

func summary(di store.DocInfo) server.DocSummary {
	title := di.Title
	if title == "" {
		title = di.URL
	}
	if title == "" {
		title = di.ID
	}
	return server.DocSummary{ID: di.ID, Title: title, Outlet: di.Outlet, URL: di.URL, Published: di.Published}
}

// Documents implements server.Corpus.
func (c *Corpus) Documents(ctx context.Context, p server.PageRequest) (server.Page[server.DocSummary], error) {
	off, err := decodeCursor(p.Cursor)
	if err != nil {
		return server.Page[server.DocSummary]{}, err
	}
	limit := limitOf(p)
	res, err := c.st.Search(ctx, store.Filter{}, store.Page{Limit: limit, Offset: off, Sort: store.SortDate})
	if err != nil {
		return server.Page[server.DocSummary]{}, wrap(err, "listing documents")
	}
	out := server.Page[server.DocSummary]{Total: res.Total, Items: []server.DocSummary{}, Next: encodeCursor(off, limit, res.Total)}
	for _, h := range res.Hits {
		out.Items = append(out.Items, summary(h.DocInfo))
	}
	return out, nil
}

func filterOf(q string, f server.Filter) store.Filter {
	sf := store.Filter{Query: q, From: f.From, To: f.To}
	if !f.To.IsZero() {
		// the server's To is exclusive, the store's inclusive to the
		// second it keeps
		sf.To = f.To.Add(-time.Second)
	}
	if f.Outlet != "" {
		sf.Outlets = []string{f.Outlet}
	}
	if f.Entity != "" {
		sf.EntityIDs = []string{f.Entity}
	}
	if f.Place != "" {
		sf.PlaceIDs = []string{f.Place}
	}
	if f.Speaker != "" {
		sf.Speakers = []string{f.Speaker}
	}
	if f.Technique != "" {
		sf.Techniques = []string{f.Technique}
	}
	if f.Event != "" {
		sf.EventTypes = []string{f.Event}
	}
	if f.Actor != "" {
		sf.EventSources = []string{f.Actor}
	}
	if f.Target != "" {
		sf.EventTargets = []string{f.Target}
	}
	if f.Portrayal != "" {
		sf.Portrayals = []store.Portrayal{store.ParsePortrayal(f.Portrayal)}
	}
	return sf
}

const facetLimit = 10

// Search implements server.Corpus. Facet counts: outlet, entity and date
// count documents; place, speaker and technique count mentions, quotes and
// annotations (what the store aggregates).
func (c *Corpus) Search(ctx context.Context, q server.SearchRequest) (*server.SearchResult, error) {
	off, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	limit := limitOf(q.PageRequest)
	sf := filterOf(q.Query, q.Filter)
	sort := store.SortRelevance
	if q.Sort == "date" || strings.TrimSpace(q.Query) == "" {
		sort = store.SortDate
	}
	res, err := c.st.Search(ctx, sf, store.Page{Limit: limit, Offset: off, Sort: sort})
	if err != nil {
		return nil, wrap(err, "search")
	}
	out := &server.SearchResult{Total: res.Total, Hits: []server.Hit{}, Next: encodeCursor(off, limit, res.Total)}
	for _, h := range res.Hits {
		hit := server.Hit{DocSummary: summary(h.DocInfo), Score: h.Score}
		for _, s := range h.Snippets {
			hit.Snippets = append(hit.Snippets, server.Snippet{Start: s.Start, Text: s.Text, Matches: s.Matches})
		}
		out.Hits = append(out.Hits, hit)
	}
	out.Facets, err = c.facets(ctx, sf, res.Total)
	return out, err
}

func (c *Corpus) agg(ctx context.Context, a store.Aggregation, f store.Filter, limit int) ([]store.Row, error) {
	rows, err := c.st.Aggregate(ctx, store.AggQuery{Agg: a, Interval: "month", Limit: limit}, f)
	return rows, wrap(err, "aggregation "+string(a))
}

// sumBy sums row counts by key column col (for per-outlet aggregations).
func sumBy(rows []store.Row, col int, n int) []server.FacetCount {
	m := map[string]int{}
	for _, r := range rows {
		if col < len(r.Keys) && r.Keys[col] != "" {
			m[r.Keys[col]] += int(r.Count)
		}
	}
	return top(m, n)
}

// labelled sets the facet labels from names (the value when missing).
func labelled(fc []server.FacetCount, names map[string]string) []server.FacetCount {
	for i := range fc {
		fc[i].Label = cmp.Or(names[fc[i].Value], fc[i].Value)
	}
	return fc
}

func top(m map[string]int, n int) []server.FacetCount {
	out := make([]server.FacetCount, 0, len(m))
	for k, v := range m {
		out = append(out, server.FacetCount{Value: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func (c *Corpus) facets(ctx context.Context, f store.Filter, total int) (map[string][]server.FacetCount, error) {
	out := map[string][]server.FacetCount{}
	for _, n := range server.FacetNames {
		out[n] = []server.FacetCount{}
	}
	if total == 0 {
		return out, nil
	}
	vol, err := c.agg(ctx, store.AggVolume, f, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range vol {
		out[server.FacetDate] = append(out[server.FacetDate], server.FacetCount{Value: r.Keys[0], Count: int(r.Count)})
	}
	ents, err := c.agg(ctx, store.AggEntities, f, facetLimit)
	if err != nil {
		return nil, err
	}
	for _, r := range ents {
		out[server.FacetEntity] = append(out[server.FacetEntity], server.FacetCount{Value: r.Keys[0], Label: r.Keys[2], Count: int(r.Count)})
	}
	places, err := c.agg(ctx, store.AggPlaces, f, facetLimit)
	if err != nil {
		return nil, err
	}
	for _, r := range places {
		out[server.FacetPlace] = append(out[server.FacetPlace], server.FacetCount{Value: r.Keys[0], Label: r.Keys[1], Count: int(r.Count)})
	}
	sp, err := c.agg(ctx, store.AggSpeakers, f, facetLimit)
	if err != nil {
		return nil, err
	}
	out[server.FacetSpeaker] = sumBy(sp, 1, facetLimit)
	ot, err := c.agg(ctx, store.AggOutletTechnique, f, 0)
	if err != nil {
		return nil, err
	}
	out[server.FacetTechnique] = sumBy(ot, 1, facetLimit)
	// Events count events and actors/targets count events per entity;
	// portrayal counts documents per entity and label (store semantics).
	evs, err := c.agg(ctx, store.AggEvents, f, facetLimit)
	if err != nil {
		return nil, err
	}
	for _, r := range evs {
		out[server.FacetEvent] = append(out[server.FacetEvent], server.FacetCount{Value: r.Keys[0], Label: r.Keys[0], Count: int(r.Count)})
	}
	actors, err := c.agg(ctx, store.AggEventActors, f, facetLimit)
	if err != nil {
		return nil, err
	}
	for role, facet := range map[string]string{"source": server.FacetActor, "target": server.FacetTarget} {
		counts, names := map[string]int{}, map[string]string{}
		for _, r := range actors {
			if r.Keys[1] == role && r.Keys[2] != "" {
				counts[r.Keys[2]] += int(r.Count)
				names[r.Keys[2]] = r.Keys[3]
			}
		}
		out[facet] = labelled(top(counts, facetLimit), names)
	}
	por, err := c.agg(ctx, store.AggPortrayal, f, facetLimit)
	if err != nil {
		return nil, err
	}
	pc, pn := map[string]int{}, map[string]string{}
	for _, r := range por {
		v := r.Keys[0] + ":" + r.Keys[2]
		pc[v] += int(r.Count)
		pn[v] = cmp.Or(r.Keys[1], r.Keys[0]) + ": " + r.Keys[2]
	}
	out[server.FacetPortrayal] = labelled(top(pc, facetLimit), pn)
	// Outlet document counts: the store has no per-outlet document
	// aggregation under a filter, so count the largest outlets one by one.
	outlets, err := c.st.Outlets(ctx)
	if err != nil {
		return nil, wrap(err, "outlets")
	}
	if len(f.Outlets) > 0 {
		out[server.FacetOutlet] = []server.FacetCount{{Value: f.Outlets[0], Count: total}}
	} else if len(outlets) == 1 {
		out[server.FacetOutlet] = []server.FacetCount{{Value: outlets[0].Name, Count: total}}
	} else {
		m := map[string]int{}
		for _, o := range outlets[:min(len(outlets), facetLimit)] {
			g := f
			g.Outlets = []string{o.Name}
			n, err := c.st.Count(ctx, g)
			if err != nil {
				return nil, wrap(err, "count")
			}
			if n > 0 {
				m[o.Name] = n
			}
		}
		out[server.FacetOutlet] = top(m, facetLimit)
	}
	return out, nil
}

// Stats implements server.Corpus, cached for the configured TTL.
func (c *Corpus) Stats(ctx context.Context) (*server.Stats, error) {
	c.mu.Lock()
	if c.stats != nil && time.Since(c.statsAt) < c.statsTTL {
		st := c.stats
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	st, err := c.computeStats(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.stats, c.statsAt = st, time.Now()
	c.mu.Unlock()
	return st, nil
}

func (c *Corpus) computeStats(ctx context.Context) (*server.Stats, error) {
	var f store.Filter
	st := &server.Stats{Annotations: map[string]int{}, OutletTechnique: []server.Cell{}, Citations: []server.Edge{},
		Volume: []server.FacetCount{}, TopSpeakers: []server.FacetCount{}, TopEntities: []server.FacetCount{}, Places: []server.PlaceSummary{}}
	n, err := c.st.Count(ctx, f)
	if err != nil {
		return nil, wrap(err, "count")
	}
	st.Documents = n
	vol, err := c.agg(ctx, store.AggVolume, f, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range vol {
		st.Volume = append(st.Volume, server.FacetCount{Value: r.Keys[0], Count: int(r.Count)})
	}
	ot, err := c.agg(ctx, store.AggOutletTechnique, f, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range ot {
		st.OutletTechnique = append(st.OutletTechnique, server.Cell{Row: r.Keys[0], Col: r.Keys[1], Count: int(r.Count)})
	}
	sp, err := c.agg(ctx, store.AggSpeakers, f, 15)
	if err != nil {
		return nil, err
	}
	st.TopSpeakers = sumBy(sp, 1, 15)
	ents, err := c.agg(ctx, store.AggEntities, f, 15)
	if err != nil {
		return nil, err
	}
	for _, r := range ents {
		st.TopEntities = append(st.TopEntities, server.FacetCount{Value: r.Keys[0], Label: r.Keys[2], Count: int(r.Count)})
	}
	cit, err := c.agg(ctx, store.AggCitations, f, 40)
	if err != nil {
		return nil, err
	}
	for _, r := range cit {
		st.Citations = append(st.Citations, server.Edge{From: r.Keys[0], To: r.Keys[1], Count: int(r.Count)})
	}
	places, err := c.agg(ctx, store.AggPlaces, f, 300)
	if err != nil {
		return nil, err
	}
	st.Places = placeRows(places)
	outlets, err := c.st.Outlets(ctx)
	if err != nil {
		return nil, wrap(err, "outlets")
	}
	for _, o := range outlets[:min(30, len(outlets))] {
		st.Outlets = append(st.Outlets, server.FacetCount{Value: o.Name, Count: o.Documents})
	}
	counts, err := c.agg(ctx, store.AggCountsByType, f, 0)
	if err == nil {
		for _, r := range counts {
			st.Annotations["count"] += int(r.Count)
		}
	}
	return st, nil
}

func placeRows(rows []store.Row) []server.PlaceSummary {
	out := []server.PlaceSummary{}
	for _, r := range rows {
		if len(r.Keys) < 5 {
			continue
		}
		lat, err1 := strconv.ParseFloat(r.Keys[3], 64)
		lon, err2 := strconv.ParseFloat(r.Keys[4], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, server.PlaceSummary{ID: r.Keys[0], Name: r.Keys[1], Country: r.Keys[2], Lat: lat, Lon: lon, Mentions: int(r.Count)})
	}
	return out
}

// Entities implements server.Corpus, by documents mentioning them.
func (c *Corpus) Entities(ctx context.Context, p server.PageRequest) (server.Page[server.EntitySummary], error) {
	off, err := decodeCursor(p.Cursor)
	if err != nil {
		return server.Page[server.EntitySummary]{}, err
	}
	limit := limitOf(p)
	rows, err := c.agg(ctx, store.AggEntities, store.Filter{}, off+limit+1)
	if err != nil {
		return server.Page[server.EntitySummary]{}, err
	}
	return window(rows, off, limit, func(r store.Row) server.EntitySummary {
		e := server.EntitySummary{ID: r.Keys[0], Type: r.Keys[1], Name: r.Keys[2], Documents: int(r.Count)}
		if info, err := c.st.Entity(ctx, e.ID); err == nil {
			e.Mentions = info.Mentions
		}
		return e
	}), nil
}

// Places implements server.Corpus, by mentions.
func (c *Corpus) Places(ctx context.Context, p server.PageRequest) (server.Page[server.PlaceSummary], error) {
	off, err := decodeCursor(p.Cursor)
	if err != nil {
		return server.Page[server.PlaceSummary]{}, err
	}
	limit := limitOf(p)
	rows, err := c.agg(ctx, store.AggPlaces, store.Filter{}, off+limit+1)
	if err != nil {
		return server.Page[server.PlaceSummary]{}, err
	}
	all := placeRows(rows)
	return window(all, off, limit, func(pl server.PlaceSummary) server.PlaceSummary {
		if info, err := c.st.Place(ctx, pl.ID); err == nil {
			pl.Documents = info.Documents
		}
		return pl
	}), nil
}

// Outlets implements server.Corpus.
func (c *Corpus) Outlets(ctx context.Context, p server.PageRequest) (server.Page[server.OutletSummary], error) {
	off, err := decodeCursor(p.Cursor)
	if err != nil {
		return server.Page[server.OutletSummary]{}, err
	}
	limit := limitOf(p)
	os, err := c.st.Outlets(ctx)
	if err != nil {
		return server.Page[server.OutletSummary]{}, wrap(err, "outlets")
	}
	return window(os, off, limit, func(o store.OutletInfo) server.OutletSummary {
		return server.OutletSummary{Name: o.Name, Documents: o.Documents}
	}), nil
}

const recentDocs = 20

// recent returns the newest documents matching f and the outlets among the
// newest 1,000 of them.
func (c *Corpus) recent(ctx context.Context, f store.Filter) ([]server.DocSummary, []server.FacetCount, error) {
	res, err := c.st.Search(ctx, f, store.Page{Limit: 1000, Sort: store.SortDate})
	if err != nil {
		return nil, nil, wrap(err, "search")
	}
	docs := []server.DocSummary{}
	outlets := map[string]int{}
	for i, h := range res.Hits {
		if i < recentDocs {
			docs = append(docs, summary(h.DocInfo))
		}
		if h.Outlet != "" {
			outlets[h.Outlet]++
		}
	}
	return docs, top(outlets, 20), nil
}

// pageProfile is what entity and place pages share.
type pageProfile struct {
	timeline, outlets, co []server.FacetCount
	docs                  []server.DocSummary
}

// profile reads, for the documents f selects: volume over time, the newest
// documents and their outlets, and the other keys of agg that co-occur with
// id (labelled by column label of the aggregation's rows).
func (c *Corpus) profile(ctx context.Context, f store.Filter, agg store.Aggregation, id string, label int) (pageProfile, error) {
	var p pageProfile
	vol, err := c.agg(ctx, store.AggVolume, f, 0)
	if err != nil {
		return p, err
	}
	p.timeline = volume(vol)
	if p.docs, p.outlets, err = c.recent(ctx, f); err != nil {
		return p, err
	}
	co, err := c.agg(ctx, agg, f, 21)
	if err != nil {
		return p, err
	}
	p.co = []server.FacetCount{}
	for _, r := range co {
		if r.Keys[0] != id {
			p.co = append(p.co, server.FacetCount{Value: r.Keys[0], Label: r.Keys[label], Count: int(r.Count)})
		}
	}
	return p, nil
}

func volume(rows []store.Row) []server.FacetCount {
	out := []server.FacetCount{}
	for _, r := range rows {
		out = append(out, server.FacetCount{Value: r.Keys[0], Count: int(r.Count)})
	}
	return out
}

// Entity implements server.Corpus.
func (c *Corpus) Entity(ctx context.Context, id string) (*server.EntityDetail, error) {
	info, err := c.st.Entity(ctx, id)
	if err != nil {
		return nil, wrap(err, fmt.Sprintf("entity %q", id))
	}
	d := &server.EntityDetail{EntitySummary: server.EntitySummary{ID: info.ID, Name: info.Name, Type: info.Type, Mentions: info.Mentions, Documents: info.Documents}}
	f := store.Filter{EntityIDs: []string{id}}
	pr, err := c.profile(ctx, f, store.AggEntities, id, 2)
	if err != nil {
		return nil, err
	}
	d.Timeline, d.Documents, d.Outlets, d.CoOccurring = pr.timeline, pr.docs, pr.outlets, pr.co
	// Quotes by the entity (as speaker) and about it (naming it), read from
	// the newest documents of each kind.
	d.QuotesBy, d.QuotesAbout = []server.QuoteRef{}, []server.QuoteRef{}
	aliases := map[string]bool{}
	by, err := c.st.Search(ctx, store.Filter{Speakers: []string{id}}, store.Page{Limit: 10, Sort: store.SortDate})
	if err == nil {
		for _, h := range by.Hits {
			doc, err := c.st.Get(ctx, h.ID)
			if err != nil {
				continue
			}
			for _, q := range quotes(doc) {
				if q.speakerEntity == id || (info.Name != "" && q.Speaker == info.Name) {
					d.QuotesBy = append(d.QuotesBy, q.QuoteRef)
				}
			}
		}
	}
	for i, h := range d.Documents {
		if i >= 10 {
			break
		}
		doc, err := c.st.Get(ctx, h.ID)
		if err != nil {
			continue
		}
		for _, e := range doc.Entities {
			if e.ID == id {
				for _, a := range e.Aliases {
					aliases[a] = true
				}
			}
		}
		for _, q := range quotes(doc) {
			if q.speakerEntity != id && info.Name != "" && strings.Contains(q.Text, info.Name) {
				d.QuotesAbout = append(d.QuotesAbout, q.QuoteRef)
			}
		}
	}
	for a := range aliases {
		d.Aliases = append(d.Aliases, a)
	}
	sort.Strings(d.Aliases)
	return d, nil
}

type quoteRef struct {
	server.QuoteRef
	speakerEntity string
}

func quotes(doc *document.Document) []quoteRef {
	var out []quoteRef
	title := doc.Title
	for _, a := range doc.Annotations {
		if a.Kind != "quote" {
			continue
		}
		sp, _ := a.Attrs["speaker"].(string)
		se, _ := a.Attrs["speaker_entity"].(string)
		if sp == "" {
			if s, ok := a.Parts["source"]; ok {
				sp = doc.Slice(s)
			}
		}
		text := a.Text
		if s, ok := a.Parts["content"]; ok {
			text = doc.Slice(s)
		}
		if len(text) > 400 {
			text = text[:400] + "…"
		}
		out = append(out, quoteRef{server.QuoteRef{DocID: doc.ID, Title: title, AnnID: a.ID, Speaker: sp, Text: text}, se})
	}
	return out
}

// Place implements server.Corpus.
func (c *Corpus) Place(ctx context.Context, id string) (*server.PlaceDetail, error) {
	info, err := c.st.Place(ctx, id)
	if err != nil {
		return nil, wrap(err, fmt.Sprintf("place %q", id))
	}
	d := &server.PlaceDetail{PlaceSummary: server.PlaceSummary{ID: info.ID, Name: info.Name, Country: info.Country, Lat: info.Lat, Lon: info.Lon,
		Mentions: info.Mentions, Documents: info.Documents}}
	f := store.Filter{PlaceIDs: []string{id}}
	pr, err := c.profile(ctx, f, store.AggPlaces, id, 1)
	if err != nil {
		return nil, err
	}
	d.Timeline, d.Documents, d.Outlets, d.CoOccurring = pr.timeline, pr.docs, pr.outlets, pr.co
	aliases := map[string]bool{}
	for i, h := range d.Documents {
		if i >= 10 {
			break
		}
		doc, err := c.st.Get(ctx, h.ID)
		if err != nil {
			continue
		}
		for _, a := range doc.Annotations {
			if a.Kind == "place" && idString(a.Attrs["geonameid"]) == id {
				aliases[a.Text] = true
			}
		}
	}
	for a := range aliases {
		d.Aliases = append(d.Aliases, a)
	}
	sort.Strings(d.Aliases)
	return d, nil
}

// Outlet implements server.Corpus.
func (c *Corpus) Outlet(ctx context.Context, name string) (*server.OutletDetail, error) {
	os, err := c.st.Outlets(ctx)
	if err != nil {
		return nil, wrap(err, "outlets")
	}
	d := &server.OutletDetail{}
	for _, o := range os {
		if o.Name == name {
			d.OutletSummary = server.OutletSummary{Name: o.Name, Documents: o.Documents}
		}
	}
	if d.Name == "" {
		return nil, fmt.Errorf("outlet %q: %w", name, server.ErrNotFound)
	}
	f := store.Filter{Outlets: []string{name}}
	vol, err := c.agg(ctx, store.AggVolume, f, 0)
	if err != nil {
		return nil, err
	}
	d.Volume = volume(vol)
	ot, err := c.agg(ctx, store.AggOutletTechnique, f, 0)
	if err != nil {
		return nil, err
	}
	d.Techniques = sumBy(ot, 1, 0)
	sp, err := c.agg(ctx, store.AggSpeakers, f, 20)
	if err != nil {
		return nil, err
	}
	d.Speakers = sumBy(sp, 1, 20)
	cit, err := c.agg(ctx, store.AggCitations, f, 20)
	if err != nil {
		return nil, err
	}
	d.Cites = sumBy(cit, 1, 20)
	if d.Documents, _, err = c.recent(ctx, f); err != nil {
		return nil, err
	}
	return d, nil
}

// idString formats an id attribute decoded from JSON (a float64) or given
// as a string or an int.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// Indexed serves reads from an in-memory index (memcorpus) loaded from the
// store, and writes through to the store first, then the index. Searches
// with facets over every match and the entity, place and outlet pages then
// cost milliseconds on corpora that fit in memory, while the store keeps the
// documents durable.
//
// The near-duplicate clusters the article view lists are kept in memory too
// (cluster ids come with the store's search hits and Put results): asking
// the store on every article view cost ~10 ms of SQLite per page.
type Indexed struct {
	*memcorpus.Corpus
	store *Corpus
	st    store.Store

	cmu       sync.RWMutex
	clusterOf map[string]string   // document id -> cluster id
	members   map[string][]string // cluster id -> document ids, oldest first
}

var _ server.Corpus = (*Indexed)(nil)

// NewIndexed returns an empty index over st; call Load to fill it.
func NewIndexed(st store.Store) *Indexed {
	return &Indexed{Corpus: memcorpus.New(), store: New(st, 0), st: st,
		clusterOf: map[string]string{}, members: map[string][]string{}}
}

// addToCluster records that id is in cluster cid.
func (c *Indexed) addToCluster(id, cid string) {
	if cid == "" {
		return
	}
	c.cmu.Lock()
	defer c.cmu.Unlock()
	if old, ok := c.clusterOf[id]; ok {
		if old == cid {
			return
		}
		m := c.members[old]
		for i, x := range m {
			if x == id {
				c.members[old] = append(m[:i:i], m[i+1:]...)
				break
			}
		}
	}
	c.clusterOf[id] = cid
	c.members[cid] = append(c.members[cid], id)
}

// Load reads every latest document of the store into the index and returns
// how many it read.
func (c *Indexed) Load(ctx context.Context) (int, error) {
	n := 0
	for off := 0; ; off += 500 {
		res, err := c.st.Search(ctx, store.Filter{}, store.Page{Limit: 500, Offset: off, Sort: store.SortDateAsc})
		if err != nil {
			return n, wrap(err, "loading the index")
		}
		for _, h := range res.Hits {
			d, err := c.st.Get(ctx, h.ID)
			if err != nil {
				return n, wrap(err, "loading "+h.ID)
			}
			if err := c.Corpus.Put(ctx, d); err != nil {
				return n, err
			}
			c.addToCluster(d.ID, h.ClusterID)
			n++
		}
		if len(res.Hits) < 500 {
			return n, nil
		}
	}
}

// Put stores doc durably, then indexes it under the id the store gave it.
func (c *Indexed) Put(ctx context.Context, doc *document.Document) error {
	res, err := c.store.put(ctx, doc)
	if err != nil {
		return err
	}
	c.addToCluster(doc.ID, res.ClusterID)
	if err := c.Corpus.Put(ctx, doc); err != nil {
		return err
	}
	if res.Version > 1 && !res.Existing {
		// A changed article: the store keeps the older versions, but
		// searches see only the latest, so the index drops them.
		vs, err := c.st.Versions(ctx, doc.URL)
		if err != nil {
			return wrap(err, "versions of "+doc.URL)
		}
		for _, v := range vs {
			if v.ID != doc.ID && !v.Latest {
				c.removeFromCluster(v.ID)
				if err := c.Corpus.Delete(ctx, v.ID); err != nil && !errors.Is(err, server.ErrNotFound) {
					return err
				}
			}
		}
	}
	return nil
}

// removeFromCluster forgets a document's cluster membership.
func (c *Indexed) removeFromCluster(id string) {
	c.cmu.Lock()
	defer c.cmu.Unlock()
	old, ok := c.clusterOf[id]
	if !ok {
		return
	}
	delete(c.clusterOf, id)
	m := c.members[old]
	for i, x := range m {
		if x == id {
			c.members[old] = append(m[:i:i], m[i+1:]...)
			break
		}
	}
	if len(c.members[old]) == 0 {
		delete(c.members, old)
	}
}

// Delete is not supported by the store.
func (c *Indexed) Delete(ctx context.Context, id string) error { return c.store.Delete(ctx, id) }

var (
	_ server.ClusterLister = (*Corpus)(nil)
	_ server.ClusterLister = (*Indexed)(nil)
)

// Cluster implements server.ClusterLister with the store's near-duplicate
// clusters.
func (c *Corpus) Cluster(ctx context.Context, docID string) ([]server.DocSummary, error) {
	info, err := c.st.Info(ctx, docID)
	if err != nil || info.ClusterID == "" {
		return nil, wrap(err, "cluster of "+docID)
	}
	docs, err := c.st.Cluster(ctx, info.ClusterID)
	if err != nil {
		return nil, wrap(err, "cluster "+info.ClusterID)
	}
	var out []server.DocSummary
	for _, d := range docs {
		if d.ID != docID {
			out = append(out, summary(d))
		}
	}
	return out, nil
}

// Cluster implements server.ClusterLister from the in-memory cluster map,
// in the store's order (oldest first, undated first).
func (c *Indexed) Cluster(ctx context.Context, docID string) ([]server.DocSummary, error) {
	c.cmu.RLock()
	ids := c.members[c.clusterOf[docID]]
	var out []server.DocSummary
	for _, id := range ids {
		if id == docID {
			continue
		}
		if s, ok := c.Corpus.Summary(id); ok {
			out = append(out, s)
		}
	}
	c.cmu.RUnlock()
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Published, out[j].Published
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		default:
			return a.Before(*b)
		}
	})
	return out, nil
}
