// Package server is newslens's web UI and JSON API: analyse an article and
// see its evidence highlighted, search a corpus with facets, browse entities,
// places and outlets, and read dashboards, all rendered on the server with a
// little vanilla JavaScript.
//
// A [Server] is built from a [ServerConfig] and installs its routes on a mux
// ([Server.Install]) or serves them itself ([Server.Handler]). Handlers return
// errors; one place turns them into an HTML page or the API's error shape
// {"error":{"code","message"}}. Templates and static assets are embedded and
// parsed at startup.
//
// # Security
//
// Article text, titles and attributes are hostile input: every value goes
// through html/template or html.EscapeString. Pages carry a strict
// Content-Security-Policy (no inline scripts or styles), forms carry a CSRF
// token, request bodies are capped, analysis is rate-limited per client, and
// writes (ingest, delete, reanalyze) need the configured bearer token,
// compared in constant time.
package server

import (
	"context"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Processor analyses one raw record; *pipeline.Pipeline implements it.
type Processor interface {
	Process(ctx context.Context, rec input.Record) (*document.Document, error)
}

// Fetcher downloads a page for the Analyze form's URL field. It must refuse
// loopback, private and link-local addresses; [NewSafeFetcher] does.
type Fetcher interface {
	Fetch(ctx context.Context, url string) (input.Record, error)
}

// ServerConfig configures a Server. Corpus and Processor are required; the
// zero value of every other field is a safe default.
type ServerConfig struct {
	Corpus    Corpus
	Processor Processor
	// Fetcher fetches URLs given to Analyze; nil means NewSafeFetcher(false).
	Fetcher Fetcher
	// Token enables writes (saving analyses, ingest, delete, reanalyze) for
	// clients that present it as a bearer token or, in forms, in the token
	// field. Empty means the server is read-only.
	Token string
	// MaxBodyBytes caps request bodies (default 8 MiB).
	MaxBodyBytes int64
	// AnalyzePerMinute and AnalyzeBurst rate-limit analysis per client IP
	// (defaults 30 and 10).
	AnalyzePerMinute float64
	AnalyzeBurst     int
	// AnalyzeTimeout bounds one analysis (default 30 s).
	AnalyzeTimeout time.Duration
	Logger         *slog.Logger
	// TrustProxy makes the rate limiter key clients by X-Forwarded-For.
	TrustProxy bool
	// CacheBytes bounds the cache of rendered pages and API responses
	// (default 128 MiB; negative disables it). Only corpora implementing
	// Versioned are cached.
	CacheBytes int64
	// MaxInFlight bounds how many uncached page and API renders run at once
	// (default 2 per CPU); the rest wait in arrival order.
	MaxInFlight int
}

func (c *ServerConfig) ensureDefaults() error {
	if c.Corpus == nil {
		return errors.New("server: ServerConfig.Corpus is nil")
	}
	if c.Processor == nil {
		return errors.New("server: ServerConfig.Processor is nil")
	}
	if c.Fetcher == nil {
		c.Fetcher = NewSafeFetcher(false)
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 8 << 20
	}
	if c.AnalyzePerMinute <= 0 {
		c.AnalyzePerMinute = 30
	}
	if c.AnalyzeBurst <= 0 {
		c.AnalyzeBurst = 10
	}
	if c.AnalyzeTimeout <= 0 {
		c.AnalyzeTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.CacheBytes == 0 {
		c.CacheBytes = defaultCacheBytes
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = max(2, 2*runtime.GOMAXPROCS(0))
	}
	return nil
}

// Server serves the UI and the API. It is safe for concurrent use.
type Server struct {
	cfg     ServerConfig
	corpus  Corpus
	log     *slog.Logger
	pages   map[string]*template.Template
	static  fs.FS
	limiter *rateLimiter
	metrics *metrics
	ready   atomic.Bool
	csrfKey []byte
	// The response cache (nil when disabled), the count of writes made
	// through the server, the work limiter's slots, and the placeholder
	// that stands for the CSRF token in cached pages.
	sizes    map[string]*atomic.Int64 // last rendered size per page template
	cache    *respCache
	writes   atomic.Uint64
	work     chan struct{}
	csrfMark string
}

// New returns a Server; it parses the templates, so a template error is
// reported at startup rather than on the first request.
func New(cfg ServerConfig) (*Server, error) {
	if err := cfg.ensureDefaults(); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		corpus:   cfg.Corpus,
		log:      cfg.Logger,
		limiter:  newRateLimiter(cfg.AnalyzePerMinute/60, cfg.AnalyzeBurst),
		metrics:  newMetrics(),
		csrfKey:  randomBytes(32),
		work:     make(chan struct{}, cfg.MaxInFlight),
		csrfMark: "csrf" + hex.EncodeToString(randomBytes(16)),
	}
	if cfg.CacheBytes > 0 {
		s.cache = newRespCache(int(cfg.CacheBytes))
	}
	st, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s.static = st
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.sizes = map[string]*atomic.Int64{}
	for name := range s.pages {
		s.sizes[name] = new(atomic.Int64)
	}
	s.ready.Store(true)
	return s, nil
}

// SetReady marks the server ready or not for /readyz (e.g. while a demo
// corpus loads).
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// Handler returns the server's routes wrapped in its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Install(mux.Handle)
	return s.metrics.wrap(securityHeaders(mux), s.log)
}

// Install registers every route with handle (e.g. (*http.ServeMux).Handle).
// Routes use Go 1.22 patterns.
func (s *Server) Install(handle func(pattern string, h http.Handler)) {
	page := func(f handlerFunc) http.Handler { return s.pageHandler(f) }
	api := func(f handlerFunc) http.Handler { return s.apiHandler(f) }
	// Read-only GETs are served from the response cache; writes bump the
	// generation that keys it.
	cpage := func(f handlerFunc) http.Handler { return s.cached(s.pageHandler(f)) }
	capi := func(f handlerFunc) http.Handler { return s.cached(s.apiHandler(f)) }
	wpage := func(f handlerFunc) http.Handler { return s.afterWrite(s.pageHandler(f)) }
	wapi := func(f handlerFunc) http.Handler { return s.afterWrite(s.apiHandler(f)) }

	handle("GET /static/", http.StripPrefix("/static/", staticHandler(s.static)))
	handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	}))
	handle("GET /readyz", http.HandlerFunc(s.readyz))
	handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.metrics.serve(w, r)
		s.writeCacheMetrics(w)
	}))

	handle("GET /{$}", cpage(s.dashboard))
	handle("GET /analyze", page(s.analyzeForm))
	// Analysis writes only when asked to save; it bumps the generation then.
	handle("POST /analyze", s.limit(page(s.analyzeSubmit)))
	handle("GET /doc/{id}", cpage(s.article))
	handle("POST /doc/{id}/delete", wpage(s.deleteSubmit))
	handle("GET /search", cpage(s.search))
	handle("GET /entities", cpage(s.entityList))
	handle("GET /entity/{id}", cpage(s.entity))
	handle("GET /places", cpage(s.placeList))
	handle("GET /place/{id}", cpage(s.place))
	handle("GET /outlets", cpage(s.outletList))
	handle("GET /outlet/{name}", cpage(s.outlet))
	handle("GET /chart/{name}", cpage(s.chartCSV))

	handle("GET /api/v1/openapi.json", api(s.apiOpenAPI))
	handle("POST /api/v1/analyze", s.limit(api(s.apiAnalyze)))
	handle("GET /api/v1/documents", capi(s.apiDocuments))
	handle("POST /api/v1/documents", wapi(s.requireToken(s.apiIngest)))
	handle("GET /api/v1/documents/{id}", capi(s.apiDocument))
	handle("DELETE /api/v1/documents/{id}", wapi(s.requireToken(s.apiDelete)))
	handle("POST /api/v1/documents/{id}/reanalyze", wapi(s.requireToken(s.apiReanalyze)))
	handle("GET /api/v1/search", capi(s.apiSearch))
	handle("GET /api/v1/stats", capi(s.apiStats))
	handle("GET /api/v1/stats/events", capi(s.apiEventStats))
	handle("GET /api/v1/stats/portrayal", capi(s.apiPortrayalStats))
	handle("GET /api/v1/entities", capi(s.apiEntities))
	handle("GET /api/v1/entities/{id}", capi(s.apiEntity))
	handle("GET /api/v1/places", capi(s.apiPlaces))
	handle("GET /api/v1/places/{id}", capi(s.apiPlace))
	handle("GET /api/v1/outlets", capi(s.apiOutlets))
	handle("GET /api/v1/outlets/{name}", capi(s.apiOutlet))
	// Export streams; it runs under the work limiter but is not cached.
	handle("GET /api/v1/export", s.limited(api(s.apiExport)))
	handle("/api/", api(func(w http.ResponseWriter, r *http.Request) error {
		return Errorf(ErrNotFound, "no API route %s %s", r.Method, r.URL.Path)
	}))
	handle("/", page(func(w http.ResponseWriter, r *http.Request) error {
		return Errorf(ErrNotFound, "no page at %s", r.URL.Path)
	}))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "loading")
		return
	}
	fmt.Fprintln(w, "ready")
}

func staticHandler(fsys fs.FS) http.Handler {
	h := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets the strict CSP and friends on every response. No
// inline script or style is allowed anywhere, so injected markup is inert
// even if escaping were ever to fail.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// HTTPServer returns an http.Server for h with timeouts that bound slow
// clients; analysis has its own timeout inside the handler.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}
