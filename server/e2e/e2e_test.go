package e2e

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/demo"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
	"github.com/newslens/newslens/server/memcorpus"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the article, dashboard and map screenshots to docs/screenshots")

// moduleRoot finds the directory holding go.mod, so the test finds
// ../shared from any package directory.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

func chromium(t *testing.T) string {
	for _, c := range []string{os.Getenv("NEWSLENS_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium not found: CI must install it (set $NEWSLENS_CHROMIUM)")
	}
	t.Skip("Chromium not found; set $NEWSLENS_CHROMIUM to run the browser tests")
	return ""
}

// fixture is the server under test with a browser.
type fixture struct {
	url       string
	analyzers []string
	browser   context.Context
	artifacts string
	root      string
}

func setup(t *testing.T) *fixture {
	exe := chromium(t)
	ctx := context.Background()
	p, err := newslens.NewPipeline(newslens.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range p.Analyzers() {
		names = append(names, a.Name())
	}
	c := memcorpus.New()
	for _, d := range servertest.Docs() {
		if err := c.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// Part of the demo corpus, analysed for real, fills the dashboard.
	recs, err := demo.Records()
	if err != nil {
		t.Fatal(err)
	}
	items := make(chan input.Item, 25)
	for _, r := range recs[:25] {
		items <- input.Item{Record: r}
	}
	close(items)
	if err := p.Run(ctx, items, func(r pipeline.Result) error {
		if r.Err != nil {
			return r.Err
		}
		return c.Put(ctx, r.Doc)
	}); err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.ServerConfig{Corpus: c, Processor: p, Token: "e2e-token-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("starting %s: %v", exe, err)
	}
	dir := os.Getenv("NEWSLENS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "newslens-e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &fixture{url: ts.URL, analyzers: names, browser: bctx, artifacts: dir, root: moduleRoot(t)}
}

// problems collects what a page must never do: console errors, uncaught
// exceptions, browser log errors (CSP violations among them) and dialogs.
type problems struct {
	mu   sync.Mutex
	list []string
}

func (p *problems) add(s string) {
	p.mu.Lock()
	p.list = append(p.list, s)
	p.mu.Unlock()
}

func (p *problems) get() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.list)
}

// tab opens a new tab that records problems and dismisses any dialog.
func (f *fixture) tab(t *testing.T) (context.Context, *problems) {
	ctx, cancel := chromedp.NewContext(f.browser)
	ctx, cancelT := context.WithTimeout(ctx, 30*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	pr := &problems{}
	dialogs := make(chan string, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				pr.add("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			pr.add("exception: " + ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				pr.add("log error (" + string(ev.Entry.Source) + "): " + ev.Entry.Text)
			}
		case *page.EventJavascriptDialogOpening:
			pr.add("dialog " + string(ev.Type) + ": " + ev.Message)
			select {
			case dialogs <- ev.Message:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range dialogs {
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	t.Cleanup(func() { close(dialogs) })
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	return ctx, pr
}

func (f *fixture) noProblems(t *testing.T, pr *problems) {
	t.Helper()
	// Give late console messages a moment to arrive.
	time.Sleep(150 * time.Millisecond)
	for _, p := range pr.get() {
		t.Errorf("page problem: %s", p)
	}
}

func (f *fixture) screenshot(t *testing.T, ctx context.Context, name string, commit bool) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(f.artifacts, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
	if commit && *updateScreenshots {
		dir := filepath.Join(f.root, "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	f := setup(t)
	t.Run("analyze the sample article", f.testAnalyze)
	t.Run("open a place on the map", f.testMap)
	t.Run("search and narrow by a facet", f.testSearch)
	t.Run("XSS payloads render inert", f.testXSS)
	t.Run("entity portrayal and event filters", f.testPortrayal)
	t.Run("dashboard event and portrayal charts", f.testDashboardCharts)
}

// testDashboardCharts checks that the dashboard draws the events and
// portrayal charts and that their segments lead to the documents they count.
func (f *fixture) testDashboardCharts(t *testing.T) {
	ctx, pr := f.tab(t)
	total := func() int {
		return eval[int](t, ctx, `parseInt(document.getElementById("total").textContent, 10)`)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#events-section svg.events")),
		chromedp.WaitVisible(chromedp.CSS("#portrayal-section svg.stacked")),
	); err != nil {
		t.Fatal(err)
	}
	// Rendered, not just present: the segments have a laid-out size.
	for _, sel := range []string{"#events-section .seg rect", "#portrayal-section .seg rect"} {
		js := fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).filter(r => r.getBoundingClientRect().height > 0).length`, sel)
		if n := eval[int](t, ctx, js); n == 0 {
			t.Errorf("no visible %s", sel)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#events-section a.csv, #pairs-section a.csv, #portrayal-section a.csv").length`); n != 3 {
		t.Errorf("%d CSV links on the event and portrayal charts, want 3", n)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#events-section"))); err != nil {
		t.Fatal(err)
	}
	f.screenshot(t, ctx, "dashboard-events.png", false)
	// A negative portrayal segment lists exactly the documents its hover
	// text counts.
	want := eval[string](t, ctx, `document.querySelector("#portrayal-section .seg.p-neg title").textContent`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#portrayal-section .seg.p-neg rect`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(eval[string](t, ctx, `new URLSearchParams(location.search).get("portrayal")`), ":negative") {
		t.Errorf("portrayal segment led to %s", eval[string](t, ctx, `location.href`))
	}
	var n int
	if _, err := fmt.Sscanf(want[strings.LastIndex(want, ":")+1:], "%d", &n); err != nil {
		t.Fatalf("segment title %q: %v", want, err)
	}
	if got := total(); got != n {
		t.Errorf("segment %q lists %d documents", want, got)
	}
	// The fixtures' one CONSULT event (September 2017) leads to its article.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/"),
		chromedp.WaitVisible(chromedp.CSS("#events-section svg.events")),
		chromedp.Click(chromedp.CSS(`#events-section a[href="/search?date=2017-09&event=CONSULT"] rect`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if got := total(); got < 1 {
		t.Errorf("event segment lists %d documents", got)
	}
	f.noProblems(t, pr)
}

func (f *fixture) has(name string) bool { return slices.Contains(f.analyzers, name) }

func (f *fixture) testAnalyze(t *testing.T) {
	ctx, pr := f.tab(t)
	sample, err := os.ReadFile(filepath.Join(f.root, "..", "shared", "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/analyze"),
		chromedp.WaitVisible(chromedp.CSS("#analyze-form")),
		chromedp.SetValue(chromedp.CSS("#text"), string(sample)),
		chromedp.Click(chromedp.CSS("#analyze-submit")),
		chromedp.WaitVisible(chromedp.CSS("#doc-text")),
	); err != nil {
		t.Fatal(err)
	}
	count := func(sel string) int {
		return eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
	}
	// Assert on the layers whose analyzers are registered in this build.
	layers := map[string]string{
		"quotes":     "#doc-text .hl.q-content",
		"techniques": "#doc-text .hl.tech",
		"entities":   "#doc-text .hl.ent",
		"places":     "#doc-text .hl.k-place",
		"figures":    "#doc-text .hl.k-count, #doc-text .hl.k-amount, #doc-text .hl.k-date",
	}
	for name, sel := range layers {
		n := count(sel)
		t.Logf("analyzer %s registered=%v: %d highlights (%s)", name, f.has(name), n, sel)
		if f.has(name) && n == 0 {
			t.Errorf("analyzer %s is registered but nothing matches %s", name, sel)
		}
	}
	if f.has("quotes") {
		// A quote's parts are linked by data-q.
		if n := count("#doc-text .hl.q-cue[data-q], #doc-text .hl.q-source[data-q]"); n == 0 {
			t.Error("no quote cue or source highlighted")
		}
	}
	text := eval[string](t, ctx, `document.getElementById("doc-text").textContent`)
	if !strings.Contains(string(sample), strings.TrimSpace(text)[:40]) {
		t.Errorf("article text does not come from the sample: %.80q", text)
	}
	f.screenshot(t, ctx, "article-view.png", true)

	if count(".layer-toggle") > 0 {
		// Switching a layer off marks every span of it off.
		layer := eval[string](t, ctx, `document.querySelector(".layer-toggle").dataset.layer`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".layer-toggle"))); err != nil {
			t.Fatal(err)
		}
		on := count(fmt.Sprintf(`#doc-text .hl[data-layer=%q]:not(.off)`, layer))
		if on != 0 {
			t.Errorf("layer %s switched off but %d spans still on", layer, on)
		}
		// Clicking an annotation in the panel scrolls to its evidence.
		href := eval[string](t, ctx, `document.querySelector("#panel a.jump").getAttribute("href")`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#panel a.jump")), chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, ctx, `location.hash`); got != href {
			t.Errorf("after clicking, location.hash is %q, want %q", got, href)
		}
		if !eval[bool](t, ctx, fmt.Sprintf(`document.getElementById(%q).classList.contains("flash")`, strings.TrimPrefix(href, "#"))) {
			t.Error("the evidence was not flashed")
		}
	}
	if count("#conf-threshold") > 0 {
		eval[bool](t, ctx, `(function(){var s=document.getElementById("conf-threshold"); s.value="1"; s.dispatchEvent(new Event("input")); return true})()`)
		if n := count(`#doc-text .hl.tech:not(.low)`); n != 0 {
			t.Errorf("threshold 1.0 leaves %d technique spans visible", n)
		}
	}
	f.noProblems(t, pr)
}

func (f *fixture) testMap(t *testing.T) {
	ctx, pr := f.tab(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/"),
		chromedp.WaitVisible(chromedp.CSS("svg.map")),
	); err != nil {
		t.Fatal(err)
	}
	f.screenshot(t, ctx, "dashboard.png", true)
	n := eval[int](t, ctx, `document.querySelectorAll("svg.map a.pt").length`)
	if n == 0 {
		t.Fatal("no places on the map")
	}
	// The last point is the smallest, drawn on top, so a click at its centre
	// lands on it.
	name := eval[string](t, ctx, `document.querySelector("svg.map a.pt:last-of-type title").textContent.split(":")[0].split(",")[0]`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("svg.map a.pt:last-of-type circle")),
		chromedp.WaitVisible(chromedp.CSS("#place-name")),
	); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.getElementById("place-name").textContent`); !strings.Contains(got, name) {
		t.Errorf("place page for %q shows %q", name, got)
	}
	if !strings.Contains(eval[string](t, ctx, `location.pathname`), "/place/") {
		t.Error("clicking a place did not open its page")
	}
	if eval[int](t, ctx, `document.querySelectorAll("svg.map a.pt.sel").length`) != 1 {
		t.Error("the place is not marked on its map")
	}
	f.screenshot(t, ctx, "map.png", true)
	f.noProblems(t, pr)
}

func (f *fixture) testSearch(t *testing.T) {
	ctx, pr := f.tab(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/search"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SetValue(chromedp.CSS("#q"), "reported"),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS(`.facet[data-facet="outlet"]`)),
	); err != nil {
		t.Fatal(err)
	}
	total := func() int {
		return eval[int](t, ctx, `parseInt(document.getElementById("total").textContent, 10)`)
	}
	before := total()
	if before < 2 {
		t.Fatalf("search found %d documents, want at least 2", before)
	}
	outlet := eval[string](t, ctx, `document.querySelector('.facet[data-facet="outlet"] li:last-child a').textContent`)
	want := eval[int](t, ctx, `parseInt(document.querySelector('.facet[data-facet="outlet"] li:last-child .count').textContent, 10)`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.facet[data-facet="outlet"] li:last-child a`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")),
	); err != nil {
		t.Fatal(err)
	}
	after := total()
	if after != want || after >= before {
		t.Errorf("narrowing by outlet %q: %d → %d documents, facet said %d", outlet, before, after, want)
	}
	metas := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("article.hit .meta")).map(e => e.textContent)`)
	for _, m := range metas {
		if !strings.Contains(m, outlet) {
			t.Errorf("hit from another outlet after narrowing to %q: %q", outlet, m)
		}
	}
	f.screenshot(t, ctx, "search.png", false)
	f.noProblems(t, pr)
}

func (f *fixture) testXSS(t *testing.T) {
	ctx, pr := f.tab(t)
	payload := servertest.XSSTitle
	check := func(where string) {
		t.Helper()
		if n := eval[int](t, ctx, `document.querySelectorAll("main script, main img, main iframe, [onerror], [onload]").length`); n != 0 {
			t.Errorf("%s: %d injected elements", where, n)
		}
		if eval[bool](t, ctx, `!!window.__xss`) {
			t.Errorf("%s: injected script ran", where)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/doc/xss"), chromedp.WaitVisible(chromedp.CSS("#doc-title"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.getElementById("doc-title").textContent`); got != payload {
		t.Errorf("title shows %q, want the payload as text", got)
	}
	check("stored article")

	hostile := `<script>window.__xss=1;alert("x")</script><img src=x onerror="window.__xss=1;alert(1)"><svg onload=alert(2)>`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/analyze"),
		chromedp.WaitVisible(chromedp.CSS("#analyze-form")),
		chromedp.SetValue(chromedp.CSS(`input[name="title"]`), hostile),
		chromedp.SetValue(chromedp.CSS("#text"), "Plain words before. "+hostile+" And after, in Damascus."),
		chromedp.Click(chromedp.CSS("#analyze-submit")),
		chromedp.WaitVisible(chromedp.CSS("#doc-text")),
	); err != nil {
		t.Fatal(err)
	}
	check("analysed text")
	if err := chromedp.Do(ctx, chromedp.Navigate(f.url+"/search?q="+strings.ReplaceAll(hostile, "#", "%23")), chromedp.WaitVisible(chromedp.CSS("#total"))); err != nil {
		t.Fatal(err)
	}
	check("search page")
	f.noProblems(t, pr)
}

// testPortrayal follows an entity's portrayal chart to the documents behind
// a segment, its evidence to the mention in the article, and narrows a
// search by an event facet.
func (f *fixture) testPortrayal(t *testing.T) {
	ctx, pr := f.tab(t)
	total := func() int {
		return eval[int](t, ctx, `parseInt(document.getElementById("total").textContent, 10)`)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/entity/per:bashar-al-assad"),
		chromedp.WaitVisible(chromedp.CSS("svg.cols.stacked")),
	); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("svg.cols.stacked .seg").length`); n != 2 {
		t.Errorf("%d portrayal segments per week, want 2 (one positive week, one negative)", n)
	}
	// The negative segment of the outlet chart lists that outlet's
	// documents portraying the entity negatively.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`svg.bars.stacked .seg.p-neg rect`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if got := total(); got != 1 {
		t.Errorf("negative portrayal segment: %d documents, want 1", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("article.hit h2 a").textContent`); got != "Talks in Geneva" {
		t.Errorf("negative portrayal segment lists %q", got)
	}
	// Evidence links land on the mention, which is highlighted and flashed.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/entity/per:bashar-al-assad"),
		chromedp.WaitVisible(chromedp.CSS("ul.evidence")),
		chromedp.Click(chromedp.CSS(`ul.evidence a[href^="/doc/d1#"]`)),
		chromedp.WaitVisible(chromedp.CSS("#doc-text")),
		chromedp.Sleep(200*time.Millisecond),
	); err != nil {
		t.Fatal(err)
	}
	hash := eval[string](t, ctx, `location.hash`)
	if !eval[bool](t, ctx, fmt.Sprintf(`(function(){var e=document.getElementById(%q); return !!e && e.classList.contains("k-portrayal") && e.classList.contains("flash")})()`, strings.TrimPrefix(hash, "#"))) {
		t.Errorf("evidence link %s does not land on a flashed portrayal span", hash)
	}
	f.screenshot(t, ctx, "portrayal-evidence.png", false)

	// Search narrowed by an event type facet.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.url+"/search?q=Assad"),
		chromedp.WaitVisible(chromedp.CSS(`.facet[data-facet="event"]`)),
		chromedp.Click(chromedp.CSS(`.facet[data-facet="event"] a`)),
		chromedp.WaitVisible(chromedp.CSS(".active-filters")),
	); err != nil {
		t.Fatal(err)
	}
	if got := total(); got != 1 {
		t.Errorf("narrowed by event type: %d documents, want 1", got)
	}
	// On documents analysed for real, the busiest entity with a portrayal
	// has its charts.
	if f.has("portrayal") {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/search?q=the"),
			chromedp.WaitVisible(chromedp.CSS(`.facet[data-facet="portrayal"]`)),
			chromedp.Click(chromedp.CSS(`.facet[data-facet="portrayal"] a`)),
			chromedp.WaitVisible(chromedp.CSS(".active-filters")),
		); err != nil {
			t.Fatal(err)
		}
		id := eval[string](t, ctx, `new URLSearchParams(location.search).get("portrayal").replace(/:[a-z]+$/, "")`)
		if err := chromedp.Do(ctx,
			chromedp.Navigate(f.url+"/entity/"+id),
			chromedp.WaitVisible(chromedp.CSS("#portrayal")),
		); err != nil {
			t.Fatal(err)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("svg.bars.stacked .seg, ul.evidence li").length`); n == 0 {
			t.Errorf("entity %s: no portrayal segments or evidence", id)
		}
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#portrayal"))); err != nil {
			t.Fatal(err)
		}
		f.screenshot(t, ctx, "entity-portrayal.png", false)
	}
	f.noProblems(t, pr)
}
