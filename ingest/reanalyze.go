package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/store"
)

// ReanalyzeOptions configures Reanalyze.
type ReanalyzeOptions struct {
	BatchSize  int // documents per transaction (default 200)
	Logger     *slog.Logger
	OnProgress func(done, failed int)
}

// Reanalyze re-runs the pipeline's analyzers over stored documents whose
// recorded analyzer versions differ from the pipeline's (or lack one), in
// batches, each replaced in one transaction. It is resumable: a refreshed
// document is no longer stale, so an interrupted run simply continues
// where it stopped when run again.
func Reanalyze(ctx context.Context, s store.Store, p *pipeline.Pipeline, opts ReanalyzeOptions) (done, failed int, err error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 200
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	want := map[string]string{}
	for _, a := range p.Analyzers() {
		want[a.Name()] = a.Version()
	}
	if len(want) == 0 {
		return 0, 0, nil
	}
	after := ""
	for {
		ids, err := s.Stale(ctx, want, after, opts.BatchSize)
		if err != nil {
			return done, failed, fmt.Errorf("reanalyze: %w", err)
		}
		if len(ids) == 0 {
			return done, failed, nil
		}
		after = ids[len(ids)-1]
		var docs []*document.Document
		for _, id := range ids {
			doc, err := s.Get(ctx, id)
			if err != nil {
				return done, failed, fmt.Errorf("reanalyze: %w", err)
			}
			// Analyse from a clean slate: stale annotations of any version
			// go, and every analyzer runs in dependency order.
			doc.Annotations, doc.Entities, doc.Summaries, doc.Analyzers = nil, nil, nil, nil
			doc.Tokens, doc.Sentences = nil, nil
			if err := p.Analyze(ctx, doc); err != nil {
				if ctx.Err() != nil {
					return done, failed, ctx.Err()
				}
				failed++
				log.Warn("reanalyze failed", "id", id, "err", err)
				continue
			}
			docs = append(docs, doc)
		}
		if err := s.Replace(ctx, docs); err != nil {
			return done, failed, fmt.Errorf("reanalyze: %w", err)
		}
		done += len(docs)
		if opts.OnProgress != nil {
			opts.OnProgress(done, failed)
		}
	}
}
