package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/newslens/newslens/input"
)

// TestBadInput: every hostile input gives an error naming it or a valid
// best-effort document, in bounded time.
func TestBadInput(t *testing.T) {
	body := strings.Repeat("<p>Officials said the bridge would reopen next week after repairs to its deck. </p>", 8)
	latin1Page, _ := charmap.ISO8859_1.NewEncoder().String(`<html><head><meta charset="iso-8859-1"><title>Café</title></head><body><article><h1>Le café à Zürich</h1>` + strings.Repeat("<p>Le café était fermé, a déclaré le propriétaire à la presse locale lundi matin.</p>", 6) + `</article></body></html>`)
	cp1252Page, _ := charmap.Windows1252.NewEncoder().String(`<html><body><article>` + strings.Repeat("<p>“Smart quotes” and a price of 5 € — typical of legacy pages, said the editor.</p>", 6) + `</article></body></html>`)
	sjisPage, _ := japanese.ShiftJIS.NewEncoder().String(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body><article>` + strings.Repeat("<p>東京都は月曜日、新しい橋の建設を発表した。工事は来年始まる予定だ。</p>", 10) + `</article></body></html>`)
	deep := "<html><body><article>" + strings.Repeat("<div>", 100_000) + body + strings.Repeat("</div>", 100_000) + "</article></body></html>"

	tests := []struct {
		name    string
		rec     input.Record
		wantErr bool
		contain string // expected in the text of a best-effort document
		charset string
	}{
		{name: "empty", rec: input.Record{Name: "empty.html"}, wantErr: true},
		{name: "binary", rec: input.Record{Name: "image.png", Content: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")}, wantErr: true},
		{name: "invalid utf-8 text", rec: input.Record{Name: "bad.txt", Format: input.FormatText, Content: []byte("Headline\n\nBody \xff\xfe text with bad bytes \xc3\x28 in it.")}, contain: "Body"},
		{name: "invalid utf-8 html", rec: input.Record{Name: "bad.html", Content: []byte("<html><body><article>" + body + "<p>\xff\xfe\xc3\x28 bad bytes</p></article></body></html>")}, contain: "bridge"},
		{name: "windows-1252", rec: input.Record{Name: "cp1252.html", Content: []byte(cp1252Page)}, contain: "“Smart quotes” and a price of 5 €", charset: "windows-1252"},
		{name: "iso-8859-1", rec: input.Record{Name: "latin1.html", Content: []byte(latin1Page)}, contain: "Le café était fermé", charset: "windows-1252"},
		{name: "shift_jis", rec: input.Record{Name: "sjis.html", Content: []byte(sjisPage)}, contain: "東京都は月曜日", charset: "shift_jis"},
		{name: "latin-1 plain text", rec: input.Record{Name: "latin1.txt", Format: input.FormatText, Content: []byte("Caf\xe9 news\n\nThe caf\xe9 was closed on Monday, the owner said.")}, contain: "café was closed"},
		{name: "100,000 nested tags", rec: input.Record{Name: "deep.html", Content: []byte(deep)}, contain: "bridge would reopen"},
		{name: "tags only", rec: input.Record{Name: "tags.html", Content: []byte("<html><body><div></div></body></html>")}, wantErr: true},
	}
	x := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			doc, err := x.Extract(ctx, tt.rec)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got a document with text %q", doc.Text)
				}
				if !strings.Contains(err.Error(), tt.rec.Name) {
					t.Errorf("error %q does not name the input %q", err, tt.rec.Name)
				}
				return
			}
			if err != nil {
				t.Fatalf("want a best-effort document, got %v", err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(doc.Text, tt.contain) {
				t.Errorf("text %q does not contain %q", doc.Text, tt.contain)
			}
			if tt.charset != "" && doc.Extraction.Charset != tt.charset {
				t.Errorf("charset %q, want %q", doc.Extraction.Charset, tt.charset)
			}
		})
	}
}

// TestHugeHTML: a 50 MB page is extracted (truncated to the node limit)
// rather than exhausting memory or time.
func TestHugeHTML(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB page in -short mode")
	}
	var b bytes.Buffer
	b.WriteString("<html><head><title>Huge</title></head><body><article>")
	para := "<p>The committee met again on Thursday to discuss the budget, and members said no decision had been taken on the new hospital wing.</p>\n"
	for b.Len() < 50<<20 {
		b.WriteString(para)
	}
	b.WriteString("</article></body></html>")
	start := time.Now()
	doc, err := New(Options{}).Extract(context.Background(), input.Record{Name: "huge.html", Content: b.Bytes()})
	if err != nil {
		if !strings.Contains(err.Error(), "huge.html") {
			t.Fatalf("error does not name the input: %v", err)
		}
		t.Logf("error (acceptable): %v", err)
	} else {
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc.Text, "hospital wing") {
			t.Error("no text extracted from the huge page")
		}
	}
	t.Logf("50 MB page in %s", time.Since(start))
}

// TestTruncatedGzip: a cut gzip file reaches the caller as an error naming
// it, through input.Read, and never as a silently shortened article.
func TestTruncatedGzip(t *testing.T) {
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte(strings.Repeat("<p>Some article text that compresses well enough.</p>", 2000)))
	zw.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "cut.html.gz")
	if err := os.WriteFile(path, zb.Bytes()[:zb.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	items := make(chan input.Item)
	go input.Read(context.Background(), []string{path}, nil, items)
	var errs, recs int
	for it := range items {
		if it.Err != nil {
			errs++
			if !strings.Contains(it.Err.Error(), "cut.html.gz") {
				t.Errorf("error %q does not name the file", it.Err)
			}
			continue
		}
		recs++
		if _, err := New(Options{}).Extract(context.Background(), it.Record); err != nil && !strings.Contains(err.Error(), "cut.html.gz") {
			t.Errorf("extraction error %q does not name the file", err)
		}
	}
	if errs == 0 {
		t.Errorf("truncated gzip gave %d records and no error", recs)
	}
}
