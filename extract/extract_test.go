package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// sharedDir finds ../shared from the module root (two levels up from here).
func sharedDir(t testing.TB, parts ...string) string {
	t.Helper()
	return testenv.Shared(t, parts...)
}

// goldenView is the part of a document the golden files pin: structure,
// embeds and what was removed, with each block's text for readability.
type goldenView struct {
	Title   string           `json:"title"`
	Authors []string         `json:"authors,omitempty"`
	Blocks  []goldenBlock    `json:"blocks"`
	Embeds  []document.Embed `json:"embeds,omitempty"`
	Links   []goldenLink     `json:"links,omitempty"`
	Removed []string         `json:"removed,omitempty"`
	Charset string           `json:"charset,omitempty"`
}

type goldenBlock struct {
	Kind  string `json:"kind"`
	Level int    `json:"level,omitempty"`
	Text  string `json:"text"`
}

type goldenLink struct {
	URL    string `json:"url"`
	Anchor string `json:"anchor"`
}

func viewOf(doc *document.Document) goldenView {
	v := goldenView{Title: doc.Title, Authors: doc.Authors, Embeds: doc.Embeds, Removed: doc.Extraction.Removed, Charset: doc.Extraction.Charset}
	for _, b := range doc.Blocks {
		txt := doc.Slice(b.Span)
		if len(txt) > 80 {
			txt = txt[:strings.LastIndex(txt[:80], " ")] + " …"
		}
		v.Blocks = append(v.Blocks, goldenBlock{Kind: b.Kind, Level: b.Level, Text: txt})
	}
	for _, l := range doc.Links {
		gl := goldenLink{URL: l.URL}
		if l.Span != nil {
			gl.Anchor = doc.Slice(*l.Span)
		}
		v.Links = append(v.Links, gl)
	}
	return v
}

func checkGolden(t *testing.T, name string, doc *document.Document) {
	t.Helper()
	got, err := json.MarshalIndent(viewOf(doc), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file %s (run go test -update and review the diff):\n%s", name, path, got)
	}
}

func extractOne(t testing.TB, rec input.Record) *document.Document {
	t.Helper()
	doc, err := New(Options{}).Extract(context.Background(), rec)
	if err != nil {
		t.Fatalf("%s: %v", rec.Name, err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatalf("%s: %v", rec.Name, err)
	}
	return doc
}

// TestPlainSample checks the running example: page furniture removed, the
// headline and the section headings marked, the video caption an embed.
func TestPlainSample(t *testing.T) {
	path := filepath.Join(sharedDir(t, "samples"), "syria-2017-opinion.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := extractOne(t, input.Record{Name: path, Content: b})
	for _, bad := range []string{"Proletarian writers", "Subscribe to our channel", "Supply routes into Deir Azzor"} {
		if strings.Contains(doc.Text, bad) {
			t.Errorf("body text contains %q", bad)
		}
	}
	titles := doc.BlocksOf(document.BlockTitle)
	if len(titles) != 1 || doc.Slice(titles[0].Span) != "The liberation of Deir Ezzor" || titles[0].Level != 1 {
		t.Errorf("title blocks = %v", titles)
	}
	var heads []string
	for _, h := range doc.BlocksOf(document.BlockHeading) {
		heads = append(heads, doc.Slice(h.Span))
	}
	wantHeads := []string{"Deir Ezzor", "Shambles in Raqqa", "Imperialist retreat", "Hezbollah riding high", "Ankara: a change of heart?"}
	if strings.Join(heads, "|") != strings.Join(wantHeads, "|") {
		t.Errorf("headings = %q, want %q", heads, wantHeads)
	}
	found := false
	for _, e := range doc.Embeds {
		if e.Kind == "video" && e.Caption == "Supply routes into Deir Azzor reopened after liberation by the Syrian army." {
			found = true
		}
	}
	if !found {
		t.Errorf("video caption embed missing: %+v", doc.Embeds)
	}
	if len(doc.BlocksOf(document.BlockStandfirst)) != 1 {
		t.Errorf("want one standfirst, got %v", doc.BlocksOf(document.BlockStandfirst))
	}
	checkGolden(t, "syria-2017-opinion", doc)
}

func TestPlainRules(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		kinds    string // block kinds in order, first letters: t s h p
		embeds   []string
		removed  int
		notInTxt string
	}{
		{
			name:  "plain paragraphs",
			in:    "A headline here\n\nThe first paragraph says something long enough to be a real sentence.\n\nThe second one too, with more words in it.",
			kinds: "tpp",
		},
		{
			name:    "repeated short lines are boilerplate",
			in:      "Headline\n\nMy Site\n\nFirst paragraph, a sentence of the body.\n\nMy Site\n\nSecond paragraph, another sentence.",
			kinds:   "tpp",
			removed: 2, notInTxt: "My Site",
		},
		{
			name:   "labelled photo caption",
			in:     "Headline\n\nBody text of the article goes here.\n\nMore body text follows here.\n\nPhoto: Firefighters at the scene on Monday\n\nMore body text follows here, again.",
			kinds:  "tppp",
			embeds: []string{"image:Firefighters at the scene on Monday"},
		},
		{
			name:  "heading needs a paragraph after it",
			in:    "Headline\n\nBody text of the article goes here, a sentence.\n\nA short closing line",
			kinds: "tpp",
		},
		{
			name:  "short sentence is not a heading",
			in:    "Headline\n\nBody text of the article goes here, a sentence.\n\nThat was it.\n\nMore body text of the article follows here.",
			kinds: "tppp",
		},
		{
			name:  "section heading",
			in:    "Headline\n\nBody text of the article goes here, a sentence.\n\nThe aftermath\n\nMore body text of the article follows here.",
			kinds: "tphp",
		},
		{
			name:    "share and cookie lines",
			in:      "Headline\n\nShare this article\n\nBody text of the article goes here, a sentence.\n\nWe use cookies to improve your experience",
			kinds:   "tp",
			removed: 2,
		},
		{
			name:    "byline",
			in:      "Headline\n\nBy Jane Doe and John Roe\n\nBody text of the article goes here, a sentence.",
			kinds:   "tp",
			removed: 1,
		},
		{
			name:   "standfirst separated by lead media",
			in:     "Headline\n\nThe dek sums the story up in one sentence.\n\nVideo: The scene on Monday\n\nThe body starts here with its first paragraph.",
			kinds:  "tsp",
			embeds: []string{"video:The scene on Monday"},
		},
		{
			name:  "undotted dek",
			in:    "Headline\n\nWhy the valley floods every winter, and who pays for it\n\nThe body starts here with its first paragraph.",
			kinds: "tsp",
		},
		{
			name:    "caption inside a boilerplate run",
			in:      "Headline\n\nBody text of the article goes here, a sentence.\n\nSite TV\n\nSubscribe to our channel\n\nA village after the flood\n\nSite TV\n\nSubscribe to our channel\n\nMore body text of the article follows here.",
			kinds:   "tsp",
			embeds:  []string{"video:A village after the flood"},
			removed: 4,
		},
		{
			name:  "hard-wrapped paragraph",
			in:    "Headline\n\nThis paragraph was wrapped at a fixed width by\nsomeone's editor, and goes on here.",
			kinds: "tp",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := extractOne(t, input.Record{Name: tt.name, Format: input.FormatText, Content: []byte(tt.in)})
			var kinds strings.Builder
			for _, b := range doc.Blocks {
				kinds.WriteByte(b.Kind[0])
			}
			if kinds.String() != tt.kinds {
				t.Errorf("block kinds %q, want %q", kinds.String(), tt.kinds)
			}
			var embeds []string
			for _, e := range doc.Embeds {
				embeds = append(embeds, e.Kind+":"+e.Caption)
			}
			if strings.Join(embeds, "|") != strings.Join(tt.embeds, "|") {
				t.Errorf("embeds %q, want %q", embeds, tt.embeds)
			}
			if len(doc.Extraction.Removed) != tt.removed {
				t.Errorf("removed %q, want %d lines", doc.Extraction.Removed, tt.removed)
			}
			if tt.notInTxt != "" && strings.Contains(doc.Text, tt.notInTxt) {
				t.Errorf("text contains %q", tt.notInTxt)
			}
		})
	}
}

// articleHTML is a small page with every structure the HTML path keeps.
const articleHTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Floods close the valley road | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Floods close the valley road</h1>
<p>Heavy rain on Monday closed the only road into the valley, officials said, leaving <a href="https://example.org/towns">three towns</a> cut off for the second time this winter.</p>
<figure><img src="/img/road.jpg" alt="road"><figcaption>The road near the bridge on Monday.</figcaption></figure>
<p>Rescue teams reached the first town by boat in the afternoon and began moving elderly residents to a school on higher ground, where the council had prepared beds.</p>
<h2>Warnings ignored</h2>
<p>Engineers had warned in 2021 that the embankment could fail during a long storm, according to a report seen by this newspaper, but repairs were postponed twice.</p>
<blockquote><p>We told them this would happen, and it happened exactly as we said.</p></blockquote>
<ul><li>Three towns cut off</li><li>Two hundred people moved</li></ul>
<p>The council said on Tuesday that it would publish the report and review its maintenance budget before the end of the month, once the water level drops.</p>
</article>
<footer>Copyright Example News</footer>
</body></html>`

func TestHTMLStructure(t *testing.T) {
	doc := extractOne(t, input.Record{Name: "article.html", URL: "https://news.example.com/2024/floods", Content: []byte(articleHTML)})
	checkGolden(t, "article-html", doc)
	if doc.Outlet != "Example News" || len(doc.Authors) != 1 || doc.Authors[0] != "Ana Ruiz" || doc.Published == nil {
		t.Errorf("metadata: outlet %q authors %q published %v", doc.Outlet, doc.Authors, doc.Published)
	}
	if strings.Contains(doc.Text, "The road near the bridge") {
		t.Error("figure caption is in the body text")
	}
	kinds := map[string]int{}
	for _, b := range doc.Blocks {
		kinds[b.Kind]++
	}
	for _, k := range []string{document.BlockTitle, document.BlockHeading, document.BlockQuote, document.BlockList, document.BlockParagraph} {
		if kinds[k] == 0 {
			t.Errorf("no %s block: %v", k, kinds)
		}
	}
	if len(doc.Embeds) != 1 || doc.Embeds[0].Caption != "The road near the bridge on Monday." || doc.Embeds[0].URL != "https://news.example.com/img/road.jpg" {
		t.Errorf("embeds = %+v", doc.Embeds)
	}
	if len(doc.Links) != 1 || doc.Links[0].Span == nil || doc.Slice(*doc.Links[0].Span) != "three towns" {
		t.Errorf("links = %+v", doc.Links)
	}
}

// TestPlainOnCleanBodies is a held-out check of over-removal: the AEB
// ground-truth bodies are clean article text, so almost nothing in them
// should be removed as boilerplate or moved out as a caption. (Measured:
// 1.5 % of the characters, mostly a shopping widget's repeated lines that
// the annotators kept.)
func TestPlainOnCleanBodies(t *testing.T) {
	pages, err := eval.LoadAEB(sharedDir(t, "data", "extraction", "aeb"))
	if err != nil {
		t.Fatal(err)
	}
	var total, lost int
	for _, p := range pages {
		doc, err := Plain(input.Record{Name: p.ID, Content: []byte(p.Truth)})
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		total += len(p.Truth)
		for _, r := range doc.Extraction.Removed {
			lost += len(r)
		}
		for _, e := range doc.Embeds {
			lost += len(e.Caption)
		}
	}
	share := float64(lost) / float64(total)
	t.Logf("%d bodies: %.2f%% of the characters removed or taken as captions", len(pages), 100*share)
	if share > 0.02 {
		t.Errorf("%.2f%% of clean article text removed, want at most 2%%", 100*share)
	}
}
