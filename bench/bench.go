// Package bench measures the whole newslens pipeline on real articles:
// articles and megabytes per second per core for extraction alone and for
// extraction plus every analyzer, the time each analyzer takes, peak
// resident memory, cold start, and scaling with workers. "newslens bench"
// prints its result.
package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/text"
)

// Config says where the corpora are and how long to run.
type Config struct {
	// Shared is the ../shared directory.
	Shared string
	// Limit caps the number of articles per corpus (0: all).
	Limit int
	// Rounds repeats each measurement and keeps the fastest (default 1).
	Rounds int
}

// Corpus is one set of raw articles.
type Corpus struct {
	Name    string
	Records []input.Record
	Bytes   int
}

// Stage is a throughput figure.
type Stage struct {
	Articles       int     `json:"articles"`
	Seconds        float64 `json:"seconds"`
	CPUSeconds     float64 `json:"cpu_seconds"`
	ArticlesPerSec float64 `json:"articles_per_sec"`
	// per CPU-second: the per-core figure, robust to other load on the machine
	ArticlesPerCPUSec float64 `json:"articles_per_cpu_sec"`
	MBPerCPUSec       float64 `json:"mb_per_cpu_sec"`
	Failed            int     `json:"failed"`
}

// Result is what "newslens bench --json" prints.
type Result struct {
	CPU         string             `json:"cpu"`
	GoMaxProcs  int                `json:"gomaxprocs"`
	ColdStartMS float64            `json:"cold_start_ms"`
	Corpora     map[string]int     `json:"corpora"`
	ExtractOnly map[string]Stage   `json:"extract_only"`
	Full        map[string]Stage   `json:"full"`
	AnalyzerMS  map[string]float64 `json:"analyzer_ms_per_article"`
	// AnalyzerMSByCorpus is the same per corpus (mean ms per article).
	AnalyzerMSByCorpus map[string]map[string]float64 `json:"analyzer_ms_per_article_by_corpus"`
	Slowest            string                        `json:"slowest_analyzer"`
	// CostRatioHTML is the bar's direct reading: on the HTML pages (AEB),
	// the CPU time of every analyzer together over the CPU time of
	// extraction alone (full minus extraction-only, over extraction-only).
	CostRatioHTML float64 `json:"analysis_cost_over_extraction_html_pages"`
	// CostRatioHTMLPerAnalyzer is a second reading of the same: the sum of
	// the analyzers' mean ms per HTML page, each timed on its own over the
	// extracted pages, over the mean extraction ms per page.
	CostRatioHTMLPerAnalyzer float64 `json:"analysis_cost_over_extraction_html_pages_per_analyzer_sum"`
	// CostRatio is the same ratio over all three corpora together: two of
	// them are plain text, whose extraction costs almost nothing, so it
	// mostly measures the analyzers against HTML extraction of the AEB
	// pages diluted by text articles.
	CostRatio float64 `json:"analysis_cost_over_extraction_all_corpora"`
	// CostRatioByCorpus is full-minus-extraction over extraction per corpus.
	CostRatioByCorpus map[string]float64          `json:"analysis_cost_over_extraction_by_corpus"`
	Scaling           map[string]map[string]Stage `json:"scaling"`
	PeakRSSMiB        float64                     `json:"peak_rss_mib"`
	Notes             []string                    `json:"notes,omitempty"`
}

// Load reads the benchmark corpora: the Scrapinghub (AEB) HTML pages, PTC
// training articles and PolNeAR texts.
func Load(cfg Config) ([]Corpus, error) {
	var out []Corpus
	aeb, err := loadDir(filepath.Join(cfg.Shared, "data/extraction/aeb/html"), "*.html.gz", input.FormatHTML, cfg.Limit)
	if err != nil {
		return nil, err
	}
	out = append(out, Corpus{Name: "aeb-html", Records: aeb})
	ptc, err := loadDir(filepath.Join(cfg.Shared, "data/propaganda/ptc/train-articles"), "*.txt", input.FormatText, cfg.Limit)
	if err != nil {
		return nil, err
	}
	out = append(out, Corpus{Name: "ptc-text", Records: ptc})
	pol, err := loadDir(filepath.Join(cfg.Shared, "data/quotes/polnear/dev/text"), "*", input.FormatText, cfg.Limit)
	if err != nil {
		return nil, err
	}
	out = append(out, Corpus{Name: "polnear-text", Records: pol})
	for i := range out {
		for _, r := range out[i].Records {
			out[i].Bytes += len(r.Content)
		}
	}
	return out, nil
}

func loadDir(dir, glob string, f input.Format, limit int) ([]input.Record, error) {
	files, err := filepath.Glob(filepath.Join(dir, glob))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("bench: no files match %s", filepath.Join(dir, glob))
	}
	sort.Strings(files)
	if limit > 0 && len(files) > limit {
		files = files[:limit]
	}
	var recs []input.Record
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			b, err = io.ReadAll(zr)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
		}
		recs = append(recs, input.Record{Name: p, Format: f, Content: b})
	}
	return recs, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func peakRSS() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // KiB on Linux
}

// Run measures everything. It takes minutes on the full corpora; use Limit
// for a quick look.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Rounds <= 0 {
		cfg.Rounds = 1
	}
	res := &Result{CPU: cpuName(), GoMaxProcs: runtime.GOMAXPROCS(0), Corpora: map[string]int{},
		ExtractOnly: map[string]Stage{}, Full: map[string]Stage{}, AnalyzerMS: map[string]float64{},
		AnalyzerMSByCorpus: map[string]map[string]float64{}, CostRatioByCorpus: map[string]float64{},
		Scaling: map[string]map[string]Stage{}}

	// cold start: build the full pipeline (loads every model and index) and
	// analyse one short article.
	t0 := time.Now()
	full, err := newslens.NewPipeline(newslens.Options{Workers: 1})
	if err != nil {
		return nil, err
	}
	if _, err := newslens.AnalyzeText(ctx, full, "cold", "Cold start\n\nThe UN said 20 people died in Aleppo on Monday."); err != nil {
		return nil, err
	}
	res.ColdStartMS = float64(time.Since(t0).Microseconds()) / 1000

	corpora, err := Load(cfg)
	if err != nil {
		return nil, err
	}
	extractOnly, err := newslens.NewPipeline(newslens.Options{Workers: 1, ExtractOnly: true})
	if err != nil {
		return nil, err
	}
	var extractCPU, fullCPU time.Duration
	for _, c := range corpora {
		res.Corpora[c.Name] = len(c.Records)
		e := best(cfg.Rounds, func() Stage { return measure(ctx, extractOnly, c, 1) })
		f := best(cfg.Rounds, func() Stage { return measure(ctx, full, c, 1) })
		res.ExtractOnly[c.Name], res.Full[c.Name] = e, f
		extractCPU += time.Duration(e.CPUSeconds * float64(time.Second))
		fullCPU += time.Duration(f.CPUSeconds * float64(time.Second))
		if e.CPUSeconds > 0 {
			res.CostRatioByCorpus[c.Name] = (f.CPUSeconds - e.CPUSeconds) / e.CPUSeconds
		}
	}
	res.CostRatioHTML = res.CostRatioByCorpus[corpora[0].Name]
	if extractCPU > 0 {
		res.CostRatio = float64(fullCPU-extractCPU) / float64(extractCPU)
	}

	// per analyzer: extract every article once, then time each analyzer in
	// run order over all of them (later analyzers see earlier output).
	docs := make([][]*document.Document, len(corpora))
	total := 0
	for i, c := range corpora {
		for _, r := range c.Records {
			d, err := extract(ctx, extractOnly, r)
			if err == nil {
				text.Segment(d)
				docs[i] = append(docs[i], d)
			}
		}
		total += len(docs[i])
		res.AnalyzerMSByCorpus[c.Name] = map[string]float64{}
	}
	var slowest float64
	for _, a := range full.Analyzers() {
		var all time.Duration
		for i, c := range corpora {
			start := cpuTime()
			for _, d := range docs[i] {
				a.Analyze(ctx, d)
				if d.Analyzers == nil {
					d.Analyzers = map[string]string{}
				}
				d.Analyzers[a.Name()] = a.Version()
			}
			spent := cpuTime() - start
			all += spent
			res.AnalyzerMSByCorpus[c.Name][a.Name()] = ms(spent, len(docs[i]))
		}
		m := ms(all, total)
		res.AnalyzerMS[a.Name()] = m
		if m > slowest {
			slowest, res.Slowest = m, a.Name()
		}
	}
	if e := res.ExtractOnly[corpora[0].Name]; e.Articles > 0 && e.CPUSeconds > 0 {
		var sum float64
		for _, m := range res.AnalyzerMSByCorpus[corpora[0].Name] {
			sum += m
		}
		res.CostRatioHTMLPerAnalyzer = sum / (e.CPUSeconds * 1000 / float64(e.Articles+e.Failed))
	}

	// scaling with workers on the HTML corpus, full pipeline.
	for _, w := range []int{1, 2} {
		p, err := newslens.NewPipeline(newslens.Options{Workers: w})
		if err != nil {
			return nil, err
		}
		res.Scaling[fmt.Sprint(w)] = map[string]Stage{corpora[0].Name: best(cfg.Rounds, func() Stage { return measure(ctx, p, corpora[0], w) })}
	}
	res.PeakRSSMiB = peakRSS()
	if load := loadAvg(); load > float64(runtime.NumCPU()) {
		res.Notes = append(res.Notes, fmt.Sprintf("load average %.1f on %d CPUs during the run: wall-clock figures are pessimistic; per-CPU-second figures are the per-core ones", load, runtime.NumCPU()))
	}
	return res, nil
}

// ms is d in milliseconds per item.
func ms(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / 1000 / float64(max(n, 1))
}

func extract(ctx context.Context, p *pipeline.Pipeline, r input.Record) (*document.Document, error) {
	return p.Process(ctx, r)
}

func best(rounds int, f func() Stage) Stage {
	var b Stage
	for i := 0; i < rounds; i++ {
		s := f()
		if i == 0 || s.ArticlesPerCPUSec > b.ArticlesPerCPUSec {
			b = s
		}
	}
	return b
}

// measure runs corpus c through p with the pipeline's concurrent Run.
func measure(ctx context.Context, p *pipeline.Pipeline, c Corpus, workers int) Stage {
	runtime.GC()
	items := make(chan input.Item)
	go func() {
		defer close(items)
		for _, r := range c.Records {
			items <- input.Item{Record: r}
		}
	}()
	var st Stage
	t0, c0 := time.Now(), cpuTime()
	p.Run(ctx, items, func(r pipeline.Result) error {
		if r.Err != nil {
			st.Failed++
		} else {
			st.Articles++
		}
		return nil
	})
	st.Seconds = time.Since(t0).Seconds()
	st.CPUSeconds = (cpuTime() - c0).Seconds()
	n := float64(st.Articles + st.Failed)
	if st.Seconds > 0 {
		st.ArticlesPerSec = n / st.Seconds
	}
	if st.CPUSeconds > 0 {
		st.ArticlesPerCPUSec = n / st.CPUSeconds
		st.MBPerCPUSec = float64(c.Bytes) / 1e6 / st.CPUSeconds
	}
	return st
}

func cpuName() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.Index(line, ":"); i >= 0 {
				return strings.TrimSpace(line[i+1:])
			}
		}
	}
	return runtime.GOARCH
}

func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscanf(string(b), "%f", &l)
	return l
}
