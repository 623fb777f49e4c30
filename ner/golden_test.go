package ner

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/tag_golden.txt")

// goldenDocs are tagged as documents (the second pass sees the whole
// document), covering headlines in capitals, parentheses, gazetteer
// names, non-ASCII words and repeated names.
var goldenDocs = [][]string{
	{
		"Peter Blackburn said the European Commission would meet in Brussels on Monday .",
		"German Chancellor Helmut Kohl told Reuters that the Bundesbank was wrong .",
		"Blackburn later said Kohl was right .",
	},
	{
		"SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT .",
		"Nadim Ladki",
		"AL-AIN , United Arab Emirates 1996-12-06",
		"Japan began the defence of their Asian Cup title with a lucky 2-1 win against Syria .",
	},
	{
		"Jordan said on Tuesday that Jordan would not attend the talks in Amman .",
		"The World Health Organization ( WHO ) reported 12 cases in São Paulo and Zürich .",
		"“ We will fight , ” said Bashar al-Assad , the president of Syria , in Damascus .",
	},
}

// renderTags formats a model's output on goldenDocs exactly (spans,
// types and confidences to full precision).
func renderTags(m *Model) string {
	var b strings.Builder
	for di, doc := range goldenDocs {
		sents := make([][]string, len(doc))
		for i, s := range doc {
			sents[i] = strings.Fields(s)
		}
		for si, spans := range m.TagDoc(sents) {
			for _, s := range spans {
				fmt.Fprintf(&b, "%d\t%d\t%d\t%d\t%s\t%q\t%v\n", di, si, s.Start, s.End, s.Type,
					strings.Join(sents[si][s.Start:s.End], " "), s.Confidence)
			}
		}
	}
	return b.String()
}

// TestTagGolden pins the tagger's exact output, so speed work cannot
// change what it returns.
func TestTagGolden(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	got := renderTags(m)
	path := filepath.Join("testdata", "tag_golden.txt")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run with -update to create it)", path, err)
	}
	if got != string(want) {
		t.Errorf("tag output differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
	if strings.Count(got, "\n") < 15 {
		t.Errorf("only %d spans in the golden output", strings.Count(got, "\n"))
	}
	// tagging concurrently with a shared model gives the same output
	done := make(chan string, 4)
	for range 4 {
		go func() { done <- renderTags(m) }()
	}
	for range 4 {
		if s := <-done; s != got {
			t.Errorf("concurrent tagging differs:\n%s", s)
		}
	}
}

// TestDumpValid writes every span (with its confidence) the model finds
// in CoNLL-2003 valid to $NER_DUMP, to compare two versions of the tagger
// byte for byte; it is skipped unless NER_DUMP is set.
func TestDumpValid(t *testing.T) {
	out := os.Getenv("NER_DUMP")
	if out == "" {
		t.Skip("NER_DUMP not set")
	}
	docs, err := ReadCoNLLFile(filepath.Join(sharedDir(t), "data/ner/conll2003/valid.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for di, d := range docs {
		sents := make([][]string, len(d.Sentences))
		for i, s := range d.Sentences {
			sents[i] = s.Words
		}
		for si, spans := range m.TagDoc(sents) {
			for _, s := range spans {
				fmt.Fprintf(&b, "%d\t%d\t%d\t%d\t%s\t%v\n", di, si, s.Start, s.End, s.Type, s.Confidence)
			}
		}
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
