package extract

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/newslens/newslens/eval"
)

// TestTrafilaturaPatch checks that the options added to the patched
// go-trafilatura (third_party/go-trafilatura/PATCHES.md) only skip work: a
// precision pass handed the recall pass's metadata, without classifying
// its language, gives the same content tree as one that extracts both
// itself; and the page, which trafilatura must not touch, is left as it was.
func TestTrafilaturaPatch(t *testing.T) {
	if testing.Short() {
		t.Skip("AEB pages in -short mode")
	}
	dir := sharedDir(t, "data", "extraction", "aeb")
	pages, err := eval.LoadAEB(dir)
	if err != nil {
		t.Fatal(err)
	}
	x := New(Options{})
	checked := 0
	for i, p := range pages {
		if i%9 != 0 {
			continue
		}
		root, _, _, err := parseBounded(readAEBPage(t, dir, p.ID))
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		before := render(t, root)
		opts := x.trafOptions(p.URL)
		rp, err := recallPass(root, opts)
		if err != nil || rp.rescued {
			continue
		}
		popts := opts
		popts.Focus = trafilatura.FavorPrecision
		popts.HtmlDateMode = trafilatura.Disabled
		plain, perr := trafilatura.ExtractDocument(root, popts)
		popts.Metadata = &rp.res.Metadata
		popts.SkipLanguageDetection = true
		patched, qerr := trafilatura.ExtractDocument(root, popts)
		if (perr == nil) != (qerr == nil) {
			t.Fatalf("%s: errors differ: %v / %v", p.ID, perr, qerr)
		}
		if perr != nil {
			continue
		}
		if a, b := render(t, plain.ContentNode), render(t, patched.ContentNode); a != b {
			t.Errorf("%s: content differs with the recall metadata:\n%.300s\n---\n%.300s", p.ID, a, b)
		}
		if plain.Metadata.URL != patched.Metadata.URL || plain.Metadata.Title != patched.Metadata.Title {
			t.Errorf("%s: metadata differs: %q %q / %q %q", p.ID, plain.Metadata.URL, plain.Metadata.Title, patched.Metadata.URL, patched.Metadata.Title)
		}
		if patched.Metadata.Language != rp.res.Metadata.Language {
			t.Errorf("%s: language %q, want the recall pass's %q", p.ID, patched.Metadata.Language, rp.res.Metadata.Language)
		}
		if after := render(t, root); after != before {
			t.Errorf("%s: trafilatura changed the parsed page", p.ID)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d pages checked", checked)
	}
}

func render(t *testing.T, n *html.Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := html.Render(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func readAEBPage(t *testing.T, dir, id string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "html", id+".html.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
