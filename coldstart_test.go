package newslens_test

import (
	"context"
	"testing"

	"github.com/newslens/newslens"
)

// BenchmarkColdStart measures what a fresh process pays before its first
// document: building the default pipeline (every embedded model and the
// gazetteer) and analysing one short article.
func BenchmarkColdStart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		p, err := newslens.NewPipeline(newslens.Options{Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := newslens.AnalyzeText(context.Background(), p, "cold", "Cold start\n\nThe UN said 20 people died in Aleppo, Syria, on Monday."); err != nil {
			b.Fatal(err)
		}
	}
}
