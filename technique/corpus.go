package technique

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/text"
)

// Article is a PTC article with its gold labels converted from code points
// to byte spans of its text.
type Article struct {
	ID  string
	Doc *document.Document
	// SI are the gold span-identification spans, TC the gold technique
	// instances (a span may carry several techniques, one instance each).
	SI  []document.Span
	TC  []Labeled
	off *document.Offsets
}

// Labeled is a span with its technique.
type Labeled struct {
	document.Span
	Technique string
}

// NewArticle segments text and indexes its offsets.
func NewArticle(id, txt string) *Article {
	doc := &document.Document{ID: id, Text: txt}
	text.Segment(doc)
	return &Article{ID: id, Doc: doc, off: document.NewOffsets(txt)}
}

// ToRunes converts a byte span of the article to PTC's code point offsets.
func (a *Article) ToRunes(s document.Span) (int, int) { return a.off.SpanToRunes(s) }

// FromRunes converts PTC code point offsets to a byte span.
func (a *Article) FromRunes(start, end int) document.Span {
	return document.Span{Start: a.off.RuneToByte(start), End: a.off.RuneToByte(end)}
}

// LoadArticles reads every article<id>.txt of dir.
func LoadArticles(dir string) ([]*Article, error) {
	files, err := filepath.Glob(filepath.Join(dir, "article*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no article*.txt files", dir)
	}
	sort.Strings(files)
	out := make([]*Article, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "article"), ".txt")
		out = append(out, NewArticle(id, string(b)))
	}
	return out, nil
}

// AttachLabels converts labels (code points) into each article's byte spans:
// lines with a technique go to TC and every distinct span to SI.
func AttachLabels(arts []*Article, labels []eval.TechSpan) error {
	by := map[string]*Article{}
	for _, a := range arts {
		by[a.ID] = a
	}
	seen := map[string]map[document.Span]bool{}
	for _, l := range labels {
		a := by[l.Article]
		if a == nil {
			return fmt.Errorf("labels name article %s, which is not in the articles", l.Article)
		}
		sp := a.FromRunes(l.Start, l.End)
		if seen[a.ID] == nil {
			seen[a.ID] = map[document.Span]bool{}
		}
		if !seen[a.ID][sp] {
			seen[a.ID][sp] = true
			a.SI = append(a.SI, sp)
		}
		if l.Technique != "" {
			a.TC = append(a.TC, Labeled{Span: sp, Technique: l.Technique})
		}
	}
	return nil
}

// LoadPTC reads the PTC train split of dir (…/propaganda/ptc): articles and
// their TC labels (which hold every SI span too).
func LoadPTC(dir string) ([]*Article, error) {
	arts, err := LoadArticles(filepath.Join(dir, "train-articles"))
	if err != nil {
		return nil, err
	}
	labels, err := eval.ReadTechSpansPath(filepath.Join(dir, "train-task2-TC.labels"))
	if err != nil {
		return nil, err
	}
	if err := AttachLabels(arts, labels); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return arts, nil
}

// Techniques lists the 14 PTC technique labels in the organisers' order.
var Techniques = []string{
	"Appeal_to_Authority",
	"Appeal_to_fear-prejudice",
	"Bandwagon,Reductio_ad_hitlerum",
	"Black-and-White_Fallacy",
	"Causal_Oversimplification",
	"Doubt",
	"Exaggeration,Minimisation",
	"Flag-Waving",
	"Loaded_Language",
	"Name_Calling,Labeling",
	"Repetition",
	"Slogans",
	"Thought-terminating_Cliches",
	"Whataboutism,Straw_Men,Red_Herring",
}

func techniqueIndex(t string) int {
	for i, x := range Techniques {
		if x == t {
			return i
		}
	}
	return -1
}
