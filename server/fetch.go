package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/newslens/newslens/input"
)

// SafeFetcher fetches article pages for the Analyze form. It refuses
// loopback, private, link-local and other non-public addresses after DNS
// resolution (at dial time, so redirects and DNS rebinding are covered),
// follows at most 5 redirects, caps the body and bounds the time.
type SafeFetcher struct {
	client   *http.Client
	maxBytes int64
}

// MaxFetchBytes caps a fetched page.
const MaxFetchBytes = 8 << 20

// NewSafeFetcher returns a fetcher; allowPrivate lifts the address check
// (for tests against a local server only).
func NewSafeFetcher(allowPrivate bool) *SafeFetcher {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return err
			}
			if !publicAddr(ip) {
				return fmt.Errorf("%w: address %s is not public", ErrForbidden, ip)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
	}
	return &SafeFetcher{
		maxBytes: MaxFetchBytes,
		client: &http.Client{
			Transport: tr,
			Timeout:   30 * time.Second,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("too many redirects")
				}
				if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
					return fmt.Errorf("redirect to scheme %q refused", req.URL.Scheme)
				}
				return nil
			},
		},
	}
}

func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	// Carrier-grade NAT, benchmarking and documentation ranges are not the
	// public web either.
	for _, p := range []string{"100.64.0.0/10", "198.18.0.0/15", "192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "2001:db8::/32"} {
		if netip.MustParsePrefix(p).Contains(ip) {
			return false
		}
	}
	return true
}

// Fetch implements Fetcher.
func (f *SafeFetcher) Fetch(ctx context.Context, rawURL string) (input.Record, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return input.Record{}, Errorf(ErrBadRequest, "not an http(s) URL: %q", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return input.Record{}, Errorf(ErrBadRequest, "bad URL %q", rawURL)
	}
	req.Header.Set("User-Agent", "newslens/1 (+https://github.com/newslens/newslens; article analysis)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrForbidden) {
			return input.Record{}, Errorf(ErrForbidden, "refusing to fetch %s: it resolves to a loopback, private or link-local address", u.Host)
		}
		return input.Record{}, Errorf(ErrBadRequest, "fetching %s failed: %v", u.Redacted(), shortNetErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return input.Record{}, Errorf(ErrBadRequest, "fetching %s: HTTP %d", u.Redacted(), resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return input.Record{}, Errorf(ErrBadRequest, "reading %s: %v", u.Redacted(), shortNetErr(err))
	}
	if int64(len(body)) > f.maxBytes {
		return input.Record{}, Errorf(ErrTooLarge, "page %s is larger than %d bytes", u.Redacted(), f.maxBytes)
	}
	format := input.FormatHTML
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/plain") {
		format = input.FormatText
	}
	final := resp.Request.URL.String()
	return input.Record{Name: final, URL: final, Format: format, Content: body, Charset: charsetOf(resp.Header.Get("Content-Type"))}, nil
}

func charsetOf(ct string) string {
	for _, p := range strings.Split(ct, ";") {
		p = strings.TrimSpace(p)
		if v, ok := strings.CutPrefix(strings.ToLower(p), "charset="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

func shortNetErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
