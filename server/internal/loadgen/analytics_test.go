package main

import (
	"context"
	"os"
	"testing"

	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/memcorpus"
)

// BenchmarkDashboardAnalytics times the event and portrayal statistics the
// dashboard asks for, on the load generator's 10,000-document corpus, cold:
// a write before each call drops the corpus's cached results, as the first
// dashboard after an ingest sees them. It needs NEWSLENS_LOADGEN_BASE, a
// -basecache file of analysed articles.
func BenchmarkDashboardAnalytics(b *testing.B) {
	base := os.Getenv("NEWSLENS_LOADGEN_BASE")
	if base == "" {
		b.Skip("NEWSLENS_LOADGEN_BASE is not set")
	}
	ctx := context.Background()
	docs, err := build(ctx, 10000, base)
	if err != nil {
		b.Fatal(err)
	}
	c := memcorpus.New()
	for _, d := range docs {
		if err := c.Put(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("events", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if err := c.Put(ctx, docs[i%len(docs)]); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := c.EventStats(ctx, server.StatsRequest{By: "month"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("portrayal", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if err := c.Put(ctx, docs[i%len(docs)]); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := c.PortrayalStats(ctx, server.StatsRequest{By: "month", Limit: 12}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
