package portrayal_test

import (
	"testing"

	"github.com/newslens/newslens/portrayal"
)

// BenchmarkNew times loading the embedded model (gunzip, decode, word
// table, projections): the analyzer's cold-start cost. cpu-ms/op is the
// process's CPU time per load, the fairer figure on a shared machine (the
// garbage collector's work on other cores counts in it too).
func BenchmarkNew(b *testing.B) {
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := portrayal.New(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
