package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultUserAgent names newslens and where to read about it, so a site
// operator seeing it in logs knows what it is.
const DefaultUserAgent = "newslens/1 (+https://github.com/newslens/newslens; news corpus tool)"

// robotsToken is the product token matched against robots.txt User-agent lines.
const robotsToken = "newslens"

// Fetch errors, matchable with errors.Is.
var (
	ErrRobots       = errors.New("disallowed by robots.txt")
	ErrPrivateAddr  = errors.New("refusing to connect to a loopback, private or link-local address")
	ErrTooLarge     = errors.New("response over the size cap")
	ErrTooManyHops  = errors.New("too many redirects")
	ErrHTTPStatus   = errors.New("unexpected HTTP status")
	ErrNotHTTP      = errors.New("only http and https URLs are fetched")
	errRobotsFailed = errors.New("robots.txt unavailable")
)

// FetchOptions configures a Fetcher. The zero value is usable: it takes
// the defaults below.
type FetchOptions struct {
	UserAgent string        // default DefaultUserAgent
	Timeout   time.Duration // whole request including the body; default 30s
	// MaxBytes caps a response body; larger responses fail with
	// ErrTooLarge after reading at most MaxBytes+1 bytes. Default 10 MiB.
	MaxBytes     int64
	MaxRedirects int           // default 5
	PerHost      time.Duration // minimum gap between requests to one host; default 1s
	// AllowPrivate lets the fetcher connect to loopback, private,
	// link-local and other non-public addresses.
	AllowPrivate bool
	// AllowAddrs lists exact "ip:port" dial addresses allowed even when
	// private (a local mirror; tests).
	AllowAddrs []string
	// IgnoreRobots skips robots.txt (only for sources you own).
	IgnoreRobots bool
}

func (o *FetchOptions) defaults() {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 10 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.PerHost <= 0 {
		o.PerHost = time.Second
	}
}

// Fetcher fetches pages politely and safely. It is safe for concurrent use.
type Fetcher struct {
	opts   FetchOptions
	client *http.Client

	mu     sync.Mutex
	next   map[string]time.Time // host -> earliest next request
	robots map[string]*robots   // scheme://host -> rules
}

// Response is a fetched page.
type Response struct {
	URL         string // final URL after redirects
	Status      int
	ContentType string // media type, lower case, without parameters
	Charset     string
	Header      http.Header
	Body        []byte
	Fetched     time.Time
}

// NewFetcher returns a Fetcher.
func NewFetcher(opts FetchOptions) *Fetcher {
	opts.defaults()
	f := &Fetcher{opts: opts, next: map[string]time.Time{}, robots: map[string]*robots{}}
	allowed := map[string]bool{}
	for _, a := range opts.AllowAddrs {
		allowed[a] = true
	}
	dialer := &net.Dialer{
		Timeout: 10 * time.Second,
		// Control runs after DNS resolution with the address actually
		// dialled, for the first request and every redirect, so a public
		// name resolving to 127.0.0.1 or 169.254.169.254 is refused too.
		Control: func(network, address string, _ syscall.RawConn) error {
			if opts.AllowPrivate || allowed[address] {
				return nil
			}
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddr, address)
			}
			if !PublicAddr(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivateAddr, address)
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would bypass the address check
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("%w (%d)", ErrTooManyHops, opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL, ErrNotHTTP)
			}
			return nil
		},
	}
	return f
}

// PublicAddr reports whether a is a globally routable unicast address:
// not loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified
// or multicast.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
}

// Fetch GETs rawURL, after checking robots.txt and waiting its turn for
// the host. Non-2xx statuses are errors wrapping ErrHTTPStatus.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrNotHTTP)
	}
	if !f.opts.IgnoreRobots {
		ok, err := f.allowed(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		if !ok {
			return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrRobots)
		}
	}
	resp, err := f.get(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return resp, fmt.Errorf("fetch %s: %w %d", rawURL, ErrHTTPStatus, resp.Status)
	}
	return resp, nil
}

// wait blocks until the host's next slot.
func (f *Fetcher) wait(ctx context.Context, host string) error {
	f.mu.Lock()
	now := time.Now()
	at := f.next[host]
	if at.Before(now) {
		at = now
	}
	gap := f.opts.PerHost
	if r := f.robots[host]; r != nil && r.delay > gap {
		gap = r.delay
	}
	f.next[host] = at.Add(gap)
	f.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (f *Fetcher) get(ctx context.Context, rawURL string) (*Response, error) {
	u, _ := url.Parse(rawURL)
	if err := f.wait(ctx, u.Host); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, Fetched: time.Now().UTC()}
	if mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		out.ContentType, out.Charset = strings.ToLower(mt), params["charset"]
	}
	if resp.ContentLength > f.opts.MaxBytes {
		return out, fmt.Errorf("%w: Content-Length %d > %d", ErrTooLarge, resp.ContentLength, f.opts.MaxBytes)
	}
	// Stream through a bounded reader: a 1 GB body costs at most
	// MaxBytes+1 bytes of memory before the connection is dropped.
	body, err := io.ReadAll(io.LimitReader(bufio.NewReader(resp.Body), f.opts.MaxBytes+1))
	if err != nil {
		return out, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > f.opts.MaxBytes {
		return out, fmt.Errorf("%w (%d bytes)", ErrTooLarge, f.opts.MaxBytes)
	}
	out.Body = body
	return out, nil
}

// allowed checks robots.txt for u, fetching and caching it per origin.
func (f *Fetcher) allowed(ctx context.Context, u *url.URL) (bool, error) {
	origin := u.Scheme + "://" + u.Host
	f.mu.Lock()
	r, ok := f.robots[u.Host]
	f.mu.Unlock()
	if !ok {
		r = f.loadRobots(ctx, origin)
		f.mu.Lock()
		f.robots[u.Host] = r
		f.mu.Unlock()
	}
	if r.err != nil {
		return false, r.err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return r.allows(path), nil
}

func (f *Fetcher) loadRobots(ctx context.Context, origin string) *robots {
	resp, err := f.get(ctx, origin+"/robots.txt")
	switch {
	case err != nil && errors.Is(err, ErrPrivateAddr):
		return &robots{err: err}
	case err != nil && resp == nil:
		// Unreachable: be conservative, as crawlers are asked to be.
		return &robots{err: fmt.Errorf("%w: %v", errRobotsFailed, err)}
	case resp.Status >= 400 && resp.Status < 500:
		return &robots{} // no robots.txt: everything allowed
	case resp.Status >= 500 || err != nil:
		return &robots{err: fmt.Errorf("%w: status %d", errRobotsFailed, resp.Status)}
	}
	return parseRobots(string(resp.Body), robotsToken)
}

// robots holds the rules of the robots.txt group that applies to us.
type robots struct {
	rules []robotsRule
	delay time.Duration
	err   error
}

type robotsRule struct {
	allow   bool
	pattern string
}

// parseRobots reads robots.txt (RFC 9309): the group naming our token
// wins over "*"; within it the longest matching pattern decides, allow
// winning ties.
func parseRobots(body, token string) *robots {
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false
	for _, line := range strings.Split(body, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		switch k {
		case "user-agent":
			if !inAgents || cur == nil {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(v))
			inAgents = true
		case "allow", "disallow":
			inAgents = false
			if cur == nil {
				continue
			}
			if v == "" && k == "disallow" {
				continue // "Disallow:" allows everything
			}
			cur.rules = append(cur.rules, robotsRule{allow: k == "allow", pattern: v})
		case "crawl-delay":
			inAgents = false
			if cur != nil {
				var secs float64
				if _, err := fmt.Sscan(v, &secs); err == nil && secs > 0 && secs <= 60 {
					cur.delay = time.Duration(secs * float64(time.Second))
				}
			}
		}
	}
	var star, mine *group
	for _, g := range groups {
		for _, a := range g.agents {
			if a == "*" && star == nil {
				star = g
			}
			if a != "*" && strings.Contains(a, token) {
				mine = g
			}
		}
	}
	if mine == nil {
		mine = star
	}
	if mine == nil {
		return &robots{}
	}
	return &robots{rules: mine.rules, delay: mine.delay}
}

func (r *robots) allows(path string) bool {
	best, allow := -1, true
	for _, rule := range r.rules {
		if robotsMatch(rule.pattern, path) {
			n := len(rule.pattern)
			if n > best || (n == best && rule.allow) {
				best, allow = n, rule.allow
			}
		}
	}
	return allow
}

// robotsMatch matches a robots.txt path pattern with * and a final $.
func robotsMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for _, p := range parts[1:] {
		i := strings.Index(path[pos:], p)
		if i < 0 {
			return false
		}
		pos += i + len(p)
	}
	if anchored {
		if len(parts) == 1 {
			return pos == len(path)
		}
		return strings.HasSuffix(path, parts[len(parts)-1])
	}
	return true
}
