package ingest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestFetcher(t *testing.T) {
	// target is another local server: the redirect destination that the
	// default policy must refuse because it is on 127.0.0.1.
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><body>internal secret</body></html>")
	}))
	defer target.Close()

	var gotUA string
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "User-agent: *\nDisallow: /private/\nAllow: /private/ok$\n\nUser-agent: otherbot\nDisallow: /\n")
	})
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		io.WriteString(w, "<html><body><p>Hello</p></body></html>")
	})
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "private") })
	mux.HandleFunc("/to-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/meta-data", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop?x="+r.URL.Query().Get("x")+"x", http.StatusFound)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		// 1 GB, streamed in 64 KiB chunks and never held in memory; the
		// client must stop reading at its cap.
		chunk := []byte(strings.Repeat("x", 64<<10))
		for sent := 0; sent < 1<<30; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slowloris", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		for i := 0; i < 120; i++ {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", 410) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvAddr := strings.TrimPrefix(srv.URL, "http://")

	// Only the main test server's address is allowed; everything else on
	// loopback is refused as it would be by default.
	f := NewFetcher(FetchOptions{AllowAddrs: []string{srvAddr}, PerHost: time.Millisecond, Timeout: 2 * time.Second, MaxBytes: 1 << 20})
	ctx := context.Background()

	tests := []struct {
		path    string
		wantErr error
		check   func(t *testing.T, r *Response, elapsed time.Duration)
	}{
		{"/article", nil, func(t *testing.T, r *Response, _ time.Duration) {
			if string(r.Body) != "<html><body><p>Hello</p></body></html>" || r.Charset != "windows-1252" || r.ContentType != "text/html" {
				t.Errorf("response %+v", r)
			}
			if gotUA != DefaultUserAgent {
				t.Errorf("User-Agent %q", gotUA)
			}
		}},
		{"/private/page", ErrRobots, nil},
		{"/private/ok", nil, nil},
		{"/to-loopback", ErrPrivateAddr, nil},
		{"/loop", ErrTooManyHops, nil},
		{"/huge", ErrTooLarge, nil},
		{"/slowloris", context.DeadlineExceeded, func(t *testing.T, _ *Response, el time.Duration) {
			if el > 4*time.Second {
				t.Errorf("slow-loris took %v, timeout is 2s", el)
			}
		}},
		{"/gone", ErrHTTPStatus, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			start := time.Now()
			r, err := f.Fetch(ctx, srv.URL+tc.path)
			el := time.Since(start)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("Fetch succeeded, want %v", tc.wantErr)
				}
				// http.Client reports its own timeout as a net.Error.
				var ne interface{ Timeout() bool }
				if !errors.Is(err, tc.wantErr) && !(tc.wantErr == context.DeadlineExceeded && errors.As(err, &ne) && ne.Timeout()) {
					t.Fatalf("Fetch error %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.path) {
					t.Errorf("error %q does not name the URL", err)
				}
			}
			if tc.check != nil {
				tc.check(t, r, el)
			}
		})
	}

	// By default even the main server is refused: it is on loopback.
	def := NewFetcher(FetchOptions{})
	if _, err := def.Fetch(ctx, srv.URL+"/article"); !errors.Is(err, ErrPrivateAddr) {
		t.Errorf("default fetcher on loopback: %v, want ErrPrivateAddr", err)
	}
	if _, err := def.Fetch(ctx, "file:///etc/passwd"); !errors.Is(err, ErrNotHTTP) {
		t.Errorf("file URL: %v", err)
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2a00:1450:4001::1": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false,
		"224.0.0.1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestRobots(t *testing.T) {
	body := "User-agent: *\nDisallow: /\n\nUser-agent: newslens\nDisallow: /search\nDisallow: /*.pdf$\nAllow: /search/about\nCrawl-delay: 2\n"
	r := parseRobots(body, robotsToken)
	for path, want := range map[string]bool{
		"/": true, "/news/1": true, "/search?q=x": false, "/search/about": true, "/doc.pdf": false, "/doc.pdf?x": true,
	} {
		if got := r.allows(path); got != want {
			t.Errorf("allows(%q) = %v, want %v", path, got, want)
		}
	}
	if r.delay != 2*time.Second {
		t.Errorf("crawl-delay %v", r.delay)
	}
	if star := parseRobots("User-agent: *\nDisallow: /\n", robotsToken); star.allows("/x") {
		t.Error("* group ignored")
	}
}

func FuzzRobots(f *testing.F) {
	f.Add("User-agent: *\nDisallow: /a*b$\nAllow: /\n", "/axxb")
	f.Fuzz(func(t *testing.T, body, path string) {
		r := parseRobots(body, robotsToken)
		r.allows(path)
		if parseRobots("", robotsToken).allows(path) != true {
			t.Fatal("empty robots.txt disallows")
		}
	})
}
