// Command loadgen measures the server on a 10,000-document corpus: the
// latency of every page and API call (sequential requests, p50/p95/p99), then
// a fixed number of concurrent connections on search and document pages for
// a bounded time (errors, p50/p95/p99).
//
// The corpus is built from the demo articles, analysed by the real pipeline
// once, then re-sampled with varied outlets, dates and URLs. The server runs
// in this process on a loopback port; the load generator shares its CPUs.
//
//	go run ./server/internal/loadgen [-docs 10000] [-corpus indexed|sqlite|memory] [-n 200] [-conns 200] [-duration 60s]
//
// -corpus indexed is what `newslens serve` runs by default: a SQLite store
// with the in-memory read index over it (storecorpus.Indexed). -corpus
// memory is the index alone; sqlite is the store alone (serve --index
// store). -nocache turns off the server's response cache, to measure the
// uncached path. -basecache keeps the analysed demo articles in a file so
// repeated runs skip the pipeline, and -db keeps the SQLite store; -cpuprofile
// covers the load phase only.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/demo"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/memcorpus"
	"github.com/newslens/newslens/server/storecorpus"
	"github.com/newslens/newslens/store/sqlite"
)

func main() {
	docs := flag.Int("docs", 10000, "corpus size")
	kind := flag.String("corpus", "indexed", "indexed (serve's default), memory or sqlite")
	nocache := flag.Bool("nocache", false, "disable the server's response cache")
	basecache := flag.String("basecache", "", "file caching the analysed demo articles between runs")
	db := flag.String("db", "", "SQLite file for -corpus indexed|sqlite, kept and reused between runs (default: a temporary file)")
	n := flag.Int("n", 200, "sequential requests per endpoint")
	conns := flag.Int("conns", 200, "concurrent connections in the load phase")
	dur := flag.Duration("duration", 60*time.Second, "length of the load phase")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run")
	flag.Parse()
	o := opts{db: *db, size: *docs, kind: *kind, n: *n, conns: *conns, dur: *dur, nocache: *nocache, basecache: *basecache, cpuprofile: *cpuprofile}
	if err := run(o); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

var outlets = []string{"Wikinews", "Daily Planet", "Syria Times", "The Herald", "Global Wire", "Morning Post",
	"Evening Standard", "City Journal", "Coastal News", "Valley Courier", "Metro Daily", "World Report"}

type opts struct {
	size, n, conns              int
	kind, basecache, cpuprofile string
	db                          string
	dur                         time.Duration
	nocache                     bool
}

// analysed returns the demo articles analysed by the pipeline, from
// basecache when it is set and exists.
func analysed(ctx context.Context, basecache string) ([]*document.Document, error) {
	var base []*document.Document
	if basecache != "" {
		if b, err := os.ReadFile(basecache); err == nil {
			if err := json.Unmarshal(b, &base); err != nil {
				return nil, fmt.Errorf("reading %s: %w", basecache, err)
			}
			return base, nil
		}
	}
	p, err := newslens.NewPipeline(newslens.Options{})
	if err != nil {
		return nil, err
	}
	recs, err := demo.Records()
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		d, err := p.Process(ctx, r)
		if err != nil {
			return nil, err
		}
		base = append(base, d)
	}
	if basecache != "" {
		b, err := json.Marshal(base)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(basecache, b, 0o644); err != nil {
			return nil, err
		}
	}
	return base, nil
}

func build(ctx context.Context, size int, basecache string) ([]*document.Document, error) {
	base, err := analysed(ctx, basecache)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*document.Document, 0, size)
	for i := 0; i < size; i++ {
		b, err := json.Marshal(base[i%len(base)])
		if err != nil {
			return nil, err
		}
		var d document.Document
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, err
		}
		pub := start.Add(time.Duration(rng.IntN(730*24)) * time.Hour)
		d.Published = &pub
		d.Outlet = outlets[rng.IntN(len(outlets))]
		d.URL = fmt.Sprintf("https://%s.example/%d/%s", strings.ToLower(strings.ReplaceAll(d.Outlet, " ", "")), i, url.PathEscape(d.Title))
		d.ID = document.NewID(d.URL, d.Text)
		out = append(out, &d)
	}
	return out, nil
}

func run(o opts) error {
	size, kind, n, conns, dur := o.size, o.kind, o.n, o.conns, o.dur
	ctx := context.Background()
	t0 := time.Now()
	docs, err := build(ctx, size, o.basecache)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "built %d documents in %s\n", len(docs), time.Since(t0).Round(time.Millisecond))

	var corpus server.Corpus
	t0 = time.Now()
	switch kind {
	case "memory":
		mc := memcorpus.New()
		for _, d := range docs {
			if err := mc.Put(ctx, d); err != nil {
				return err
			}
		}
		corpus = mc
	case "sqlite", "indexed":
		path := o.db
		if path == "" {
			dir, err := os.MkdirTemp("", "newslens-load")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "load.db")
		}
		_, statErr := os.Stat(path)
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return err
		}
		defer st.Close()
		// A store kept from an earlier run (-db) is reused as it is: the
		// same seed builds the same documents.
		for i := 0; statErr != nil && i < len(docs); i += 500 {
			if _, err := st.Put(ctx, docs[i:min(i+500, len(docs))]); err != nil {
				return err
			}
		}
		corpus = storecorpus.New(st, 0)
		if kind == "indexed" {
			idx := storecorpus.NewIndexed(st)
			if _, err := idx.Load(ctx); err != nil {
				return err
			}
			corpus = idx
		}
	default:
		return fmt.Errorf("unknown corpus %q", kind)
	}
	fmt.Fprintf(os.Stderr, "loaded %s corpus in %s\n", kind, time.Since(t0).Round(time.Millisecond))

	p, err := newslens.NewPipeline(newslens.Options{})
	if err != nil {
		return err
	}
	cacheBytes := int64(0) // the default
	if o.nocache {
		cacheBytes = -1
	}
	s, err := server.New(server.ServerConfig{Corpus: corpus, Processor: p, Logger: slog.New(slog.DiscardHandler), CacheBytes: cacheBytes})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := server.HTTPServer(ln.Addr().String(), s.Handler())
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	// Ids and names to request, from the corpus itself.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	var ids []string
	pg, err := corpus.Documents(ctx, server.PageRequest{Limit: 1000})
	if err != nil {
		return err
	}
	for _, it := range pg.Items {
		ids = append(ids, it.ID)
	}
	ents, _ := corpus.Entities(ctx, server.PageRequest{Limit: 50})
	places, _ := corpus.Places(ctx, server.PageRequest{Limit: 50})
	words := []string{"virus", "outbreak", "health", "ebola", "minister", "hospital", "cases", "vaccine", "government", "said", "water", "officials"}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	entID := func() string {
		if len(ents.Items) == 0 {
			return "none"
		}
		return url.PathEscape(ents.Items[rng.IntN(len(ents.Items))].ID)
	}
	placeID := func() string {
		if len(places.Items) == 0 {
			return "none"
		}
		return url.PathEscape(places.Items[rng.IntN(len(places.Items))].ID)
	}
	type endpoint struct {
		name string
		path func() string
	}
	eps := []endpoint{
		{"page /", func() string { return "/" }},
		{"page /search?q", func() string { return "/search?q=" + pick(words) }},
		{"page /search?q&outlet", func() string { return "/search?q=" + pick(words) + "&outlet=" + url.QueryEscape(pick(outlets)) }},
		{"page /doc/{id}", func() string { return "/doc/" + pick(ids) }},
		{"page /entity/{id}", func() string { return "/entity/" + entID() }},
		{"page /place/{id}", func() string { return "/place/" + placeID() }},
		{"page /outlet/{name}", func() string { return "/outlet/" + url.PathEscape(pick(outlets)) }},
		{"page /entities", func() string { return "/entities" }},
		{"page /places", func() string { return "/places" }},
		{"page /outlets", func() string { return "/outlets" }},
		{"page /analyze", func() string { return "/analyze" }},
		{"page /chart/places.csv", func() string { return "/chart/places.csv" }},
		{"api documents", func() string { return "/api/v1/documents?limit=20" }},
		{"api documents/{id}", func() string { return "/api/v1/documents/" + pick(ids) }},
		{"api search", func() string { return "/api/v1/search?q=" + pick(words) }},
		{"api search+facet", func() string { return "/api/v1/search?q=" + pick(words) + "&outlet=" + url.QueryEscape(pick(outlets)) }},
		{"api stats", func() string { return "/api/v1/stats" }},
		{"api entities", func() string { return "/api/v1/entities" }},
		{"api entities/{id}", func() string { return "/api/v1/entities/" + entID() }},
		{"api places", func() string { return "/api/v1/places" }},
		{"api places/{id}", func() string { return "/api/v1/places/" + placeID() }},
		{"api outlets", func() string { return "/api/v1/outlets" }},
		{"api outlets/{name}", func() string { return "/api/v1/outlets/" + url.PathEscape(pick(outlets)) }},
		{"api export (100 docs)", func() string { return "/api/v1/export?limit=100" }},
		{"api openapi.json", func() string { return "/api/v1/openapi.json" }},
	}
	get := func(path string) (time.Duration, error) {
		t := time.Now()
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(t)
		if err != nil {
			return d, err
		}
		if resp.StatusCode != 200 {
			return d, fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		return d, nil
	}
	fmt.Printf("corpus: %d documents (%s)\n\n", size, kind)
	fmt.Printf("| endpoint | n | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n")
	worst := 0.0
	for _, ep := range eps {
		var lat []time.Duration
		errs := 0
		get(ep.path()) // warm
		for i := 0; i < n; i++ {
			d, err := get(ep.path())
			if err != nil {
				errs++
				if errs == 1 {
					fmt.Fprintln(os.Stderr, ep.name, err)
				}
				continue
			}
			lat = append(lat, d)
		}
		p50, p95, p99 := pct(lat, 50), pct(lat, 95), pct(lat, 99)
		worst = max(worst, p95)
		fmt.Printf("| %s | %d | %.1f | %.1f | %.1f | %d |\n", ep.name, len(lat), p50, p95, p99, errs)
	}
	fmt.Printf("\nworst p95: %.1f ms\n\n", worst)

	// Load phase: conns workers, each a keep-alive connection, on search
	// and document pages (HTML and API) until the deadline.
	mix := []func() string{
		func() string { return "/search?q=" + pick(words) },
		func() string { return "/search?q=" + pick(words) + "&outlet=" + url.QueryEscape(pick(outlets)) },
		func() string { return "/doc/" + pick(ids) },
		func() string { return "/api/v1/search?q=" + pick(words) },
		func() string { return "/api/v1/documents/" + pick(ids) },
	}
	var mu sync.Mutex
	var all []time.Duration
	var errCount, reqs atomic.Int64
	var rngMu sync.Mutex
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	load0 := loadAvg()
	cpu0 := cpuSeconds()
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for time.Now().Before(deadline) {
				rngMu.Lock()
				path := mix[rng.IntN(len(mix))]()
				rngMu.Unlock()
				d, err := get(path)
				reqs.Add(1)
				if err != nil {
					if errCount.Add(1) <= 3 {
						fmt.Fprintln(os.Stderr, "load error:", err)
					}
					continue
				}
				local = append(local, d)
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("load: %d connections for %s on search and document pages (HTML and API)\n", conns, dur)
	fmt.Printf("requests %d (%.0f/s), errors %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
		reqs.Load(), float64(reqs.Load())/dur.Seconds(), errCount.Load(), pct(all, 50), pct(all, 95), pct(all, 99))
	// How much CPU this process got: on a shared machine the latencies
	// above are mostly waiting for a core.
	cpu := cpuSeconds() - cpu0
	fmt.Printf("process CPU (server and load generator): %.1f s in %s = %.2f cores; %.2f ms CPU per request\n",
		cpu, dur, cpu/dur.Seconds(), cpu*1000/float64(max(1, reqs.Load())))
	fmt.Printf("load average before / after the load phase: %s / %s\n", load0, loadAvg())
	// The response cache's counters, from the server's own metrics.
	if resp, err := client.Get(base + "/metrics"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "newslens_response_cache_") {
				fmt.Println(line)
			}
		}
	}
	return nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func pct(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}
