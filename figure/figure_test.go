package figure

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

func TestDump(t *testing.T) {
	p := os.Getenv("FIGDUMP")
	if p == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(p)
	doc := &document.Document{Text: string(b)}
	text.Segment(doc)
	if err := New().Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc.Annotations {
		fmt.Printf("%d\t%s\t%s\t%q\t%v\n", a.Start, a.Kind, a.Label, a.Text, a.Attrs)
	}
}

func TestDebugText(t *testing.T) {
	p := os.Getenv("FIGTEXT")
	if p == "" {
		t.Skip()
	}
	doc := &document.Document{Text: p}
	text.Segment(doc)
	if err := New().Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc.Annotations {
		fmt.Printf("%d\t%s\t%s\t%q\t%v\n", a.Start, a.Kind, a.Label, a.Text, a.Attrs)
	}
}
