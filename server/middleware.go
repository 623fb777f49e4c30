package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return b
}

// --- bearer token -----------------------------------------------------------

// tokenOK compares the presented token with the configured one in constant
// time; an unconfigured token never matches, so writes stay disabled.
func (s *Server) tokenOK(got string) bool {
	if s.cfg.Token == "" || got == "" {
		return false
	}
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(s.cfg.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (s *Server) requireToken(f handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.cfg.Token == "" {
			return Errorf(ErrForbidden, "this server is read-only: start it with a token to allow writes")
		}
		if !s.tokenOK(bearer(r)) {
			return Errorf(ErrUnauthorized, "a valid bearer token is required")
		}
		return f(w, r)
	}
}

// --- CSRF -------------------------------------------------------------------

// CSRF uses a per-browser random cookie and a form field carrying an HMAC of
// it under a per-process key: a cross-site form cannot read the cookie, so it
// cannot produce the field. The cookie is SameSite=Strict as a second layer.
const csrfCookie = "newslens_csrf"

func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if r.Context().Value(csrfPlaceholderKey{}) != nil {
		return s.csrfMark // a page rendered for the cache; see cached
	}
	c, err := r.Cookie(csrfCookie)
	val := ""
	if err == nil && len(c.Value) == 43 {
		val = c.Value
	} else {
		val = base64.RawURLEncoding.EncodeToString(randomBytes(32))
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: val, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	return s.csrfSign(val)
}

func (s *Server) csrfSign(v string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) checkCSRF(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return Errorf(ErrForbidden, "missing CSRF cookie: reload the form and try again")
	}
	want := s.csrfSign(c.Value)
	got := r.FormValue("csrf")
	if subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return Errorf(ErrForbidden, "invalid CSRF token: reload the form and try again")
	}
	return nil
}

// --- rate limit ---------------------------------------------------------------

// rateLimiter is a token bucket per client key, with idle buckets pruned.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	lastGC  time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: perSecond, burst: float64(burst), buckets: map[string]*bucket{}}
}

func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.lastGC = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (s *Server) clientKey(r *http.Request) string {
	if s.cfg.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(strings.Split(f, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limit applies the per-client analysis rate limit to h.
func (s *Server) limit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(s.clientKey(r), time.Now())
		if !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
			msg := fmt.Sprintf("too many analyses from your address: retry in %.0f s", math.Ceil(wait.Seconds()))
			if strings.HasPrefix(r.URL.Path, "/api/") {
				var body apiError
				body.Error.Code, body.Error.Message = "rate_limited", msg
				writeJSON(w, http.StatusTooManyRequests, body)
				return
			}
			s.renderStatus(w, r, http.StatusTooManyRequests, "error.html", "Slow down",
				errorPage{Status: 429, StatusText: http.StatusText(429), Message: msg})
			return
		}
		h.ServeHTTP(w, r)
	})
}

// --- metrics and request logs -----------------------------------------------

// metrics keeps request counts and latency histograms per route pattern, and
// writes them in the Prometheus text exposition format.
type metrics struct {
	mu     sync.Mutex
	start  time.Time
	routes map[string]*routeStats
}

var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type routeStats struct {
	byStatus map[int]uint64
	buckets  []uint64
	sum      float64
	count    uint64
}

func newMetrics() *metrics { return &metrics{start: time.Now(), routes: map[string]*routeStats{}} }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (m *metrics) wrap(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			m.observe(route, sw.status, d)
			log.Debug("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status, "dur_ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r)
	})
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rs, ok := m.routes[route]
	if !ok {
		rs = &routeStats{byStatus: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[route] = rs
	}
	rs.byStatus[status]++
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			rs.buckets[i]++
		}
	}
	rs.sum += sec
	rs.count++
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.mu.Lock()
	defer m.mu.Unlock()
	routes := make([]string, 0, len(m.routes))
	for k := range m.routes {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP newslens_http_requests_total HTTP requests by route and status.")
	fmt.Fprintln(w, "# TYPE newslens_http_requests_total counter")
	for _, rt := range routes {
		st := m.routes[rt]
		codes := make([]int, 0, len(st.byStatus))
		for c := range st.byStatus {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(w, "newslens_http_requests_total{route=%q,status=\"%d\"} %d\n", rt, c, st.byStatus[c])
		}
	}
	fmt.Fprintln(w, "# HELP newslens_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE newslens_http_request_duration_seconds histogram")
	for _, rt := range routes {
		st := m.routes[rt]
		for i, b := range latencyBuckets {
			fmt.Fprintf(w, "newslens_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", rt, b, st.buckets[i])
		}
		fmt.Fprintf(w, "newslens_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, st.count)
		fmt.Fprintf(w, "newslens_http_request_duration_seconds_sum{route=%q} %g\n", rt, st.sum)
		fmt.Fprintf(w, "newslens_http_request_duration_seconds_count{route=%q} %d\n", rt, st.count)
	}
	fmt.Fprintln(w, "# HELP newslens_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE newslens_uptime_seconds gauge")
	fmt.Fprintf(w, "newslens_uptime_seconds %g\n", time.Since(m.start).Seconds())
}
