package eval

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ExtractFunc extracts the main text of one HTML page. id names the page in
// errors; url is the page's address when the benchmark gives one.
type ExtractFunc func(ctx context.Context, id, url string, html []byte) (string, error)

// ExtractResult is what "newslens eval extract --json" prints: the
// benchmark's headline figures, and per page type for WCXB.
type ExtractResult struct {
	Data      string  `json:"data"`
	Metric    string  `json:"metric"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	N         int     `json:"n"`
	// Accuracy (AEB only) is the fraction of pages whose token list equals
	// the ground truth's exactly.
	Accuracy *float64 `json:"accuracy,omitempty"`
	// WithRate and WithoutRate (WCXB only) are the snippet rates: the share
	// of "must appear" snippets found, and of "must not appear" ones found.
	WithRate    *float64 `json:"with_rate,omitempty"`
	WithoutRate *float64 `json:"without_rate,omitempty"`
	// PerType (WCXB only) holds the same means per page type; "article" is
	// the one the bars name.
	PerType map[string]ExtractTypeScore `json:"per_type,omitempty"`
	Errors  int                         `json:"errors"`
	// Pages holds per-page figures when asked for (for error analysis).
	Pages []ExtractPage `json:"pages,omitempty"`
}

// ExtractTypeScore is a WCXB per-type mean.
type ExtractTypeScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	N         int     `json:"n"`
}

// ExtractPage is one page's score.
type ExtractPage struct {
	ID        string  `json:"id"`
	Type      string  `json:"type,omitempty"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Err       string  `json:"error,omitempty"`
}

// ExtractWords returns the maximal runs of Unicode letters, digits and '_':
// Python's Unicode `\w+`, which both extraction benchmarks use (Go's regexp
// `\w` is ASCII only, so it is not used here).
func ExtractWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		w := r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
		switch {
		case w && start < 0:
			start = i
		case !w && start >= 0:
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// extractShingles is AEB's multiset of word 4-grams: windows 0..max(1,n-3)-1,
// so a text of 1-3 tokens is one shingle and an empty text has none.
func extractShingles(tokens []string) map[string]int {
	m := map[string]int{}
	if len(tokens) == 0 {
		return m
	}
	n := len(tokens) - 3
	if n < 1 {
		n = 1
	}
	for i := 0; i < n; i++ {
		j := i + 4
		if j > len(tokens) {
			j = len(tokens)
		}
		m[strings.Join(tokens[i:j], "\x00")]++
	}
	return m
}

// aebPage scores one page under AEB's rules: TP/FP/FN from shingle counts,
// normalised to sum to one.
type aebPage struct {
	tp, fp, fn float64
	exact      bool
}

func aebScorePage(truth, pred string) aebPage {
	tt, pt := ExtractWords(truth), ExtractWords(pred)
	ts, ps := extractShingles(tt), extractShingles(pt)
	var p aebPage
	for k, tc := range ts {
		pc := ps[k]
		p.tp += float64(min(tc, pc))
		p.fn += float64(max(0, tc-pc))
	}
	for k, pc := range ps {
		p.fp += float64(max(0, pc-ts[k]))
	}
	if s := p.tp + p.fp + p.fn; s > 0 {
		p.tp, p.fp, p.fn = p.tp/s, p.fp/s, p.fn/s
	}
	p.exact = slicesEqual(tt, pt)
	return p
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (p aebPage) precision() float64 {
	switch {
	case p.fp == 0 && p.fn == 0:
		return 1
	case p.tp == 0 && p.fp == 0:
		return 0
	}
	return p.tp / (p.tp + p.fp)
}

func (p aebPage) recall() float64 {
	switch {
	case p.fp == 0 && p.fn == 0:
		return 1
	case p.tp == 0 && p.fn == 0:
		return 0
	}
	return p.tp / (p.tp + p.fn)
}

// ScoreAEB scores predictions (page id → text) against the AEB ground truth
// (page id → articleBody) with the benchmark's exact metric: precision is
// averaged over pages with a non-empty prediction, recall over all pages,
// and F1 is the harmonic mean of the two averages. A missing prediction
// scores as empty.
func ScoreAEB(truth, pred map[string]string) ExtractResult {
	ids := sortedKeys(truth)
	var sp, sr float64
	var np, nr, exact int
	res := ExtractResult{Data: "aeb", Metric: "aeb-shingle-4", N: len(ids)}
	for _, id := range ids {
		p := aebScorePage(truth[id], pred[id])
		pg := ExtractPage{ID: id, Precision: p.precision(), Recall: p.recall()}
		pg.F1 = F1(pg.Precision, pg.Recall)
		if p.tp+p.fp > 0 {
			sp += pg.Precision
			np++
		}
		if p.tp+p.fn > 0 {
			sr += pg.Recall
			nr++
		}
		if p.exact {
			exact++
		}
		res.Pages = append(res.Pages, pg)
	}
	if np > 0 {
		res.Precision = sp / float64(np)
	}
	if nr > 0 {
		res.Recall = sr / float64(nr)
	}
	res.F1 = F1(res.Precision, res.Recall)
	if len(ids) > 0 {
		acc := float64(exact) / float64(len(ids))
		res.Accuracy = &acc
	}
	return res
}

// WCXBTruth is one WCXB dev page's reference.
type WCXBTruth struct {
	ID      string
	Type    string
	URL     string
	Text    string
	With    []string
	Without []string
}

// ScoreWCXBPage is WCXB's per-page bag-of-words score over lower-cased
// Unicode word tokens. An empty reference scores 1 only against an empty
// prediction.
func ScoreWCXBPage(ref, pred string) (p, r, f float64) {
	rt, pt := ExtractWords(strings.ToLower(ref)), ExtractWords(strings.ToLower(pred))
	switch {
	case len(rt) == 0 && len(pt) == 0:
		return 1, 1, 1
	case len(rt) == 0 || len(pt) == 0:
		return 0, 0, 0
	}
	counts := map[string]int{}
	for _, t := range rt {
		counts[t]++
	}
	overlap := 0
	for _, t := range pt {
		if counts[t] > 0 {
			counts[t]--
			overlap++
		}
	}
	p = float64(overlap) / float64(len(pt))
	r = float64(overlap) / float64(len(rt))
	return p, r, F1(p, r)
}

// ScoreWCXB scores predictions (page id → text) with WCXB's metric: mean
// per-page precision, recall and F1, each averaged on its own, overall and
// per page type, plus the snippet rates.
func ScoreWCXB(truth []WCXBTruth, pred map[string]string) ExtractResult {
	res := ExtractResult{Data: "wcxb", Metric: "wcxb-bow", N: len(truth), PerType: map[string]ExtractTypeScore{}}
	var withSum, withoutSum float64
	for _, t := range truth {
		pt := pred[t.ID]
		p, r, f := ScoreWCXBPage(t.Text, pt)
		res.Precision += p
		res.Recall += r
		res.F1 += f
		ts := res.PerType[t.Type]
		ts.Precision += p
		ts.Recall += r
		ts.F1 += f
		ts.N++
		res.PerType[t.Type] = ts
		res.Pages = append(res.Pages, ExtractPage{ID: t.ID, Type: t.Type, Precision: p, Recall: r, F1: f})
		withSum += wcxbSnippetRate(t.With, pt, 1)
		withoutSum += wcxbSnippetRate(t.Without, pt, 0)
	}
	if n := float64(len(truth)); n > 0 {
		res.Precision /= n
		res.Recall /= n
		res.F1 /= n
		w, wo := withSum/n, withoutSum/n
		res.WithRate, res.WithoutRate = &w, &wo
	}
	for k, ts := range res.PerType {
		n := float64(ts.N)
		ts.Precision /= n
		ts.Recall /= n
		ts.F1 /= n
		res.PerType[k] = ts
	}
	return res
}

// wcxbSnippetRate is the share of snippets found as case-insensitive
// substrings of pred; empty lists score empty.
func wcxbSnippetRate(snips []string, pred string, empty float64) float64 {
	if len(snips) == 0 {
		return empty
	}
	lp := strings.ToLower(pred)
	n := 0
	for _, s := range snips {
		if strings.Contains(lp, strings.ToLower(s)) {
			n++
		}
	}
	return float64(n) / float64(len(snips))
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// AEBPage is one AEB benchmark page.
type AEBPage struct {
	ID, URL, Truth string
}

// LoadAEB reads the AEB ground truth from dir (../shared/data/extraction/aeb).
func LoadAEB(dir string) ([]AEBPage, error) {
	b, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		return nil, fmt.Errorf("aeb: %w", err)
	}
	var gt map[string]struct {
		ArticleBody string `json:"articleBody"`
		URL         string `json:"url"`
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		return nil, fmt.Errorf("aeb: ground-truth.json: %w", err)
	}
	pages := make([]AEBPage, 0, len(gt))
	for id, r := range gt {
		pages = append(pages, AEBPage{ID: id, URL: r.URL, Truth: r.ArticleBody})
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].ID < pages[j].ID })
	return pages, nil
}

// LoadAEBReference reads a bundled reference output
// (reference-outputs/<name>.json.gz) as page id → text.
func LoadAEBReference(dir, name string) (map[string]string, error) {
	path := filepath.Join(dir, "reference-outputs", name+".json.gz")
	b, err := readGzip(path)
	if err != nil {
		return nil, err
	}
	var ro struct {
		Output map[string]struct {
			ArticleBody string `json:"articleBody"`
		} `json:"output"`
	}
	if err := json.Unmarshal(b, &ro); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]string, len(ro.Output))
	for id, r := range ro.Output {
		out[id] = r.ArticleBody
	}
	return out, nil
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// LoadWCXB reads the WCXB dev split from dir (../shared/data/extraction/wcxb/dev).
func LoadWCXB(dir string) ([]WCXBTruth, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("wcxb: %w", err)
	}
	var idx []struct {
		ID       string `json:"id"`
		PageType string `json:"page_type"`
		URL      string `json:"url"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("wcxb: index.json: %w", err)
	}
	out := make([]WCXBTruth, 0, len(idx))
	for _, e := range idx {
		gb, err := readGzip(filepath.Join(dir, "ground-truth", e.ID+".json.gz"))
		if err != nil {
			return nil, fmt.Errorf("wcxb: %w", err)
		}
		var g struct {
			GT struct {
				MainContent *string  `json:"main_content"`
				With        []string `json:"with"`
				Without     []string `json:"without"`
			} `json:"ground_truth"`
		}
		if err := json.Unmarshal(gb, &g); err != nil {
			return nil, fmt.Errorf("wcxb: page %s: %w", e.ID, err)
		}
		t := WCXBTruth{ID: e.ID, Type: e.PageType, URL: e.URL, With: g.GT.With, Without: g.GT.Without}
		if g.GT.MainContent != nil {
			t.Text = *g.GT.MainContent
		}
		out = append(out, t)
	}
	return out, nil
}

// extractJob is one page to extract.
type extractJob struct {
	id, url, path string
}

// extractRun runs fn over the jobs with a bounded worker pool and returns
// id → text and per-id errors. An error on one page scores as an empty
// prediction; it does not stop the run.
func extractRun(ctx context.Context, jobs []extractJob, workers int, fn ExtractFunc) (map[string]string, map[string]error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu   sync.Mutex
		out  = map[string]string{}
		errs = map[string]error{}
		wg   sync.WaitGroup
		ch   = make(chan extractJob)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				html, err := readGzip(j.path)
				var txt string
				if err == nil {
					txt, err = extractSafe(ctx, fn, j)(html)
				}
				mu.Lock()
				if err != nil {
					errs[j.id] = err
				} else {
					out[j.id] = txt
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	return out, errs
}

// extractSafe turns a panic of the extractor into an error naming the page,
// so one page cannot abort an evaluation.
func extractSafe(ctx context.Context, fn ExtractFunc, j extractJob) func([]byte) (string, error) {
	return func(html []byte) (txt string, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("page %s: panic: %v", j.id, r)
			}
		}()
		txt, err = fn(ctx, j.id, j.url, html)
		if err == nil && !utf8.ValidString(txt) {
			txt = strings.ToValidUTF8(txt, "\uFFFD")
		}
		return txt, err
	}
}

// EvalAEB extracts every AEB page in dir with fn and scores the result.
func EvalAEB(ctx context.Context, dir string, workers int, fn ExtractFunc) (ExtractResult, error) {
	pages, err := LoadAEB(dir)
	if err != nil {
		return ExtractResult{}, err
	}
	jobs := make([]extractJob, len(pages))
	truth := make(map[string]string, len(pages))
	for i, p := range pages {
		jobs[i] = extractJob{id: p.ID, url: p.URL, path: filepath.Join(dir, "html", p.ID+".html.gz")}
		truth[p.ID] = p.Truth
	}
	pred, errs := extractRun(ctx, jobs, workers, fn)
	if err := ctx.Err(); err != nil {
		return ExtractResult{}, err
	}
	res := ScoreAEB(truth, pred)
	extractMarkErrors(&res, errs)
	return res, nil
}

// EvalWCXB extracts every WCXB dev page in dir with fn and scores the result.
func EvalWCXB(ctx context.Context, dir string, workers int, fn ExtractFunc) (ExtractResult, error) {
	truth, err := LoadWCXB(dir)
	if err != nil {
		return ExtractResult{}, err
	}
	jobs := make([]extractJob, len(truth))
	for i, t := range truth {
		jobs[i] = extractJob{id: t.ID, url: t.URL, path: filepath.Join(dir, "html", t.ID+".html.gz")}
	}
	pred, errs := extractRun(ctx, jobs, workers, fn)
	if err := ctx.Err(); err != nil {
		return ExtractResult{}, err
	}
	res := ScoreWCXB(truth, pred)
	extractMarkErrors(&res, errs)
	return res, nil
}

func extractMarkErrors(res *ExtractResult, errs map[string]error) {
	res.Errors = len(errs)
	for i := range res.Pages {
		if e, ok := errs[res.Pages[i].ID]; ok {
			res.Pages[i].Err = e.Error()
		}
	}
}
