package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
)

var cacheCountRE = regexp.MustCompile(`newslens_response_cache_requests_total\{outcome="(hit|miss)"\} (\d+)`)

func cacheCounts(t *testing.T, h http.Handler) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range cacheCountRE.FindAllStringSubmatch(get(t, h, "/metrics").Body.String(), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// The response cache serves repeated GETs, but never a response from before
// a write, and never one client's CSRF token to another.
func TestResponseCache(t *testing.T) {
	s, c := newServer(t, nil)
	h := s.Handler()

	first := get(t, h, "/search?q=minister")
	second := get(t, h, "/search?q=minister")
	if first.Body.String() != second.Body.String() {
		t.Error("cached search page differs from the rendered one")
	}
	if got := cacheCounts(t, h); got["hit"] != "1" || got["miss"] != "1" {
		t.Errorf("cache counters after two identical searches: %v", got)
	}
	api1 := get(t, h, "/api/v1/search?q=minister")
	if !strings.Contains(api1.Body.String(), `"total":2`) {
		t.Fatalf("api search before the write: %s", clipBody(api1.Body.String()))
	}

	// A write straight to the corpus (not through the server) changes its
	// generation, so the next search is rendered again and sees it.
	d := servertest.Docs()[0]
	d.ID, d.URL = "", "https://example.com/another-minister"
	d.Text += "\n\nThe minister spoke again."
	if err := c.Put(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if w := get(t, h, "/api/v1/search?q=minister"); !strings.Contains(w.Body.String(), `"total":3`) {
		t.Errorf("api search after the write still served the old response: %s", clipBody(w.Body.String()))
	}

	// Article pages with a form: each client gets its own token, bound to
	// its own cookie, even when the page comes from the cache.
	ts := httptest.NewServer(h)
	defer ts.Close()
	docURL := ts.URL + "/doc/" + servertest.Docs()[0].ID
	var tokens []string
	for i := 0; i < 3; i++ {
		cl := client(t)
		resp, err := cl.Get(docURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfRE.FindSubmatch(b)
		if m == nil {
			t.Fatal("no delete form on the article page")
		}
		tok := string(m[1])
		if strings.HasPrefix(tok, "csrf") && len(tok) == 36 {
			t.Fatalf("placeholder leaked into the page: %q", tok)
		}
		tokens = append(tokens, tok)
		// The token passes the CSRF check (a wrong bearer token then
		// gives 401, where a bad CSRF token would give 403).
		resp, err = cl.PostForm(ts.URL+"/doc/x/delete", url.Values{"csrf": {tok}, "token": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("client %d: delete with its own CSRF token: HTTP %d, want 401", i, resp.StatusCode)
		}
	}
	if tokens[0] == tokens[1] || tokens[1] == tokens[2] {
		t.Errorf("clients share a CSRF token: %v", tokens)
	}
	if got := cacheCounts(t, h); atoi(got["hit"]) < 3 {
		t.Errorf("article page not served from the cache: %v", got)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// With the cache disabled, pages are rendered every time and the metrics
// have no cache counters.
func TestResponseCacheDisabled(t *testing.T) {
	s, _ := newServer(t, func(c *server.ServerConfig) { c.CacheBytes = -1 })
	h := s.Handler()
	get(t, h, "/search?q=minister")
	get(t, h, "/search?q=minister")
	if got := cacheCounts(t, h); len(got) != 0 {
		t.Errorf("disabled cache reports counters: %v", got)
	}
}

// An export writes each document exactly as GET /api/v1/documents/{id}
// does, and shares that route's cache entries.
func TestExportSharesDocumentCache(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	plain, _ := newServer(t, func(c *server.ServerConfig) { c.CacheBytes = -1 })
	want := get(t, plain.Handler(), "/api/v1/export?limit=10").Body.String()
	doc := get(t, h, "/api/v1/documents/d1").Body.String() // cached now
	for i := 0; i < 2; i++ {
		if got := get(t, h, "/api/v1/export?limit=10").Body.String(); got != want {
			t.Fatalf("export %d with the cache differs from without:\n%s\nwant\n%s", i, clipBody(got), clipBody(want))
		}
	}
	if !strings.Contains(want, doc) {
		t.Error("export line differs from the document route's body")
	}
	// Documents first met in the export are then served from the cache.
	before := atoi(cacheCounts(t, h)["hit"])
	lines := strings.Split(strings.TrimSpace(want), "\n")
	var first struct{ ID string }
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if w := get(t, h, "/api/v1/documents/"+first.ID); w.Body.String() != lines[0]+"\n" {
		t.Errorf("document %s after an export: %s", first.ID, clipBody(w.Body.String()))
	}
	if after := atoi(cacheCounts(t, h)["hit"]); after != before+1 {
		t.Errorf("document fetched after an export was not a cache hit (%d → %d)", before, after)
	}
}

// Analysing without saving leaves the cache alone; saving invalidates it.
func TestAnalyzeAndCache(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	total := func() string {
		var res struct{ Total int }
		json.Unmarshal(get(t, h, "/api/v1/search?q=shelling").Body.Bytes(), &res)
		return strconv.Itoa(res.Total)
	}
	if got := total(); got != "0" {
		t.Fatalf("before: %s", got)
	}
	if w := do(t, h, "POST", "/api/v1/analyze", `{"text":"Shelling hit Damascus."}`, ""); w.Code != 200 {
		t.Fatalf("analyze: %d %s", w.Code, clipBody(w.Body.String()))
	}
	before := atoi(cacheCounts(t, h)["hit"])
	total()
	if after := atoi(cacheCounts(t, h)["hit"]); after != before+1 {
		t.Errorf("an analysis without saving invalidated the cache (hits %d → %d)", before, after)
	}
	if w := do(t, h, "POST", "/api/v1/analyze", `{"text":"Shelling hit Damascus.","save":true}`, testToken); w.Code != 201 {
		t.Fatalf("analyze and save: %d %s", w.Code, clipBody(w.Body.String()))
	}
	if got := total(); got != "1" {
		t.Errorf("after saving, search still answers from before: total %s", got)
	}
}
