package server

import (
	"encoding/csv"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Charts are inline SVG built on the server: no script, no inline style
// (colours and sizes are SVG presentation attributes, which the CSP allows),
// a <title> on every mark for numbers on hover, and a CSV link beside each.
// Every label is escaped.

func esc(s string) string { return html.EscapeString(s) }

func figure(title, csvURL, body string) template.HTML {
	var b strings.Builder
	b.WriteString(`<figure class="chart"><figcaption>`)
	b.WriteString(esc(title))
	if csvURL != "" {
		b.WriteString(` <a class="csv" download href="`)
		b.WriteString(esc(csvURL))
		b.WriteString(`">CSV</a>`)
	}
	b.WriteString(`</figcaption>`)
	b.WriteString(body)
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

func emptyChart(title, csvURL string) template.HTML {
	return figure(title, csvURL, `<p class="empty">No data yet.</p>`)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// barChart draws horizontal bars, largest first, each linking to link(value).
func barChart(title string, data []FacetCount, link func(string) string, csvURL ...string) template.HTML {
	cu := ""
	if len(csvURL) > 0 {
		cu = csvURL[0]
	}
	if len(data) == 0 {
		return emptyChart(title, cu)
	}
	const w, labelW, rowH = 520, 190, 22
	maxC := 1
	for _, d := range data {
		maxC = max(maxC, d.Count)
	}
	h := rowH*len(data) + 6
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	for i, d := range data {
		label := d.Label
		if label == "" {
			label = d.Value
		}
		label = strings.ReplaceAll(label, "_", " ")
		y := i*rowH + 3
		bw := float64(w-labelW-50) * float64(d.Count) / float64(maxC)
		if link != nil {
			fmt.Fprintf(&b, `<a href="%s">`, esc(link(d.Value)))
		}
		fmt.Fprintf(&b, `<g class="bar"><title>%s: %d</title><text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`,
			esc(label), d.Count, labelW-6, y+15, esc(shorten(label, 28)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="2"/>`, labelW, y+2, math.Max(bw, 1), rowH-6)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="num">%d</text></g>`, float64(labelW)+bw+4, y+15, d.Count)
		if link != nil {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return figure(title, cu, b.String())
}

// columnChart draws a time series of counts as columns, in the given order.
func columnChart(title string, data []FacetCount, csvURL string) template.HTML {
	if len(data) == 0 {
		return emptyChart(title+" (no dated documents)", csvURL)
	}
	const w, h, padL, padB, padT = 640, 200, 40, 34, 10
	maxC := 1
	for _, d := range data {
		maxC = max(maxC, d.Count)
	}
	n := len(data)
	cw := float64(w-padL-10) / float64(n)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="cols" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, padL, h-padB, w-10, h-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">%d</text>`, padL-4, padT+8, maxC)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">0</text>`, padL-4, h-padB)
	step := max(1, n/8)
	for i, d := range data {
		bh := float64(h-padB-padT) * float64(d.Count) / float64(maxC)
		x := float64(padL) + float64(i)*cw
		fmt.Fprintf(&b, `<g class="col"><title>%s: %d</title><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></g>`,
			esc(d.Value), d.Count, x+1, float64(h-padB)-bh, math.Max(cw-2, 1), bh)
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick">%s</text>`, x+1, h-padB+14, esc(d.Value))
		}
	}
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}

// heatmap draws the outlet × technique matrix, cell shade by count.
func heatmap(title string, cells []Cell, csvURL string) template.HTML {
	if len(cells) == 0 {
		return emptyChart(title, csvURL)
	}
	rowTot, colTot := map[string]int{}, map[string]int{}
	val := map[[2]string]int{}
	maxC := 1
	for _, c := range cells {
		rowTot[c.Row] += c.Count
		colTot[c.Col] += c.Count
		val[[2]string{c.Row, c.Col}] += c.Count
		maxC = max(maxC, val[[2]string{c.Row, c.Col}])
	}
	rows := topKeys(rowTot, 15)
	cols := topKeys(colTot, 14)
	const labelW, cell, headH = 170, 34, 150
	w := labelW + cell*len(cols) + 10
	h := headH + cell*len(rows) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="heat" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	for j, c := range cols {
		x := labelW + j*cell + cell/2
		fmt.Fprintf(&b, `<text transform="translate(%d %d) rotate(-55)" class="lbl">%s</text>`, x, headH-6, esc(shorten(strings.ReplaceAll(c, "_", " "), 24)))
	}
	for i, r := range rows {
		y := headH + i*cell
		fmt.Fprintf(&b, `<a href="/outlet/%s"><text x="%d" y="%d" text-anchor="end" class="lbl">%s</text></a>`, esc(url.PathEscape(r)), labelW-6, y+cell/2+4, esc(shorten(r, 24)))
		for j, c := range cols {
			v := val[[2]string{r, c}]
			x := labelW + j*cell
			op := 0.06
			if v > 0 {
				op = 0.15 + 0.85*float64(v)/float64(maxC)
			}
			fmt.Fprintf(&b, `<a href="/search?outlet=%s&amp;technique=%s"><g class="cell"><title>%s × %s: %d</title><rect x="%d" y="%d" width="%d" height="%d" fill-opacity="%.2f"/>`,
				esc(url.QueryEscape(r)), esc(url.QueryEscape(c)), esc(r), esc(strings.ReplaceAll(c, "_", " ")), v, x+1, y+1, cell-2, cell-2, op)
			if v > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" class="num">%d</text>`, x+cell/2, y+cell/2+4, v)
			}
			b.WriteString(`</g></a>`)
		}
	}
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}

func topKeys(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

// network draws outlets on a circle with an arrow for each citation edge,
// width by count.
func network(title string, edges []Edge, csvURL string) template.HTML {
	if len(edges) == 0 {
		return emptyChart(title, csvURL)
	}
	deg := map[string]int{}
	maxC := 1
	for _, e := range edges {
		deg[e.From] += e.Count
		deg[e.To] += e.Count
		maxC = max(maxC, e.Count)
	}
	nodes := topKeys(deg, 24)
	pos := map[string][2]float64{}
	const w, h, r = 560, 420, 150
	for i, n := range nodes {
		a := 2*math.Pi*float64(i)/float64(len(nodes)) - math.Pi/2
		pos[n] = [2]float64{w/2 + r*math.Cos(a), h/2 + r*math.Sin(a)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="net" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>`)
	for _, e := range edges {
		p, ok1 := pos[e.From]
		q, ok2 := pos[e.To]
		if !ok1 || !ok2 || e.From == e.To {
			continue
		}
		// Stop short of the target node so the arrow head shows.
		dx, dy := q[0]-p[0], q[1]-p[1]
		d := math.Hypot(dx, dy)
		qx, qy := q[0]-dx/d*8, q[1]-dy/d*8
		fmt.Fprintf(&b, `<g class="edge"><title>%s cites %s: %d</title><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke-width="%.1f" marker-end="url(#arrow)"/></g>`,
			esc(e.From), esc(e.To), e.Count, p[0], p[1], qx, qy, 1+4*float64(e.Count)/float64(maxC))
	}
	for _, n := range nodes {
		p := pos[n]
		anchor := "start"
		dx := 10.0
		if p[0] < w/2 {
			anchor, dx = "end", -10
		}
		fmt.Fprintf(&b, `<a href="/outlet/%s"><g class="node"><title>%s: %d citations in or out</title><circle cx="%.1f" cy="%.1f" r="6"/><text x="%.1f" y="%.1f" text-anchor="%s" class="lbl">%s</text></g></a>`,
			esc(url.PathEscape(n)), esc(n), deg[n], p[0], p[1], p[0]+dx, p[1]+4, anchor, esc(shorten(n, 22)))
	}
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}

// mapChart draws places on the bundled world base map (equirectangular),
// circles sized by mentions, each linking to its place page.
func mapChart(places []PlaceSummary, selected string, csvURL ...string) template.HTML {
	cu := ""
	if len(csvURL) > 0 {
		cu = csvURL[0]
	}
	const w, h = 960, 480
	maxM := 1
	for _, p := range places {
		maxM = max(maxM, p.Mentions)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="map" id="map" viewBox="0 0 %d %d" role="img" aria-label="Map of places mentioned">`, w, h)
	fmt.Fprintf(&b, `<image href="/static/world.svg" x="0" y="0" width="%d" height="%d"/>`, w, h)
	// Draw small circles last so big ones do not cover them.
	ps := append([]PlaceSummary(nil), places...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Mentions > ps[j].Mentions })
	for _, p := range ps {
		if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
			continue
		}
		x := (p.Lon + 180) / 360 * w
		y := (90 - p.Lat) / 180 * h
		r := 3 + 14*math.Sqrt(float64(p.Mentions)/float64(maxM))
		cls := "pt"
		if p.ID == selected {
			cls = "pt sel"
		}
		fmt.Fprintf(&b, `<a href="/place/%s" class="%s" data-place="%s"><title>%s%s: %d mentions in %d documents</title><circle cx="%.1f" cy="%.1f" r="%.1f"/></a>`,
			esc(url.PathEscape(p.ID)), cls, esc(p.ID), esc(p.Name), esc(countrySuffix(p.Country)), p.Mentions, p.Documents, x, y, r)
	}
	b.WriteString(`</svg>`)
	return figure("Places mentioned (circle area by mentions)", cu, b.String())
}

func countrySuffix(c string) string {
	if c == "" {
		return ""
	}
	return ", " + c
}

// --- dashboard ----------------------------------------------------------------

type dashboardPage struct {
	Stats     *Stats
	Volume    template.HTML
	Heatmap   template.HTML
	Speakers  template.HTML
	Entities  template.HTML
	Citations template.HTML
	Map       template.HTML
	// Events, Pairs and Portrayal are empty when the corpus does not
	// implement Analytics.
	Events    template.HTML
	Pairs     template.HTML
	Portrayal template.HTML
	Recent    []DocSummary
	Kinds     []FacetCount
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	st, err := s.corpus.Stats(r.Context())
	if err != nil {
		return err
	}
	recent, err := s.corpus.Documents(r.Context(), PageRequest{Limit: 10})
	if err != nil {
		return err
	}
	p := dashboardPage{
		Stats:     st,
		Volume:    columnChart("Volume over time (documents per month)", st.Volume, "/chart/volume.csv"),
		Heatmap:   heatmap("Outlet × technique (annotations)", st.OutletTechnique, "/chart/outlet-technique.csv"),
		Speakers:  barChart("Top speakers (quotes)", st.TopSpeakers, func(v string) string { return "/search?speaker=" + url.QueryEscape(v) }, "/chart/speakers.csv"),
		Entities:  barChart("Top entities (mentions)", st.TopEntities, func(v string) string { return "/entity/" + url.PathEscape(v) }, "/chart/entities.csv"),
		Citations: network("Citations between outlets", st.Citations, "/chart/citations.csv"),
		Map:       mapChart(st.Places, "", "/chart/places.csv"),
		Recent:    recent.Items,
	}
	if a, ok := s.corpus.(Analytics); ok {
		ev, err := a.EventStats(r.Context(), dashboardEvents)
		if err != nil {
			return err
		}
		pt, err := a.PortrayalStats(r.Context(), dashboardPortrayal)
		if err != nil {
			return err
		}
		p.Events = eventTypeColumns(eventsTitle(ev), ev.TypeByDate, eventSearch, "/chart/events-by-type.csv")
		p.Pairs = pairTable("Top actor → target pairs (events)", ev.TopPairs, "/chart/event-pairs.csv")
		p.Portrayal = entityPortrayalBars("Portrayal of the most portrayed entities (documents)", entityTotals(pt), "/chart/portrayal-entities.csv")
	}
	for k, n := range st.Annotations {
		p.Kinds = append(p.Kinds, FacetCount{Value: k, Count: n})
	}
	sort.Slice(p.Kinds, func(i, j int) bool { return p.Kinds[i].Value < p.Kinds[j].Value })
	return s.render(w, r, "dashboard.html", "Dashboard", p)
}

// chartCSV serves the data behind each dashboard chart.
func (s *Server) chartCSV(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("name"), ".csv")
	if !ok {
		return Errorf(ErrNotFound, "charts are served as .csv")
	}
	var rows [][]string
	if r.URL.Query().Has("id") {
		var err error
		if rows, err = s.detailCSV(r, name); err != nil {
			return err
		}
		return writeCSV(w, name, rows)
	}
	if rows, ok, err := s.analyticsCSV(r, name); ok || err != nil {
		if err != nil {
			return err
		}
		return writeCSV(w, name, rows)
	}
	st, err := s.corpus.Stats(r.Context())
	if err != nil {
		return err
	}
	fc := func(h1 string, data []FacetCount, withLabel bool) {
		if withLabel {
			rows = append(rows, []string{h1, "label", "count"})
		} else {
			rows = append(rows, []string{h1, "count"})
		}
		for _, d := range data {
			if withLabel {
				rows = append(rows, []string{d.Value, d.Label, strconv.Itoa(d.Count)})
			} else {
				rows = append(rows, []string{d.Value, strconv.Itoa(d.Count)})
			}
		}
	}
	switch name {
	case "volume":
		fc("month", st.Volume, false)
	case "speakers":
		fc("speaker", st.TopSpeakers, false)
	case "entities":
		fc("entity_id", st.TopEntities, true)
	case "outlet-technique":
		rows = append(rows, []string{"outlet", "technique", "count"})
		for _, c := range st.OutletTechnique {
			rows = append(rows, []string{c.Row, c.Col, strconv.Itoa(c.Count)})
		}
	case "citations":
		rows = append(rows, []string{"from_outlet", "to_outlet", "count"})
		for _, e := range st.Citations {
			rows = append(rows, []string{e.From, e.To, strconv.Itoa(e.Count)})
		}
	case "places":
		rows = append(rows, []string{"geonameid", "name", "country", "lat", "lon", "mentions", "documents"})
		for _, p := range st.Places {
			rows = append(rows, []string{p.ID, p.Name, p.Country, strconv.FormatFloat(p.Lat, 'f', 4, 64),
				strconv.FormatFloat(p.Lon, 'f', 4, 64), strconv.Itoa(p.Mentions), strconv.Itoa(p.Documents)})
		}
	default:
		return Errorf(ErrNotFound, "no chart %q", name)
	}
	return writeCSV(w, name, rows)
}

// detailCSV serves the charts of the entity, place and outlet pages, named
// by the page's id or name in the id query parameter.
func (s *Server) detailCSV(r *http.Request, name string) ([][]string, error) {
	id := r.URL.Query().Get("id")
	ctx := r.Context()
	var data []FacetCount
	head := "value"
	switch name {
	case "entity-timeline", "entity-outlets", "entity-cooccurring":
		d, err := s.corpus.Entity(ctx, id)
		if err != nil {
			return nil, err
		}
		data, head = map[string][]FacetCount{"entity-timeline": d.Timeline, "entity-outlets": d.Outlets, "entity-cooccurring": d.CoOccurring}[name],
			map[string]string{"entity-timeline": "month", "entity-outlets": "outlet", "entity-cooccurring": "entity_id"}[name]
	case "entity-portrayal", "entity-portrayal-outlets":
		d, err := s.corpus.Entity(ctx, id)
		if err != nil {
			return nil, err
		}
		rows := [][]string{{"week", "outlet", "negative", "neutral", "positive"}}
		src := d.Portrayal
		if name == "entity-portrayal-outlets" {
			src = d.PortrayalByOutlet
		}
		for _, r := range src {
			rows = append(rows, []string{r.Period, r.Outlet, strconv.Itoa(r.Negative), strconv.Itoa(r.Neutral), strconv.Itoa(r.Positive)})
		}
		return rows, nil
	case "entity-events-actor", "entity-events-target":
		d, err := s.corpus.Entity(ctx, id)
		if err != nil {
			return nil, err
		}
		data, head = d.EventsAsActor, "event_type"
		if name == "entity-events-target" {
			data = d.EventsAsTarget
		}
	case "place-timeline", "place-outlets", "place-cooccurring":
		d, err := s.corpus.Place(ctx, id)
		if err != nil {
			return nil, err
		}
		data, head = map[string][]FacetCount{"place-timeline": d.Timeline, "place-outlets": d.Outlets, "place-cooccurring": d.CoOccurring}[name],
			map[string]string{"place-timeline": "month", "place-outlets": "outlet", "place-cooccurring": "geonameid"}[name]
	case "outlet-volume", "outlet-techniques", "outlet-speakers", "outlet-cites":
		d, err := s.corpus.Outlet(ctx, id)
		if err != nil {
			return nil, err
		}
		data, head = map[string][]FacetCount{"outlet-volume": d.Volume, "outlet-techniques": d.Techniques, "outlet-speakers": d.Speakers, "outlet-cites": d.Cites}[name],
			map[string]string{"outlet-volume": "month", "outlet-techniques": "technique", "outlet-speakers": "speaker", "outlet-cites": "cited_outlet"}[name]
	default:
		return nil, Errorf(ErrNotFound, "no chart %q", name)
	}
	rows := [][]string{{head, "label", "count"}}
	for _, d := range data {
		rows = append(rows, []string{d.Value, d.Label, strconv.Itoa(d.Count)})
	}
	return rows, nil
}

func writeCSV(w http.ResponseWriter, name string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i, c := range row {
			row[i] = csvSafe(c)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas in untrusted cells.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// portrayalColours are the classes of the three portrayal labels.
var portrayalClass = map[string]string{"negative": "p-neg", "neutral": "p-neu", "positive": "p-pos"}

// stackedColumns draws portrayal counts per period as stacked columns
// (negative at the bottom), each segment linking to link(row, label): the
// documents behind it.
func stackedColumns(title string, rows []PortrayalRow, link func(PortrayalRow, string) string, csvURL string) template.HTML {
	if len(rows) == 0 {
		return emptyChart(title+" (no dated documents with a portrayal)", csvURL)
	}
	const w, h, padL, padB, padT = 640, 210, 40, 44, 10
	maxC := 1
	for _, r := range rows {
		maxC = max(maxC, r.Total())
	}
	n := len(rows)
	cw := float64(w-padL-10) / float64(n)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="cols stacked" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, padL, h-padB, w-10, h-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">%d</text>`, padL-4, padT+8, maxC)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="num">0</text>`, padL-4, h-padB)
	step := max(1, n/8)
	for i, r := range rows {
		x := float64(padL) + float64(i)*cw
		y := float64(h - padB)
		for _, label := range PortrayalLabels {
			c := r.Of(label)
			if c == 0 {
				continue
			}
			sh := float64(h-padB-padT) * float64(c) / float64(maxC)
			y -= sh
			fmt.Fprintf(&b, `<a href="%s"><g class="seg %s"><title>%s, %s: %d documents</title><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></g></a>`,
				esc(link(r, label)), portrayalClass[label], esc(r.Period), label, c, x+1, y, math.Max(cw-2, 1), sh)
		}
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick">%s</text>`, x+1, h-padB+14, esc(r.Period))
		}
	}
	legend(&b, padL, h-10)
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}

func legend(b *strings.Builder, x, y int) {
	for i, label := range PortrayalLabels {
		fmt.Fprintf(b, `<g class="key %s"><rect x="%d" y="%d" width="10" height="10"/><text x="%d" y="%d">%s</text></g>`,
			portrayalClass[label], x+i*90, y-9, x+i*90+14, y, label)
	}
}

// stackedBars draws portrayal counts per outlet as horizontal stacked
// bars, largest first, each segment linking to link(row, label).
func stackedBars(title string, rows []PortrayalRow, link func(PortrayalRow, string) string, csvURL string) template.HTML {
	return stackedBarsBy(title, rows, func(r PortrayalRow) string { return r.Outlet }, link, csvURL)
}

// stackedBarsBy is stackedBars with each row named by name(row).
func stackedBarsBy(title string, rows []PortrayalRow, name func(PortrayalRow) string, link func(PortrayalRow, string) string, csvURL string) template.HTML {
	if len(rows) == 0 {
		return emptyChart(title, csvURL)
	}
	const w, labelW, rowH = 520, 150, 22
	maxC := 1
	for _, r := range rows {
		maxC = max(maxC, r.Total())
	}
	h := rowH*len(rows) + 26
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars stacked" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h, w, h, esc(title))
	for i, r := range rows {
		y := i*rowH + 3
		label := name(r)
		if label == "" {
			label = "(unknown)"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-6, y+15, esc(shorten(label, 24)))
		x := float64(labelW)
		for _, pl := range PortrayalLabels {
			c := r.Of(pl)
			if c == 0 {
				continue
			}
			bw := float64(w-labelW-50) * float64(c) / float64(maxC)
			fmt.Fprintf(&b, `<a href="%s"><g class="seg %s"><title>%s, %s: %d documents</title><rect x="%.1f" y="%d" width="%.1f" height="%d"/></g></a>`,
				esc(link(r, pl)), portrayalClass[pl], esc(label), pl, c, x, y+2, math.Max(bw, 1), rowH-6)
			x += bw
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="num">%d</text>`, x+4, y+15, r.Total())
	}
	legend(&b, labelW, h-4)
	b.WriteString(`</svg>`)
	return figure(title, csvURL, b.String())
}
