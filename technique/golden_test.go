package technique

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden pins the embedded model's output on a short text, so a model
// or feature change shows up as a reviewable diff (go test -update).
func TestGolden(t *testing.T) {
	for _, name := range []string{"short"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			doc := analyze(t, newAnalyzer(t), string(in))
			var b strings.Builder
			for _, x := range doc.Of(Kind) {
				fmt.Fprintf(&b, "%d\t%d\t%s\t%.3f\t%q\n", x.Start, x.End, x.Label, x.Confidence, x.Text)
			}
			sum := doc.Summaries[Name].(Summary)
			fmt.Fprintf(&b, "summary\tspans=%d\twords=%d\tdensity=%.3f\n", sum.Spans, sum.Words, sum.DensityPer1000Words)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, b.String())
			}
		})
	}
}
