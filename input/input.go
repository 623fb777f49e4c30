// Package input reads raw articles from files, directories, gzip files,
// JSON Lines and stdin, and yields them as [Record]s for extraction.
//
// Every input either becomes a record or an error naming it: nothing is
// dropped silently.
package input

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Format is what a record's Content holds.
type Format string

// Formats.
const (
	FormatUnknown Format = ""
	FormatHTML    Format = "html"
	FormatText    Format = "text"
)

// Record is one raw article before extraction.
type Record struct {
	// Name identifies the record for messages: a path, "path:line", a URL,
	// "file.warc.gz#record-id".
	Name    string
	URL     string
	Format  Format
	Content []byte
	// Metadata given by the source (JSONL fields, feed items); extraction
	// prefers it to what it finds in the content.
	Title     string
	Outlet    string
	Published *time.Time
	Authors   []string
	// Charset declared by the transport (HTTP header, WARC), if any.
	Charset string
}

// MaxRecordBytes caps one record's content; larger inputs are an error
// naming the input, not an out-of-memory crash.
const MaxRecordBytes = 64 << 20

// ErrTooLarge is returned for a record over MaxRecordBytes.
var ErrTooLarge = errors.New("input too large")

// Error is a failure to read one input; the batch goes on.
type Error struct {
	Name string
	Err  error
}

func (e *Error) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Item is what Read yields: a record or an error naming a bad input.
type Item struct {
	Record Record
	Err    error
}

// Read walks paths ("-" is stdin) and sends every record or error to out,
// in a deterministic order (directories sorted). It closes out when done.
func Read(ctx context.Context, paths []string, stdin io.Reader, out chan<- Item) {
	defer close(out)
	send := func(it Item) bool {
		select {
		case out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, p := range paths {
		if p == "-" {
			if !readStream(ctx, "stdin", stdin, "", send) {
				return
			}
			continue
		}
		files, err := expand(p)
		if err != nil {
			if !send(Item{Err: &Error{Name: p, Err: err}}) {
				return
			}
			continue
		}
		for _, f := range files {
			if !readFile(ctx, f, send) {
				return
			}
		}
	}
}

func expand(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), ".") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func readFile(ctx context.Context, path string, send func(Item) bool) bool {
	f, err := os.Open(path)
	if err != nil {
		return send(Item{Err: &Error{Name: path, Err: err}})
	}
	defer f.Close()
	return readStream(ctx, path, f, path, send)
}

// Stream reads one already-opened file or stream named name (a path or
// URL; its suffix selects gzip, JSON Lines and WARC handling, as for files)
// and calls yield for each record or error, stopping early when yield
// returns false. Distributed runners (the Beam pipeline) use it on files
// they open themselves.
func Stream(ctx context.Context, name string, r io.Reader, yield func(Item) bool) bool {
	return readStream(ctx, name, r, name, yield)
}

// readStream reads one file or stream, decompressing gzip and splitting
// JSON Lines and WARC into records.
func readStream(ctx context.Context, name string, r io.Reader, path string, send func(Item) bool) bool {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	lower := strings.ToLower(path)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		if isWARC(strings.TrimSuffix(lower, ".gz")) {
			return readWARC(ctx, name, br, send)
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return send(Item{Err: &Error{Name: name, Err: fmt.Errorf("gzip: %w", err)}})
		}
		defer zr.Close()
		return readStream(ctx, name, zr, strings.TrimSuffix(path, filepath.Ext(path)), send)
	}
	if isWARC(lower) || bytes.HasPrefix(head, []byte("WARC/")) {
		return readWARC(ctx, name, br, send)
	}
	if strings.HasSuffix(lower, ".jsonl") || strings.HasSuffix(lower, ".ndjson") || (path == "" && looksJSONL(head)) {
		return readJSONL(ctx, name, br, send)
	}
	data, err := io.ReadAll(io.LimitReader(br, MaxRecordBytes+1))
	if err != nil {
		return send(Item{Err: &Error{Name: name, Err: err}})
	}
	if len(data) > MaxRecordBytes {
		return send(Item{Err: &Error{Name: name, Err: fmt.Errorf("%w: over %d MiB", ErrTooLarge, MaxRecordBytes>>20)}})
	}
	return send(Item{Record: Record{Name: name, Content: data, Format: Sniff(path, data)}})
}

func isWARC(lower string) bool { return strings.HasSuffix(lower, ".warc") }

func looksJSONL(head []byte) bool {
	t := bytes.TrimSpace(head)
	return len(t) > 0 && t[0] == '{'
}

// Sniff guesses whether data is HTML or plain text, from the file name and
// the first bytes.
func Sniff(path string, data []byte) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".xhtml":
		return FormatHTML
	case ".txt", ".text", ".md":
		return FormatText
	}
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	h := strings.ToLower(string(head))
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<div", "<p>", "<article"} {
		if strings.Contains(h, tag) {
			return FormatHTML
		}
	}
	return FormatText
}

// jsonRecord is the JSON Lines input shape.
type jsonRecord struct {
	URL       string          `json:"url"`
	HTML      string          `json:"html"`
	Text      string          `json:"text"`
	Title     string          `json:"title"`
	Published string          `json:"published"`
	Outlet    string          `json:"outlet"`
	Authors   json.RawMessage `json:"authors"`
}

func readJSONL(ctx context.Context, name string, r io.Reader, send func(Item) bool) bool {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), MaxRecordBytes)
	line := 0
	for sc.Scan() {
		line++
		if ctx.Err() != nil {
			return false
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		rname := fmt.Sprintf("%s:%d", name, line)
		rec, err := ParseJSONRecord(rname, b)
		if !send(Item{Record: rec, Err: err}) {
			return false
		}
	}
	if err := sc.Err(); err != nil {
		return send(Item{Err: &Error{Name: fmt.Sprintf("%s:%d", name, line+1), Err: err}})
	}
	return true
}

// ParseJSONRecord decodes one JSON Lines record {url?, html?|text?, title?,
// published?, outlet?, authors?}.
func ParseJSONRecord(name string, b []byte) (Record, error) {
	var jr jsonRecord
	if err := json.Unmarshal(b, &jr); err != nil {
		return Record{}, &Error{Name: name, Err: fmt.Errorf("bad JSON record: %w", err)}
	}
	rec := Record{Name: name, URL: jr.URL, Title: jr.Title, Outlet: jr.Outlet}
	switch {
	case jr.HTML != "":
		rec.Format, rec.Content = FormatHTML, []byte(jr.HTML)
	case jr.Text != "":
		rec.Format, rec.Content = FormatText, []byte(jr.Text)
	default:
		return Record{}, &Error{Name: name, Err: errors.New("record has neither html nor text")}
	}
	if jr.Published != "" {
		if t, ok := ParseTime(jr.Published); ok {
			rec.Published = &t
		}
	}
	if len(jr.Authors) > 0 {
		var list []string
		if json.Unmarshal(jr.Authors, &list) != nil {
			var one string
			if json.Unmarshal(jr.Authors, &one) == nil && one != "" {
				list = []string{one}
			}
		}
		rec.Authors = list
	}
	return rec, nil
}

// ParseTime parses the date formats news metadata uses.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", time.RFC1123Z, time.RFC1123, "January 2, 2006", "2 January 2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
