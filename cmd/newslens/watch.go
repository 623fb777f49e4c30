package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/ingest"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

func runWatch(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", dial.DefaultPath, "store: a SQLite file path or a postgres:// URL")
	every := fs.Duration("every", 15*time.Minute, "time between polls of each feed")
	once := fs.Bool("once", false, "poll once and exit")
	workers := fs.Int("workers", 0, "documents analysed at once (default: number of CPUs)")
	var ff corpusFetchFlags
	ff.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens watch [flags] FEEDS.opml|FEED-URL|SITEMAP-URL...\n\nPolls the feeds on a schedule and ingests new articles (articles already stored are not refetched).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: watch needs at least one feed", errUsage)
	}
	p, err := newslens.NewPipeline(newslens.Options{Workers: *workers})
	if err != nil {
		return err
	}
	s, err := dial.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	log := corpusLogger(e.stderr)
	in, err := ingest.New(ingest.Options{Store: s, Pipeline: p, Fetcher: ff.fetcher(), Logger: log, BatchWait: 5 * time.Second,
		OnStored: func(src string, r store.PutResult) {
			if !r.Existing {
				log.Info("stored", "id", r.ID, "version", r.Version, "source", src)
			}
		},
	})
	if err != nil {
		return err
	}
	for {
		pr, err := in.Run(ctx, fs.Args(), nil)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		log.Info("poll done", "new", pr.Stored, "existing", pr.Existing, "failed", pr.Failed, "next_in", every.String())
		if *once {
			return nil
		}
		// Jitter spreads the load when many watchers share a schedule.
		wait := *every + time.Duration(rand.Int64N(int64(*every)/10+1))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
	}
}
