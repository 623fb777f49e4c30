package input

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func collect(t *testing.T, paths []string, stdin string) (recs []Record, errs []error) {
	t.Helper()
	out := make(chan Item)
	go Read(context.Background(), paths, strings.NewReader(stdin), out)
	for it := range out {
		if it.Err != nil {
			errs = append(errs, it.Err)
			continue
		}
		recs = append(recs, it.Record)
	}
	return recs, errs
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := []byte("<html><body><p>Hello</p></body></html>")
	full := gz(t, []byte("Headline\n\nBody text."))
	tests := []struct {
		name      string
		paths     func() []string
		stdin     string
		wantRecs  []string // record names
		wantFmt   []Format
		wantErrIn []string // substrings of error messages
	}{
		{"text file", func() []string { return []string{write("a.txt", []byte("Title\n\nBody"))} }, "", []string{"a.txt"}, []Format{FormatText}, nil},
		{"html sniffed", func() []string { return []string{write("page", page)} }, "", []string{"page"}, []Format{FormatHTML}, nil},
		{"gzip", func() []string { return []string{write("b.txt.gz", full)} }, "", []string{"b.txt.gz"}, []Format{FormatText}, nil},
		{"truncated gzip", func() []string { return []string{write("c.txt.gz", full[:len(full)-6])} }, "", nil, nil, []string{"c.txt.gz"}},
		{"jsonl", func() []string {
			return []string{write("d.jsonl", []byte(`{"url":"https://x.test/1","html":"<p>hi</p>","published":"2017-09-01"}`+"\n\n"+`{"text":"plain","title":"T"}`+"\n"+`{"nothing":1}`+"\n"+`{bad json`+"\n"))}
		}, "", []string{"d.jsonl:1", "d.jsonl:3"}, []Format{FormatHTML, FormatText}, []string{"d.jsonl:4", "d.jsonl:5"}},
		{"directory sorted, hidden skipped", func() []string {
			sub := filepath.Join(dir, "tree")
			write("tree/z.txt", []byte("z"))
			write("tree/a/b.html", page)
			write("tree/.hidden", []byte("x"))
			return []string{sub}
		}, "", []string{"b.html", "z.txt"}, []Format{FormatHTML, FormatText}, nil},
		{"missing", func() []string { return []string{filepath.Join(dir, "nope.txt")} }, "", nil, nil, []string{"nope.txt"}},
		{"stdin", func() []string { return []string{"-"} }, "Just text from a pipe.", []string{"stdin"}, []Format{FormatText}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := collect(t, tt.paths(), tt.stdin)
			if len(recs) != len(tt.wantRecs) {
				t.Fatalf("got %d records %v (errors %v), want %v", len(recs), recs, errs, tt.wantRecs)
			}
			for i, r := range recs {
				if !strings.HasSuffix(r.Name, tt.wantRecs[i]) || r.Format != tt.wantFmt[i] {
					t.Errorf("record %d = %s (%s), want %s (%s)", i, r.Name, r.Format, tt.wantRecs[i], tt.wantFmt[i])
				}
			}
			if len(errs) != len(tt.wantErrIn) {
				t.Fatalf("errors %v, want %d naming %v", errs, len(tt.wantErrIn), tt.wantErrIn)
			}
			for i, e := range errs {
				if !strings.Contains(e.Error(), tt.wantErrIn[i]) {
					t.Errorf("error %q does not name %q", e, tt.wantErrIn[i])
				}
			}
		})
	}
}

func TestParseJSONRecordMetadata(t *testing.T) {
	r, err := ParseJSONRecord("x:1", []byte(`{"url":"u","text":"t","title":"T","outlet":"O","published":"2017-09-01T10:00:00Z","authors":"Jane Roe"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "T" || r.Outlet != "O" || r.Published == nil || r.Published.Day() != 1 || len(r.Authors) != 1 {
		t.Fatalf("record = %+v", r)
	}
}

func FuzzParseJSONRecord(f *testing.F) {
	f.Add([]byte(`{"url":"u","html":"<p>x</p>","authors":["a","b"]}`))
	f.Add([]byte(`{"text":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseJSONRecord("fuzz", b)
		if err == nil && len(r.Content) == 0 {
			t.Fatal("accepted a record without content")
		}
	})
}
