package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/newslens/newslens/server"

	. "github.com/newslens/newslens/server/internal/htmlcheck"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

func TestPages(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	tests := []struct {
		path   string
		status int
		check  Checker
	}{
		{"/", 200, All(
			In("h1", HasText("Dashboard")),
			In("p.lead", HasText(`^4 documents`)),
			Count("svg.map a.pt", 1),
			In("svg.map a.pt", HasAttr("href", `^/place/170794$`)),
			In("svg.map a.pt title", HasText(`Deir ez-Zor, SY: 2 mentions in 2 documents`)),
			In(`a.csv[href="/chart/places.csv"]`),
			In(`a.csv[href="/chart/volume.csv"]`),
			In(`svg.heat a[href^="/outlet/"] text`, HasText("Syria Times")),
			In("svg.cols"),
			In("svg.net .edge title", HasText("cites Reuters")),
			Count("ul.docs li", 4),
		)},
		{"/doc/d1", 200, All(
			In("#doc-title", HasExactText("The liberation of Deir Ezzor")),
			In(`#doc-text .hl.ent-PER[data-layer="entity-PER"]`, HasExactText("Bashar al-Assad")),
			In(`#doc-text .hl.k-place`, HasExactText("Deir Ezzor")),
			In(`#doc-text .hl.q-content[data-q]`, HasExactText(`"We will win,"`)),
			In(`#doc-text .hl.q-cue[data-q]`, HasExactText("said")),
			In(`#doc-text .hl.q-source[data-q]`, HasExactText("the minister")),
			In(`#doc-text .hl.tech[data-layer="technique-Loaded_Language"][data-conf="0.720"]`),
			In(`#doc-text .hl.k-count`, HasExactText("12 soldiers")),
			In(`#doc-text .hl.k-citation`, HasExactText("Reuters")),
			Count(`.layer-toggle`, 11),
			In(`#doc-text .hl.k-portrayal.portrayal-positive[data-layer="portrayal-positive"]`, HasExactText("Bashar al-Assad")),
			In(`#doc-text .hl.k-event[data-layer="event"]`, HasExactText("visited")),
			In(`input#conf-threshold[type=range]`),
			In(`#panel .group-quote a.jump`, HasAttr("href", `^#ev-a\d+$`)),
			In(`#panel .group-quote .detail`, HasText(`the minister \(said\)`)),
			In(`#panel .group-technique li[data-conf]`),
			In(`#panel .group-place a.more`, HasAttr("href", `^/place/170794$`)),
			In(`.meta a.outlet`, HasExactText("Syria Times")),
		)},
		{"/doc/xss", 200, All(
			In("#doc-title", HasExactText(xssTitle)),
			NotIn("main script"), NotIn("main img"), NotIn("[onerror]"),
			Count("script", 1),
			In("#doc-text", HasText(`<script>alert\("text"\)</script>`)),
		)},
		{"/search?q=deir+ezzor", 200, All(
			In("#total", HasText("^2 documents")),
			Count("article.hit", 2),
			In("article.hit .snippet mark", HasText("(?i)deir|ezzor")),
			In(`.facet[data-facet="outlet"] a`, HasText("Syria Times")),
			In(`.facet[data-facet="technique"]`, HasText("Loaded Language 1")),
			In(`.facet[data-facet="date"]`),
		)},
		{"/search?q=reported&outlet=Daily+Planet", 200, All(
			In("#total", HasText("^1 documents")),
			In("article.hit h2 a", HasExactText("Talks in Geneva")),
			In(".active-filters a.chip", HasText("Outlet: Daily Planet")),
			In(`.facet[data-facet="outlet"] a.on`, HasText("Daily Planet")),
		)},
		{"/search?q=" + url.QueryEscape(xssTitle), 200, All(NotIn("main script"), NotIn("[onerror]"))},
		{"/entity/per:bashar-al-assad", 200, All(
			In("#entity-name", HasText("Bashar al-Assad")),
			In("p.lead", HasText("2 mentions in 2 documents")),
			Count("ul.docs li", 2),
			// Portrayal per week and per outlet, each segment linking to
			// the documents behind it, and the evidence linking to mentions.
			Count("svg.cols.stacked .seg.p-pos rect", 1),
			Count("svg.cols.stacked .seg.p-neg rect", 1),
			In(`svg.cols.stacked a[href="/search?from=2017-09-04&portrayal=per%3Abashar-al-assad%3Apositive&sort=date&to=2017-09-11"]`),
			In(`svg.bars.stacked a[href="/search?outlet=Daily+Planet&portrayal=per%3Abashar-al-assad%3Anegative"]`),
			Count("ul.evidence li", 2),
			In(`ul.evidence a[href="/doc/d1#ev-a9"]`, HasExactText("The liberation of Deir Ezzor")),
			In(`ul.evidence .plabel.negative`),
			In(`a.csv[href="/chart/entity-portrayal.csv?id=per%3Abashar-al-assad"]`),
			In(`#events + .charts a[href="/search?actor=per%3Abashar-al-assad&event=CONSULT"]`),
		)},
		{"/search?portrayal=per:bashar-al-assad:negative", 200, All(
			Count(".hit", 1),
			In(".hit h2 a", HasExactText("Talks in Geneva")),
		)},
		{"/search?event=CONSULT&actor=per:bashar-al-assad", 200, All(
			Count(".hit", 1),
			In(".hit h2 a", HasExactText("The liberation of Deir Ezzor")),
		)},
		{"/search?q=Assad", 200, All(
			In(`.facet a[href="/search?event=CONSULT&q=Assad"]`),
			In(`.facet a[href="/search?actor=per%3Abashar-al-assad&q=Assad"]`, HasText("Bashar al-Assad")),
			In(`.facet a[href="/search?portrayal=per%3Abashar-al-assad%3Apositive&q=Assad"]`, HasText("Bashar al-Assad: positive")),
		)},
		{"/search?portrayal=nonsense", 400, In("p.message", HasText("portrayal must be"))},
		{"/place/170794", 200, All(
			In("#place-name", HasText("Deir ez-Zor")),
			In("svg.map a.pt.sel"),
			Count("ul.docs li", 2),
		)},
		{"/outlet/Syria%20Times", 200, All(
			In("#outlet-name", HasExactText("Syria Times")),
			In(`a.csv[href="/chart/outlet-techniques.csv?id=Syria+Times"]`),
			In("svg.bars", HasText("Loaded Language: 1")),
		)},
		{"/entities", 200, In("table.list td a", HasAttr("href", "^/entity/"))},
		{"/places", 200, In("table.list td a", HasExactText("Deir ez-Zor"))},
		{"/outlets", 200, Count("table.list tbody tr", 2)},
		{"/analyze", 200, All(In(`form#analyze-form input[name=csrf]`, HasAttr("value", `^[A-Za-z0-9_-]{43}$`)), In("textarea#text"), In("input#url"), In("input#file"))},
		{"/doc/missing", 404, In("p.message", HasText(`document "missing": not found`))},
		{"/no/such/page", 404, In("h1", HasText("404"))},
		{"/search?sort=sideways", 400, In("p.message", HasText("sort must be"))},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := get(t, h, tt.path)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body:\n%s", w.Code, tt.status, clipBody(w.Body.String()))
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q", csp)
			}
			if err := Run(bytes.NewReader(w.Body.Bytes()), tt.check); err != nil {
				t.Error(err)
			}
			checkNoInline(t, w.Body.Bytes())
		})
	}
}

func clipBody(s string) string {
	if len(s) > 2000 {
		return s[:2000]
	}
	return s
}

// checkNoInline fails on inline script, inline style or event-handler
// attributes, which the CSP would block and which must never be needed.
func checkNoInline(t *testing.T, body []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" && n.FirstChild != nil {
				t.Errorf("inline script: %q", n.FirstChild.Data)
			}
			if n.Data == "style" {
				t.Errorf("inline <style>")
			}
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func TestChartCSV(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	for _, name := range []string{"volume", "outlet-technique", "speakers", "entities", "citations", "places"} {
		w := get(t, h, "/chart/"+name+".csv")
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
			t.Errorf("%s: %d %s", name, w.Code, w.Header().Get("Content-Type"))
			continue
		}
		lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
		if len(lines) < 2 {
			t.Errorf("%s: only %d lines:\n%s", name, len(lines), w.Body.String())
		}
	}
	for _, u := range []string{"/chart/entity-timeline.csv?id=per:bashar-al-assad", "/chart/entity-outlets.csv?id=per:bashar-al-assad",
		"/chart/place-outlets.csv?id=170794", "/chart/outlet-techniques.csv?id=Syria+Times", "/chart/outlet-cites.csv?id=Syria+Times"} {
		w := get(t, h, u)
		if lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n"); w.Code != 200 || len(lines) < 2 {
			t.Errorf("%s: %d\n%s", u, w.Code, w.Body)
		}
	}
	if w := get(t, h, "/chart/entity-timeline.csv?id=nobody"); w.Code != 404 {
		t.Errorf("detail chart of a missing entity: %d", w.Code)
	}
	if w := get(t, h, "/chart/places.csv"); !strings.Contains(w.Body.String(), "170794,Deir ez-Zor,SY,35.3360,40.1400,2,2") {
		t.Errorf("places.csv:\n%s", w.Body.String())
	}
	if w := get(t, h, "/chart/nope.csv"); w.Code != 404 {
		t.Errorf("unknown chart: %d", w.Code)
	}
}

// client is a browser-like client with a cookie jar against a test server.
func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfFrom(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/analyze")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		t.Fatal("no csrf field on /analyze")
	}
	return string(m[1])
}

func TestAnalyzeForm(t *testing.T) {
	s, corpus := newServer(t, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	c := client(t)
	tok := csrfFrom(t, c, ts.URL)
	text := "Shelling hit Damascus today.\n\nResidents of Damascus fled."

	post := func(form url.Values) (*http.Response, string) {
		resp, err := c.PostForm(ts.URL+"/analyze", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	t.Run("no csrf", func(t *testing.T) {
		resp, body := post(url.Values{"text": {text}})
		if resp.StatusCode != 403 || !strings.Contains(body, "CSRF") {
			t.Fatalf("%d %s", resp.StatusCode, clipBody(body))
		}
	})
	t.Run("forged csrf", func(t *testing.T) {
		resp, _ := post(url.Values{"text": {text}, "csrf": {tok + "x"}})
		if resp.StatusCode != 403 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
	t.Run("show without saving", func(t *testing.T) {
		resp, body := post(url.Values{"text": {text}, "csrf": {tok}, "title": {"Pasted"}})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, clipBody(body))
		}
		if err := Run(strings.NewReader(body), All(
			In("#doc-title", HasExactText("Pasted")),
			Count("#doc-text .hl.k-place", 2),
			In(".meta .badge", HasText("not saved")),
		)); err != nil {
			t.Error(err)
		}
		if corpus.Len() != 4 {
			t.Errorf("corpus has %d documents after an unsaved analysis", corpus.Len())
		}
	})
	t.Run("save needs token", func(t *testing.T) {
		resp, _ := post(url.Values{"text": {text}, "csrf": {tok}, "save": {"1"}, "token": {"wrong-token-0123456789"}})
		if resp.StatusCode != 401 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
	t.Run("save", func(t *testing.T) {
		resp, _ := post(url.Values{"text": {text}, "csrf": {tok}, "save": {"1"}, "token": {testToken}})
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/doc/") {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if corpus.Len() != 5 {
			t.Errorf("corpus has %d documents, want 5", corpus.Len())
		}
	})
	t.Run("empty", func(t *testing.T) {
		resp, _ := post(url.Values{"text": {"  "}, "csrf": {tok}})
		if resp.StatusCode != 400 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
	t.Run("loopback URL refused", func(t *testing.T) {
		resp, body := post(url.Values{"url": {ts.URL + "/static/app.css"}, "csrf": {tok}})
		if resp.StatusCode != 403 || !strings.Contains(body, "loopback, private or link-local") {
			t.Fatalf("%d %s", resp.StatusCode, clipBody(body))
		}
	})
	t.Run("too large", func(t *testing.T) {
		resp, _ := post(url.Values{"text": {strings.Repeat("a", 9<<20)}, "csrf": {tok}})
		if resp.StatusCode != 413 {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
}

func TestRateLimit(t *testing.T) {
	s, _ := newServer(t, func(c *server.ServerConfig) { c.AnalyzeBurst = 3; c.AnalyzePerMinute = 1 })
	h := s.Handler()
	codes := []int{}
	for i := 0; i < 5; i++ {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/api/v1/analyze", strings.NewReader(`{"text":"Damascus"}`))
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, r)
		codes = append(codes, w.Code)
		if w.Code == 429 {
			if w.Header().Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			checkAPIError(t, w, "rate_limited")
		}
	}
	if want := []int{200, 200, 200, 429, 429}; !equalInts(codes, want) {
		t.Errorf("statuses %v, want %v", codes, want)
	}
}

func equalInts(a, b []int) bool {
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

func checkAPIError(t *testing.T, w *httptest.ResponseRecorder, code string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	if e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("error %+v, want code %s", e.Error, code)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error content type %q", ct)
	}
}

func TestHealthMetrics(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	if w := get(t, h, "/healthz"); w.Code != 200 {
		t.Errorf("healthz %d", w.Code)
	}
	s.SetReady(false)
	if w := get(t, h, "/readyz"); w.Code != 503 {
		t.Errorf("readyz while loading: %d", w.Code)
	}
	s.SetReady(true)
	if w := get(t, h, "/readyz"); w.Code != 200 {
		t.Errorf("readyz: %d", w.Code)
	}
	get(t, h, "/doc/d1")
	get(t, h, "/doc/nope")
	w := get(t, h, "/metrics")
	body := w.Body.String()
	for _, want := range []string{
		`newslens_http_requests_total{route="GET /doc/{id}",status="200"} 1`,
		`newslens_http_requests_total{route="GET /doc/{id}",status="404"} 1`,
		`newslens_http_request_duration_seconds_count{route="GET /doc/{id}"} 2`,
		"# TYPE newslens_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}
