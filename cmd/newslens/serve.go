package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/demo"
	"github.com/newslens/newslens/ingest"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/memcorpus"
	"github.com/newslens/newslens/server/storecorpus"
	"github.com/newslens/newslens/store/dial"
)

// serveConfig is what `newslens serve` is configured with.
type serveConfig struct {
	addr      string
	db        string
	demo      bool
	tokenFile string
	logLevel  string
	workers   int
	index     string
	cacheMB   int
}

func runServe(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c serveConfig
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	fs.StringVar(&c.db, "db", "", "corpus: a SQLite path, a postgres:// URL, or :memory: (default newslens.db; with --demo a cache file)")
	fs.BoolVar(&c.demo, "demo", false, "load the bundled Wikinews demo corpus on first start")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding the bearer token that enables writes (or set $NEWSLENS_TOKEN)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.IntVar(&c.workers, "workers", 0, "documents analysed at once (default: number of CPUs)")
	fs.StringVar(&c.index, "index", "memory", "read path: memory (an index loaded from the store at start) or store (query the store)")
	fs.IntVar(&c.cacheMB, "cache-mb", 128, "MiB of rendered pages and API responses to keep (0 disables the cache)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens serve [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments", errUsage)
	}
	if c.cacheMB < 0 {
		return fmt.Errorf("%w: --cache-mb must be 0 or more", errUsage)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level %q", errUsage, c.logLevel)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: lvl}))

	token := os.Getenv("NEWSLENS_TOKEN")
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return fmt.Errorf("reading token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token != "" && len(token) < 16 {
		return fmt.Errorf("the token must be at least 16 characters")
	}

	p, err := newslens.NewPipeline(newslens.Options{Workers: c.workers, Logger: log})
	if err != nil {
		return err
	}
	if c.index != "memory" && c.index != "store" {
		return fmt.Errorf("%w: --index must be memory or store", errUsage)
	}
	corpus, load, closeCorpus, err := openCorpus(ctx, c.db, c.demo, c.index)
	if err != nil {
		return err
	}
	defer closeCorpus()

	cacheBytes := int64(c.cacheMB) << 20
	if cacheBytes == 0 {
		cacheBytes = -1 // the server reads 0 as its default size
	}
	srv, err := server.New(server.ServerConfig{Corpus: corpus, Processor: p, Token: token, Logger: log, CacheBytes: cacheBytes,
		Fetcher: ingestFetcher{ingest.NewFetcher(ingest.FetchOptions{})}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", c.addr, err)
	}
	hs := server.HTTPServer(c.addr, srv.Handler())

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	// Not ready until the index is loaded and the demo (if asked) stored.
	loaded := make(chan error, 1)
	srv.SetReady(false)
	go func() {
		start := time.Now()
		n, err := load(loadCtx)
		if err == nil {
			log.Info("index loaded", "documents", n, "seconds", time.Since(start).Seconds())
			if c.demo {
				err = loadDemo(loadCtx, p, corpus, log)
			}
		}
		srv.SetReady(err == nil)
		loaded <- err
	}()

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "writes", token != "", "demo", c.demo)
	fmt.Fprintf(e.stderr, "newslens: serving on http://%s/\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful shutdown: stop accepting, let in-flight requests (including
	// ingests) finish, then stop the demo load.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	stopLoad()
	if lerr := <-loaded; lerr != nil && !errors.Is(lerr, context.Canceled) {
		log.Error("demo load", "err", lerr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openCorpus opens the configured corpus: ":memory:" keeps it in memory
// only; anything else goes to store/dial (a SQLite path or a postgres://
// URL). With --demo and no --db, the demo gets its own SQLite file in the
// user's cache directory, so it is analysed once and reused. load fills the
// read index, if there is one.
func openCorpus(ctx context.Context, db string, isDemo bool, index string) (server.Corpus, func(context.Context) (int, error), func(), error) {
	noLoad := func(context.Context) (int, error) { return 0, nil }
	if db == ":memory:" {
		return memcorpus.New(), noLoad, func() {}, nil
	}
	if db == "" && isDemo {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		dir = filepath.Join(dir, "newslens")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, nil, fmt.Errorf("demo store directory: %w", err)
		}
		db = filepath.Join(dir, "demo.db")
	}
	st, err := dial.Open(ctx, db)
	if err != nil {
		return nil, nil, nil, err
	}
	if index == "store" {
		return storecorpus.New(st, 0), noLoad, func() { st.Close() }, nil
	}
	idx := storecorpus.NewIndexed(st)
	return idx, idx.Load, func() { st.Close() }, nil
}

// loadDemo analyses and stores the demo corpus unless the corpus already
// has documents (a persistent store that was loaded before).
func loadDemo(ctx context.Context, p *pipeline.Pipeline, corpus server.Corpus, log *slog.Logger) error {
	pg, err := corpus.Documents(ctx, server.PageRequest{Limit: 1})
	if err != nil {
		return err
	}
	if pg.Total > 0 {
		log.Info("corpus not empty: demo not loaded again", "documents", pg.Total)
		return nil
	}
	recs, err := demo.Records()
	if err != nil {
		return err
	}
	start := time.Now()
	items := make(chan input.Item)
	go func() {
		defer close(items)
		for _, r := range recs {
			select {
			case items <- input.Item{Record: r}:
			case <-ctx.Done():
				return
			}
		}
	}()
	n, failed := 0, 0
	err = p.Run(ctx, items, func(r pipeline.Result) error {
		if r.Err != nil {
			failed++
			log.Warn("demo article failed", "name", r.Name, "err", r.Err)
			return nil
		}
		n++
		return corpus.Put(ctx, r.Doc)
	})
	log.Info("demo corpus loaded", "documents", n, "failed", failed, "seconds", time.Since(start).Seconds(), "attribution", demo.Attribution)
	return err
}

// ingestFetcher fetches the Analyze form's URLs with the ingest package's
// fetcher (robots.txt, per-host pacing, size cap, bounded redirects, and no
// loopback, private or link-local addresses, also after DNS and redirects).
type ingestFetcher struct{ f *ingest.Fetcher }

func (i ingestFetcher) Fetch(ctx context.Context, rawURL string) (input.Record, error) {
	resp, err := i.f.Fetch(ctx, rawURL)
	switch {
	case errors.Is(err, ingest.ErrPrivateAddr):
		return input.Record{}, server.Errorf(server.ErrForbidden, "refusing to fetch %s: it resolves to a loopback, private or link-local address", rawURL)
	case errors.Is(err, ingest.ErrTooLarge):
		return input.Record{}, server.Errorf(server.ErrTooLarge, "the page at %s is too large", rawURL)
	case err != nil:
		return input.Record{}, server.Errorf(server.ErrBadRequest, "%v", err)
	}
	format := input.FormatHTML
	if resp.ContentType == "text/plain" {
		format = input.FormatText
	}
	return input.Record{Name: resp.URL, URL: resp.URL, Format: format, Content: resp.Body, Charset: resp.Charset}, nil
}
