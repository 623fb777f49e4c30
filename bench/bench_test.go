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

// BenchmarkPipelineCPU reports the per-core figure of the bar, articles per
// CPU-second (getrusage of the process, so GC is counted), for the AEB HTML
// pages with extraction only and with every analyzer, one article per
// iteration on one goroutine. Per CPU-second figures are what to compare on
// a shared machine; alternate two builds to compare them:
// go test ./bench -run XXX -bench PipelineCPU -benchtime 181x -count 4.
func BenchmarkPipelineCPU(b *testing.B) {
	corpora, err := Load(Config{Shared: testenv.Shared(b)})
	if err != nil {
		b.Fatal(err)
	}
	aeb := corpora[0]
	for _, stage := range []struct {
		name        string
		extractOnly bool
	}{{"extract", true}, {"full", false}} {
		b.Run(aeb.Name+"/"+stage.name, func(b *testing.B) {
			p, err := newslens.NewPipeline(newslens.Options{Workers: 1, ExtractOnly: stage.extractOnly})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			c0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Process(ctx, aeb.Records[i%len(aeb.Records)]); err != nil {
					b.Log(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/(cpuTime()-c0).Seconds(), "articles/CPU-s")
		})
	}
}
