package server

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The dashboard's event and portrayal charts: events per month stacked by
// PLOVER type, the most frequent actor → target pairs, and the portrayal of
// the most portrayed entities. Like the other charts they are inline SVG
// with a <title> per mark and a CSV beside each; every mark links to the
// search that lists the documents behind it.

// maxEventTypes is how many PLOVER types get their own colour; the rest are
// stacked as "other" (more than ~8 hues stop being distinguishable).
const maxEventTypes = 8

// eventTypeColumns draws cells (Row = period, Col = PLOVER type) as stacked
// columns, one per period in order, the most frequent types at the bottom.
// link(period, type) is the search behind a segment; type is "" for the
// "other" segment.
func eventTypeColumns(title string, cells []Cell, link func(period, typ string) string, csvURL string) template.HTML {
	if len(cells) == 0 {
		return emptyChart(title+" (no dated events)", csvURL)
	}
	typeTot, perTot := map[string]int{}, map[string]int{}
	for _, c := range cells {
		typeTot[c.Col] += c.Count
		perTot[c.Row] += c.Count
	}
	types := topKeys(typeTot, maxEventTypes)
	colour := map[string]int{}
	for i, t := range types {
		colour[t] = i
	}
	hasOther := len(typeTot) > len(types)
	periods := make([]string, 0, len(perTot))
	for p := range perTot {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	val := map[[2]string]int{}
	for _, c := range cells {
		t := c.Col
		if _, ok := colour[t]; !ok {
			t = ""
		}
		val[[2]string{c.Row, t}] += c.Count
	}
	maxC := 1
	for _, n := range perTot {
		maxC = max(maxC, n)
	}
	stack := append([]string(nil), types...)
	if hasOther {
		stack = append(stack, "")
	}
	legendRows := (len(stack) + 3) / 4
	const w, padL, padT, chartH = 640, 40, 10, 170
	padB := 24 + 16*legendRows
	h := padT + chartH + padB
	base := padT + chartH
	n := len(periods)
	// A few periods would otherwise make slabs of the whole width.
	cw := min(float64(w-padL-10)/float64(n), 60)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="cols stacked events" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, padL, base, w-10, base)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">%d</text>`, padL-4, padT+8, maxC)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">0</text>`, padL-4, base)
	step := max(1, n/8)
	for i, p := range periods {
		x := float64(padL) + float64(i)*cw
		y := float64(base)
		for _, t := range stack {
			c := val[[2]string{p, t}]
			if c == 0 {
				continue
			}
			sh := float64(chartH) * float64(c) / float64(maxC)
			y -= sh
			name, cls := typeName(t), "ev-other"
			if t != "" {
				cls = fmt.Sprintf("ev%d", colour[t])
			}
			fmt.Fprintf(&b, `<a href="%s"><g class="seg %s"><title>%s, %s: %d events</title><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></g></a>`,
				esc(link(p, t)), cls, esc(p), esc(name), c, x+1, y, math.Max(cw-2, 1), sh)
		}
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick">%s</text>`, x+1, base+14, esc(p))
		}
	}
	for i, t := range stack {
		cls := "ev-other"
		if t != "" {
			cls = fmt.Sprintf("ev%d", colour[t])
		}
		x, y := padL+(i%4)*150, base+36+16*(i/4)
		fmt.Fprintf(&b, `<g class="key %s"><rect x="%d" y="%d" width="10" height="10"/><text x="%d" y="%d">%s</text></g>`,
			cls, x, y-9, x+14, y, esc(shorten(typeName(t), 20)))
	}
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}

// typeName is a PLOVER type for display; "" is the stack of the rest.
func typeName(t string) string {
	if t == "" {
		return "other types"
	}
	return strings.ReplaceAll(t, "_", " ")
}

// pairTable lists actor → target pairs with their event counts, each row
// linking to the search for the documents with such an event.
func pairTable(title string, pairs []EventPair, csvURL string) template.HTML {
	if len(pairs) == 0 {
		return emptyChart(title, csvURL)
	}
	maxC := 1
	for _, p := range pairs {
		maxC = max(maxC, p.Count)
	}
	var b strings.Builder
	b.WriteString(`<table class="pairs"><thead><tr><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">Events</th></tr></thead><tbody>`)
	for _, p := range pairs {
		an, tn := orID(p.ActorName, p.Actor), orID(p.TargetName, p.Target)
		q := url.Values{"actor": {p.Actor}, "target": {p.Target}}
		fmt.Fprintf(&b, `<tr><td><a href="/entity/%s">%s</a></td><td><a href="/entity/%s">%s</a></td>`,
			esc(url.PathEscape(p.Actor)), esc(an), esc(url.PathEscape(p.Target)), esc(tn))
		// The bar is an SVG so its width needs no inline style (CSP).
		bw := 120 * float64(p.Count) / float64(maxC)
		fmt.Fprintf(&b, `<td class="n"><a class="pair" href="/search?%s" title="%s → %s: %d events"><svg width="124" height="12" aria-hidden="true"><rect x="0" y="1" width="%.1f" height="10" rx="2"/></svg> %d</a></td></tr>`,
			esc(q.Encode()), esc(an), esc(tn), p.Count, math.Max(bw, 1), p.Count)
	}
	b.WriteString(`</tbody></table>`)
	return figure(title, csvURL, b.String())
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// entityPortrayalBars draws one stacked bar per entity (rows are per-entity
// totals, in order), each segment linking to the search for the documents
// portraying that entity with that label.
func entityPortrayalBars(title string, rows []PortrayalRow, csvURL string) template.HTML {
	return stackedBarsBy(title, rows, func(r PortrayalRow) string { return orID(r.Name, r.Entity) },
		func(r PortrayalRow, label string) string {
			return "/search?" + url.Values{"portrayal": {r.Entity + ":" + label}}.Encode()
		}, csvURL)
}

// entityTotals sums a PortrayalStats' per-outlet totals per entity, in the
// order of st.Entities (most portrayed first).
func entityTotals(st *PortrayalStats) []PortrayalRow {
	idx := map[string]int{}
	out := make([]PortrayalRow, len(st.Entities))
	for i, e := range st.Entities {
		idx[e.Value] = i
		out[i] = PortrayalRow{Entity: e.Value, Name: e.Label}
	}
	for _, r := range st.Totals {
		i, ok := idx[r.Entity]
		if !ok {
			continue
		}
		out[i].Negative += r.Negative
		out[i].Neutral += r.Neutral
		out[i].Positive += r.Positive
		if out[i].Name == "" {
			out[i].Name = r.Name
		}
	}
	// Entities with no portrayal in the totals would draw empty rows.
	kept := out[:0]
	for _, r := range out {
		if r.Total() > 0 {
			kept = append(kept, r)
		}
	}
	return kept
}

// The statistics requests behind the dashboard's event and portrayal charts
// (the CSVs use the same ones, so they hold exactly what is drawn).
var (
	dashboardEvents    = StatsRequest{By: "month"}
	dashboardPortrayal = StatsRequest{By: "month", Limit: 12}
)

// eventsTitle names the event chart and says how many events it covers:
// events with neither their own day nor a dated document cannot be placed.
func eventsTitle(ev *EventStats) string {
	dated := 0
	for _, c := range ev.TypeByDate {
		dated += c.Count
	}
	if dated == ev.Events {
		return fmt.Sprintf("Events per month by PLOVER type (%d events)", ev.Events)
	}
	return fmt.Sprintf("Events per month by PLOVER type (%d of %d events dated)", dated, ev.Events)
}

// eventSearch links an event segment to the documents published that month
// with an event of that type. The "other" segment (typ "") covers several
// types, which one filter cannot express, so it links to the month alone.
func eventSearch(period, typ string) string {
	q := url.Values{"date": {period}}
	if typ != "" {
		q.Set("event", typ)
	}
	return "/search?" + q.Encode()
}

// analyticsCSV serves the data behind the event and portrayal charts; ok is
// false for other chart names.
func (s *Server) analyticsCSV(r *http.Request, name string) (rows [][]string, ok bool, err error) {
	switch name {
	case "events-by-type", "event-pairs", "portrayal-entities":
	default:
		return nil, false, nil
	}
	a, err := s.analytics()
	if err != nil {
		return nil, true, err
	}
	switch name {
	case "events-by-type", "event-pairs":
		ev, err := a.EventStats(r.Context(), dashboardEvents)
		if err != nil {
			return nil, true, err
		}
		if name == "events-by-type" {
			rows = append(rows, []string{"month", "event_type", "count"})
			for _, c := range ev.TypeByDate {
				rows = append(rows, []string{c.Row, c.Col, strconv.Itoa(c.Count)})
			}
			return rows, true, nil
		}
		rows = append(rows, []string{"actor", "actor_name", "target", "target_name", "count"})
		for _, p := range ev.TopPairs {
			rows = append(rows, []string{p.Actor, p.ActorName, p.Target, p.TargetName, strconv.Itoa(p.Count)})
		}
		return rows, true, nil
	default:
		pt, err := a.PortrayalStats(r.Context(), dashboardPortrayal)
		if err != nil {
			return nil, true, err
		}
		rows = append(rows, []string{"entity_id", "name", "negative", "neutral", "positive"})
		for _, t := range entityTotals(pt) {
			rows = append(rows, []string{t.Entity, t.Name, strconv.Itoa(t.Negative), strconv.Itoa(t.Neutral), strconv.Itoa(t.Positive)})
		}
		return rows, true, nil
	}
}
