package geo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/gazetteer"
	"github.com/newslens/newslens/text"
)

// hostile builds a ~1 MB comma-separated list of gazetteer names.
func hostile(t testing.TB, g *gazetteer.Gazetteer) string {
	var b strings.Builder
	for i := int32(0); b.Len() < 1<<20; i = (i + 7919) % int32(g.Len()) {
		b.WriteString(g.Place(i).Name)
		b.WriteString(", ")
	}
	return b.String()
}

// TestHostile runs a 1 MB list of place names and Arabic-script names:
// no panic, valid spans, and the mention cap holds.
func TestHostile(t *testing.T) {
	a := analyzer(t)
	g, _ := a.Gazetteer()
	inputs := map[string]string{
		"names":  hostile(t, g),
		"arabic": strings.Repeat("دير الزور، حماة، حلب، دمشق، الرقة. ", 2000),
		"mixed":  strings.Repeat("Deir ez-Zor دير الزور Hama governorate of Raqqa, ", 500),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			doc := &document.Document{Text: in}
			start := time.Now()
			if err := a.Analyze(context.Background(), doc); err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatal(err)
			}
			if n := len(doc.Annotations); n > a.opts.MaxMentions {
				t.Errorf("%d annotations exceed the cap %d", n, a.opts.MaxMentions)
			}
			t.Logf("%s: %d bytes, %d annotations in %s", name, len(in), len(doc.Annotations), time.Since(start))
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"Supply routes into Deir Azzor reopened.", "The town of Akerbat in Hama governorate.",
		"Ankara said ties with Damascus were good.", "W.Va. -- St. Petersburg, Fla.", "دير الزور", "",
		"the Riyadh/Doha split", "In X.", "A\u0301\u200dB", "St.", "Gainesville Police Department",
	} {
		f.Add(s)
	}
	a := New(Options{})
	if _, err := a.Gazetteer(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		doc := &document.Document{Text: s}
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, an := range doc.Annotations {
			if an.Kind == KindPlace && an.Attrs["resolved"] == true {
				lat, _ := an.Attrs["lat"].(float64)
				if lat < -90 || lat > 90 {
					t.Fatalf("latitude %v", lat)
				}
			}
		}
	})
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkColdStart measures constructing the analyzer and loading the
// gazetteer, the cost paid once per process.
func BenchmarkColdStart(b *testing.B) {
	var before, after runtime.MemStats
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		c0 := cpuTime()
		a := New(Options{})
		if _, err := a.Gazetteer(); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(a)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkResolve measures resolution alone (candidate scoring, two
// coherence passes, metonymy) over the sample's recognised mentions.
func BenchmarkResolve(b *testing.B) {
	a := analyzer(b)
	g, _ := a.Gazetteer()
	raw, err := os.ReadFile(shared(b, "samples/syria-2017-opinion.txt"))
	if err != nil {
		b.Fatal(err)
	}
	doc := &document.Document{Text: string(raw)}
	text.Segment(doc)
	c := newContext(doc)
	base := recognise(context.Background(), g, c, 20000)
	ms := make([]Mention, len(base))
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(ms, base)
		resolve(g, c, ms)
		for j := range ms {
			markMetonymy(g, c, &ms[j])
		}
	}
	b.StopTimer()
	n := float64(len(base)) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "mentions/s")
	// Per core: the machine is shared, so wall time overstates the cost.
	b.ReportMetric(n/(cpuTime()-cpu0).Seconds(), "mentions/cpu-s")
}

// BenchmarkAnalyze measures recognition and resolution of the sample
// (without the entities analyzer).
func BenchmarkAnalyze(b *testing.B) {
	a := analyzer(b)
	raw, err := os.ReadFile(shared(b, "samples/syria-2017-opinion.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc := &document.Document{Text: string(raw)}
		if err := a.Analyze(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "docs/cpu-s")
}

// BenchmarkAnalyzeSegmented measures the analyzer as the pipeline runs
// it: on a document already segmented, over the sample, the PolNeAR dev
// articles and 150 PTC training articles (when the shared data is there).
func BenchmarkAnalyzeSegmented(b *testing.B) {
	a := analyzer(b)
	paths := []string{shared(b, "samples/syria-2017-opinion.txt")}
	for _, dir := range []string{"data/quotes/polnear/dev/text", "data/propaganda/ptc/train-articles"} {
		more, _ := filepath.Glob(filepath.Join(shared(b, dir), "*.txt"))
		if len(more) > 150 {
			more = more[:150] // Glob sorts
		}
		paths = append(paths, more...)
	}
	var docs []*document.Document
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		doc := &document.Document{Text: string(raw)}
		text.Segment(doc)
		docs = append(docs, doc)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			doc := &document.Document{Text: d.Text, Tokens: d.Tokens, Sentences: d.Sentences}
			if err := a.Analyze(context.Background(), doc); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	n := float64(b.N) * float64(len(docs))
	b.ReportMetric(n/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(n/(cpuTime()-cpu0).Seconds(), "docs/cpu-s")
}

// TestConcurrentAnalyze runs a fresh analyzer from 4 goroutines at once,
// so that they fill its per-place memo of name keys together, and expects
// the result of the shared analyzer run serially.
func TestConcurrentAnalyze(t *testing.T) {
	serial := analyzer(t)
	a := New(Options{Load: func() (*gazetteer.Gazetteer, error) { g, err := serial.Gazetteer(); return g, err }})
	texts := []string{
		"Supply routes into Deir Azzor reopened, Syrian officials in Damascus said, as fighting near Hama and Aleppo eased.",
		"The mayor of Springfield, Ill., met officials from Paris, Texas, and from Paris, France, in Washington.",
		"Ankara said ties with Moscow were good; Tehran and Riyadh disagreed, and Doha stayed silent.",
	}
	run := func(a *Analyzer, s string) string {
		doc := &document.Document{Text: s}
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Error(err)
			return ""
		}
		var b strings.Builder
		for _, an := range doc.Annotations {
			fmt.Fprintf(&b, "%s %d %d %v %v|", an.Kind, an.Start, an.End, an.Attrs["geonameid"], an.Confidence)
		}
		return b.String()
	}
	want := make([]string, len(texts))
	for i, s := range texts {
		want[i] = run(serial, s)
	}
	if want[0] == "" {
		t.Fatal("no places in the first text")
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 5; r++ {
				for i, s := range texts {
					if got := run(a, s); got != want[i] {
						t.Errorf("text %d: concurrent run differs:\n%s\nwant\n%s", i, got, want[i])
					}
				}
			}
		}()
	}
	wg.Wait()
}
