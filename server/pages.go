package server

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

// --- analyze ----------------------------------------------------------------

type analyzePage struct {
	Text, URL, Title string
	CanSave          bool
	NeedToken        bool
}

func (s *Server) analyzeForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "analyze.html", "Analyze", analyzePage{CanSave: s.cfg.Token != "", NeedToken: s.cfg.Token != ""})
}

// maxPasteBytes caps pasted or uploaded articles (the body cap is larger to
// leave room for multipart overhead).
const maxPasteBytes = 4 << 20

// recordFromForm builds the input record from the Analyze form: an uploaded
// file, else a URL, else the pasted text.
func (s *Server) recordFromForm(ctx context.Context, r *http.Request) (input.Record, error) {
	title := strings.TrimSpace(r.FormValue("title"))
	if f, fh, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxPasteBytes+1))
		if err != nil {
			return input.Record{}, fmt.Errorf("reading upload %q: %w", fh.Filename, err)
		}
		if len(data) > maxPasteBytes {
			return input.Record{}, Errorf(ErrTooLarge, "file %q is larger than %d bytes", fh.Filename, maxPasteBytes)
		}
		if len(data) > 0 {
			return input.Record{Name: fh.Filename, Format: input.Sniff(fh.Filename, data), Content: data, Title: title}, nil
		}
	}
	if u := strings.TrimSpace(r.FormValue("url")); u != "" {
		rec, err := s.cfg.Fetcher.Fetch(ctx, u)
		if err != nil {
			return input.Record{}, err
		}
		rec.Title = title
		return rec, nil
	}
	text := r.FormValue("text")
	if strings.TrimSpace(text) == "" {
		return input.Record{}, Errorf(ErrBadRequest, "give some text, a file or a URL to analyse")
	}
	if len(text) > maxPasteBytes {
		return input.Record{}, Errorf(ErrTooLarge, "text is larger than %d bytes", maxPasteBytes)
	}
	return input.Record{Name: "pasted text", Format: input.Sniff("pasted.txt", []byte(text)), Content: []byte(text), Title: title}, nil
}

func (s *Server) analyzeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	save := r.FormValue("save") != ""
	if save && !s.tokenOK(r.FormValue("token")) {
		if s.cfg.Token == "" {
			return Errorf(ErrForbidden, "this server is read-only: analyse without saving, or start it with a token")
		}
		return Errorf(ErrUnauthorized, "saving needs the server's token")
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnalyzeTimeout)
	defer cancel()
	rec, err := s.recordFromForm(ctx, r)
	if err != nil {
		return err
	}
	doc, err := s.cfg.Processor.Process(ctx, rec)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return Errorf(context.DeadlineExceeded, "analysis took longer than %s", s.cfg.AnalyzeTimeout)
		}
		return Errorf(ErrBadRequest, "could not analyse %s: %v", rec.Name, err)
	}
	if save {
		if err := s.corpus.Put(ctx, doc); err != nil {
			return fmt.Errorf("saving %s: %w", doc.ID, err)
		}
		s.wrote()
		s.log.Info("saved analysed document", "id", doc.ID, "input", rec.Name)
		http.Redirect(w, r, "/doc/"+url.PathEscape(doc.ID), http.StatusSeeOther)
		return nil
	}
	return s.renderArticle(w, r, doc, false)
}

// parseForm parses a url-encoded or multipart form, keeping a body-size
// error distinguishable (ParseMultipartForm hides ParseForm's errors).
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return Errorf(ErrBadRequest, "bad form: %v", err)
	}
	return nil
}

// --- article ------------------------------------------------------------------

type articlePage struct {
	Doc           *document.Document
	Title         string
	Body          template.HTML
	Layers        []layer
	Panel         template.HTML
	HasTechniques bool
	Saved         bool
	CanDelete     bool
	Summaries     []summaryRow
	Analyzers     []summaryRow
	Notes         []string
	Cluster       []DocSummary
}

type summaryRow struct{ Key, Value string }

func (s *Server) article(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.corpus.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderArticle(w, r, doc, true)
}

func (s *Server) renderArticle(w http.ResponseWriter, r *http.Request, doc *document.Document, saved bool) error {
	spans := spansOf(doc)
	p := articlePage{
		Doc:       doc,
		Title:     docTitle(doc),
		Body:      renderHighlighted(doc, spans),
		Layers:    layersOf(spans),
		Panel:     renderPanel(panelOf(doc)),
		Saved:     saved,
		CanDelete: saved && s.cfg.Token != "",
		Notes:     doc.Extraction.Notes,
	}
	if cl, ok := s.corpus.(ClusterLister); ok && saved {
		copies, err := cl.Cluster(r.Context(), doc.ID)
		if err != nil {
			s.log.Warn("listing the syndication cluster", "id", doc.ID, "err", err)
		}
		p.Cluster = copies
	}
	for _, l := range p.Layers {
		if l.Group == "technique" {
			p.HasTechniques = true
		}
	}
	for k, v := range doc.Summaries {
		p.Summaries = append(p.Summaries, summaryRow{k, summaryText(v)})
	}
	sort.Slice(p.Summaries, func(i, j int) bool { return p.Summaries[i].Key < p.Summaries[j].Key })
	for k, v := range doc.Analyzers {
		p.Analyzers = append(p.Analyzers, summaryRow{k, v})
	}
	sort.Slice(p.Analyzers, func(i, j int) bool { return p.Analyzers[i].Key < p.Analyzers[j].Key })
	return s.render(w, r, "article.html", p.Title, p)
}

func docTitle(doc *document.Document) string {
	if doc.Title != "" {
		return doc.Title
	}
	t := doc.Text
	if i := strings.IndexByte(t, '\n'); i >= 0 {
		t = t[:i]
	}
	if t = strings.TrimSpace(clip(t, 90)); t == "" {
		return "Untitled"
	}
	return t
}

// summaryText renders a summary value compactly: maps as "k: v" pairs.
func summaryText(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+summaryText(x[k]))
		}
		return clip(strings.Join(parts, "; "), 600)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, summaryText(e))
		}
		return clip(strings.Join(parts, ", "), 600)
	}
	return clip(fmt.Sprint(v), 600)
}

func (s *Server) deleteSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if !s.tokenOK(r.FormValue("token")) {
		return Errorf(ErrUnauthorized, "deleting needs the server's token")
	}
	if err := s.corpus.Delete(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// --- search -------------------------------------------------------------------

type searchPage struct {
	Query   string
	Sort    string
	Result  *SearchResult
	Hits    []hitView
	Facets  []facetView
	Active  []activeFilter
	NextURL string
	Empty   bool
}

type hitView struct {
	Hit
	Snips []template.HTML
}

type facetView struct {
	Name   string
	Title  string
	Values []facetValueView
}

type facetValueView struct {
	Label string
	Count int
	URL   string
	On    bool
}

type activeFilter struct {
	Name, Value, RemoveURL string
}

// parseSearch reads a SearchRequest from query parameters, shared by the
// page and the API.
func parseSearch(q url.Values) (SearchRequest, error) {
	req := SearchRequest{
		Query: strings.TrimSpace(q.Get("q")),
		Filter: Filter{
			Outlet: q.Get("outlet"), Entity: q.Get("entity"), Place: q.Get("place"),
			Speaker: q.Get("speaker"), Technique: q.Get("technique"),
			Event: q.Get("event"), Actor: q.Get("actor"), Target: q.Get("target"), Portrayal: q.Get("portrayal"),
		},
		Sort:        q.Get("sort"),
		PageRequest: PageRequest{Cursor: q.Get("cursor")},
	}
	if len(req.Query) > 500 {
		return req, Errorf(ErrBadRequest, "query longer than 500 bytes")
	}
	if p := req.Portrayal; p != "" {
		// Entity ids may contain colons ("per:…"): the label is after the last.
		i := strings.LastIndexByte(p, ':')
		id, label := p[:max(i, 0)], p[i+1:]
		if i < 0 || id == "" || (label != "negative" && label != "neutral" && label != "positive") {
			return req, Errorf(ErrBadRequest, "portrayal must be entity-id:negative|neutral|positive, not %q", p)
		}
	}
	switch req.Sort {
	case "", "relevance", "date":
	default:
		return req, Errorf(ErrBadRequest, "sort must be relevance or date, not %q", req.Sort)
	}
	var err error
	if req.Limit, err = parseLimit(q.Get("limit"), 20); err != nil {
		return req, err
	}
	if v := q.Get("from"); v != "" {
		if req.From, err = parseDate(v); err != nil {
			return req, err
		}
	}
	if v := q.Get("to"); v != "" {
		if req.To, err = parseDate(v); err != nil {
			return req, err
		}
	}
	// A date facet value is a month: it narrows from..to to that month.
	if m := q.Get("date"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			return req, Errorf(ErrBadRequest, "date facet must be YYYY-MM, not %q", m)
		}
		req.From, req.To = t, t.AddDate(0, 1, 0)
	}
	return req, nil
}

func parseLimit(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, Errorf(ErrBadRequest, "limit must be 1..100, not %q", v)
	}
	return n, nil
}

func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, Errorf(ErrBadRequest, "bad date %q: use YYYY-MM-DD", v)
}

var facetTitles = map[string]string{
	FacetOutlet: "Outlet", FacetEntity: "Entity", FacetPlace: "Place",
	FacetSpeaker: "Speaker", FacetTechnique: "Technique", FacetDate: "Month",
	FacetEvent: "Event type", FacetActor: "Event actor", FacetTarget: "Event target", FacetPortrayal: "Portrayal",
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	res, err := s.corpus.Search(r.Context(), req)
	if err != nil {
		return err
	}
	p := searchPage{Query: req.Query, Sort: req.Sort, Result: res, Empty: res.Total == 0}
	for _, h := range res.Hits {
		hv := hitView{Hit: h}
		for _, sn := range h.Snippets {
			hv.Snips = append(hv.Snips, markSnippet(sn))
		}
		p.Hits = append(p.Hits, hv)
	}
	with := func(k, v string) string {
		nq := url.Values{}
		for kk, vv := range q {
			if kk != "cursor" {
				nq[kk] = vv
			}
		}
		if v == "" {
			nq.Del(k)
		} else {
			nq.Set(k, v)
		}
		return "/search?" + nq.Encode()
	}
	for _, name := range FacetNames {
		fv := facetView{Name: name, Title: facetTitles[name]}
		for _, c := range res.Facets[name] {
			label := c.Label
			if label == "" {
				label = c.Value
			}
			if name == FacetTechnique {
				label = strings.ReplaceAll(label, "_", " ")
			}
			on := q.Get(name) == c.Value
			u := with(name, c.Value)
			if on {
				u = with(name, "")
			}
			fv.Values = append(fv.Values, facetValueView{Label: label, Count: c.Count, URL: u, On: on})
		}
		if len(fv.Values) > 0 {
			p.Facets = append(p.Facets, fv)
		}
		if v := q.Get(name); v != "" {
			p.Active = append(p.Active, activeFilter{Name: facetTitles[name], Value: v, RemoveURL: with(name, "")})
		}
	}
	if res.Next != "" {
		p.NextURL = with("cursor", "") + "&cursor=" + url.QueryEscape(res.Next)
	}
	title := "Search"
	if req.Query != "" {
		title = "Search: " + req.Query
	}
	return s.render(w, r, "search.html", title, p)
}

// markSnippet escapes a snippet and wraps its matches in <mark>.
func markSnippet(sn Snippet) template.HTML {
	var b strings.Builder
	pos := 0
	for _, m := range sn.Matches {
		lo, hi := m.Start-sn.Start, m.End-sn.Start
		if lo < pos || hi > len(sn.Text) || lo > hi {
			continue
		}
		b.WriteString(html.EscapeString(sn.Text[pos:lo]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(sn.Text[lo:hi]))
		b.WriteString("</mark>")
		pos = hi
	}
	b.WriteString(html.EscapeString(sn.Text[pos:]))
	out := b.String()
	if sn.Start > 0 {
		out = "…" + out
	}
	return template.HTML(out + "…")
}

// --- entities, places, outlets --------------------------------------------------

type listPage struct {
	Kind     string
	Entities []EntitySummary
	Places   []PlaceSummary
	Outlets  []OutletSummary
	Total    int
	NextURL  string
}

func (s *Server) pageReq(r *http.Request, def int) (PageRequest, error) {
	n, err := parseLimit(r.URL.Query().Get("limit"), def)
	return PageRequest{Limit: n, Cursor: r.URL.Query().Get("cursor")}, err
}

func nextURL(path, cursor string) string {
	if cursor == "" {
		return ""
	}
	return path + "?cursor=" + url.QueryEscape(cursor)
}

func (s *Server) entityList(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pageReq(r, 50)
	if err != nil {
		return err
	}
	pg, err := s.corpus.Entities(r.Context(), pr)
	if err != nil {
		return err
	}
	return s.render(w, r, "list.html", "Entities", listPage{Kind: "entities", Entities: pg.Items, Total: pg.Total, NextURL: nextURL("/entities", pg.Next)})
}

func (s *Server) placeList(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pageReq(r, 50)
	if err != nil {
		return err
	}
	pg, err := s.corpus.Places(r.Context(), pr)
	if err != nil {
		return err
	}
	return s.render(w, r, "list.html", "Places", listPage{Kind: "places", Places: pg.Items, Total: pg.Total, NextURL: nextURL("/places", pg.Next)})
}

func (s *Server) outletList(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pageReq(r, 50)
	if err != nil {
		return err
	}
	pg, err := s.corpus.Outlets(r.Context(), pr)
	if err != nil {
		return err
	}
	return s.render(w, r, "list.html", "Outlets", listPage{Kind: "outlets", Outlets: pg.Items, Total: pg.Total, NextURL: nextURL("/outlets", pg.Next)})
}

type entityPage struct {
	E                 *EntityDetail
	Timeline          template.HTML
	Outlets           template.HTML
	CoOcc             template.HTML
	Portrayal         template.HTML
	PortrayalOutlets  template.HTML
	EventsAsActor     template.HTML
	EventsAsTarget    template.HTML
	PortrayalSearches []portrayalLink
}

type portrayalLink struct {
	Label, URL string
	Count      int
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Entity(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := entityPage{
		E:        d,
		Timeline: columnChart("Mentions over time (documents per month)", d.Timeline, csvFor("entity-timeline", d.ID)),
		Outlets:  barChart("Outlets", d.Outlets, func(v string) string { return "/outlet/" + url.PathEscape(v) }, csvFor("entity-outlets", d.ID)),
		CoOcc:    barChart("Co-occurring entities (documents)", d.CoOccurring, func(v string) string { return "/entity/" + url.PathEscape(v) }, csvFor("entity-cooccurring", d.ID)),
	}
	if len(d.Portrayal) > 0 || len(d.PortrayalByOutlet) > 0 {
		// Each segment links to the documents behind it: the search
		// narrowed to this entity's portrayal label (and week, or outlet).
		search := func(label string, extra url.Values) string {
			v := url.Values{"portrayal": {d.ID + ":" + label}}
			for k, x := range extra {
				v[k] = x
			}
			return "/search?" + v.Encode()
		}
		p.Portrayal = stackedColumns("Portrayal per week (documents by aggregate label)", d.Portrayal, func(r PortrayalRow, label string) string {
			from, err := time.Parse("2006-01-02", r.Period)
			if err != nil {
				return search(label, nil)
			}
			return search(label, url.Values{"from": {r.Period}, "to": {from.AddDate(0, 0, 7).Format("2006-01-02")}, "sort": {"date"}})
		}, csvFor("entity-portrayal", d.ID))
		p.PortrayalOutlets = stackedBars("How each outlet portrays it (documents)", d.PortrayalByOutlet, func(r PortrayalRow, label string) string {
			return search(label, url.Values{"outlet": {r.Outlet}})
		}, csvFor("entity-portrayal-outlets", d.ID))
		var tot PortrayalCounts
		for _, r := range d.PortrayalByOutlet {
			tot.Negative, tot.Neutral, tot.Positive = tot.Negative+r.Negative, tot.Neutral+r.Neutral, tot.Positive+r.Positive
		}
		for _, l := range PortrayalLabels {
			p.PortrayalSearches = append(p.PortrayalSearches, portrayalLink{Label: l, URL: search(l, nil), Count: tot.Of(l)})
		}
	}
	if len(d.EventsAsActor) > 0 || len(d.EventsAsTarget) > 0 {
		p.EventsAsActor = barChart("Its events as actor (by type)", d.EventsAsActor, func(v string) string {
			return "/search?" + url.Values{"actor": {d.ID}, "event": {v}}.Encode()
		}, csvFor("entity-events-actor", d.ID))
		p.EventsAsTarget = barChart("Events aimed at it (by type)", d.EventsAsTarget, func(v string) string {
			return "/search?" + url.Values{"target": {d.ID}, "event": {v}}.Encode()
		}, csvFor("entity-events-target", d.ID))
	}
	return s.render(w, r, "entity.html", d.Name, p)
}

type placePage struct {
	P        *PlaceDetail
	Map      template.HTML
	Timeline template.HTML
	Outlets  template.HTML
	CoOcc    template.HTML
}

func (s *Server) place(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Place(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := placePage{
		P:        d,
		Map:      mapChart([]PlaceSummary{d.PlaceSummary}, d.ID),
		Timeline: columnChart("Mentions over time (documents per month)", d.Timeline, csvFor("place-timeline", d.ID)),
		Outlets:  barChart("Outlets", d.Outlets, func(v string) string { return "/outlet/" + url.PathEscape(v) }, csvFor("place-outlets", d.ID)),
		CoOcc:    barChart("Places mentioned with it (documents)", d.CoOccurring, func(v string) string { return "/place/" + url.PathEscape(v) }, csvFor("place-cooccurring", d.ID)),
	}
	return s.render(w, r, "place.html", d.Name, p)
}

type outletPage struct {
	O          *OutletDetail
	Volume     template.HTML
	Techniques template.HTML
	Speakers   template.HTML
	Cites      template.HTML
}

func (s *Server) outlet(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Outlet(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	p := outletPage{
		O:      d,
		Volume: columnChart("Documents per month", d.Volume, csvFor("outlet-volume", d.Name)),
		Techniques: barChart("Technique profile (annotations)", d.Techniques, func(v string) string {
			return "/search?outlet=" + url.QueryEscape(d.Name) + "&technique=" + url.QueryEscape(v)
		}, csvFor("outlet-techniques", d.Name)),
		Speakers: barChart("Who it quotes (quotes)", d.Speakers, func(v string) string {
			return "/search?outlet=" + url.QueryEscape(d.Name) + "&speaker=" + url.QueryEscape(v)
		}, csvFor("outlet-speakers", d.Name)),
		Cites: barChart("Whom it cites (citations)", d.Cites, func(v string) string { return "/outlet/" + url.PathEscape(v) }, csvFor("outlet-cites", d.Name)),
	}
	return s.render(w, r, "outlet.html", d.Name, p)
}

func csvFor(chart, id string) string {
	return "/chart/" + chart + ".csv?id=" + url.QueryEscape(id)
}
