// Package ingest fills a newslens store: it reads files, directories,
// JSONL, WARC, RSS/Atom feeds, sitemaps, OPML lists and plain URLs,
// analyses each article with the pipeline it is given, and stores the
// results in batches.
//
// Ingest is idempotent and resumable. The store identifies a document by
// canonical URL and text hash, so storing the same article twice is a
// no-op; the ingest records (one per source item, written after the
// documents they name are committed) let a re-run skip items it already
// stored without analysing them again. A kill at any point loses at most
// the uncommitted batch, which the next run redoes.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/store"
)

// Options configures an Ingester.
type Options struct {
	Store    store.Store
	Pipeline *pipeline.Pipeline
	// Fetcher fetches URLs, feeds and sitemaps; nil means local sources only.
	Fetcher *Fetcher
	// BatchSize is the number of documents per store transaction (default 100).
	BatchSize int
	// BatchWait flushes a partial batch after this long (default 2s), so a
	// slow trickle (feeds) is still stored promptly.
	BatchWait time.Duration
	// Force re-analyses items whose ingest record says they are stored.
	Force bool
	// MaxLinks caps the article links taken from one feed or sitemap tree
	// (default 10,000).
	MaxLinks int
	Logger   *slog.Logger
	// OnProgress is called after every committed batch and at the end.
	OnProgress func(Progress)
	// OnStored is called for each document once its batch is committed,
	// that is, once it is durable.
	OnStored func(source string, r store.PutResult)
	// OnError is called for each source item that failed.
	OnError func(source string, err error)
}

// Progress counts what an ingest run did so far.
type Progress struct {
	Seen     int // source items read
	Skipped  int // already ingested (ingest record matches)
	Stored   int // new documents or new versions
	Existing int // analysed but already stored (same URL and text)
	Failed   int
	Start    time.Time
}

// Done is the number of items dealt with.
func (p Progress) Done() int { return p.Skipped + p.Stored + p.Existing + p.Failed }

// Ingester runs ingests. Create one with New.
type Ingester struct {
	opts Options
	log  *slog.Logger
}

// New checks opts and returns an Ingester.
func New(opts Options) (*Ingester, error) {
	if opts.Store == nil || opts.Pipeline == nil {
		return nil, errors.New("ingest: Store and Pipeline are required")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.BatchWait <= 0 {
		opts.BatchWait = 2 * time.Second
	}
	if opts.MaxLinks <= 0 {
		opts.MaxLinks = 10000
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Ingester{opts: opts, log: log}, nil
}

// pending is an analysed document waiting for its batch to commit.
type pending struct {
	source, hash string
	doc          *document.Document
}

// Run ingests every source: local paths ("-" is stdin), http(s) URLs of
// articles, feeds or sitemaps, and OPML files listing feeds. Per-item
// failures are counted, reported through OnError and recorded; Run returns
// an error only when it cannot go on (the store fails, ctx is done).
func (in *Ingester) Run(ctx context.Context, sources []string, stdin io.Reader) (Progress, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prog := Progress{Start: time.Now()}
	var mu sync.Mutex // guards prog and hashes between producer and consumer
	hashes := map[string]string{}

	items := make(chan input.Item)
	go func() {
		defer close(items)
		send := func(it input.Item) bool {
			mu.Lock()
			prog.Seen++
			mu.Unlock()
			if it.Err == nil {
				h := sha256.Sum256(it.Record.Content)
				hash := hex.EncodeToString(h[:16])
				if !in.opts.Force {
					if r, err := in.opts.Store.Ingested(ctx, it.Record.Name); err == nil && r.Status == store.IngestOK && r.Hash == hash {
						mu.Lock()
						prog.Skipped++
						mu.Unlock()
						return ctx.Err() == nil
					}
				}
				mu.Lock()
				hashes[it.Record.Name] = hash
				mu.Unlock()
			}
			select {
			case items <- it:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, src := range sources {
			if !in.source(ctx, src, stdin, send) {
				return
			}
		}
	}()

	var batch []pending
	var failed []store.IngestRecord
	lastFlush := time.Now()
	flush := func() error {
		lastFlush = time.Now()
		if len(batch) == 0 && len(failed) == 0 {
			return nil
		}
		docs := make([]*document.Document, len(batch))
		for i, p := range batch {
			docs[i] = p.doc
		}
		res, err := in.opts.Store.Put(ctx, docs)
		if err != nil {
			return err
		}
		recs := failed
		mu.Lock()
		for i, r := range res {
			if r.Existing {
				prog.Existing++
			} else {
				prog.Stored++
			}
			recs = append(recs, store.IngestRecord{Source: batch[i].source, Hash: batch[i].hash, DocID: r.ID, Status: store.IngestOK})
		}
		p := prog
		mu.Unlock()
		if in.opts.OnStored != nil {
			for i, r := range res {
				in.opts.OnStored(batch[i].source, r)
			}
		}
		// Records after the documents: a crash in between only costs a
		// re-analysis whose Put finds the documents already stored.
		if err := in.opts.Store.RecordIngest(ctx, recs...); err != nil {
			return err
		}
		batch, failed = batch[:0], nil
		if in.opts.OnProgress != nil {
			in.opts.OnProgress(p)
		}
		return nil
	}
	err := in.opts.Pipeline.Run(ctx, items, func(r pipeline.Result) error {
		mu.Lock()
		hash := hashes[r.Name]
		delete(hashes, r.Name)
		mu.Unlock()
		if r.Err != nil {
			if r.Name == "" {
				var ie *input.Error
				if errors.As(r.Err, &ie) {
					r.Name = ie.Name
				}
			}
			mu.Lock()
			prog.Failed++
			mu.Unlock()
			in.log.Warn("ingest failed", "source", r.Name, "err", r.Err)
			if in.opts.OnError != nil {
				in.opts.OnError(r.Name, r.Err)
			}
			if r.Name != "" {
				failed = append(failed, store.IngestRecord{Source: r.Name, Hash: hash, Status: store.IngestFailed, Error: r.Err.Error()})
			}
		} else {
			batch = append(batch, pending{source: r.Name, hash: hash, doc: r.Doc})
		}
		if len(batch) >= in.opts.BatchSize || len(failed) >= in.opts.BatchSize || time.Since(lastFlush) > in.opts.BatchWait {
			return flush()
		}
		return nil
	})
	if err == nil || errors.Is(err, context.Canceled) {
		// Store what was analysed before an interrupt: it is finished work.
		if ferr := flush(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if err == nil && prog.Stored > 0 {
		// A store that counts its aggregations after the writes (the SQL
		// stores' rollups) does so now, so the first query after an
		// ingest does not. A failure here loses nothing: the documents
		// are stored and the next query counts them.
		if f, ok := in.opts.Store.(interface{ Fold(context.Context) error }); ok {
			if ferr := f.Fold(ctx); ferr != nil {
				in.log.Warn("ingest: counting the aggregations", "err", ferr)
			}
		}
	}
	mu.Lock()
	p := prog
	mu.Unlock()
	if in.opts.OnProgress != nil {
		in.opts.OnProgress(p)
	}
	if err != nil {
		return p, fmt.Errorf("ingest: %w", err)
	}
	return p, nil
}

// source expands one source into items; false means stop.
func (in *Ingester) source(ctx context.Context, src string, stdin io.Reader, send func(input.Item) bool) bool {
	if isURL(src) {
		return in.fetchSource(ctx, src, 0, send)
	}
	if src != "-" {
		if st, err := os.Stat(src); err == nil && !st.IsDir() && looksLikeList(src) {
			data, err := os.ReadFile(src)
			if err != nil {
				return send(input.Item{Err: &input.Error{Name: src, Err: err}})
			}
			switch Sniff("", data) {
			case KindOPML:
				feeds, err := ParseOPML(data)
				if err != nil {
					return send(input.Item{Err: &input.Error{Name: src, Err: err}})
				}
				for _, f := range feeds {
					if !in.fetchSource(ctx, f, 0, send) {
						return false
					}
				}
				return true
			case KindFeed, KindSitemap, KindSitemapIndex:
				return in.listed(ctx, src, "", data, 0, send)
			}
		}
	}
	items := make(chan input.Item)
	go input.Read(ctx, []string{src}, stdin, items)
	for it := range items {
		if !send(it) {
			for range items {
			}
			return false
		}
	}
	return ctx.Err() == nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func looksLikeList(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".opml", ".xml", ".rss", ".atom", ".feed":
		return true
	}
	return false
}

// fetchSource fetches a URL and ingests it as an article, or expands it
// when it is a feed, sitemap or OPML list.
func (in *Ingester) fetchSource(ctx context.Context, u string, depth int, send func(input.Item) bool) bool {
	if in.opts.Fetcher == nil {
		return send(input.Item{Err: &input.Error{Name: u, Err: errors.New("URL sources need a fetcher")}})
	}
	resp, err := in.opts.Fetcher.Fetch(ctx, u)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		return send(input.Item{Err: &input.Error{Name: u, Err: err}})
	}
	switch Sniff(resp.ContentType, resp.Body) {
	case KindArticle:
		return send(input.Item{Record: articleRecord(u, resp, Link{})})
	case KindOPML:
		feeds, err := ParseOPML(resp.Body)
		if err != nil {
			return send(input.Item{Err: &input.Error{Name: u, Err: err}})
		}
		for _, f := range feeds {
			if depth < 1 && !in.fetchSource(ctx, f, depth+1, send) {
				return false
			}
		}
		return true
	}
	return in.listed(ctx, u, resp.URL, resp.Body, depth, send)
}

// listed ingests the articles a feed or sitemap lists, skipping links whose
// ingest record says they are stored (so polling a feed refetches nothing
// it already has).
func (in *Ingester) listed(ctx context.Context, name, base string, data []byte, depth int, send func(input.Item) bool) bool {
	var links []Link
	var err error
	switch Sniff("", data) {
	case KindFeed:
		links, err = ParseFeed(base, data)
	default:
		var nested []string
		links, nested, err = ParseSitemap(base, data)
		if err == nil && depth < 3 {
			for _, sm := range nested {
				if !in.fetchSource(ctx, sm, depth+1, send) {
					return false
				}
			}
		}
	}
	if err != nil {
		return send(input.Item{Err: &input.Error{Name: name, Err: err}})
	}
	if len(links) > in.opts.MaxLinks {
		in.log.Warn("too many links, truncating", "source", name, "links", len(links), "max", in.opts.MaxLinks)
		links = links[:in.opts.MaxLinks]
	}
	for _, l := range links {
		if !in.opts.Force {
			if r, err := in.opts.Store.Ingested(ctx, l.URL); err == nil && r.Status == store.IngestOK {
				continue
			}
		}
		resp, err := in.opts.Fetcher.Fetch(ctx, l.URL)
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			if !send(input.Item{Err: &input.Error{Name: l.URL, Err: err}}) {
				return false
			}
			continue
		}
		if !send(input.Item{Record: articleRecord(l.URL, resp, l)}) {
			return false
		}
	}
	return true
}

func articleRecord(name string, resp *Response, l Link) input.Record {
	rec := input.Record{Name: name, URL: resp.URL, Content: resp.Body, Charset: resp.Charset,
		Title: l.Title, Published: l.Published, Authors: l.Authors}
	switch resp.ContentType {
	case "text/html", "application/xhtml+xml":
		rec.Format = input.FormatHTML
	case "text/plain":
		rec.Format = input.FormatText
	default:
		u, _ := url.Parse(resp.URL)
		p := ""
		if u != nil {
			p = u.Path
		}
		rec.Format = input.Sniff(p, resp.Body)
	}
	return rec
}
