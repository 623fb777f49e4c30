// Package report renders an analysed document as a readable terminal report,
// with the annotated spans highlighted.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
)

// Options configures the report.
type Options struct {
	Color bool // ANSI colours for a terminal
}

var colors = map[string]string{
	"entity": "\033[1;34m", "place": "\033[1;32m", "quote": "\033[33m", "citation": "\033[35m",
	"count": "\033[1;31m", "amount": "\033[1;31m", "date": "\033[36m", "technique": "\033[4;31m",
}

// Text writes doc as a report: metadata, the text with annotations marked
// [like this]{kind:label}, then a table of annotations by kind.
func Text(w io.Writer, doc *document.Document, opts Options) error {
	fmt.Fprintf(w, "# %s\n", doc.Title)
	if doc.URL != "" {
		fmt.Fprintf(w, "url: %s\n", doc.URL)
	}
	if doc.Outlet != "" {
		fmt.Fprintf(w, "outlet: %s\n", doc.Outlet)
	}
	if doc.Published != nil {
		fmt.Fprintf(w, "published: %s\n", doc.Published.Format("2006-01-02"))
	}
	fmt.Fprintf(w, "id: %s  extraction: %s/%s  %d bytes, %d sentences, %d annotations\n\n",
		doc.ID, doc.Extraction.Source, doc.Extraction.Method, len(doc.Text), len(doc.Sentences), len(doc.Annotations))

	// Mark the outermost non-overlapping annotations inline; nested ones are
	// listed in the table below.
	anns := append([]document.Annotation(nil), doc.Annotations...)
	sort.SliceStable(anns, func(i, j int) bool {
		if anns[i].Start != anns[j].Start {
			return anns[i].Start < anns[j].Start
		}
		return anns[i].End > anns[j].End
	})
	var b strings.Builder
	pos := 0
	for _, a := range anns {
		if a.Start < pos || a.Kind == "tone" {
			continue
		}
		b.WriteString(doc.Text[pos:a.Start])
		if opts.Color {
			c := colors[a.Kind]
			if c == "" {
				c = "\033[1m"
			}
			fmt.Fprintf(&b, "%s%s\033[0m\033[2m{%s}\033[0m", c, doc.Text[a.Start:a.End], tag(a))
		} else {
			fmt.Fprintf(&b, "[%s]{%s}", doc.Text[a.Start:a.End], tag(a))
		}
		pos = a.End
	}
	b.WriteString(doc.Text[pos:])
	fmt.Fprintln(w, b.String())
	fmt.Fprintln(w)

	byKind := map[string][]document.Annotation{}
	var kinds []string
	for _, a := range doc.Annotations {
		if _, ok := byKind[a.Kind]; !ok {
			kinds = append(kinds, a.Kind)
		}
		byKind[a.Kind] = append(byKind[a.Kind], a)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "## %s (%d)\n", k, len(byKind[k]))
		for _, a := range byKind[k] {
			fmt.Fprintf(w, "  %6d-%-6d %-18s %.2f  %s%s\n", a.Start, a.End, a.Label, a.Confidence, clip(a.Text, 70), attrs(a))
		}
	}
	if len(doc.Entities) > 0 {
		fmt.Fprintf(w, "## entities (%d)\n", len(doc.Entities))
		for _, e := range doc.Entities {
			fmt.Fprintf(w, "  %-4s %-32s %d mentions  %s\n", e.Type, e.Name, len(e.Mentions), strings.Join(e.Aliases, " | "))
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

func tag(a document.Annotation) string {
	if a.Label == "" {
		return a.Kind
	}
	return a.Kind + ":" + a.Label
}

func attrs(a document.Annotation) string {
	if len(a.Attrs) == 0 && len(a.Parts) == 0 {
		return ""
	}
	var parts []string
	for k, v := range a.Attrs {
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	for k, v := range a.Parts {
		parts = append(parts, fmt.Sprintf("%s=[%d,%d)", k, v.Start, v.End))
	}
	sort.Strings(parts)
	return "  {" + clip(strings.Join(parts, " "), 160) + "}"
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	r := []rune(s)
	if n <= 0 {
		return ""
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
