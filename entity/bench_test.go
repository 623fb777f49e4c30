package entity

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// BenchmarkAnalyze runs the entities analyzer (tagger, aliases, merging)
// over the PTC training articles, already segmented, one document per
// iteration: ms/article is per core.
func BenchmarkAnalyze(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "data", "propaganda", "ptc", "train-articles")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	sort.Strings(paths)
	if len(paths) == 0 {
		b.Skip("no PTC articles")
	}
	var texts []string
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(raw))
	}
	a := newAnalyzer(b)
	ctx := context.Background()
	docs := make([]*document.Document, len(texts))
	for i, s := range texts {
		docs[i] = &document.Document{Text: s}
		text.Segment(docs[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		src := docs[i%len(docs)]
		d := &document.Document{Text: src.Text, Tokens: src.Tokens, Sentences: src.Sentences}
		if err := a.Analyze(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/article")
	// on a shared machine wall time overstates the cost; CPU time of this
	// process (GC included) is the per-core figure to compare builds by
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "articles/CPU-s")
	}
}

// cpuSeconds is the user+system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
