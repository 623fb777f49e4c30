package demo

import (
	"strings"
	"testing"
)

func TestRecords(t *testing.T) {
	recs, err := Records()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 50 {
		t.Fatalf("got %d demo articles, want at least 50", len(recs))
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if !strings.HasPrefix(r.URL, "https://en.wikinews.org/wiki/") {
			t.Errorf("%s: URL %q is not a Wikinews page", r.Name, r.URL)
		}
		if seen[r.URL] {
			t.Errorf("%s: URL %q appears twice", r.Name, r.URL)
		}
		seen[r.URL] = true
		if r.Title == "" || len(r.Content) < 100 || r.Outlet != "Wikinews" {
			t.Errorf("%s: incomplete record: title %q, %d bytes, outlet %q", r.Name, r.Title, len(r.Content), r.Outlet)
		}
	}
}
