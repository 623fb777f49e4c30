package extract

import (
	"bytes"
	"context"
	"fmt"
	nurl "net/url"
	"strings"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

// HTML extracts the main content of an HTML page with go-trafilatura.
func (e *Extractor) HTML(ctx context.Context, rec input.Record) (*document.Document, error) {
	opts := trafilatura.Options{EnableFallback: !e.opts.NoFallback, ExcludeComments: true, MaxTreeSize: 200000}
	if rec.URL != "" {
		if u, err := nurl.Parse(rec.URL); err == nil {
			opts.OriginalURL = u
		}
	}
	res, err := trafilatura.Extract(bytes.NewReader(rec.Content), opts)
	if err != nil {
		return nil, fmt.Errorf("html extraction: %w", err)
	}
	var bl builder
	for _, p := range strings.Split(res.ContentText, "\n") {
		bl.add(document.BlockParagraph, 0, p)
	}
	doc := &document.Document{
		URL: res.Metadata.URL, Title: res.Metadata.Title, Text: bl.text(), Blocks: bl.blocks,
		Outlet: res.Metadata.Sitename, Language: res.Metadata.Language,
	}
	if doc.Outlet == "" {
		doc.Outlet = res.Metadata.Hostname
	}
	if res.Metadata.Author != "" {
		doc.Authors = strings.Split(res.Metadata.Author, "; ")
	}
	if !res.Metadata.Date.IsZero() {
		t := res.Metadata.Date.UTC()
		doc.Published = &t
	}
	doc.Extraction.Source = "html"
	doc.Extraction.Method = "trafilatura"
	return doc, nil
}
