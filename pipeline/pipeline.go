// Package pipeline runs newslens's analysis: extract → segment → analyzers,
// over one document or a stream of records, concurrently and in input order.
//
// It declares the two interfaces it consumes, [Extractor] and [Analyzer];
// the extract package and each analyzer package implement them. Analyzers
// never import the store or HTTP code.
package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/text"
)

// Analyzer adds annotations to a document.
//
// Analyze may read the document's text, tokens, sentences and the
// annotations of the analyzers it Requires, and appends its own with
// doc.Add. It must be safe for concurrent use on different documents, must
// not keep references to doc after returning, and must bound its own time
// on hostile input.
type Analyzer interface {
	Name() string       // stable, lower case: "entities", "places", "quotes"
	Version() string    // bumped when output changes; the store reanalyzes older ones
	Requires() []string // names of analyzers whose output it reads
	Analyze(ctx context.Context, doc *document.Document) error
}

// Extractor turns a raw record into a document with clean text and blocks.
type Extractor interface {
	Extract(ctx context.Context, rec input.Record) (*document.Document, error)
}

// Config configures a Pipeline.
type Config struct {
	Extractor Extractor
	// Analyzers in any order; New orders them by their requirements.
	Analyzers []Analyzer
	// Workers is the number of documents processed at once; 0 means GOMAXPROCS.
	Workers int
	Logger  *slog.Logger
}

// Pipeline is safe for concurrent use.
type Pipeline struct {
	extract   Extractor
	analyzers []Analyzer
	workers   int
	log       *slog.Logger
}

// New checks cfg and orders the analyzers so each runs after those it requires.
func New(cfg Config) (*Pipeline, error) {
	ordered, err := order(cfg.Analyzers)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{extract: cfg.Extractor, analyzers: ordered, workers: cfg.Workers, log: cfg.Logger}
	if p.workers <= 0 {
		p.workers = runtime.GOMAXPROCS(0)
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Analyzers returns the analyzers in run order.
func (p *Pipeline) Analyzers() []Analyzer { return p.analyzers }

func order(as []Analyzer) ([]Analyzer, error) {
	byName := map[string]Analyzer{}
	for _, a := range as {
		if _, dup := byName[a.Name()]; dup {
			return nil, fmt.Errorf("pipeline: analyzer %q given twice", a.Name())
		}
		byName[a.Name()] = a
	}
	var out []Analyzer
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(a Analyzer, path []string) error
	visit = func(a Analyzer, path []string) error {
		switch state[a.Name()] {
		case 1:
			return fmt.Errorf("pipeline: analyzers require each other in a cycle: %v", append(path, a.Name()))
		case 2:
			return nil
		}
		state[a.Name()] = 1
		reqs := append([]string(nil), a.Requires()...)
		sort.Strings(reqs)
		for _, r := range reqs {
			dep, ok := byName[r]
			if !ok {
				return fmt.Errorf("pipeline: analyzer %q requires %q, which is not configured", a.Name(), r)
			}
			if err := visit(dep, append(path, a.Name())); err != nil {
				return err
			}
		}
		state[a.Name()] = 2
		out = append(out, a)
		return nil
	}
	for _, a := range as {
		if err := visit(a, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Process extracts and analyzes one record.
func (p *Pipeline) Process(ctx context.Context, rec input.Record) (*document.Document, error) {
	if p.extract == nil {
		return nil, fmt.Errorf("%s: pipeline has no extractor", rec.Name)
	}
	doc, err := p.extract.Extract(ctx, rec)
	if err != nil {
		return nil, err
	}
	if err := p.Analyze(ctx, doc); err != nil {
		return doc, fmt.Errorf("%s: %w", rec.Name, err)
	}
	return doc, nil
}

// Analyze segments doc if it has no tokens yet and runs every analyzer. A
// panicking analyzer is turned into an error naming it, so one bad document
// cannot take down a batch.
func (p *Pipeline) Analyze(ctx context.Context, doc *document.Document) error {
	if doc.Tokens == nil && doc.Text != "" {
		text.Segment(doc)
	}
	if doc.ID == "" {
		doc.ID = document.NewID(doc.URL, doc.Text)
	}
	if doc.Analyzers == nil {
		doc.Analyzers = map[string]string{}
	}
	for _, a := range p.analyzers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := runOne(ctx, a, doc); err != nil {
			return err
		}
		doc.Analyzers[a.Name()] = a.Version()
	}
	return nil
}

func runOne(ctx context.Context, a Analyzer, doc *document.Document) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("analyzer %s panicked: %v\n%s", a.Name(), r, debug.Stack())
		}
	}()
	if err := a.Analyze(ctx, doc); err != nil {
		return fmt.Errorf("analyzer %s: %w", a.Name(), err)
	}
	return nil
}

// Result is the outcome for one input item, in input order.
type Result struct {
	Seq  int
	Name string // the record's name, for messages
	Doc  *document.Document
	Err  error
}

// Run processes items from in on Workers goroutines and calls emit with the
// results in input order. It stops at the first error emit returns or when
// ctx is done. Items carrying a read error pass through as failed results.
func (p *Pipeline) Run(ctx context.Context, in <-chan input.Item, emit func(Result) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		seq  int
		item input.Item
	}
	jobs := make(chan job)
	results := make(chan Result, p.workers*2)
	// window bounds the results held for reordering, so memory stays flat
	// when one slow document holds up the ones after it.
	window := make(chan struct{}, p.workers*4)
	var wg sync.WaitGroup
	for w := 0; w < p.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := Result{Seq: j.seq, Name: j.item.Record.Name}
				if j.item.Err != nil {
					r.Err = j.item.Err
				} else {
					r.Doc, r.Err = p.Process(ctx, j.item.Record)
					if r.Err != nil {
						r.Doc = nil
					}
				}
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		seq := 0
		for it := range in {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				for range in {
				}
				return
			}
			select {
			case jobs <- job{seq: seq, item: it}:
				seq++
			case <-ctx.Done():
				// drain so the producer can finish
				for range in {
				}
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	// reorder: hold results until every earlier one has been emitted. The
	// window is bounded by the workers, since each holds at most one job.
	pending := map[int]Result{}
	next := 0
	var emitErr error
	for r := range results {
		if emitErr != nil {
			continue
		}
		pending[r.Seq] = r
		for {
			rr, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			if err := emit(rr); err != nil {
				emitErr = err
				cancel()
				break
			}
		}
	}
	if emitErr != nil {
		return emitErr
	}
	return ctx.Err()
}
