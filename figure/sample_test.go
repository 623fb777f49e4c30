package figure_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/figure"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
)

// TestSampleThroughPipeline runs the running example through extraction,
// segmentation and the analyzer, and checks the figures issue #6 names.
func TestSampleThroughPipeline(t *testing.T) {
	path := filepath.Join(sharedDir(t), "samples", "syria-2017-opinion.txt")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Config{Extractor: extract.New(extract.Options{}), Analyzers: []pipeline.Analyzer{figure.New()}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := p.Process(context.Background(), input.Record{Name: path, Format: input.FormatText, Content: raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	find := func(kind string, ok func(document.Annotation) bool) *document.Annotation {
		for _, a := range doc.Of(kind) {
			if ok(a) {
				return &a
			}
		}
		return nil
	}
	trapped := find("count", func(a document.Annotation) bool { return a.Attrs["value"] == 25000.0 })
	if trapped == nil || trapped.Label != figure.Trapped || trapped.Attrs["object"] != "civilians" || trapped.Attrs["place"] != "Raqqa" {
		t.Errorf("25,000 civilians trapped (Raqqa): got %+v", trapped)
	}
	killed := find("count", func(a document.Annotation) bool { return a.Attrs["value"] == 27.0 })
	if killed == nil || killed.Label != figure.Killed || killed.Attrs["rate"] != "day" {
		t.Errorf("27 killed every day: got %+v", killed)
	}
	for _, c := range doc.Of("count") {
		if strings.Contains(c.Text, "137") {
			t.Errorf("Brigade 137 taken as a count: %+v", c)
		}
	}
	aid := find("amount", func(a document.Annotation) bool { return a.Label == "money" })
	if aid == nil || aid.Attrs["value"] != 2e8 || aid.Attrs["currency"] != "GBP" || aid.Attrs["object"] != "aid money" {
		t.Errorf("£200m aid money: got %+v", aid)
	}
	isos := map[string][]string{}
	for _, d := range doc.Of("date") {
		iso, _ := d.Attrs["iso"].(string)
		isos[iso] = append(isos[iso], d.Text)
	}
	for _, want := range []string{"2017-09-01", "2017-09-02", "2017-08-26", "2017-08-31", "2017-08-17"} {
		if len(isos[want]) == 0 {
			t.Errorf("date %s missing; got %v", want, isos)
		}
	}
	if len(isos["2014"]) != 2 { // "since 2014" and "in 2014"
		t.Errorf("2014: got %v", isos["2014"])
	}
	if !contains(isos["2017-07"], "July") || !contains(isos["2017-08"], "August") {
		t.Errorf("In July / in August not resolved to 2017: %v", isos)
	}
	for _, d := range doc.Of("date") {
		if d.Text == "July" && d.Attrs["anchor"] != "latest_date_in_text" {
			t.Errorf("July: anchor %v", d.Attrs["anchor"])
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
