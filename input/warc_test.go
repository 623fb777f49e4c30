package input

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// warcRecord renders one WARC/1.1 record.
func warcRecord(typ, id, uri, contentType, block string) string {
	return fmt.Sprintf("WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2021-03-04T05:06:07Z\r\n"+
		"WARC-Target-URI: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", typ, id, uri, contentType, len(block), block)
}

func httpResponse(status, ctype, body string) string {
	return "HTTP/1.1 " + status + "\r\nContent-Type: " + ctype + "\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
}

// buildWARCgz writes each record as its own gzip member, as CC-NEWS does.
func buildWARCgz(t *testing.T, records []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range records {
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(r))
		zw.Close()
	}
	return buf.Bytes()
}

func warcCollect(t *testing.T, name string, data []byte) (recs []Record, errs []error) {
	t.Helper()
	ch := make(chan Item)
	go func() {
		defer close(ch)
		Stream(context.Background(), name, bytes.NewReader(data), func(it Item) bool { ch <- it; return true })
	}()
	for it := range ch {
		if it.Err != nil {
			errs = append(errs, it.Err)
		} else {
			recs = append(recs, it.Record)
		}
	}
	return recs, errs
}

func TestWARCgzTruncatedLastRecord(t *testing.T) {
	html := "<html><head><title>Caf\xe9</title></head><body><p>Caf\xe9 society news.</p></body></html>"
	records := []string{
		warcRecord("warcinfo", "00000000-0000-0000-0000-000000000000", "", "application/warc-fields", "software: test\r\n"),
		warcRecord("request", "00000000-0000-0000-0000-000000000001", "https://a.example/1", "application/http; msgtype=request", "GET /1 HTTP/1.1\r\nHost: a.example\r\n\r\n"),
		warcRecord("response", "00000000-0000-0000-0000-000000000002", "https://a.example/1", "application/http; msgtype=response",
			httpResponse("200 OK", "text/html; charset=ISO-8859-1", html)),
		warcRecord("response", "00000000-0000-0000-0000-000000000003", "https://a.example/logo.png", "application/http; msgtype=response",
			httpResponse("200 OK", "image/png", "\x89PNG....")),
		warcRecord("response", "00000000-0000-0000-0000-000000000004", "https://a.example/moved", "application/http; msgtype=response",
			httpResponse("301 Moved Permanently", "text/html", "")),
		warcRecord("response", "00000000-0000-0000-0000-000000000005", "https://b.example/2", "application/http; msgtype=response",
			httpResponse("200 OK", "text/plain; charset=utf-8", "Plain text article.\n\nSecond paragraph.")),
		warcRecord("resource", "00000000-0000-0000-0000-000000000006", "file:///notes.txt", "text/plain", "A resource record with text."),
	}
	last := warcRecord("response", "00000000-0000-0000-0000-000000000007", "https://c.example/3", "application/http; msgtype=response",
		httpResponse("200 OK", "text/html", "<html><body><p>"+strings.Repeat("cut off ", 200)+"</p></body></html>"))
	whole := buildWARCgz(t, append(records, last))
	cut := buildWARCgz(t, records)
	tail := buildWARCgz(t, []string{last})
	data := append(cut, tail[:len(tail)/2]...)

	for _, tc := range []struct {
		name      string
		data      []byte
		wantErrs  int
		wantFinal string
	}{
		{"crawl.warc.gz", whole, 0, "https://c.example/3"},
		{"crawl-truncated.warc.gz", data, 1, "file:///notes.txt"},
		{"plain.warc", []byte(strings.Join(append(records, last[:len(last)-300]), "")), 1, "file:///notes.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := warcCollect(t, tc.name, tc.data)
			wantN := 3
			if tc.wantErrs == 0 {
				wantN = 4
			}
			if len(recs) != wantN {
				for _, r := range recs {
					t.Logf("record %s", r.Name)
				}
				t.Fatalf("%d records, want %d (errors: %v)", len(recs), wantN, errs)
			}
			if len(errs) != tc.wantErrs {
				t.Fatalf("errors %v, want %d", errs, tc.wantErrs)
			}
			for _, err := range errs {
				var ie *Error
				if !errors.As(err, &ie) || !strings.Contains(ie.Name, tc.name+"#") {
					t.Errorf("error %v does not name the record", err)
				}
				if !strings.Contains(ie.Name, "000000000007") && !strings.Contains(ie.Name, "#record-") {
					t.Errorf("error names %q, want the truncated record", ie.Name)
				}
			}
			r := recs[0]
			if r.URL != "https://a.example/1" || r.Format != FormatHTML || r.Charset != "ISO-8859-1" || !bytes.Equal(r.Content, []byte(html)) {
				t.Errorf("first record = %+v", r)
			}
			if r.Name != tc.name+"#<urn:uuid:00000000-0000-0000-0000-000000000002>" && r.Name != tc.name+"#urn:uuid:00000000-0000-0000-0000-000000000002" {
				t.Errorf("record name %q", r.Name)
			}
			if recs[1].Format != FormatText || recs[1].Charset != "utf-8" {
				t.Errorf("second record = %+v", recs[1])
			}
			if got := recs[len(recs)-1].URL; got != tc.wantFinal {
				t.Errorf("last record URL %q, want %q", got, tc.wantFinal)
			}
		})
	}
}

func FuzzWARC(f *testing.F) {
	f.Add([]byte(warcRecord("response", "1", "https://x/", "application/http; msgtype=response", httpResponse("200 OK", "text/html", "<p>x</p>"))))
	f.Add([]byte("WARC/1.0\r\nContent-Length: 5\r\n\r\nab"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		readWARC(ctx, "fuzz.warc", bytes.NewReader(data), func(it Item) bool {
			if it.Err == nil && len(it.Record.Content) > MaxRecordBytes {
				t.Fatal("record over the cap")
			}
			if it.Err != nil {
				var ie *Error
				if !errors.As(it.Err, &ie) || !strings.HasPrefix(ie.Name, "fuzz.warc#") {
					t.Fatalf("error does not name the record: %v", it.Err)
				}
			}
			return true
		})
	})
}
