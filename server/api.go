package server

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

//go:embed openapi.json
var openAPI []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openAPI)
	return err
}

// analyzeRequest is the body of POST /api/v1/analyze and /api/v1/documents.
type analyzeRequest struct {
	Text      string     `json:"text,omitempty"`
	HTML      string     `json:"html,omitempty"`
	URL       string     `json:"url,omitempty"`
	Fetch     bool       `json:"fetch,omitempty"` // fetch URL instead of using text/html
	Title     string     `json:"title,omitempty"`
	Outlet    string     `json:"outlet,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Authors   []string   `json:"authors,omitempty"`
	Save      bool       `json:"save,omitempty"`
}

func decodeJSON(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	// Requiring JSON also stops cross-site form posts, which cannot send it
	// without a CORS preflight this server never grants.
	if !strings.HasPrefix(ct, "application/json") {
		return Errorf(ErrBadRequest, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return Errorf(ErrBadRequest, "bad JSON body: %v", err)
	}
	return nil
}

func (s *Server) recordFromAPI(ctx context.Context, req analyzeRequest) (input.Record, error) {
	rec := input.Record{Name: "api", URL: req.URL, Title: req.Title, Outlet: req.Outlet, Published: req.Published, Authors: req.Authors}
	switch {
	case req.HTML != "":
		rec.Format, rec.Content = input.FormatHTML, []byte(req.HTML)
	case req.Text != "":
		rec.Format, rec.Content = input.FormatText, []byte(req.Text)
	case req.URL != "" && req.Fetch:
		f, err := s.cfg.Fetcher.Fetch(ctx, req.URL)
		if err != nil {
			return rec, err
		}
		f.Title, f.Outlet, f.Published, f.Authors = req.Title, req.Outlet, req.Published, req.Authors
		return f, nil
	default:
		return rec, Errorf(ErrBadRequest, "give text, html, or url with fetch:true")
	}
	if req.URL != "" {
		rec.Name = req.URL
	}
	return rec, nil
}

func (s *Server) analyzeAPI(w http.ResponseWriter, r *http.Request, forceSave bool) error {
	var req analyzeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	save := req.Save || forceSave
	if save && !forceSave {
		if s.cfg.Token == "" {
			return Errorf(ErrForbidden, "this server is read-only: analyse without save, or start it with a token")
		}
		if !s.tokenOK(bearer(r)) {
			return Errorf(ErrUnauthorized, "save needs a valid bearer token")
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnalyzeTimeout)
	defer cancel()
	rec, err := s.recordFromAPI(ctx, req)
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
	status := http.StatusOK
	if save {
		// Finish the write even if the client goes away: it was accepted.
		if err := s.corpus.Put(context.WithoutCancel(ctx), doc); err != nil {
			return fmt.Errorf("saving %s: %w", doc.ID, err)
		}
		s.wrote()
		w.Header().Set("Location", "/api/v1/documents/"+doc.ID)
		status = http.StatusCreated
	}
	writeJSON(w, status, doc)
	return nil
}

func (s *Server) apiAnalyze(w http.ResponseWriter, r *http.Request) error {
	return s.analyzeAPI(w, r, false)
}

// apiIngest analyses and stores one article (token required by the route).
func (s *Server) apiIngest(w http.ResponseWriter, r *http.Request) error {
	return s.analyzeAPI(w, r, true)
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.corpus.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) apiDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.corpus.Delete(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiReanalyze runs the current analyzers again over a stored document's
// text and metadata, replacing its annotations.
func (s *Server) apiReanalyze(w http.ResponseWriter, r *http.Request) error {
	old, err := s.corpus.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rec := input.Record{Name: old.ID, URL: old.URL, Format: input.FormatText, Content: []byte(old.Text),
		Title: old.Title, Outlet: old.Outlet, Published: old.Published, Authors: old.Authors}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnalyzeTimeout)
	defer cancel()
	doc, err := s.cfg.Processor.Process(ctx, rec)
	if err != nil {
		return fmt.Errorf("reanalysing %s: %w", old.ID, err)
	}
	// Keep the identity and extraction record of the stored document.
	doc.ID, doc.Blocks, doc.Embeds, doc.Links, doc.Extraction = old.ID, old.Blocks, old.Embeds, old.Links, old.Extraction
	if doc.Text != old.Text {
		return fmt.Errorf("reanalysing %s: text changed on re-extraction", old.ID)
	}
	if err := s.corpus.Put(context.WithoutCancel(ctx), doc); err != nil {
		return fmt.Errorf("saving %s: %w", doc.ID, err)
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pageReq(r, 20)
	if err != nil {
		return err
	}
	pg, err := s.corpus.Documents(r.Context(), pr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.corpus.Search(r.Context(), req)
	if err != nil {
		return err
	}
	if res.Hits == nil {
		res.Hits = []Hit{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.corpus.Stats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// parseStats reads a StatsRequest: the search filters and q, plus by and
// limit.
func parseStats(r *http.Request) (StatsRequest, error) {
	q := r.URL.Query()
	sr, err := parseSearch(q)
	if err != nil {
		return StatsRequest{}, err
	}
	req := StatsRequest{Query: sr.Query, Filter: sr.Filter, By: q.Get("by")}
	switch req.By {
	case "", "day", "week", "month":
	default:
		return req, Errorf(ErrBadRequest, "by must be day, week or month, not %q", req.By)
	}
	if req.Limit, err = parseLimit(q.Get("limit"), 10); err != nil {
		return req, err
	}
	return req, nil
}

func (s *Server) analytics() (Analytics, error) {
	a, ok := s.corpus.(Analytics)
	if !ok {
		return nil, Errorf(ErrNotImplemented, "event and portrayal statistics need the in-memory index (serve without --index store)")
	}
	return a, nil
}

func (s *Server) apiEventStats(w http.ResponseWriter, r *http.Request) error {
	return apiStats(s, w, r, Analytics.EventStats)
}

func (s *Server) apiPortrayalStats(w http.ResponseWriter, r *http.Request) error {
	return apiStats(s, w, r, Analytics.PortrayalStats)
}

// apiStats answers a statistics endpoint: the search filters plus by= and
// limit=, computed by one of the corpus's Analytics methods.
func apiStats[T any](s *Server, w http.ResponseWriter, r *http.Request, stats func(Analytics, context.Context, StatsRequest) (T, error)) error {
	req, err := parseStats(r)
	if err != nil {
		return err
	}
	a, err := s.analytics()
	if err != nil {
		return err
	}
	st, err := stats(a, r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func apiList[T any](s *Server, w http.ResponseWriter, r *http.Request, list func(context.Context, PageRequest) (Page[T], error)) error {
	pr, err := s.pageReq(r, 20)
	if err != nil {
		return err
	}
	pg, err := list(r.Context(), pr)
	if err != nil {
		return err
	}
	if pg.Items == nil {
		pg.Items = []T{}
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) apiEntities(w http.ResponseWriter, r *http.Request) error {
	return apiList(s, w, r, s.corpus.Entities)
}

func (s *Server) apiPlaces(w http.ResponseWriter, r *http.Request) error {
	return apiList(s, w, r, s.corpus.Places)
}

func (s *Server) apiOutlets(w http.ResponseWriter, r *http.Request) error {
	return apiList(s, w, r, s.corpus.Outlets)
}

func (s *Server) apiEntity(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Entity(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiPlace(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Place(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiOutlet(w http.ResponseWriter, r *http.Request) error {
	d, err := s.corpus.Outlet(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// maxExport caps one export response; larger corpora page with the cursor.
const maxExport = 10000

// apiExport streams documents as JSON Lines (full documents) or CSV (one row
// per annotation), a page at a time. The next page's cursor is in the
// X-Next-Cursor header.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "jsonl" && format != "csv" {
		return Errorf(ErrBadRequest, "format must be jsonl or csv, not %q", format)
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxExport {
			return Errorf(ErrBadRequest, "limit must be 1..%d", maxExport)
		}
		limit = n
	}
	pg, err := s.corpus.Documents(r.Context(), PageRequest{Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	if pg.Next != "" {
		w.Header().Set("X-Next-Cursor", pg.Next)
	}
	var write func(*document.Document) error
	var flush func() error
	switch format {
	case "jsonl":
		w.Header().Set("Content-Type", "application/x-ndjson")
		bw := bufio.NewWriterSize(w, 64<<10)
		write = func(d *document.Document) error {
			_, err := bw.Write(s.documentJSON(d))
			return err
		}
		flush = bw.Flush
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(w)
		cw.Write([]string{"doc_id", "outlet", "published", "annotation_id", "kind", "label", "start", "end", "text", "confidence", "analyzer"})
		write = func(d *document.Document) error {
			pub := ""
			if d.Published != nil {
				pub = d.Published.UTC().Format(time.RFC3339)
			}
			for _, a := range d.Annotations {
				cw.Write([]string{d.ID, csvSafe(d.Outlet), pub, a.ID, a.Kind, csvSafe(a.Label), strconv.Itoa(a.Start), strconv.Itoa(a.End),
					csvSafe(a.Text), strconv.FormatFloat(a.Confidence, 'f', 3, 64), a.Analyzer})
			}
			return cw.Error()
		}
		flush = func() error { cw.Flush(); return cw.Error() }
	}
	for _, it := range pg.Items {
		d, err := s.corpus.Get(r.Context(), it.ID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue // deleted meanwhile
			}
			return err
		}
		if err := write(d); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "")
	return err
}
