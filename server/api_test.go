package server_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/newslens/newslens/server"
)

func do(t *testing.T, h http.Handler, method, path, body, token string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAPIPagination(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	seen := map[string]bool{}
	path := "/api/v1/documents?limit=3"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("cursor never ends")
		}
		w := get(t, h, path)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var pg struct {
			Items []struct{ ID string }
			Next  string `json:"next_cursor"`
			Total int
		}
		if err := json.Unmarshal(w.Body.Bytes(), &pg); err != nil {
			t.Fatal(err)
		}
		if pg.Total != 4 {
			t.Errorf("total %d", pg.Total)
		}
		for _, it := range pg.Items {
			if seen[it.ID] {
				t.Errorf("%s listed twice", it.ID)
			}
			seen[it.ID] = true
		}
		path = ""
		if pg.Next != "" {
			path = "/api/v1/documents?limit=3&cursor=" + url.QueryEscape(pg.Next)
		}
	}
	if len(seen) != 4 {
		t.Errorf("listed %d documents", len(seen))
	}
}

func TestAPIErrors(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	ro, _ := newServer(t, func(c *server.ServerConfig) { c.Token = "" })
	hro := ro.Handler()
	tests := []struct {
		name               string
		h                  http.Handler
		method, path, body string
		token              string
		status             int
		code               string
	}{
		{"missing document", h, "GET", "/api/v1/documents/nope", "", "", 404, "not_found"},
		{"unknown route", h, "GET", "/api/v1/nothing", "", "", 404, "not_found"},
		{"bad limit", h, "GET", "/api/v1/documents?limit=0", "", "", 400, "bad_request"},
		{"bad cursor", h, "GET", "/api/v1/documents?cursor=%21%21", "", "", 400, "bad_request"},
		{"bad sort", h, "GET", "/api/v1/search?sort=up", "", "", 400, "bad_request"},
		{"bad date", h, "GET", "/api/v1/search?from=yesterday", "", "", 400, "bad_request"},
		{"bad json", h, "POST", "/api/v1/analyze", "{", "", 400, "bad_request"},
		{"unknown field", h, "POST", "/api/v1/analyze", `{"txt":"a"}`, "", 400, "bad_request"},
		{"nothing to analyse", h, "POST", "/api/v1/analyze", `{}`, "", 400, "bad_request"},
		{"ingest without token", h, "POST", "/api/v1/documents", `{"text":"Damascus"}`, "", 401, "unauthorized"},
		{"ingest with wrong token", h, "POST", "/api/v1/documents", `{"text":"Damascus"}`, "nope-nope-nope-nope", 401, "unauthorized"},
		{"save without token", h, "POST", "/api/v1/analyze", `{"text":"Damascus","save":true}`, "", 401, "unauthorized"},
		{"delete without token", h, "DELETE", "/api/v1/documents/d1", "", "", 401, "unauthorized"},
		{"read-only ingest", hro, "POST", "/api/v1/documents", `{"text":"Damascus"}`, testToken, 403, "forbidden"},
		{"read-only delete", hro, "DELETE", "/api/v1/documents/d1", "", testToken, 403, "forbidden"},
		{"fetch loopback", h, "POST", "/api/v1/analyze", `{"url":"http://127.0.0.1:1/","fetch":true}`, "", 403, "forbidden"},
		{"fetch private", h, "POST", "/api/v1/analyze", `{"url":"http://10.1.2.3/","fetch":true}`, "", 403, "forbidden"},
		{"fetch bad scheme", h, "POST", "/api/v1/analyze", `{"url":"file:///etc/passwd","fetch":true}`, "", 400, "bad_request"},
		{"too large", h, "POST", "/api/v1/analyze", `{"text":"` + strings.Repeat("a", 9<<20) + `"}`, "", 413, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(t, tt.h, tt.method, tt.path, tt.body, tt.token)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			checkAPIError(t, w, tt.code)
		})
	}
}

func TestAPIWrites(t *testing.T) {
	s, corpus := newServer(t, nil)
	h := s.Handler()
	w := do(t, h, "POST", "/api/v1/analyze", `{"text":"Rain in Damascus."}`, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"kind":"place"`) {
		t.Fatalf("analyze: %d %s", w.Code, w.Body)
	}
	if corpus.Len() != 4 {
		t.Errorf("analyze without save stored a document")
	}
	w = do(t, h, "POST", "/api/v1/documents", `{"text":"Sun in Damascus.","title":"Sun","outlet":"Daily Planet"}`, testToken)
	if w.Code != 201 || !strings.HasPrefix(w.Header().Get("Location"), "/api/v1/documents/") {
		t.Fatalf("ingest: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	if w := get(t, h, loc); w.Code != 200 || !strings.Contains(w.Body.String(), `"title":"Sun"`) {
		t.Fatalf("get ingested: %d %s", w.Code, w.Body)
	}
	if w := do(t, h, "POST", loc+"/reanalyze", "", testToken); w.Code != 200 {
		t.Fatalf("reanalyze: %d %s", w.Code, w.Body)
	}
	if w := do(t, h, "DELETE", loc, "", testToken); w.Code != 204 {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	if w := get(t, h, loc); w.Code != 404 {
		t.Fatalf("after delete: %d", w.Code)
	}
}

func TestAPIExport(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	w := get(t, h, "/api/v1/export?format=jsonl")
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	n := 0
	sc := bufio.NewScanner(w.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil || d.ID == "" || d.Text == "" {
			t.Errorf("line %d: %v %q", n, err, sc.Text())
		}
		n++
	}
	if n != 4 {
		t.Errorf("exported %d documents, want 4", n)
	}
	w = get(t, h, "/api/v1/export?format=csv&limit=2")
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if !strings.HasPrefix(lines[0], "doc_id,outlet,published,annotation_id,kind") || len(lines) < 3 {
		t.Errorf("csv export:\n%s", w.Body)
	}
	if w.Header().Get("X-Next-Cursor") == "" {
		t.Error("no X-Next-Cursor on a partial export")
	}
}

func TestAPISearch(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	w := get(t, h, "/api/v1/search?q=minister&technique=Loaded_Language")
	var res server.SearchResult
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != "d1" {
		t.Fatalf("%+v", res)
	}
	sn := res.Hits[0].Snippets[0]
	for _, m := range sn.Matches {
		if got := sn.Text[m.Start-sn.Start : m.End-sn.Start]; !strings.EqualFold(got, "minister") {
			t.Errorf("match span %v covers %q", m, got)
		}
	}
	if len(res.Facets["speaker"]) != 1 || res.Facets["speaker"][0].Value != "the minister" {
		t.Errorf("speaker facet %+v", res.Facets["speaker"])
	}
}

// TestOpenAPI checks the document's structure, that every operation in it
// answers with a status it documents, and that every API route is in it.
func TestOpenAPI(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("openapi version %q", v)
	}
	if info, _ := doc["info"].(map[string]any); info["title"] == nil || info["version"] == nil {
		t.Error("info needs title and version")
	}
	// Every $ref resolves.
	refRE := regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([A-Za-z]+)"`)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range refRE.FindAllStringSubmatch(string(raw), -1) {
		if schemas[m[1]] == nil {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}

	s, _ := newServer(t, nil)
	h := s.Handler()
	// The routes installed under /api/v1, from Install itself.
	installed := map[string]bool{}
	s.Install(func(pattern string, _ http.Handler) {
		method, path, ok := strings.Cut(pattern, " ")
		if ok && strings.HasPrefix(path, "/api/v1/") {
			installed[method+" "+path] = true
		}
	})
	params := map[string]string{"{id}": "d1", "{name}": "Syria%20Times"}
	special := map[string]string{"GET /api/v1/entities/{id}": "per:bashar-al-assad", "GET /api/v1/places/{id}": "170794"}
	bodies := map[string]string{"POST /api/v1/analyze": `{"text":"Damascus"}`, "POST /api/v1/documents": `{"text":"Damascus again"}`}
	paths := doc["paths"].(map[string]any)
	var keys []string
	ops := map[string]map[string]any{}
	ids := map[string]bool{}
	for p, item := range paths {
		for m, op := range item.(map[string]any) {
			key := strings.ToUpper(m) + " " + p
			keys = append(keys, key)
			ops[key] = op.(map[string]any)
		}
	}
	// DELETE last, so it does not remove what the others read.
	sort.Slice(keys, func(i, j int) bool {
		di, dj := strings.HasPrefix(keys[i], "DELETE"), strings.HasPrefix(keys[j], "DELETE")
		if di != dj {
			return dj
		}
		return keys[i] < keys[j]
	})
	for _, key := range keys {
		op := ops[key]
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s: missing or duplicate operationId %q", key, id)
		}
		ids[id] = true
		if !installed[key] {
			t.Errorf("%s is documented but not installed", key)
			continue
		}
		delete(installed, key)
		method, path, _ := strings.Cut(key, " ")
		for k, v := range params {
			if sp, ok := special[key]; ok && k == "{id}" {
				v = sp
			}
			path = strings.ReplaceAll(path, k, v)
		}
		token := ""
		if op["security"] != nil {
			token = testToken
		}
		w := do(t, h, method, path, bodies[key], token)
		responses := op["responses"].(map[string]any)
		if responses[strconv.Itoa(w.Code)] == nil {
			t.Errorf("%s %s answered %d, which the document does not list: %s", method, path, w.Code, clipBody(w.Body.String()))
		}
		if w.Code >= 400 {
			t.Errorf("%s %s failed: %d %s", method, path, w.Code, clipBody(w.Body.String()))
		}
	}
	for key := range installed {
		t.Errorf("route %s is not in openapi.json", key)
	}
	// The server serves the same document.
	if w := get(t, h, "/api/v1/openapi.json"); w.Body.String() != string(raw) {
		t.Error("/api/v1/openapi.json differs from openapi.json")
	}
}
