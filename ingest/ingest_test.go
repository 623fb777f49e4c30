package ingest

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/sqlite"
)

// wordAnalyzer marks every capitalised word as an entity, so tests can see
// annotations flow into the store and reanalysis replace them.
type wordAnalyzer struct{ version string }

func (w wordAnalyzer) Name() string       { return "caps" }
func (w wordAnalyzer) Version() string    { return w.version }
func (w wordAnalyzer) Requires() []string { return nil }
func (w wordAnalyzer) Analyze(ctx context.Context, d *document.Document) error {
	for _, t := range d.Tokens {
		s := d.Slice(t.Span)
		if t.Kind == document.TokWord && s[0] >= 'A' && s[0] <= 'Z' {
			if _, err := d.Add(document.Annotation{Kind: "entity", Label: "MISC", Span: t.Span, Analyzer: "caps", Version: w.version,
				Attrs: map[string]any{"entity_id": "caps:" + strings.ToLower(s)}}); err != nil {
				return err
			}
		}
	}
	return nil
}

func testPipeline(t *testing.T, version string) *pipeline.Pipeline {
	p, err := pipeline.New(pipeline.Config{Extractor: extract.New(extract.Options{}), Analyzers: []pipeline.Analyzer{wordAnalyzer{version}}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openStore(t *testing.T) store.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func article(i int) string {
	return fmt.Sprintf("Story %d from Springfield\n\nThe council of Springfield met on day %d to discuss the budget. "+
		"Mayor Quimby said the library would stay open, and residents of Shelbyville watched closely. "+
		"Officials expect a final vote on item %d next week after further hearings.\n", i, i, i*7)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIngestFilesIdempotentAndVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for i := 0; i < 5; i++ {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("a%d.txt", i)), article(i))
	}
	// JSONL with URLs, one line a duplicate of another under a tracking URL.
	jsonl := fmt.Sprintf(`{"url":"https://news.example/x","text":%q,"published":"2020-05-01"}
{"url":"https://www.news.example/x?utm_source=tw","text":%q}
{"url":"https://news.example/y","html":"<html><body><article><h1>Y</h1><p>%s</p></article></body></html>"}
{"bad json
`, article(10), article(10), strings.ReplaceAll(article(11), "\n", " "))
	writeFile(t, filepath.Join(dir, "feed.jsonl"), jsonl)
	s := openStore(t)
	var mu sync.Mutex
	stored := map[string]bool{}
	in, err := New(Options{Store: s, Pipeline: testPipeline(t, "1"), BatchSize: 3, OnStored: func(src string, r store.PutResult) {
		mu.Lock()
		stored[r.ID] = true
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := in.Run(ctx, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stored != 7 || p.Existing != 1 || p.Failed != 1 || p.Seen != 9 {
		t.Errorf("first run %+v, want 7 stored, 1 existing, 1 failed of 9", p)
	}
	if n, _ := s.Count(ctx, store.Filter{}); n != 7 || len(stored) != 7 {
		t.Errorf("store has %d documents, %d reported; want 7", n, len(stored))
	}
	for id := range stored {
		d, err := s.Get(ctx, id)
		if err != nil || len(d.Annotations) == 0 || d.Analyzers["caps"] != "1" {
			t.Errorf("stored doc %s: %v, %d annotations", id, err, len(d.Annotations))
		}
	}
	// Re-run: everything skipped from the ingest records, nothing analysed.
	p, err = in.Run(ctx, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Skipped != 8 || p.Stored != 0 || p.Failed != 1 {
		t.Errorf("second run %+v, want 8 skipped", p)
	}
	// A changed article at the same URL is a new version; the old is kept.
	writeFile(t, filepath.Join(dir, "feed.jsonl"), fmt.Sprintf(`{"url":"https://news.example/x","text":%q}`+"\n", article(10)+"Correction: the vote was moved.\n"))
	p, err = in.Run(ctx, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stored != 1 {
		t.Errorf("third run %+v, want 1 new version", p)
	}
	vs, _ := s.Versions(ctx, "https://news.example/x")
	if len(vs) != 2 || vs[0].Version != 2 {
		t.Errorf("versions %+v", vs)
	}
	if n, _ := s.Count(ctx, store.Filter{}); n != 7 {
		t.Errorf("latest documents %d, want 7", n)
	}

	// Reanalysis with a newer analyzer version refreshes every document.
	done, failed, err := Reanalyze(ctx, s, testPipeline(t, "2"), ReanalyzeOptions{BatchSize: 3})
	if err != nil || failed != 0 || done != 8 {
		t.Fatalf("Reanalyze = %d, %d, %v; want 8 done", done, failed, err)
	}
	done, _, _ = Reanalyze(ctx, s, testPipeline(t, "2"), ReanalyzeOptions{})
	if done != 0 {
		t.Errorf("second Reanalyze did %d, want 0", done)
	}
	for id := range stored {
		d, _ := s.Get(ctx, id)
		if d.Analyzers["caps"] != "2" || len(d.Annotations) == 0 || d.Annotations[0].Version != "2" {
			t.Errorf("doc %s not reanalysed", id)
		}
	}
}

func TestIngestWARCgzTruncated(t *testing.T) {
	ctx := context.Background()
	var buf strings.Builder
	rec := func(id, uri, body string) string {
		block := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
		return fmt.Sprintf("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2021-01-01T00:00:00Z\r\nWARC-Target-URI: %s\r\n"+
			"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", id, uri, len(block), block)
	}
	var members [][]byte
	for i := 0; i < 4; i++ {
		var b strings.Builder
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, rec(fmt.Sprintf("id-%d", i), fmt.Sprintf("https://w.example/%d", i),
			"<html><head><title>T</title></head><body><article><p>"+article(i)+"</p></article></body></html>"))
		zw.Close()
		members = append(members, []byte(b.String()))
	}
	for i, m := range members {
		if i == len(members)-1 {
			m = m[:len(m)/2]
		}
		buf.Write(m)
	}
	path := filepath.Join(t.TempDir(), "crawl.warc.gz")
	writeFile(t, path, buf.String())
	s := openStore(t)
	var errs []string
	in, _ := New(Options{Store: s, Pipeline: testPipeline(t, "1"), OnError: func(src string, err error) { errs = append(errs, src) }})
	p, err := in.Run(ctx, []string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stored != 3 || p.Failed != 1 || len(errs) != 1 || !strings.HasPrefix(errs[0], path+"#") {
		t.Errorf("progress %+v, errors %q; want 3 stored and the truncated record reported", p, errs)
	}
	if r, err := s.Ingested(ctx, errs[0]); err != nil || r.Status != store.IngestFailed {
		t.Errorf("truncated record not recorded as failed: %+v %v", r, err)
	}
}

func TestIngestFeedAndSitemap(t *testing.T) {
	ctx := context.Background()
	var srvURL string
	hits := map[string]int{}
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "User-agent: *\nDisallow: /blocked\n") })
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Ex</title>
<item><title>One</title><link>%[1]s/a/1</link><pubDate>Mon, 02 Jan 2023 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/a/2</link></item>
<item><title>Blocked</title><link>%[1]s/blocked/3</link></item>
</channel></rss>`, srvURL)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/news-sitemap.xml</loc></sitemap></sitemapindex>`, srvURL)
	})
	mux.HandleFunc("/news-sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>%[1]s/a/2</loc></url><url><loc>%[1]s/a/4</loc><news:news><news:publication_date>2023-02-03</news:publication_date><news:title>Four</news:title></news:news></url></urlset>`, srvURL)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		n := len(r.URL.Path)
		fmt.Fprintf(w, "<html><head><title>Article</title></head><body><article><h1>Article</h1><p>%s</p></article></body></html>", article(int(r.URL.Path[n-1]-'0')))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL
	f := NewFetcher(FetchOptions{AllowAddrs: []string{strings.TrimPrefix(srv.URL, "http://")}, PerHost: time.Millisecond})
	s := openStore(t)
	in, _ := New(Options{Store: s, Pipeline: testPipeline(t, "1"), Fetcher: f})
	p, err := in.Run(ctx, []string{srv.URL + "/feed.xml", srv.URL + "/sitemap.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stored != 3 || p.Failed != 1 {
		t.Errorf("progress %+v, want 3 stored (a/1, a/2, a/4) and the robots-blocked item failed", p)
	}
	r, err := s.Search(ctx, store.Filter{}, store.Page{Sort: store.SortDate})
	if err != nil || len(r.Hits) != 3 {
		t.Fatalf("search %v %v", r, err)
	}
	if r.Hits[0].Published == nil || r.Hits[0].Published.Format("2006-01-02") != "2023-02-03" {
		t.Errorf("sitemap publication date not used: %+v", r.Hits[0].DocInfo)
	}
	// Polling again fetches no article already stored. (Within one run a
	// link listed twice may be fetched twice before its batch commits; the
	// store still keeps one document.)
	mu.Lock()
	before := fmt.Sprint(hits)
	mu.Unlock()
	p, err = in.Run(ctx, []string{srv.URL + "/feed.xml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(hits) != before || p.Stored != 0 {
		t.Errorf("re-poll refetched: hits %v (before %s), progress %+v", hits, before, p)
	}
}

func TestParseOPML(t *testing.T) {
	got, err := ParseOPML([]byte(`<?xml version="1.0"?><opml version="2.0"><body><outline text="News">
<outline type="rss" text="A" xmlUrl="https://a.example/rss"/><outline text="B" xmlUrl=" https://b.example/atom "/></outline></body></opml>`))
	if err != nil || len(got) != 2 || got[1] != "https://b.example/atom" {
		t.Errorf("ParseOPML = %q, %v", got, err)
	}
}

func FuzzSniffAndParse(f *testing.F) {
	f.Add([]byte(`<rss><channel><item><link>http://x/1</link></item></channel></rss>`))
	f.Add([]byte(`<urlset><url><loc>/a</loc></url></urlset>`))
	f.Add([]byte(`<opml><body><outline xmlUrl="http://x/f"/></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		switch Sniff("", data) {
		case KindFeed:
			links, _ := ParseFeed("https://base.example/", data)
			for _, l := range links {
				if !isURL(l.URL) {
					t.Fatalf("non-http link %q", l.URL)
				}
			}
		case KindSitemap, KindSitemapIndex:
			links, maps, _ := ParseSitemap("https://base.example/", data)
			for _, l := range links {
				if !isURL(l.URL) {
					t.Fatalf("non-http link %q", l.URL)
				}
			}
			for _, m := range maps {
				if !isURL(m) {
					t.Fatalf("non-http sitemap %q", m)
				}
			}
		case KindOPML:
			ParseOPML(data)
		}
	})
}
