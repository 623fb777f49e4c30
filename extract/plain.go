package extract

import (
	"strings"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

// Plain extracts a plain-text article: the first line is the headline, and
// blank-line-separated blocks are paragraphs.
func Plain(rec input.Record) (*document.Document, error) {
	raw := decodeBytes(rec.Content, rec.Charset, false).text
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\r", "\n")
	var bl builder
	title := ""
	for _, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if title == "" {
			title = line
			bl.add(document.BlockTitle, 1, line)
			continue
		}
		bl.add(document.BlockParagraph, 0, line)
	}
	doc := &document.Document{Title: title, Text: bl.text(), Blocks: bl.blocks}
	doc.Extraction.Source = "text"
	doc.Extraction.Method = "plaintext"
	return doc, nil
}
