package portrayal_test

import (
	"testing"

	"github.com/newslens/newslens/portrayal"
)

// BenchmarkNew times loading the embedded model (gunzip, decode, word
// table, vector projections): the analyzer's cold-start cost.
func BenchmarkNew(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := portrayal.New(); err != nil {
			b.Fatal(err)
		}
	}
}
