package server

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/newslens/newslens/document"
)

// Versioned is implemented by corpora that can say when their contents
// change: Generation must change after every write that could change a
// page (Put, Delete, a reload). The server caches rendered pages and API
// responses only for such corpora, keyed by the generation, so a cached
// response is never served after the corpus changed under it.
type Versioned interface {
	Generation() uint64
}

// defaultCacheBytes bounds the response cache. At ~40 KB per document page
// (and as much again for its JSON) it holds the pages of about 1,500
// documents; search pages are smaller. The 10,000-document load test keeps
// its 1,000 hot documents' pages and JSON in it; with 64 MiB it evicted a
// third of them.
const defaultCacheBytes = 128 << 20

// maxCachedBody keeps one huge response (an export, a long article) from
// evicting hundreds of ordinary ones.
const maxCachedBody = 1 << 20

// While a cacheable page is rendered, Server.csrfMark (random per process,
// so no article can contain it, and plain ASCII, so templates leave it
// alone) stands in for the CSRF token; every response gets the client's
// own token spliced in.
type csrfPlaceholderKey struct{}

// cachedResponse is one rendered response. Body is split at the CSRF
// placeholder: len(parts) == 1 means the page has no form.
type cachedResponse struct {
	status int
	header http.Header
	parts  [][]byte
	size   int
}

// respCache is a byte-bounded LRU of rendered responses keyed by route
// path and query, valid for one corpus generation.
type respCache struct {
	mu        sync.Mutex
	max, used int
	ll        *list.List // front = most recently used; values are *cacheItem
	items     map[string]*list.Element
	hits      atomic.Uint64
	misses    atomic.Uint64
	evictions atomic.Uint64
	flight    singleflight.Group
}

type cacheItem struct {
	key  string
	gen  uint64
	resp *cachedResponse
}

func newRespCache(maxBytes int) *respCache {
	return &respCache{max: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *respCache) get(key string, gen uint64) *cachedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	it := el.Value.(*cacheItem)
	if it.gen != gen {
		c.removeLocked(el)
		return nil
	}
	c.ll.MoveToFront(el)
	return it.resp
}

func (c *respCache) put(key string, gen uint64, r *cachedResponse) {
	if r.size > maxCachedBody || r.size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.removeLocked(el)
	}
	c.items[key] = c.ll.PushFront(&cacheItem{key: key, gen: gen, resp: r})
	c.used += r.size
	for c.used > c.max {
		c.removeLocked(c.ll.Back())
		c.evictions.Add(1)
	}
}

func (c *respCache) removeLocked(el *list.Element) {
	it := el.Value.(*cacheItem)
	c.ll.Remove(el)
	delete(c.items, it.key)
	c.used -= it.resp.size
}

func (c *respCache) stats() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.used
}

// recorder captures a response for the cache.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// writeBuffer writes a finished body. A recorder for the cache takes the
// buffer over instead of copying it (the caller must not use buf again).
func writeBuffer(w http.ResponseWriter, buf *bytes.Buffer) {
	if r, ok := w.(*recorder); ok && r.body.Len() == 0 {
		if r.status == 0 {
			r.status = http.StatusOK
		}
		r.body = *buf
		return
	}
	w.Write(buf.Bytes())
}

func (r *recorder) response(mark string) *cachedResponse {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	b := r.body.Bytes()
	out := &cachedResponse{status: r.status, header: r.header, size: len(b) + 256}
	out.parts = bytes.Split(b, []byte(mark))
	return out
}

// generation is the corpus generation plus the server's own write counter
// (writes through the server bump it too, in case a corpus's generation
// lags); ok is false when the corpus cannot say, and nothing is cached.
func (s *Server) generation() (uint64, bool) {
	v, ok := s.corpus.(Versioned)
	if !ok || s.cache == nil {
		return 0, false
	}
	// Both only grow, so their sum changes whenever either does.
	return v.Generation() + s.writes.Load(), true
}

// wrote records a write made through the server.
func (s *Server) wrote() { s.writes.Add(1) }

// cached serves GET requests for h from the response cache, rendering and
// storing the response on a miss. Concurrent misses for one key render it
// once. Misses also pass through the work limiter, so under load expensive
// renders queue in arrival order instead of time-slicing against each other
// (which stretches every one of them), while cache hits never wait behind
// them.
func (s *Server) cached(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gen, ok := s.generation()
		if !ok || r.Method != http.MethodGet {
			s.limited(h).ServeHTTP(w, r)
			return
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		if cr := s.cache.get(key, gen); cr != nil {
			s.cache.hits.Add(1)
			s.writeCached(w, r, cr)
			return
		}
		s.cache.misses.Add(1)
		v, _, _ := s.cache.flight.Do(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
			rec := &recorder{header: http.Header{}}
			// The render must not depend on the caller's cancellation:
			// other requests may be waiting for it.
			ctx := context.WithValue(context.WithoutCancel(r.Context()), csrfPlaceholderKey{}, true)
			if !s.acquire(r.Context()) {
				return nil, r.Context().Err()
			}
			func() {
				defer s.release()
				h.ServeHTTP(rec, r.WithContext(ctx))
			}()
			cr := rec.response(s.csrfMark)
			if cr.status == http.StatusOK && cr.header.Get("Set-Cookie") == "" {
				s.cache.put(key, gen, cr)
			}
			return cr, nil
		})
		cr, _ := v.(*cachedResponse)
		if cr == nil {
			// The leader gave up waiting (its client went away): render
			// for this request directly.
			s.limited(h).ServeHTTP(w, r)
			return
		}
		s.writeCached(w, r, cr)
	})
}

func (s *Server) writeCached(w http.ResponseWriter, r *http.Request, cr *cachedResponse) {
	h := w.Header()
	for k, v := range cr.header {
		h[k] = v
	}
	token := ""
	if len(cr.parts) > 1 {
		token = s.csrfToken(w, r)
	}
	n := len(token) * (len(cr.parts) - 1)
	for _, p := range cr.parts {
		n += len(p)
	}
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(cr.status)
	if r.Method == http.MethodHead {
		return
	}
	for i, p := range cr.parts {
		if i > 0 {
			w.Write([]byte(token))
		}
		w.Write(p)
	}
}

// limited runs h under the work limiter.
func (s *Server) limited(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.acquire(r.Context()) {
			http.Error(w, "client went away", http.StatusServiceUnavailable)
			return
		}
		defer s.release()
		h.ServeHTTP(w, r)
	})
}

// acquire takes a work slot, waiting in arrival order (goroutines blocked
// on a channel are woken first in, first out); false if ctx ends first.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.work <- struct{}{}:
		return true
	default:
	}
	select {
	case s.work <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) release() { <-s.work }

// afterWrite bumps the server's write counter after h succeeds, so cached
// responses rendered before the write are not served again (refused writes
// leave the cache alone).
func (s *Server) afterWrite(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if sw.status < 400 {
				s.wrote()
			}
		}()
		h.ServeHTTP(sw, r)
	})
}

// writeCacheMetrics appends the response cache's counters to /metrics.
func (s *Server) writeCacheMetrics(w io.Writer) {
	if s.cache == nil {
		return
	}
	entries, size := s.cache.stats()
	fmt.Fprintln(w, "# HELP newslens_response_cache_requests_total Cacheable GET requests by outcome.")
	fmt.Fprintln(w, "# TYPE newslens_response_cache_requests_total counter")
	fmt.Fprintf(w, "newslens_response_cache_requests_total{outcome=\"hit\"} %d\n", s.cache.hits.Load())
	fmt.Fprintf(w, "newslens_response_cache_requests_total{outcome=\"miss\"} %d\n", s.cache.misses.Load())
	fmt.Fprintln(w, "# HELP newslens_response_cache_evictions_total Responses evicted to stay within the byte bound.")
	fmt.Fprintln(w, "# TYPE newslens_response_cache_evictions_total counter")
	fmt.Fprintf(w, "newslens_response_cache_evictions_total %d\n", s.cache.evictions.Load())
	fmt.Fprintln(w, "# HELP newslens_response_cache_entries Responses in the cache.")
	fmt.Fprintln(w, "# TYPE newslens_response_cache_entries gauge")
	fmt.Fprintf(w, "newslens_response_cache_entries %d\n", entries)
	fmt.Fprintln(w, "# HELP newslens_response_cache_bytes Approximate bytes held by the cache.")
	fmt.Fprintln(w, "# TYPE newslens_response_cache_bytes gauge")
	fmt.Fprintf(w, "newslens_response_cache_bytes %d\n", size)
}

// documentJSON returns d as one line of JSON, exactly the body of GET
// /api/v1/documents/{id}, sharing that route's cache entry both ways: an
// export of documents already fetched costs no encoding, and an export
// fills the cache for later fetches.
func (s *Server) documentJSON(d *document.Document) []byte {
	gen, ok := s.generation()
	key := "/api/v1/documents/" + d.ID + "?"
	if ok {
		if cr := s.cache.get(key, gen); cr != nil && cr.status == http.StatusOK && len(cr.parts) == 1 {
			return cr.parts[0]
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // as writeJSON
	if err := enc.Encode(d); err != nil {
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
		return buf.Bytes()
	}
	if ok {
		h := http.Header{}
		h.Set("Content-Type", "application/json; charset=utf-8")
		s.cache.put(key, gen, &cachedResponse{status: http.StatusOK, header: h, parts: [][]byte{buf.Bytes()}, size: buf.Len() + 256})
	}
	return buf.Bytes()
}
