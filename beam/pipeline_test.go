package nlbeam

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

// warcRecord renders one WARC response record holding an HTTP response.
func warcRecord(url, html string) []byte {
	http := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
	return []byte(fmt.Sprintf("WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%08x-0000-0000-0000-000000000000>\r\n"+
		"WARC-Date: 2017-09-02T10:00:00Z\r\nWARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\n"+
		"Content-Length: %d\r\n\r\n%s\r\n\r\n", len(url), url, len(http), http))
}

func gzipMember(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func page(title, body string) string {
	return "<html><head><title>" + title + "</title></head><body><article><h1>" + title + "</h1><p>" + body +
		"</p><p>" + body + " More text follows here, as news articles have more than one paragraph.</p></article></body></html>"
}

// writeInputs builds a corpus: a WARC.gz of three responses with a corrupt
// member in the middle, a JSONL file and a plain-text file.
func writeInputs(t *testing.T, dir string) {
	t.Helper()
	var warc bytes.Buffer
	warc.Write(gzipMember(warcRecord("https://news.test/a", page("Floods in Dhaka", "About 200 people were evacuated from Dhaka on Monday, officials said."))))
	bad := gzipMember(warcRecord("https://news.test/bad", page("Broken", "This member is corrupt.")))
	bad[len(bad)/2] ^= 0xff
	warc.Write(bad)
	warc.Write(gzipMember(warcRecord("https://news.test/b", page("Talks in Geneva", "“We will not give up,” the envoy told reporters in Geneva on Sunday."))))
	must(t, os.WriteFile(filepath.Join(dir, "crawl.warc.gz"), warc.Bytes(), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "feed.jsonl"), []byte(
		`{"url":"https://news.test/c","text":"Markets fall\n\nShares fell 3% in London on Tuesday, traders said.","outlet":"Test News"}`+"\n"+
			`{"url":"https://news.test/d"}`+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "article.txt"), []byte("Aid arrives\n\nThe UN said £200m of aid money would reach Raqqa by 1 September 2017.\n"), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cliOutput analyses the same inputs the way `newslens analyze` does.
func cliOutput(t *testing.T, paths []string) (docs map[string]string, failed int) {
	t.Helper()
	p, err := newslens.NewPipeline(newslens.Options{})
	must(t, err)
	items := make(chan input.Item)
	go input.Read(context.Background(), paths, nil, items)
	docs = map[string]string{}
	err = p.Run(context.Background(), items, func(r pipeline.Result) error {
		if r.Err != nil {
			failed++
			return nil
		}
		b, err := json.Marshal(r.Doc)
		if err != nil {
			return err
		}
		docs[r.Doc.ID] = string(b)
		return nil
	})
	must(t, err)
	return docs, failed
}

func readShards(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	must(t, err)
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		must(t, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		fh.Close()
	}
	sort.Strings(lines)
	return lines
}

// TestPrismMatchesCLI runs the pipeline on Beam's in-process Prism runner
// and checks it writes exactly the documents the CLI produces for the same
// records, and dead-letters every record the CLI fails.
func TestPrismMatchesCLI(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	writeInputs(t, in)
	want, wantFailed := cliOutput(t, []string{filepath.Join(in, "article.txt"), filepath.Join(in, "crawl.warc.gz"), filepath.Join(in, "feed.jsonl")})
	if len(want) < 3 {
		t.Fatalf("the CLI analysed only %d documents; the test corpus is broken", len(want))
	}

	p, s := beam.NewPipelineWithRoot()
	Build(s, Config{Inputs: []string{filepath.Join(in, "*")}, Output: out, Shards: 3})
	if err := ptest.Run(p); err != nil {
		t.Fatalf("pipeline failed: %v", err)
	}

	got := readShards(t, filepath.Join(out, "documents-*-of-00003.jsonl"))
	if len(got) != len(want) {
		t.Errorf("Beam wrote %d documents, the CLI %d", len(got), len(want))
	}
	for _, line := range got {
		var d struct{ ID string }
		must(t, json.Unmarshal([]byte(line), &d))
		w, ok := want[d.ID]
		if !ok {
			t.Errorf("Beam document %s is not in the CLI output", d.ID)
			continue
		}
		if w != line {
			t.Errorf("document %s differs between Beam and the CLI:\nbeam: %.300s\ncli:  %.300s", d.ID, line, w)
		}
	}
	dead := readShards(t, filepath.Join(out, "deadletters-*.jsonl"))
	// the corrupt WARC member and the JSONL record without content
	if wantFailed < 2 {
		t.Errorf("the CLI failed %d records; the corpus has a corrupt WARC member and a bad JSONL record", wantFailed)
	}
	if !strings.Contains(strings.Join(dead, "\n"), "crawl.warc.gz") {
		t.Errorf("no dead letter names the corrupt WARC member:\n%s", strings.Join(dead, "\n"))
	}
	if len(dead) != wantFailed {
		t.Errorf("dead letters %d, CLI failures %d:\n%s", len(dead), wantFailed, strings.Join(dead, "\n"))
	}
	for _, d := range dead {
		var dl DeadLetter
		must(t, json.Unmarshal([]byte(d), &dl))
		if dl.Input == "" || dl.Reason == "" {
			t.Errorf("dead letter without input or reason: %s", d)
		}
	}
}
