package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestAnalyzeBatchReportsBadInputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"a.txt":      []byte("Floods hit Dhaka\n\nAbout 200 people were evacuated on Monday, officials said."),
		"b.html":     []byte("<html><body><article><h1>Talks</h1><p>The envoy met ministers in Geneva on Sunday to discuss the ceasefire.</p></article></body></html>"),
		"empty.txt":  {},
		"binary.bin": {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3, 0, 0},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, err := runCLI(t, "", "analyze", "--extract-only", dir)
	if err == nil {
		t.Fatal("a batch with bad inputs must exit non-zero")
	}
	for _, bad := range []string{"empty.txt", "binary.bin"} {
		if !strings.Contains(stderr, bad) {
			t.Errorf("stderr does not name %s:\n%s", bad, stderr)
		}
	}
	if !strings.Contains(stderr, "2 analysed, 2 failed") {
		t.Errorf("no summary in stderr:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %d:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		var d struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Text == "" {
			t.Errorf("bad JSON line %q: %v", l, err)
		}
	}
}

func TestAnalyzeStdinJSONAndText(t *testing.T) {
	in := "Markets fall\n\nShares fell 3% in London on Tuesday, traders said."
	stdout, _, err := runCLI(t, in, "analyze", "--extract-only", "--format", "jsonl", "-")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || d.Title != "Markets fall" {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	stdout, _, err = runCLI(t, in, "analyze", "--extract-only", "--format", "text", "-")
	if err != nil || !strings.HasPrefix(stdout, "# Markets fall") {
		t.Fatalf("text report %q: %v", stdout, err)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{{"nonsense"}, {"analyze"}, {"analyze", "--format", "xml", "x"}, {"eval", "nonsense"}}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, _, err := runCLI(t, "", args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want a usage error", err)
			}
		})
	}
}

func TestJSONFirst(t *testing.T) {
	tests := []struct{ in, want string }{
		{"--format plover FILE --json", "--json --format plover FILE"},
		{"--json --data aeb", "--json --data aeb"},
		{"FILE", "FILE"},
		{"", ""},
	}
	for _, tt := range tests {
		got := strings.Join(jsonFirst(strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("jsonFirst(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
