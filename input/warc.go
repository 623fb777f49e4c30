package input

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/nlnwa/gowarc/v2"
)

// readWARC reads a WARC or WARC.gz stream (one gzip member per record, as
// Common Crawl writes them, or uncompressed) with github.com/nlnwa/gowarc.
//
// Every response or resource record holding a successful HTML or text
// payload becomes a Record named "<name>#<WARC-Record-ID>" with the target
// URI, the HTTP charset and the payload. Records that are not articles
// (warcinfo, request, metadata, redirects, images) are skipped by design.
// A record that cannot be read whole (a truncated last record, a corrupt
// member) is sent as an *Error naming it, and reading goes on with the
// next record where the library can find one.
func readWARC(ctx context.Context, name string, r io.Reader, send func(Item) bool) bool {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	u := gowarc.NewUnmarshaler(
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
		gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithBlockErrorPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore),
	)
	n := 0
	failures := 0
	for {
		if ctx.Err() != nil {
			return false
		}
		n++
		rec, val, err := unmarshalSafe(u, br)
		if errors.Is(err, errWARCPanic) {
			return send(Item{Err: &Error{Name: fmt.Sprintf("%s#record-%d", name, n), Err: err}})
		}
		if err == nil && val != nil {
			// The spec policy is lenient (crawlers' files bend the spec),
			// so a record cut short shows up as a validation error about
			// its end marker; that one is fatal for the record.
			for _, verr := range *val {
				if m := verr.Error(); strings.Contains(m, "end of record") {
					err = fmt.Errorf("truncated WARC record: %s", m)
					break
				}
			}
		}
		if errors.Is(err, io.EOF) && rec == nil {
			return true
		}
		rname := fmt.Sprintf("%s#record-%d", name, n)
		if rec != nil {
			if id := rec.RecordId(); id != "" {
				rname = name + "#" + id
			}
		}
		if err != nil {
			if rec != nil {
				rec.Close()
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("truncated WARC record: %w", err)
			}
			if !send(Item{Err: &Error{Name: rname, Err: err}}) {
				return false
			}
			// After a truncation there is nothing more to read; after other
			// damage the unmarshaler resynchronises on the next record, but a
			// stream that keeps failing is abandoned rather than looped on.
			failures++
			if _, perr := br.Peek(1); perr != nil || failures >= 10 {
				return true
			}
			continue
		}
		failures = 0
		item, ok := warcItem(rname, rec)
		rec.Close()
		if ok && !send(item) {
			return false
		}
	}
}

// warcItem turns one WARC record into an Item, or reports false for a
// record that carries no article.
func warcItem(name string, rec gowarc.WarcRecord) (Item, bool) {
	if rec.Type() != gowarc.Response && rec.Type() != gowarc.Resource {
		return Item{}, false
	}
	h := rec.WarcHeader()
	target := h.Get(gowarc.WarcTargetURI)
	var payload io.Reader
	var ctype, encoding string
	switch b := rec.Block().(type) {
	case gowarc.HttpResponseBlock:
		if code := b.HttpStatusCode(); code < 200 || code > 299 {
			return Item{}, false
		}
		hh := b.HttpHeader()
		if hh != nil {
			ctype = hh.Get("Content-Type")
			encoding = hh.Get("Content-Encoding")
		}
		p, err := b.PayloadBytes()
		if err != nil {
			return Item{Err: &Error{Name: name, Err: err}}, true
		}
		payload = p
	default:
		if rec.Type() != gowarc.Resource {
			return Item{}, false // a response without an HTTP block: not an article
		}
		ctype = h.Get(gowarc.ContentType)
		p, err := b.RawBytes()
		if err != nil {
			return Item{Err: &Error{Name: name, Err: err}}, true
		}
		payload = p
	}
	mt, params, _ := mime.ParseMediaType(ctype)
	format := FormatUnknown
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml":
		format = FormatHTML
	case mt == "text/plain":
		format = FormatText
	case mt == "" || mt == "application/octet-stream":
	default:
		return Item{}, false // images, scripts, feeds: not articles
	}
	if strings.EqualFold(encoding, "gzip") {
		zr, err := gzip.NewReader(payload)
		if err != nil {
			return Item{Err: &Error{Name: name, Err: fmt.Errorf("gzip payload: %w", err)}}, true
		}
		defer zr.Close()
		payload = zr
	}
	data, err := io.ReadAll(io.LimitReader(payload, MaxRecordBytes+1))
	if err != nil {
		return Item{Err: &Error{Name: name, Err: fmt.Errorf("payload: %w", err)}}, true
	}
	if len(data) > MaxRecordBytes {
		return Item{Err: &Error{Name: name, Err: fmt.Errorf("%w: over %d MiB", ErrTooLarge, MaxRecordBytes>>20)}}, true
	}
	if format == FormatUnknown {
		format = Sniff(target, data)
	}
	return Item{Record: Record{Name: name, URL: target, Format: format, Content: data, Charset: params["charset"]}}, true
}

var errWARCPanic = errors.New("malformed WARC record (parser failure)")

// unmarshalSafe calls the WARC parser, turning a panic on hostile input
// (gowarc v2.2.4 indexes out of range on a version line without CR, found
// by FuzzWARC) into an error; the stream is abandoned after one.
func unmarshalSafe(u gowarc.Unmarshaler, br *bufio.Reader) (rec gowarc.WarcRecord, val *gowarc.Validation, err error) {
	defer func() {
		if r := recover(); r != nil {
			rec, val, err = nil, nil, fmt.Errorf("%w: %v", errWARCPanic, r)
		}
	}()
	rec, _, val, err = u.Unmarshal(br)
	return rec, val, err
}
