package extract

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/text"
)

// fuzzCheck extracts content as fmt and checks the document invariants:
// valid UTF-8 text, every block, embed and link span in bounds and on rune
// boundaries, and blocks in order without overlap.
func fuzzCheck(t *testing.T, format input.Format, content []byte) {
	doc, err := New(Options{}).Extract(context.Background(), input.Record{Name: "fuzz", Format: format, Content: content})
	if err != nil {
		return
	}
	text.Segment(doc)
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(doc.Title) {
		t.Fatalf("title %q is not valid UTF-8", doc.Title)
	}
	for i := 1; i < len(doc.Blocks); i++ {
		if doc.Blocks[i].Start < doc.Blocks[i-1].End {
			t.Fatalf("blocks %d and %d overlap or are out of order", i-1, i)
		}
	}
}

func FuzzPlain(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "syria-2017-opinion.txt")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("Headline\n\nBy Jane Doe\n\nPhoto: A caption\n\nBody text.\n\nSection\n\nMore body text here."))
	f.Add([]byte("\xff\xfe\x00bad\r\n\r\nHeadline\u00a0\n\n\n"))
	f.Add([]byte("x\ny\nz\nx\ny\nz"))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzCheck(t, input.FormatText, b) })
}

func FuzzHTML(f *testing.F) {
	f.Add([]byte(articleHTML))
	f.Add([]byte("<p>a<a href=x> b </a>c<br>d</p><table><tr><td>1<td>2</table><ul><li>x<li><a href=y>y</a></ul>"))
	f.Add([]byte("<figure><img src=a.jpg><figcaption>cap</figcaption></figure><h2> \u00a0</h2><blockquote>q</blockquote>"))
	f.Add([]byte("<meta charset=shift_jis><p>\x93\x8c\x8b\x9e</p>"))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzCheck(t, input.FormatHTML, b) })
}
