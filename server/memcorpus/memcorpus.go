// Package memcorpus is an in-memory [server.Corpus]: a word index over the
// documents' text plus per-document facts (outlet, entities, places,
// speakers, techniques, citations) from which it computes facets and
// aggregations. The server's tests use it, and `newslens serve` falls back to
// it when no store is configured.
//
// It holds every document in memory, so it suits corpora of tens of
// thousands of documents, not millions.
package memcorpus

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/store"
)

var _ server.Corpus = (*Corpus)(nil)

// Corpus is an in-memory corpus, safe for concurrent use.
type Corpus struct {
	mu    sync.RWMutex
	docs  map[string]*entry
	order []*entry             // newest first; rebuilt lazily
	index map[string][]posting // folded word -> documents containing it
	dirty bool
	// Facet values are interned to small ints so counting facets over
	// thousands of matches is array increments, not map updates.
	fx [nFacets]*interner
	// Cached until the next write.
	stats    *server.Stats
	entities []server.EntitySummary
	places   []server.PlaceSummary
	// analytics holds the event and portrayal statistics of unfiltered
	// requests (what the dashboard asks for), by kind, period and limit.
	analytics map[analyticsKey]any
	// gen counts writes, for server.Versioned.
	gen atomic.Uint64
}

// Facets, in the order of server.FacetNames.
const (
	fOutlet = iota
	fEntity
	fPlace
	fSpeaker
	fTechnique
	fDate
	fEvent
	fActor
	fTarget
	fPortrayal
	nFacets
)

// interner maps the values of one facet to ids, with each value's display
// label and the documents that have it (its posting list).
type interner struct {
	ids    map[string]int32
	vals   []string
	labels []string
	post   [][]*entry
}

func newInterner() *interner { return &interner{ids: map[string]int32{}} }

func (in *interner) add(v, label string, e *entry) int32 {
	id, ok := in.ids[v]
	if !ok {
		id = int32(len(in.vals))
		in.ids[v] = id
		in.vals = append(in.vals, v)
		in.labels = append(in.labels, label)
		in.post = append(in.post, nil)
	}
	in.post[id] = append(in.post[id], e)
	return id
}

func (in *interner) remove(id int32, e *entry) {
	list := in.post[id]
	for i, x := range list {
		if x == e {
			in.post[id] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

// posting returns the documents with facet value v.
func (in *interner) posting(v string) []*entry {
	id, ok := in.ids[v]
	if !ok {
		return nil
	}
	return in.post[id]
}

type entry struct {
	doc   *document.Document
	sum   server.DocSummary
	facts facts
	terms []string // the document's distinct folded words, to unindex it
	rank  int32    // position in the newest-first order, set by sorted()
	fv    [nFacets][]int32
}

// posting is a document containing a word, with the word's frequency in it.
// Keeping frequencies here rather than a map per document keeps the heap
// small, which keeps garbage collection cheap on large corpora.
type posting struct {
	e  *entry
	tf int32
}

// facts are the facet values of one document.
type facts struct {
	month      string
	entities   map[string]int // id -> mentions
	entityInfo map[string]server.EntitySummary
	places     map[string]int
	placeInfo  map[string]server.PlaceSummary
	speakers   map[string]int
	techniques map[string]int
	cites      map[string]int // cited outlet -> count
	kinds      map[string]int
	quotes     []server.QuoteRef
	speakerIDs map[string]string // speaker name -> entity id, where known
	events     []eventFact
	// portrayal is the document's aggregate portrayal label per entity id.
	portrayal map[string]string
}

// eventFact is what the statistics need of one event annotation.
type eventFact struct {
	typ, source, target, mode string
	placeID, placeName        string
	day                       time.Time // the event's date, else the document's; zero if neither
}

// New returns an empty corpus.
func New() *Corpus {
	c := &Corpus{docs: map[string]*entry{}, index: map[string][]posting{}}
	for i := range c.fx {
		c.fx[i] = newInterner()
	}
	return c
}

// internFacets records e's facet values; c.mu must be held for writing.
func (c *Corpus) internFacets(e *entry) {
	f := &e.facts
	if e.doc.Outlet != "" {
		e.fv[fOutlet] = []int32{c.fx[fOutlet].add(e.doc.Outlet, e.doc.Outlet, e)}
	}
	if f.month != "" {
		e.fv[fDate] = []int32{c.fx[fDate].add(f.month, f.month, e)}
	}
	for id := range f.entities {
		e.fv[fEntity] = append(e.fv[fEntity], c.fx[fEntity].add(id, f.entityInfo[id].Name, e))
	}
	for id := range f.places {
		e.fv[fPlace] = append(e.fv[fPlace], c.fx[fPlace].add(id, f.placeInfo[id].Name, e))
	}
	for sp := range f.speakers {
		e.fv[fSpeaker] = append(e.fv[fSpeaker], c.fx[fSpeaker].add(sp, sp, e))
	}
	for t := range f.techniques {
		e.fv[fTechnique] = append(e.fv[fTechnique], c.fx[fTechnique].add(t, t, e))
	}
	seen := map[[2]string]bool{}
	for _, ev := range f.events {
		for _, k := range [][2]string{{"t", ev.typ}, {"s", ev.source}, {"o", ev.target}} {
			if k[1] == "" || seen[k] {
				continue
			}
			seen[k] = true
			switch k[0] {
			case "t":
				e.fv[fEvent] = append(e.fv[fEvent], c.fx[fEvent].add(k[1], k[1], e))
			case "s":
				e.fv[fActor] = append(e.fv[fActor], c.fx[fActor].add(k[1], f.entityName(k[1]), e))
			case "o":
				e.fv[fTarget] = append(e.fv[fTarget], c.fx[fTarget].add(k[1], f.entityName(k[1]), e))
			}
		}
	}
	for id, label := range f.portrayal {
		e.fv[fPortrayal] = append(e.fv[fPortrayal], c.fx[fPortrayal].add(id+":"+label, f.entityName(id)+": "+label, e))
	}
}

// entityName is the display name of entity id in this document.
func (f *facts) entityName(id string) string {
	if n := f.entityInfo[id].Name; n != "" {
		return n
	}
	return id
}

func (c *Corpus) invalidate() {
	c.gen.Add(1)
	c.dirty = true
	c.stats, c.entities, c.places, c.analytics = nil, nil, nil, nil
}

var _ server.Versioned = (*Corpus)(nil)

// Generation implements server.Versioned: it changes after every Put and
// Delete, so the server can cache responses until the corpus changes.
func (c *Corpus) Generation() uint64 { return c.gen.Load() }

// Get implements server.Corpus.
func (c *Corpus) Get(ctx context.Context, id string) (*document.Document, error) {
	c.mu.RLock()
	e, ok := c.docs[id]
	c.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("document %q: %w", id, server.ErrNotFound)
	}
	return e.doc, nil
}

// Summary returns the listing of document id, if the corpus has it.
func (c *Corpus) Summary(id string) (server.DocSummary, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.docs[id]
	if !ok {
		return server.DocSummary{}, false
	}
	return e.sum, true
}

// Put implements server.Corpus. The corpus keeps doc; callers must not
// modify it afterwards.
func (c *Corpus) Put(ctx context.Context, doc *document.Document) error {
	if doc.ID == "" {
		doc.ID = document.NewID(doc.URL, doc.Text)
	}
	e := &entry{doc: doc, facts: extractFacts(doc)}
	e.sum = summary(doc)
	counts := wordCounts(doc)
	e.terms = make([]string, 0, len(counts))
	for w := range counts {
		e.terms = append(e.terms, w)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.docs[doc.ID]; ok {
		c.unindex(old)
	}
	c.docs[doc.ID] = e
	for w, n := range counts {
		c.index[w] = append(c.index[w], posting{e, int32(n)})
	}
	c.internFacets(e)
	c.invalidate()
	return nil
}

func (c *Corpus) unindex(e *entry) {
	for f, ids := range e.fv {
		for _, id := range ids {
			c.fx[f].remove(id, e)
		}
	}
	for _, w := range e.terms {
		list := c.index[w]
		for i, x := range list {
			if x.e == e {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(c.index, w)
		} else {
			c.index[w] = list
		}
	}
}

// Delete implements server.Corpus.
func (c *Corpus) Delete(ctx context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.docs[id]
	if !ok {
		return fmt.Errorf("document %q: %w", id, server.ErrNotFound)
	}
	c.unindex(e)
	delete(c.docs, id)
	c.invalidate()
	return nil
}

// Len returns the number of documents.
func (c *Corpus) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.docs)
}

func summary(doc *document.Document) server.DocSummary {
	title := doc.Title
	if title == "" {
		title = firstLine(doc.Text, 90)
	}
	return server.DocSummary{ID: doc.ID, Title: title, Outlet: doc.Outlet, URL: doc.URL, Published: doc.Published}
}

func firstLine(s string, max int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.TrimSpace(s)
}

// sorted returns the documents newest first (undated last, then by id), under
// at least a read lock; it upgrades to rebuild the order when needed.
func (c *Corpus) sorted() []*entry {
	c.mu.RLock()
	if !c.dirty {
		o := c.order
		c.mu.RUnlock()
		return o
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirty {
		o := make([]*entry, 0, len(c.docs))
		for _, e := range c.docs {
			o = append(o, e)
		}
		sort.Slice(o, func(i, j int) bool { return newer(o[i], o[j]) })
		for i, e := range o {
			e.rank = int32(i)
		}
		c.order = o
		c.dirty = false
	}
	return c.order
}

func newer(a, b *entry) bool {
	pa, pb := a.doc.Published, b.doc.Published
	switch {
	case pa != nil && pb != nil && !pa.Equal(*pb):
		return pa.After(*pb)
	case pa != nil && pb == nil:
		return true
	case pa == nil && pb != nil:
		return false
	}
	return a.doc.ID < b.doc.ID
}

// Documents implements server.Corpus.
func (c *Corpus) Documents(ctx context.Context, p server.PageRequest) (server.Page[server.DocSummary], error) {
	all := c.sorted()
	off, limit, err := window(p, len(all))
	if err != nil {
		return server.Page[server.DocSummary]{}, err
	}
	var out server.Page[server.DocSummary]
	out.Total = len(all)
	for _, e := range all[off:min(off+limit, len(all))] {
		out.Items = append(out.Items, e.sum)
	}
	out.Next = nextCursor(off, limit, len(all))
	return out, nil
}

// Cursors are opaque to clients: an offset, base64-encoded with a prefix so a
// cursor from another list is caught.
func window(p server.PageRequest, n int) (off, limit int, err error) {
	limit = p.Limit
	if limit <= 0 {
		limit = 20
	}
	if p.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err != nil || !strings.HasPrefix(string(b), "o:") {
			return 0, 0, fmt.Errorf("cursor %q: %w", p.Cursor, server.ErrBadRequest)
		}
		off, err = strconv.Atoi(string(b[2:]))
		if err != nil || off < 0 {
			return 0, 0, fmt.Errorf("cursor %q: %w", p.Cursor, server.ErrBadRequest)
		}
	}
	if off > n {
		off = n
	}
	return off, limit, nil
}

func nextCursor(off, limit, n int) string {
	if off+limit >= n {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off+limit)))
}

type scored struct {
	e *entry
	s float64
}

// Search implements server.Corpus.
func (c *Corpus) Search(ctx context.Context, q server.SearchRequest) (*server.SearchResult, error) {
	terms := queryTerms(q.Query)
	var cands []scored
	byDate := q.Sort == "date" || len(terms) == 0
	all := c.sorted()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(terms) == 0 {
		// Start from the smallest posting list of the filter, if any.
		var from []*entry
		narrowed := false
		type facetValue struct {
			f int
			v string
		}
		narrow := []facetValue{{fOutlet, q.Outlet}, {fEntity, q.Entity}, {fPlace, q.Place}, {fSpeaker, q.Speaker}, {fTechnique, q.Technique},
			{fEvent, q.Event}, {fActor, q.Actor}, {fTarget, q.Target}, {fPortrayal, q.Portrayal}}
		if p := store.ParsePortrayal(q.Portrayal); q.Portrayal != "" && p.Label == "" {
			// a bare entity id: start from its documents; matches checks
			// that they portray it
			narrow[len(narrow)-1] = facetValue{fEntity, p.EntityID}
		}
		for _, fv := range narrow {
			f, v := fv.f, fv.v
			if v == "" {
				continue
			}
			p := c.fx[f].posting(v)
			if !narrowed || len(p) < len(from) {
				from, narrowed = p, true
			}
		}
		if !narrowed {
			from = all
			byDate = false // already newest first
		}
		cands = make([]scored, 0, len(from))
		for _, e := range from {
			cands = append(cands, scored{e: e})
		}
	} else {
		n := float64(len(c.docs))
		// Intersect, starting from the rarest term; tfs[i] holds each
		// candidate's frequency of term i.
		order := make([]int, len(terms))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return len(c.index[terms[order[a]]]) < len(c.index[terms[order[b]]]) })
		first := c.index[terms[order[0]]]
		tfs := make([]map[*entry]int32, len(terms))
		for _, i := range order[1:] {
			m := make(map[*entry]int32, len(c.index[terms[i]]))
			for _, p := range c.index[terms[i]] {
				m[p.e] = p.tf
			}
			tfs[i] = m
		}
		idf := make([]float64, len(terms))
		for i, t := range terms {
			idf[i] = math.Log(1 + n/float64(max(1, len(c.index[t]))))
		}
		cands = make([]scored, 0, len(first))
	next:
		for _, p := range first {
			sc := idf[order[0]] * (1 + math.Log(float64(p.tf)))
			for _, i := range order[1:] {
				tf, ok := tfs[i][p.e]
				if !ok {
					continue next
				}
				sc += idf[i] * (1 + math.Log(float64(tf)))
			}
			// Normalise by length so long articles do not win by size.
			sc /= math.Sqrt(float64(1 + len(p.e.doc.Text)/1000))
			cands = append(cands, scored{p.e, sc})
		}
	}
	matched := cands[:0]
	for _, x := range cands {
		if match(x.e, q.Filter) {
			matched = append(matched, x)
		}
	}
	off, limit, err := window(q.PageRequest, len(matched))
	if err != nil {
		return nil, err
	}
	// Only the requested page needs ordering: select the best off+limit
	// rather than sorting every match.
	if byDate {
		sortTop(matched, off+limit, func(a, b scored) bool { return a.e.rank < b.e.rank })
	} else if len(terms) > 0 {
		sortTop(matched, off+limit, func(a, b scored) bool {
			if a.s != b.s {
				return a.s > b.s
			}
			return a.e.rank < b.e.rank
		})
	}
	res := &server.SearchResult{Total: len(matched), Facets: c.facets(matched)}
	for _, x := range matched[off:min(off+limit, len(matched))] {
		res.Hits = append(res.Hits, server.Hit{DocSummary: x.e.sum, Score: x.s, Snippets: snippets(x.e.doc.Text, terms, 2)})
	}
	res.Next = nextCursor(off, limit, len(matched))
	return res, nil
}

func match(e *entry, f server.Filter) bool {
	if f.Outlet != "" && e.doc.Outlet != f.Outlet {
		return false
	}
	if f.Entity != "" && e.facts.entities[f.Entity] == 0 {
		return false
	}
	if f.Place != "" && e.facts.places[f.Place] == 0 {
		return false
	}
	if f.Speaker != "" && e.facts.speakers[f.Speaker] == 0 {
		return false
	}
	if f.Technique != "" && e.facts.techniques[f.Technique] == 0 {
		return false
	}
	if f.Event != "" || f.Actor != "" || f.Target != "" {
		ok := false
		for _, ev := range e.facts.events {
			if (f.Event == "" || ev.typ == f.Event) && (f.Actor == "" || ev.source == f.Actor) && (f.Target == "" || ev.target == f.Target) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.Portrayal != "" {
		// the store's reading: ENTITY-ID:LABEL, or a bare entity id (which
		// may itself contain colons) for any portrayal of it
		p := store.ParsePortrayal(f.Portrayal)
		got, ok := e.facts.portrayal[p.EntityID]
		if !ok || (p.Label != "" && got != p.Label) {
			return false
		}
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		p := e.doc.Published
		if p == nil {
			return false
		}
		if !f.From.IsZero() && p.Before(f.From) {
			return false
		}
		if !f.To.IsZero() && !p.Before(f.To) {
			return false
		}
	}
	return true
}

const facetLimit = 10

// facets counts the documents per facet value over es; c.mu must be held.
func (c *Corpus) facets(es []scored) map[string][]server.FacetCount {
	// One pass over the matches for all facets.
	var counts [nFacets][]int32
	for f := range counts {
		counts[f] = make([]int32, len(c.fx[f].vals))
	}
	for _, x := range es {
		for f := range counts {
			cf := counts[f]
			for _, id := range x.e.fv[f] {
				cf[id]++
			}
		}
	}
	out := make(map[string][]server.FacetCount, nFacets)
	for f := 0; f < nFacets; f++ {
		in := c.fx[f]
		// The best facetLimit values, kept sorted while scanning: most
		// values lose to the current last one at the first comparison.
		fc := make([]server.FacetCount, 0, facetLimit+1)
		better := func(n int, v string, than server.FacetCount) bool {
			return n > than.Count || (n == than.Count && v < than.Value)
		}
		for id, n32 := range counts[f] {
			n := int(n32)
			if n == 0 || (len(fc) == facetLimit && !better(n, in.vals[id], fc[facetLimit-1])) {
				continue
			}
			i := len(fc)
			for i > 0 && better(n, in.vals[id], fc[i-1]) {
				i--
			}
			fc = slices.Insert(fc, i, server.FacetCount{Value: in.vals[id], Count: n})
			if len(fc) > facetLimit {
				fc = fc[:facetLimit]
			}
		}
		for i := range fc {
			if labelled(f) {
				fc[i].Label = in.labels[in.ids[fc[i].Value]]
			}
		}
		if f == fDate {
			sort.Slice(fc, func(i, j int) bool { return fc[i].Value < fc[j].Value })
		}
		if fc == nil {
			fc = []server.FacetCount{}
		}
		out[server.FacetNames[f]] = fc
	}
	return out
}

// sortTop puts the k smallest elements of xs by less first, in order; the
// rest are left in no particular order. less must be a strict total order.
// For small k it keeps a heap of the best k (O(n log k)) instead of sorting
// all n.
func sortTop[T any](xs []T, k int, less func(a, b T) bool) {
	if k >= len(xs)/4 {
		sort.Slice(xs, func(i, j int) bool { return less(xs[i], xs[j]) })
		return
	}
	if k <= 0 {
		return
	}
	// Max-heap of xs[:k] by less: the worst kept element at the root.
	down := func(i int) {
		for {
			l, big := 2*i+1, i
			if l < k && less(xs[big], xs[l]) {
				big = l
			}
			if r := l + 1; r < k && less(xs[big], xs[r]) {
				big = r
			}
			if big == i {
				return
			}
			xs[i], xs[big] = xs[big], xs[i]
			i = big
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(xs); i++ {
		if less(xs[i], xs[0]) {
			xs[0], xs[i] = xs[i], xs[0]
			down(0)
		}
	}
	top := xs[:k]
	sort.Slice(top, func(i, j int) bool { return less(top[i], top[j]) })
}

// labelled reports whether facet f's values are ids with display labels.
func labelled(f int) bool {
	return f == fEntity || f == fPlace || f == fActor || f == fTarget || f == fPortrayal
}

// top returns the n largest counts, ties broken by value; n <= 0 means all.
func top(m map[string]int, n int) []server.FacetCount {
	out := make([]server.FacetCount, 0, len(m))
	for v, c := range m {
		out = append(out, server.FacetCount{Value: v, Count: c})
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

func byValue(m map[string]int) []server.FacetCount {
	out := top(m, 0)
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// Stats implements server.Corpus; the result is cached until the next write.
func (c *Corpus) Stats(ctx context.Context) (*server.Stats, error) {
	c.mu.RLock()
	st := c.stats
	c.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	all := c.sorted()
	st = &server.Stats{Documents: len(all), Annotations: map[string]int{},
		OutletTechnique: []server.Cell{}, Citations: []server.Edge{}}
	volume := map[string]int{}
	matrix := map[[2]string]int{}
	speakers := map[string]int{}
	ents := map[string]int{}
	entNames := map[string]string{}
	edges := map[[2]string]int{}
	outlets := map[string]int{}
	for _, e := range all {
		if e.facts.month != "" {
			volume[e.facts.month]++
		}
		out := e.doc.Outlet
		if out == "" {
			out = "(unknown)"
		}
		outlets[out]++
		for k, n := range e.facts.kinds {
			st.Annotations[k] += n
		}
		for t, n := range e.facts.techniques {
			matrix[[2]string{out, t}] += n
		}
		for s, n := range e.facts.speakers {
			speakers[s] += n
		}
		for id, n := range e.facts.entities {
			ents[id] += n
			entNames[id] = e.facts.entityInfo[id].Name
		}
		for to, n := range e.facts.cites {
			edges[[2]string{out, to}] += n
		}
	}
	st.Volume = byValue(volume)
	for k, n := range matrix {
		st.OutletTechnique = append(st.OutletTechnique, server.Cell{Row: k[0], Col: k[1], Count: n})
	}
	sort.Slice(st.OutletTechnique, func(i, j int) bool {
		a, b := st.OutletTechnique[i], st.OutletTechnique[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
	st.TopSpeakers = top(speakers, 15)
	st.TopEntities = top(ents, 15)
	for i := range st.TopEntities {
		st.TopEntities[i].Label = entNames[st.TopEntities[i].Value]
	}
	for k, n := range edges {
		st.Citations = append(st.Citations, server.Edge{From: k[0], To: k[1], Count: n})
	}
	sort.Slice(st.Citations, func(i, j int) bool {
		if st.Citations[i].Count != st.Citations[j].Count {
			return st.Citations[i].Count > st.Citations[j].Count
		}
		return st.Citations[i].From+st.Citations[i].To < st.Citations[j].From+st.Citations[j].To
	})
	if len(st.Citations) > 40 {
		st.Citations = st.Citations[:40]
	}
	pl := c.placeList()
	if len(pl) > 300 {
		pl = pl[:300]
	}
	st.Places = pl
	st.Outlets = top(outlets, 30)
	c.mu.Lock()
	c.stats = st
	c.mu.Unlock()
	return st, nil
}

// entityList returns every entity, most mentioned first, cached until the
// next write.
func (c *Corpus) entityList() []server.EntitySummary {
	c.mu.RLock()
	if l := c.entities; l != nil {
		c.mu.RUnlock()
		return l
	}
	in := c.fx[fEntity]
	out := make([]server.EntitySummary, 0, len(in.vals))
	for id, v := range in.vals {
		docs := in.post[id]
		if len(docs) == 0 {
			continue
		}
		s := server.EntitySummary{ID: v, Name: in.labels[id], Type: docs[0].facts.entityInfo[v].Type, Documents: len(docs)}
		for _, e := range docs {
			s.Mentions += e.facts.entities[v]
		}
		out = append(out, s)
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Mentions != out[j].Mentions {
			return out[i].Mentions > out[j].Mentions
		}
		return out[i].ID < out[j].ID
	})
	c.mu.Lock()
	c.entities = out
	c.mu.Unlock()
	return out
}

// placeList returns every place, most mentioned first, cached until the
// next write.
func (c *Corpus) placeList() []server.PlaceSummary {
	c.mu.RLock()
	if l := c.places; l != nil {
		c.mu.RUnlock()
		return l
	}
	in := c.fx[fPlace]
	out := make([]server.PlaceSummary, 0, len(in.vals))
	for id, v := range in.vals {
		docs := in.post[id]
		if len(docs) == 0 {
			continue
		}
		s := docs[0].facts.placeInfo[v]
		s.Mentions, s.Documents = 0, len(docs)
		for _, e := range docs {
			s.Mentions += e.facts.places[v]
		}
		out = append(out, s)
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Mentions != out[j].Mentions {
			return out[i].Mentions > out[j].Mentions
		}
		return out[i].ID < out[j].ID
	})
	c.mu.Lock()
	c.places = out
	c.mu.Unlock()
	return out
}

// postingByDate returns a copy of the documents with a facet value, newest
// first.
func (c *Corpus) postingByDate(f int, v string) []*entry {
	c.sorted() // refresh ranks
	c.mu.RLock()
	list := append([]*entry(nil), c.fx[f].posting(v)...)
	c.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool { return list[i].rank < list[j].rank })
	return list
}

func page[T any](all []T, p server.PageRequest) (server.Page[T], error) {
	off, limit, err := window(p, len(all))
	if err != nil {
		return server.Page[T]{}, err
	}
	return server.Page[T]{Items: all[off:min(off+limit, len(all))], Next: nextCursor(off, limit, len(all)), Total: len(all)}, nil
}

// Entities implements server.Corpus, most mentioned first.
func (c *Corpus) Entities(ctx context.Context, p server.PageRequest) (server.Page[server.EntitySummary], error) {
	return page(c.entityList(), p)
}

// Places implements server.Corpus, most mentioned first.
func (c *Corpus) Places(ctx context.Context, p server.PageRequest) (server.Page[server.PlaceSummary], error) {
	pl := c.placeList()
	return page(pl, p)
}

// Outlets implements server.Corpus, largest first.
func (c *Corpus) Outlets(ctx context.Context, p server.PageRequest) (server.Page[server.OutletSummary], error) {
	m := map[string]int{}
	c.mu.RLock()
	for id, v := range c.fx[fOutlet].vals {
		if n := len(c.fx[fOutlet].post[id]); n > 0 {
			m[v] = n
		}
	}
	c.mu.RUnlock()
	var out []server.OutletSummary
	for _, fc := range top(m, 0) {
		out = append(out, server.OutletSummary{Name: fc.Value, Documents: fc.Count})
	}
	return page(out, p)
}

const recentDocs = 20

// Entity implements server.Corpus.
func (c *Corpus) Entity(ctx context.Context, id string) (*server.EntityDetail, error) {
	d := &server.EntityDetail{}
	docs := c.postingByDate(fEntity, id)
	if len(docs) == 0 {
		return nil, fmt.Errorf("entity %q: %w", id, server.ErrNotFound)
	}
	info := docs[0].facts.entityInfo[id]
	d.EntitySummary = server.EntitySummary{ID: id, Name: info.Name, Type: info.Type, Documents: len(docs)}
	aliases := map[string]bool{}
	for i, e := range docs {
		d.EntitySummary.Mentions += e.facts.entities[id]
		// Aliases and quotes come from the newest documents only, which
		// bounds the work for entities mentioned everywhere.
		if i < 200 {
			for _, ent := range e.doc.Entities {
				if ent.ID == id {
					for _, a := range ent.Aliases {
						aliases[a] = true
					}
				}
			}
			for _, q := range e.facts.quotes {
				switch {
				case e.facts.speakerIDs[q.Speaker] == id || (info.Name != "" && q.Speaker == info.Name):
					d.QuotesBy = append(d.QuotesBy, q)
				case info.Name != "" && strings.Contains(q.Text, info.Name):
					d.QuotesAbout = append(d.QuotesAbout, q)
				}
			}
		}
		if len(d.Documents) < recentDocs {
			d.Documents = append(d.Documents, e.sum)
		}
	}
	for a := range aliases {
		d.Aliases = append(d.Aliases, a)
	}
	sort.Strings(d.Aliases)
	c.mu.RLock()
	d.Timeline = c.countFacet(docs, fDate, "", 0)
	sort.Slice(d.Timeline, func(i, j int) bool { return d.Timeline[i].Value < d.Timeline[j].Value })
	d.Outlets = c.countFacet(docs, fOutlet, "", 20)
	d.CoOccurring = c.countFacet(docs, fEntity, id, 20)
	c.mu.RUnlock()
	d.QuotesBy = capQuotes(d.QuotesBy)
	d.QuotesAbout = capQuotes(d.QuotesAbout)
	entityPortrayal(d, id, docs)
	return d, nil
}

// countFacet counts the documents of docs per value of facet f, skipping
// the value skip, largest first, with labels; n <= 0 means all. c.mu must
// be held.
func (c *Corpus) countFacet(docs []*entry, f int, skip string, n int) []server.FacetCount {
	in := c.fx[f]
	counts := make([]int32, len(in.vals))
	for _, e := range docs {
		for _, v := range e.fv[f] {
			if int(v) < len(counts) {
				counts[v]++
			}
		}
	}
	out := []server.FacetCount{}
	for v, k := range counts {
		if k > 0 && in.vals[v] != skip {
			out = append(out, server.FacetCount{Value: in.vals[v], Label: in.labels[v], Count: int(k)})
		}
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
	if !labelled(f) {
		for i := range out {
			out[i].Label = ""
		}
	}
	return out
}

func capQuotes(q []server.QuoteRef) []server.QuoteRef {
	if len(q) > 50 {
		return q[:50]
	}
	return q
}

// Place implements server.Corpus.
func (c *Corpus) Place(ctx context.Context, id string) (*server.PlaceDetail, error) {
	d := &server.PlaceDetail{}
	docs := c.postingByDate(fPlace, id)
	if len(docs) == 0 {
		return nil, fmt.Errorf("place %q: %w", id, server.ErrNotFound)
	}
	d.PlaceSummary = docs[0].facts.placeInfo[id]
	d.Mentions, d.PlaceSummary.Documents = 0, len(docs)
	aliases := map[string]bool{}
	for i, e := range docs {
		d.Mentions += e.facts.places[id]
		if i < 200 {
			for _, a := range e.doc.Annotations {
				if a.Kind == "place" && attrID(a.Attrs, "geonameid") == id {
					aliases[a.Text] = true
				}
			}
		}
		if len(d.Documents) < recentDocs {
			d.Documents = append(d.Documents, e.sum)
		}
	}
	for a := range aliases {
		d.Aliases = append(d.Aliases, a)
	}
	sort.Strings(d.Aliases)
	c.mu.RLock()
	d.Timeline = c.countFacet(docs, fDate, "", 0)
	sort.Slice(d.Timeline, func(i, j int) bool { return d.Timeline[i].Value < d.Timeline[j].Value })
	d.Outlets = c.countFacet(docs, fOutlet, "", 20)
	d.CoOccurring = c.countFacet(docs, fPlace, id, 20)
	c.mu.RUnlock()
	return d, nil
}

// Outlet implements server.Corpus.
func (c *Corpus) Outlet(ctx context.Context, name string) (*server.OutletDetail, error) {
	d := &server.OutletDetail{OutletSummary: server.OutletSummary{Name: name}}
	volume, tech, speakers, cites := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range c.postingByDate(fOutlet, name) {
		d.OutletSummary.Documents++
		if e.facts.month != "" {
			volume[e.facts.month]++
		}
		for k, n := range e.facts.techniques {
			tech[k] += n
		}
		for k, n := range e.facts.speakers {
			speakers[k] += n
		}
		for k, n := range e.facts.cites {
			cites[k] += n
		}
		if len(d.Documents) < recentDocs {
			d.Documents = append(d.Documents, e.sum)
		}
	}
	if d.OutletSummary.Documents == 0 {
		return nil, fmt.Errorf("outlet %q: %w", name, server.ErrNotFound)
	}
	d.Volume = byValue(volume)
	d.Techniques = top(tech, 0)
	d.Speakers = top(speakers, 20)
	d.Cites = top(cites, 20)
	return d, nil
}

// extractFacts reads the facet values of doc from its annotations, using the
// attribute names agreed in docs/format.md.
func extractFacts(doc *document.Document) facts {
	f := facts{
		entities: map[string]int{}, entityInfo: map[string]server.EntitySummary{},
		places: map[string]int{}, placeInfo: map[string]server.PlaceSummary{},
		speakers: map[string]int{}, techniques: map[string]int{}, cites: map[string]int{},
		kinds: map[string]int{}, speakerIDs: map[string]string{}, portrayal: map[string]string{},
	}
	if doc.Published != nil {
		f.month = doc.Published.UTC().Format("2006-01")
	}
	for _, ent := range doc.Entities {
		if ent.ID == "" {
			continue
		}
		f.entities[ent.ID] += max(1, len(ent.Mentions))
		f.entityInfo[ent.ID] = server.EntitySummary{ID: ent.ID, Name: ent.Name, Type: ent.Type}
	}
	title := doc.Title
	if title == "" {
		title = firstLine(doc.Text, 90)
	}
	for _, a := range doc.Annotations {
		f.kinds[a.Kind]++
		switch a.Kind {
		case "entity":
			// Fall back to mentions when the document has no merged entities.
			if len(doc.Entities) == 0 {
				id := attrID(a.Attrs, "entity_id")
				if id == "" {
					id = a.Label + ":" + strings.ToLower(a.Text)
				}
				f.entities[id]++
				if _, ok := f.entityInfo[id]; !ok {
					f.entityInfo[id] = server.EntitySummary{ID: id, Name: a.Text, Type: a.Label}
				}
			}
		case "place":
			id := attrID(a.Attrs, "geonameid")
			if id == "" {
				continue
			}
			f.places[id]++
			if _, ok := f.placeInfo[id]; !ok {
				name := attrString(a.Attrs, "name")
				if name == "" {
					name = a.Text
				}
				lat, okLat := attrFloat(a.Attrs, "lat")
				lon, okLon := attrFloat(a.Attrs, "lon")
				if !okLat || !okLon {
					continue
				}
				f.placeInfo[id] = server.PlaceSummary{ID: id, Name: name, Country: attrString(a.Attrs, "country"), Lat: lat, Lon: lon}
			}
		case "quote":
			sp := attrString(a.Attrs, "speaker")
			if sp == "" {
				if s, ok := a.Parts["source"]; ok {
					sp = doc.Slice(s)
				}
			}
			if sp != "" {
				f.speakers[sp]++
				if id := attrID(a.Attrs, "speaker_entity"); id != "" {
					f.speakerIDs[sp] = id
				}
			}
			text := a.Text
			if s, ok := a.Parts["content"]; ok {
				text = doc.Slice(s)
			}
			if len(text) > 400 {
				text = firstLine(text, 400)
			}
			f.quotes = append(f.quotes, server.QuoteRef{DocID: doc.ID, Title: title, AnnID: a.ID, Speaker: sp, Text: text})
		case "technique":
			if a.Label != "" {
				f.techniques[a.Label]++
			}
		case "citation":
			if o := attrString(a.Attrs, "outlet"); o != "" {
				f.cites[o]++
			}
		case "event":
			f.events = append(f.events, eventOf(doc, a))
		}
	}
	f.portrayal = portrayalOf(doc)
	// Places without coordinates cannot be drawn or summarised.
	for id := range f.places {
		if _, ok := f.placeInfo[id]; !ok {
			delete(f.places, id)
		}
	}
	return f
}

func attrString(m map[string]any, k string) string {
	if v, ok := m[k].(string); ok {
		return v
	}
	return ""
}

// attrID formats an id attribute that may have been decoded from JSON as a
// float64 or given as an int or a string.
func attrID(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case float64:
		if v == math.Trunc(v) {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func attrFloat(m map[string]any, k string) (float64, bool) {
	switch v := m[k].(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// fold is the index key of a word: lower case.
func fold(w string) string { return strings.ToLower(w) }

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// words calls fn with each word of s and its byte span.
func words(s string, fn func(w string, start, end int)) {
	start := -1
	for i, r := range s {
		if isWord(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fn(s[start:i], start, i)
			start = -1
		}
	}
	if start >= 0 {
		fn(s[start:], start, len(s))
	}
}

func wordCounts(doc *document.Document) map[string]int {
	m := map[string]int{}
	words(doc.Title, func(w string, _, _ int) { m[fold(w)]++ })
	words(doc.Text, func(w string, _, _ int) { m[fold(w)]++ })
	return m
}

func queryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	words(q, func(w string, _, _ int) {
		w = fold(w)
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	})
	return out
}

// snippets returns up to n excerpts of text around the first matches of terms.
func snippets(text string, terms []string, n int) []server.Snippet {
	if len(terms) == 0 {
		end := min(len(text), 240)
		for end < len(text) && !utf8.RuneStart(text[end]) {
			end++
		}
		return []server.Snippet{{Start: 0, Text: text[:end]}}
	}
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	var out []server.Snippet
	lastEnd := -1
	words(text, func(w string, s, e int) {
		if len(out) >= n || !want[fold(w)] || s < lastEnd {
			return
		}
		from, to := s-100, e+140
		if from < 0 {
			from = 0
		}
		if to > len(text) {
			to = len(text)
		}
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
		sn := server.Snippet{Start: from, Text: text[from:to]}
		words(sn.Text, func(w2 string, s2, e2 int) {
			if want[fold(w2)] {
				sn.Matches = append(sn.Matches, document.Span{Start: from + s2, End: from + e2})
			}
		})
		out = append(out, sn)
		lastEnd = to
	})
	return out
}
