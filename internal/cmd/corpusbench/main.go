// Command corpusbench builds a benchmark corpus from the real articles in
// ../shared/data and measures the store on it: write throughput of
// analysed documents, full-text search latency (date order and relevance)
// and aggregation latency. The corpus is never committed; rebuild it with
//
//	go run ./internal/cmd/corpusbench --db /tmp/bench.db --docs 100000
//	go run ./internal/cmd/corpusbench --db postgres://... --docs 100000
//
// Articles (Reuters-21578 stories and PTC articles) are analysed once with
// the default pipeline, then re-sampled with replacement and re-dated over
// 2015-2024 under 40 outlets and fresh URLs, which gives syndication-like
// near-duplicates as a real news corpus has. With --reuse the write phase
// is skipped and only queries are measured on an existing corpus.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

func main() {
	db := flag.String("db", "/tmp/newslens-bench.db", "store to build (SQLite path or postgres:// URL)")
	n := flag.Int("docs", 100000, "documents to write")
	unique := flag.Int("unique", 20000, "distinct source articles to analyse")
	batch := flag.Int("batch", 500, "documents per Put")
	queries := flag.Int("queries", 200, "search queries per mode (0: measure writes only)")
	reuse := flag.Bool("reuse", false, "skip writing; measure queries on the existing store")
	shared := flag.String("shared", "../shared", "the shared data directory")
	seed := flag.Uint64("seed", 1, "random seed")
	cache := flag.String("cache", "", "JSONL file caching the analysed articles between runs (written if missing)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the write phase")
	verbose := flag.Bool("v", false, "print every aggregation run's filter and latency")
	fold := flag.Bool("fold", true, "end the write phase with a timed fold of the queued rollups (with --reuse --queries 0: only fold)")
	foldAfter := flag.Int("fold-after", 0, "queued documents that make Put fold the rollups (0: the store's default, -1: never; the write phase ends with a timed fold either way)")
	flag.Parse()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(*seed, 7))

	arts, err := loadArticles(*shared, *unique)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cpu: %s, GOMAXPROCS %d\n", cpuModel(), runtime.GOMAXPROCS(0))
	s, err := dial.Open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if !*reuse {
		docs := loadCache(*cache)
		if docs == nil {
			p, err := newslens.NewPipeline(newslens.Options{})
			if err != nil {
				log.Fatal(err)
			}
			var names []string
			for _, a := range p.Analyzers() {
				names = append(names, a.Name()+"@"+a.Version())
			}
			fmt.Printf("analyzers: %s\n", strings.Join(names, ", "))
			var el time.Duration
			docs, el = analyse(ctx, p, arts)
			fmt.Printf("analysed %d articles in %s (%.0f docs/s)\n", len(docs), el.Round(time.Millisecond), float64(len(docs))/el.Seconds())
			saveCache(*cache, docs)
		} else {
			fmt.Printf("loaded %d analysed articles from %s\n", len(docs), *cache)
		}
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				log.Fatal(err)
			}
			pprof.StartCPUProfile(f)
		}
		if f, ok := s.(interface{ SetFoldAfter(int) }); ok && *foldAfter != 0 {
			f.SetFoldAfter(*foldAfter)
		}
		write(ctx, s, docs, *n, *batch, *fold, rng)
		pprof.StopCPUProfile()
		if *queries == 0 {
			return // a write measurement only
		}
		// Planner statistics, as a deployment's autovacuum or PRAGMA
		// optimize would have them.
		if a, ok := s.(interface{ Analyze(context.Context) error }); ok {
			t := time.Now()
			if err := a.Analyze(ctx); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("ANALYZE took %s\n", time.Since(t).Round(time.Millisecond))
		}
	}
	if *reuse && *queries == 0 {
		// Only the fold, so that a server's CPU for it can be told
		// apart from the write's.
		t, c0 := time.Now(), cpuTime()
		if f, ok := s.(interface{ Fold(context.Context) error }); ok {
			if err := f.Fold(ctx); err != nil {
				log.Fatal(err)
			}
		}
		fmt.Printf("FOLD of the queued rollups: %s wall, %s CPU\n", time.Since(t).Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond))
		return
	}
	measure(ctx, s, arts, *queries, *verbose, rng)
}

func loadCache(path string) []*document.Document {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var docs []*document.Document
	dec := json.NewDecoder(bufio.NewReader(f))
	for {
		var d document.Document
		if err := dec.Decode(&d); err != nil {
			break
		}
		docs = append(docs, &d)
	}
	return docs
}

func saveCache(path string, docs []*document.Document) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, d := range docs {
		enc.Encode(d)
	}
	w.Flush()
	f.Close()
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			_, v, _ := strings.Cut(l, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

type article struct{ title, text string }

// loadArticles reads Reuters-21578 stories (headline line, then body
// lines; blank line between stories) and the PTC training articles.
func loadArticles(shared string, max int) ([]article, error) {
	var out []article
	f, err := os.Open(filepath.Join(shared, "data/ner/unlabelled/reuters21578.txt.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var cur []string
	flush := func() {
		if len(cur) > 2 {
			out = append(out, article{title: strings.TrimSpace(cur[0]), text: strings.Join(cur, "\n\n")})
		}
		cur = cur[:0]
	}
	for sc.Scan() {
		l := sc.Text()
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	ptc, _ := filepath.Glob(filepath.Join(shared, "data/propaganda/ptc/train-articles/*.txt"))
	for _, p := range ptc {
		b, err := os.ReadFile(p)
		if err == nil {
			t := string(b)
			title, _, _ := strings.Cut(t, "\n")
			out = append(out, article{title: strings.TrimSpace(title), text: t})
		}
	}
	// Keep the longer stories (a news corpus, not one-line briefs), spread
	// over the collection.
	var keep []article
	for _, a := range out {
		if len(a.text) >= 600 {
			keep = append(keep, a)
		}
	}
	if len(keep) > max {
		step := float64(len(keep)) / float64(max)
		var sel []article
		for i := 0; i < max; i++ {
			sel = append(sel, keep[int(float64(i)*step)])
		}
		keep = sel
	}
	return keep, nil
}

func analyse(ctx context.Context, p *pipeline.Pipeline, arts []article) ([]*document.Document, time.Duration) {
	items := make(chan input.Item)
	go func() {
		defer close(items)
		for i, a := range arts {
			items <- input.Item{Record: input.Record{Name: fmt.Sprintf("art-%d", i), Format: input.FormatText, Content: []byte(a.text), Title: a.title}}
		}
	}()
	start := time.Now()
	var docs []*document.Document
	p.Run(ctx, items, func(r pipeline.Result) error {
		if r.Err == nil {
			docs = append(docs, r.Doc)
		}
		return nil
	})
	return docs, time.Since(start)
}

var outlets = func() []string {
	var o []string
	for _, n := range []string{"dailyherald", "worldwire", "thechronicle", "metropost", "globaltimes", "eveningstar", "citizen", "observer",
		"gazette", "courier", "tribune", "sentinel", "dispatch", "examiner", "monitor", "ledger", "inquirer", "journal", "telegraph", "standard"} {
		o = append(o, n+".example", n+"-news.example")
	}
	return o
}()

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func write(ctx context.Context, s store.Store, docs []*document.Document, n, batch int, fold bool, rng *rand.Rand) {
	start := time.Now()
	cpu0 := cpuTime()
	lo := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	var lat []time.Duration
	written := 0
	for written < n {
		var b []*document.Document
		for len(b) < batch && written+len(b) < n {
			base := docs[rng.IntN(len(docs))]
			d := *base
			outlet := outlets[rng.IntN(len(outlets))]
			pub := time.Unix(lo+rng.Int64N(hi-lo), 0).UTC()
			d.Published = &pub
			d.Outlet = outlet
			d.URL = fmt.Sprintf("https://%s/%d/%02d/story-%d", outlet, pub.Year(), pub.Month(), written+len(b))
			d.ID = ""
			b = append(b, &d)
		}
		t := time.Now()
		if _, err := s.Put(ctx, b); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		written += len(b)
		if written%10000 < batch {
			fmt.Printf("  %d written, %.0f docs/s\n", written, float64(written)/time.Since(start).Seconds())
		}
	}
	el := time.Since(start)
	cpu := cpuTime() - cpu0
	// On a shared machine the wall clock mostly measures the queue for a
	// core; CPU time per document says what a free core would do.
	fmt.Printf("WRITE %d analysed docs in %s: %.0f docs/s wall (batch %d, p95 batch %s); this process used %s CPU = %.0f docs per CPU-second\n",
		n, el.Round(time.Millisecond), float64(n)/el.Seconds(), batch, pct(lat, 95), cpu.Round(time.Millisecond), float64(n)/cpu.Seconds())
	// A store that counts its rollups after the write (sqlstore.Fold)
	// has the rest of the write's work queued: it is timed here, and the
	// write figure that includes it is the one to compare with stores that
	// count inside Put.
	if f, ok := s.(interface{ Fold(context.Context) error }); ok && fold {
		t, c0 := time.Now(), cpuTime()
		if err := f.Fold(ctx); err != nil {
			log.Fatal(err)
		}
		fel, fcpu := time.Since(t), cpuTime()-c0
		fmt.Printf("FOLD of the queued rollups: %s wall, %s CPU; WRITE+FOLD %.0f docs/s wall, %.0f docs per CPU-second\n",
			fel.Round(time.Millisecond), fcpu.Round(time.Millisecond), float64(n)/(el+fel).Seconds(), float64(n)/(cpu+fcpu).Seconds())
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return s[i].Round(10 * time.Microsecond)
}

// measure runs searches with words drawn from the corpus's own articles
// (so frequent and rare terms both occur, as in real use) and every
// aggregation, and prints p50/p95.
func measure(ctx context.Context, s store.Store, arts []article, nq int, verbose bool, rng *rand.Rand) {
	total, _ := s.Count(ctx, store.Filter{})
	fmt.Printf("corpus: %d documents\n", total)
	var qs []string
	for len(qs) < nq {
		a := arts[rng.IntN(len(arts))]
		ws := store.Words(a.text)
		var long []string
		for _, w := range ws {
			if len(w) >= 5 && !strings.ContainsAny(w, "0123456789") {
				long = append(long, w)
			}
		}
		if len(long) < 4 {
			continue
		}
		switch rng.IntN(3) {
		case 0:
			qs = append(qs, long[rng.IntN(len(long))])
		case 1:
			qs = append(qs, long[rng.IntN(len(long))]+" "+long[rng.IntN(len(long))])
		default:
			i := rng.IntN(len(ws) - 1)
			qs = append(qs, `"`+ws[i]+" "+ws[i+1]+`"`)
		}
	}
	for _, mode := range []store.Sort{store.SortDate, store.SortRelevance} {
		var lat []time.Duration
		hits := 0
		for _, q := range qs {
			t := time.Now()
			r, err := s.Search(ctx, store.Filter{Query: q}, store.Page{Limit: 20, Sort: mode})
			if err != nil {
				log.Fatalf("search %q: %v", q, err)
			}
			lat = append(lat, time.Since(t))
			hits += r.Total
		}
		fmt.Printf("SEARCH sort=%s: %d queries, mean %d matches, p50 %s, p95 %s, max %s\n", mode, len(qs), hits/len(qs), pct(lat, 50), pct(lat, 95), pct(lat, 100))
	}
	// Filtered searches: outlet + date range, entity.
	var lat []time.Duration
	for i := 0; i < 50; i++ {
		from := time.Date(2015+rng.IntN(9), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		f := store.Filter{Query: qs[i%len(qs)], Outlets: []string{outlets[rng.IntN(len(outlets))]}, From: from, To: from.AddDate(1, 0, 0)}
		t := time.Now()
		if _, err := s.Search(ctx, f, store.Page{Limit: 20, Sort: store.SortDate}); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	fmt.Printf("SEARCH filtered (query+outlet+year, date order): p50 %s, p95 %s\n", pct(lat, 50), pct(lat, 95))
	var all []time.Duration
	for _, agg := range store.Aggregations {
		var lat []time.Duration
		for i := 0; i < 7; i++ {
			f := store.Filter{}
			switch i % 3 {
			case 1:
				f.Outlets = []string{outlets[rng.IntN(len(outlets))]}
			case 2:
				from := time.Date(2015+rng.IntN(9), 1, 1, 0, 0, 0, 0, time.UTC)
				f.From, f.To = from, from.AddDate(1, 0, 0)
			}
			t := time.Now()
			if _, err := s.Aggregate(ctx, store.AggQuery{Agg: agg, Limit: 20}, f); err != nil {
				log.Fatalf("aggregate %s: %v", agg, err)
			}
			lat = append(lat, time.Since(t))
			if verbose {
				fmt.Printf("    %s outlets=%v from=%s: %s\n", agg, f.Outlets, f.From.Format("2006"), lat[len(lat)-1].Round(10*time.Microsecond))
			}
		}
		all = append(all, lat...)
		fmt.Printf("  AGG %-17s p50 %s, p95 %s\n", agg, pct(lat, 50), pct(lat, 95))
	}
	fmt.Printf("AGG all (%d runs: unfiltered, outlet, one year): p50 %s, p95 %s\n", len(all), pct(all, 50), pct(all, 95))
}
