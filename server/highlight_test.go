package server

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/newslens/newslens/document"
)

// textOf parses rendered HTML and returns its text and the ids of its spans.
func textOf(t testing.TB, s string) (string, []string) {
	n, err := html.Parse(strings.NewReader("<div>" + s + "</div>"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var ids []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.Data != "span" && n.Data != "html" && n.Data != "head" && n.Data != "body" && n.Data != "div" {
			t.Errorf("unexpected element <%s>", n.Data)
		}
		for _, a := range n.Attr {
			if a.Key == "id" {
				ids = append(ids, a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String(), ids
}

func TestRenderHighlighted(t *testing.T) {
	tests := []struct {
		name string
		text string
		anns []document.Annotation
		want []string // substrings of the output
	}{
		{"none", "plain <b>text</b> & more", nil, []string{"plain &lt;b&gt;text&lt;/b&gt; &amp; more"}},
		{"nested", "Bashar al-Assad said", []document.Annotation{
			{Kind: "quote", Span: document.Span{Start: 0, End: 20}, Parts: map[string]document.Span{"source": {Start: 0, End: 15}, "cue": {Start: 16, End: 20}}},
			{Kind: "entity", Label: "PER", Span: document.Span{Start: 0, End: 15}},
		}, []string{`data-layer="quote-source"`, `data-layer="entity-PER"`, `data-layer="quote-cue"`}},
		{"crossing", "abcdefghij", []document.Annotation{
			{Kind: "technique", Label: "Loaded_Language", Span: document.Span{Start: 0, End: 6}, Confidence: 0.5},
			{Kind: "count", Label: "killed", Span: document.Span{Start: 3, End: 9}},
		}, []string{`data-conf="0.500"`, `class="hl k-count"`}},
		{"hostile label", "x y", []document.Annotation{
			{Kind: "entity", Label: `"><script>alert(1)</script>`, Span: document.Span{Start: 0, End: 1}},
		}, []string{`data-layer="entity-___script_alert_1___script_"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &document.Document{Text: tt.text}
			for _, a := range tt.anns {
				if _, err := doc.Add(a); err != nil {
					t.Fatal(err)
				}
			}
			out := string(renderHighlighted(doc, spansOf(doc)))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			got, ids := textOf(t, out)
			if got != tt.text {
				t.Errorf("text %q, want %q", got, tt.text)
			}
			if len(ids) != len(doc.Annotations) {
				t.Errorf("%d anchors for %d annotations: %v", len(ids), len(doc.Annotations), ids)
			}
		})
	}
}

// FuzzRenderHighlighted checks, for arbitrary text and spans, that the
// output is well nested, keeps the text exactly, and has one anchor per
// annotation.
func FuzzRenderHighlighted(f *testing.F) {
	f.Add("The liberation of Deir Ezzor <script>", []byte{0, 10, 4, 20, 18, 28})
	f.Add("é\"<>&'", []byte{0, 2, 1, 3, 0, 7})
	f.Fuzz(func(t *testing.T, text string, spans []byte) {
		if !utf8.ValidString(text) || len(text) > 2000 {
			return
		}
		doc := &document.Document{Text: text}
		kinds := []string{"entity", "place", "quote", "technique", "count"}
		for i := 0; i+1 < len(spans) && i < 40; i += 2 {
			s, e := int(spans[i]), int(spans[i+1])
			if s > e {
				s, e = e, s
			}
			if e > len(text) {
				continue
			}
			a := document.Annotation{Kind: kinds[(i/2)%len(kinds)], Label: "L", Span: document.Span{Start: s, End: e}}
			if a.Kind == "quote" && e-s >= 2 {
				a.Parts = map[string]document.Span{"content": {Start: s, End: s + (e-s)/2}}
			}
			if doc.CheckSpan(a.Span) != nil || (a.Parts != nil && doc.CheckSpan(a.Parts["content"]) != nil) {
				continue
			}
			doc.Add(a)
		}
		out := string(renderHighlighted(doc, spansOf(doc)))
		if strings.Count(out, "<span") != strings.Count(out, "</span>") {
			t.Fatalf("unbalanced spans: %s", out)
		}
		got, ids := textOf(t, out)
		// The HTML parser normalises \r and drops NUL in body text, as browsers
		// do; compare what survives parsing.
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\x00", "").Replace(text)
		if got != want {
			t.Fatalf("text changed:\n got %q\nwant %q\nhtml %s", got, want, out)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("duplicate anchor %s", id)
			}
			seen[id] = true
		}
	})
}
