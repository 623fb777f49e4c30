package memcorpus

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
)

// Events and portrayal: the facts read from "event" and "portrayal"
// annotations (docs/format.md, Events and Portrayal), the statistics over
// them, and the portrayal part of the entity page.

var _ server.Analytics = (*Corpus)(nil)

// eventOf reads one event annotation.
func eventOf(doc *document.Document, a document.Annotation) eventFact {
	ev := eventFact{
		typ:    a.Label,
		source: attrString(a.Attrs, "source_entity"),
		target: attrString(a.Attrs, "target_entity"),
		mode:   attrString(a.Attrs, "mode"),
	}
	if ev.typ == "" {
		ev.typ = attrString(a.Attrs, "plover")
	}
	if p, ok := a.Attrs["place"].(map[string]any); ok {
		ev.placeID = attrID(p, "geonameid")
		ev.placeName = attrString(p, "name")
	}
	// The event's own date when it names a day; a bare year or month is
	// too coarse for a weekly series, so those fall back to publication.
	if d := attrString(a.Attrs, "date"); len(d) >= 10 {
		if t, err := time.Parse("2006-01-02", d[:10]); err == nil {
			ev.day = t
		}
	}
	if ev.day.IsZero() && doc.Published != nil {
		ev.day = doc.Published.UTC()
	}
	return ev
}

// portrayalOf returns the document's aggregate portrayal label per entity:
// the portrayal analyzer's summary when there is one, else the majority
// label of the entity's portrayal annotations.
func portrayalOf(doc *document.Document) map[string]string {
	out := map[string]string{}
	if m, ok := doc.Summaries["portrayal"].(map[string]any); ok {
		// After a JSON round trip (store, API) the summary is a map.
		list, _ := m["entities"].([]any)
		for _, x := range list {
			if e, ok := x.(map[string]any); ok {
				id, label := attrString(e, "entity_id"), attrString(e, "label")
				if id != "" && validLabel(label) {
					out[id] = label
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	} else if v, ok := doc.Summaries["portrayal"]; ok {
		// In process it is the analyzer's own type; JSON reads it.
		var sum struct {
			Entities []struct {
				EntityID string `json:"entity_id"`
				Label    string `json:"label"`
			} `json:"entities"`
		}
		if b, err := json.Marshal(v); err == nil && json.Unmarshal(b, &sum) == nil {
			for _, e := range sum.Entities {
				if e.EntityID != "" && validLabel(e.Label) {
					out[e.EntityID] = e.Label
				}
			}
			if len(out) > 0 {
				return out
			}
		}
	}
	votes := map[string]*server.PortrayalCounts{}
	for _, a := range doc.Annotations {
		if a.Kind != "portrayal" {
			continue
		}
		id := attrString(a.Attrs, "entity_id")
		if id == "" || !validLabel(a.Label) {
			continue
		}
		if votes[id] == nil {
			votes[id] = &server.PortrayalCounts{}
		}
		votes[id].Add(a.Label)
	}
	for id, v := range votes {
		best := "neutral"
		for _, l := range server.PortrayalLabels {
			if v.Of(l) > v.Of(best) {
				best = l
			}
		}
		out[id] = best
	}
	return out
}

func validLabel(l string) bool { return l == "negative" || l == "neutral" || l == "positive" }

// period names the day, week (its Monday) or month of t.
func period(t time.Time, by string) string {
	t = t.UTC()
	switch by {
	case "day":
		return t.Format("2006-01-02")
	case "month":
		return t.Format("2006-01")
	}
	wd := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -wd).Format("2006-01-02")
}

func checkBy(by string) (string, error) {
	switch by {
	case "":
		return "week", nil
	case "day", "week", "month":
		return by, nil
	}
	return "", fmt.Errorf("period %q (want day, week or month): %w", by, server.ErrBadRequest)
}

// matching returns the documents a statistics request covers.
func (c *Corpus) matching(ctx context.Context, q server.StatsRequest) ([]*entry, error) {
	if q.Query == "" && q.Filter == (server.Filter{}) {
		return c.sorted(), nil
	}
	// Search with an unbounded page: stats need every match.
	terms := queryTerms(q.Query)
	all := c.sorted()
	c.mu.RLock()
	defer c.mu.RUnlock()
	var from []*entry
	if len(terms) == 0 {
		from = all
	} else {
		from = c.withAllTerms(terms)
	}
	out := make([]*entry, 0, len(from))
	for _, e := range from {
		if match(e, q.Filter) {
			out = append(out, e)
		}
	}
	return out, ctx.Err()
}

// withAllTerms returns the documents containing every term; c.mu must be
// held.
func (c *Corpus) withAllTerms(terms []string) []*entry {
	sort.Slice(terms, func(a, b int) bool { return len(c.index[terms[a]]) < len(c.index[terms[b]]) })
	var out []*entry
	for _, p := range c.index[terms[0]] {
		out = append(out, p.e)
	}
	for _, t := range terms[1:] {
		has := map[*entry]bool{}
		for _, p := range c.index[t] {
			has[p.e] = true
		}
		keep := out[:0]
		for _, e := range out {
			if has[e] {
				keep = append(keep, e)
			}
		}
		out = keep
	}
	return out
}

// analyticsKey names one cached statistics result.
type analyticsKey struct {
	kind, by string
	limit    int
}

// cachedAnalytics returns the statistics of an unfiltered request, computed
// once per corpus generation: over 10,000 documents each takes ~100 ms of
// map updates, and the dashboard asks for both. The result is shared and
// must not be modified. Filtered requests are computed each time.
func cachedAnalytics[T any](c *Corpus, q server.StatsRequest, k analyticsKey, compute func() (T, error)) (T, error) {
	if q.Query != "" || q.Filter != (server.Filter{}) {
		return compute()
	}
	c.mu.RLock()
	v, ok := c.analytics[k].(T)
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	gen := c.gen.Load()
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	// A write during the computation may have made it stale: keep it only
	// for the generation it was computed on.
	if c.gen.Load() == gen {
		if c.analytics == nil {
			c.analytics = map[analyticsKey]any{}
		}
		c.analytics[k] = v
	}
	c.mu.Unlock()
	return v, nil
}

// EventStats implements server.Analytics; unfiltered results are cached
// until the next write.
func (c *Corpus) EventStats(ctx context.Context, q server.StatsRequest) (*server.EventStats, error) {
	by, err := checkBy(q.By)
	if err != nil {
		return nil, err
	}
	return cachedAnalytics(c, q, analyticsKey{"events", by, 0}, func() (*server.EventStats, error) { return c.eventStats(ctx, q, by) })
}

func (c *Corpus) eventStats(ctx context.Context, q server.StatsRequest, by string) (*server.EventStats, error) {
	docs, err := c.matching(ctx, q)
	if err != nil {
		return nil, err
	}
	st := &server.EventStats{By: by, Documents: len(docs)}
	types, modes, places, dates, actors, targets := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	placeNames, names := map[string]string{}, map[string]string{}
	cells, pairs := map[[2]string]int{}, map[[2]string]int{}
	// Most events of a document share a day (its publication date), so
	// the last period name is reused rather than formatted again.
	var lastDay time.Time
	var lastPeriod string
	for _, e := range docs {
		for _, ev := range e.facts.events {
			// With event filters, count only the events that match them.
			if (q.Event != "" && ev.typ != q.Event) || (q.Actor != "" && ev.source != q.Actor) || (q.Target != "" && ev.target != q.Target) {
				continue
			}
			st.Events++
			types[ev.typ]++
			if ev.mode != "" {
				modes[ev.mode]++
			}
			if ev.placeID != "" {
				places[ev.placeID]++
				placeNames[ev.placeID] = ev.placeName
			}
			if !ev.day.IsZero() {
				if !ev.day.Equal(lastDay) || lastPeriod == "" {
					lastDay, lastPeriod = ev.day, period(ev.day, by)
				}
				p := lastPeriod
				dates[p]++
				cells[[2]string{p, ev.typ}]++
			}
			if ev.source != "" {
				actors[ev.source]++
				if _, ok := names[ev.source]; !ok {
					names[ev.source] = e.facts.entityName(ev.source)
				}
			}
			if ev.target != "" {
				targets[ev.target]++
				if _, ok := names[ev.target]; !ok {
					names[ev.target] = e.facts.entityName(ev.target)
				}
			}
			if ev.source != "" && ev.target != "" {
				pairs[[2]string{ev.source, ev.target}]++
			}
		}
	}
	st.TopPairs = topPairs(pairs, names, 15)
	st.ByType = top(types, 0)
	st.ByMode = top(modes, 0)
	st.ByPlace = withLabels(top(places, 50), placeNames)
	st.ByDate = byValue(dates)
	st.TopActors = withLabels(top(actors, 20), names)
	st.TopTargets = withLabels(top(targets, 20), names)
	st.TypeByDate = []server.Cell{}
	for k, n := range cells {
		st.TypeByDate = append(st.TypeByDate, server.Cell{Row: k[0], Col: k[1], Count: n})
	}
	sort.Slice(st.TypeByDate, func(i, j int) bool {
		a, b := st.TypeByDate[i], st.TypeByDate[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
	return st, nil
}

// topPairs returns the n most frequent actor → target pairs, ties by ids.
func topPairs(pairs map[[2]string]int, names map[string]string, n int) []server.EventPair {
	out := make([]server.EventPair, 0, len(pairs))
	for k, c := range pairs {
		out = append(out, server.EventPair{Actor: k[0], ActorName: names[k[0]], Target: k[1], TargetName: names[k[1]], Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Actor != b.Actor {
			return a.Actor < b.Actor
		}
		return a.Target < b.Target
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func withLabels(fc []server.FacetCount, names map[string]string) []server.FacetCount {
	for i := range fc {
		fc[i].Label = names[fc[i].Value]
	}
	return fc
}

// PortrayalStats implements server.Analytics; unfiltered results are
// cached until the next write.
func (c *Corpus) PortrayalStats(ctx context.Context, q server.StatsRequest) (*server.PortrayalStats, error) {
	by, err := checkBy(q.By)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	return cachedAnalytics(c, q, analyticsKey{"portrayal", by, limit}, func() (*server.PortrayalStats, error) {
		return c.portrayalStats(ctx, q, by, limit)
	})
}

func (c *Corpus) portrayalStats(ctx context.Context, q server.StatsRequest, by string, limit int) (*server.PortrayalStats, error) {
	docs, err := c.matching(ctx, q)
	if err != nil {
		return nil, err
	}
	st := &server.PortrayalStats{By: by, Documents: len(docs), Rows: []server.PortrayalRow{}, Totals: []server.PortrayalRow{}}
	// Which entities: the one asked for, else the most portrayed.
	portrayed, names := map[string]int{}, map[string]string{}
	for _, e := range docs {
		for id := range e.facts.portrayal {
			if q.Entity == "" || id == q.Entity {
				portrayed[id]++
				if _, ok := names[id]; !ok {
					names[id] = e.facts.entityName(id)
				}
			}
		}
	}
	st.Entities = withLabels(top(portrayed, limit), names)
	keep := map[string]bool{}
	for _, fc := range st.Entities {
		keep[fc.Value] = true
	}
	type key struct{ period, outlet, entity string }
	rows, totals := map[key]*server.PortrayalCounts{}, map[key]*server.PortrayalCounts{}
	add := func(m map[key]*server.PortrayalCounts, k key, label string) {
		if m[k] == nil {
			m[k] = &server.PortrayalCounts{}
		}
		m[k].Add(label)
	}
	for _, e := range docs {
		p := ""
		if e.doc.Published != nil {
			p = period(*e.doc.Published, by)
		}
		for id, label := range e.facts.portrayal {
			if !keep[id] {
				continue
			}
			add(totals, key{"", e.doc.Outlet, id}, label)
			if p != "" {
				add(rows, key{p, e.doc.Outlet, id}, label)
			}
		}
	}
	flatten := func(m map[key]*server.PortrayalCounts) []server.PortrayalRow {
		out := make([]server.PortrayalRow, 0, len(m))
		for k, v := range m {
			out = append(out, server.PortrayalRow{Period: k.period, Outlet: k.outlet, Entity: k.entity, Name: names[k.entity], PortrayalCounts: *v})
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.Period != b.Period {
				return a.Period < b.Period
			}
			if a.Entity != b.Entity {
				return a.Entity < b.Entity
			}
			return a.Outlet < b.Outlet
		})
		return out
	}
	st.Rows, st.Totals = flatten(rows), flatten(totals)
	return st, nil
}

// maxEvidence bounds the portrayal evidence listed on an entity page.
const maxEvidence = 30

// entityPortrayal fills the portrayal and event parts of an entity page
// from docs (the entity's documents, newest first).
func entityPortrayal(d *server.EntityDetail, id string, docs []*entry) {
	weeks, outlets := map[string]*server.PortrayalCounts{}, map[string]*server.PortrayalCounts{}
	asActor, asTarget := map[string]int{}, map[string]int{}
	count := func(m map[string]*server.PortrayalCounts, k, label string) {
		if m[k] == nil {
			m[k] = &server.PortrayalCounts{}
		}
		m[k].Add(label)
	}
	for _, e := range docs {
		for _, ev := range e.facts.events {
			if ev.source == id {
				asActor[ev.typ]++
			}
			if ev.target == id {
				asTarget[ev.typ]++
			}
		}
		label, ok := e.facts.portrayal[id]
		if !ok {
			continue
		}
		count(outlets, e.doc.Outlet, label)
		if e.doc.Published != nil {
			count(weeks, period(*e.doc.Published, "week"), label)
		}
		if len(d.PortrayalEvidence) < maxEvidence {
			d.PortrayalEvidence = append(d.PortrayalEvidence, evidence(e, id)...)
		}
	}
	if len(d.PortrayalEvidence) > maxEvidence {
		d.PortrayalEvidence = d.PortrayalEvidence[:maxEvidence]
	}
	for k, v := range weeks {
		d.Portrayal = append(d.Portrayal, server.PortrayalRow{Period: k, Entity: id, Name: d.Name, PortrayalCounts: *v})
	}
	sort.Slice(d.Portrayal, func(i, j int) bool { return d.Portrayal[i].Period < d.Portrayal[j].Period })
	for k, v := range outlets {
		d.PortrayalByOutlet = append(d.PortrayalByOutlet, server.PortrayalRow{Outlet: k, Entity: id, Name: d.Name, PortrayalCounts: *v})
	}
	sort.Slice(d.PortrayalByOutlet, func(i, j int) bool {
		a, b := d.PortrayalByOutlet[i], d.PortrayalByOutlet[j]
		if a.Total() != b.Total() {
			return a.Total() > b.Total()
		}
		return a.Outlet < b.Outlet
	})
	d.EventsAsActor = top(asActor, 0)
	d.EventsAsTarget = top(asTarget, 0)
}

// evidence lists the portrayal annotations of entity id in one document,
// most confident first, at most three, each with its sentence.
func evidence(e *entry, id string) []server.PortrayalEvidence {
	doc := e.doc
	var out []server.PortrayalEvidence
	for _, a := range doc.Annotations {
		if a.Kind != "portrayal" || attrString(a.Attrs, "entity_id") != id {
			continue
		}
		out = append(out, server.PortrayalEvidence{DocSummary: e.sum, AnnID: a.ID, Label: a.Label,
			Voice: attrString(a.Attrs, "voice"), Confidence: a.Confidence, Mention: doc.Slice(a.Span),
			Context: sentenceAround(doc, a.Span)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Confidence > out[j].Confidence })
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// sentenceAround returns the sentence containing sp (from doc.Sentences,
// else the line), clipped to 300 bytes.
func sentenceAround(doc *document.Document, sp document.Span) string {
	lo, hi := sp.Start, sp.End
	found := false
	for _, s := range doc.Sentences {
		if s.Start <= sp.Start && sp.End <= s.End {
			lo, hi, found = s.Start, s.End, true
			break
		}
	}
	if !found {
		if i := strings.LastIndexByte(doc.Text[:sp.Start], '\n'); i >= 0 {
			lo = i + 1
		} else {
			lo = 0
		}
		if i := strings.IndexByte(doc.Text[sp.End:], '\n'); i >= 0 {
			hi = sp.End + i
		} else {
			hi = len(doc.Text)
		}
	}
	s := strings.TrimSpace(doc.Text[lo:hi])
	if len(s) > 300 {
		s = firstLine(s, 300)
	}
	return s
}
