package bench

import (
	"context"
	"testing"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/internal/testenv"
)

// BenchmarkPipeline runs every article of the three corpora (AEB HTML
// pages, PTC and PolNeAR texts) through the default pipeline, one article
// per iteration on one goroutine, so its profile shows where the whole
// pipeline spends its time: go test ./bench -bench Pipeline -cpuprofile.
func BenchmarkPipeline(b *testing.B) {
	corpora, err := Load(Config{Shared: testenv.Shared(b)})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range corpora {
		b.Run(c.Name, func(b *testing.B) {
			p, err := newslens.NewPipeline(newslens.Options{Workers: 1})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Process(ctx, c.Records[i%len(c.Records)]); err != nil {
					b.Log(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
