// Package newslens is the analysis core as one call: it wires extraction,
// the text layer and every analyzer into a [pipeline.Pipeline]. The CLI, the
// server and the Beam pipeline all analyse through it, so they produce the
// same documents for the same input.
package newslens

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/entity"
	"github.com/newslens/newslens/event"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/figure"
	"github.com/newslens/newslens/geo"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/portrayal"
	"github.com/newslens/newslens/quote"
	"github.com/newslens/newslens/technique"
	"github.com/newslens/newslens/tone"
)

// Options configures the default pipeline. The zero value runs everything.
type Options struct {
	// Workers is the number of documents analysed at once (0: GOMAXPROCS).
	Workers int
	// Only, if set, limits the analyzers to these names and what they require.
	Only []string
	// ExtractOnly skips every analyzer.
	ExtractOnly bool
	Extract     extract.Options
	Logger      *slog.Logger
}

// Analyzers returns newslens's analyzers, each loading its embedded model.
// Every analyzer package adds itself here.
func Analyzers() ([]pipeline.Analyzer, error) {
	var as []pipeline.Analyzer
	as = append(as, figure.New())
	tn, err := tone.New()
	if err != nil {
		return nil, err
	}
	as = append(as, tn)
	ents, err := entity.New(entity.Options{})
	if err != nil {
		return nil, err
	}
	as = append(as, ents)
	as = append(as, geo.New(geo.Options{})) // its gazetteer loads in NewPipeline (see preloader)
	qa, err := quote.New()
	if err != nil {
		return nil, err
	}
	as = append(as, qa)
	ta, err := technique.New()
	if err != nil {
		return nil, err
	}
	as = append(as, ta)
	ev, err := event.New(event.Options{})
	if err != nil {
		return nil, err
	}
	as = append(as, ev)
	pa, err := portrayal.New()
	if err != nil {
		return nil, err
	}
	as = append(as, pa)
	return as, nil
}

// preloader is an analyzer that loads its model lazily (the places
// analyzer's gazetteer, so that a pipeline without it never reads it) and
// can be told to load it now.
type preloader interface {
	Preload() error
}

var _ preloader = (*geo.Analyzer)(nil)

// NewPipeline returns the default pipeline, every model of the analyzers it
// runs loaded.
func NewPipeline(opts Options) (*pipeline.Pipeline, error) {
	var as []pipeline.Analyzer
	if !opts.ExtractOnly {
		all, err := Analyzers()
		if err != nil {
			return nil, fmt.Errorf("loading analyzers: %w", err)
		}
		as = selectAnalyzers(all, opts.Only)
		for _, a := range as {
			if p, ok := a.(preloader); ok {
				if err := p.Preload(); err != nil {
					return nil, fmt.Errorf("loading analyzers: %w", err)
				}
			}
		}
	}
	return pipeline.New(pipeline.Config{
		Extractor: extract.New(opts.Extract),
		Analyzers: as,
		Workers:   opts.Workers,
		Logger:    opts.Logger,
	})
}

// selectAnalyzers keeps the named analyzers and, transitively, what they require.
func selectAnalyzers(all []pipeline.Analyzer, only []string) []pipeline.Analyzer {
	if len(only) == 0 {
		return all
	}
	byName := map[string]pipeline.Analyzer{}
	for _, a := range all {
		byName[a.Name()] = a
	}
	keep := map[string]bool{}
	var mark func(string)
	mark = func(n string) {
		if keep[n] {
			return
		}
		keep[n] = true
		if a, ok := byName[n]; ok {
			for _, r := range a.Requires() {
				mark(r)
			}
		}
	}
	for _, n := range only {
		mark(n)
	}
	var out []pipeline.Analyzer
	for _, a := range all {
		if keep[a.Name()] {
			out = append(out, a)
		}
	}
	return out
}

// AnalyzeText analyses one plain-text article.
func AnalyzeText(ctx context.Context, p *pipeline.Pipeline, name, text string) (*document.Document, error) {
	return p.Process(ctx, input.Record{Name: name, Format: input.FormatText, Content: []byte(text)})
}

// AnalyzeHTML analyses one HTML page.
func AnalyzeHTML(ctx context.Context, p *pipeline.Pipeline, url string, html []byte) (*document.Document, error) {
	return p.Process(ctx, input.Record{Name: url, URL: url, Format: input.FormatHTML, Content: html})
}
