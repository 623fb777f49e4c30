package server

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/newslens/newslens/document"
)

// FuzzRenderPanel feeds hostile annotation text, labels and ids to the side
// panel: the HTML must parse into only the panel's own elements, with no
// event handler attributes and links that stay on the site.
func FuzzRenderPanel(f *testing.F) {
	f.Add("Bashar al-Assad", "PER", "per:bashar-al-assad", "170794")
	f.Add(`<script>alert(1)</script>`, `" onmouseover="alert(2)`, `javascript:alert(3)`, `//evil.example/x`)
	f.Add("é\"<>&'\x00", "a&b", "x y/z?q=1#f", "1e3")
	f.Fuzz(func(t *testing.T, text, label, entityID, place string) {
		if !utf8.ValidString(text+label+entityID+place) || len(text) > 500 {
			return
		}
		doc := &document.Document{Text: text + " " + text}
		sp := document.Span{Start: 0, End: len(text)}
		for _, a := range []document.Annotation{
			{Kind: "entity", Span: sp, Label: label, Attrs: map[string]any{"entity_id": entityID}},
			{Kind: "place", Span: sp, Attrs: map[string]any{"geonameid": place, "country": label}},
			{Kind: "technique", Span: sp, Label: label, Confidence: 0.5},
			{Kind: label, Span: sp, Label: label},
		} {
			if _, err := doc.Add(a); err != nil {
				return
			}
		}
		out := string(renderPanel(panelOf(doc)))
		allowed := map[string]bool{"section": true, "h3": true, "span": true, "ol": true, "li": true, "a": true}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken {
				continue
			}
			tok := z.Token()
			if !allowed[tok.Data] {
				t.Fatalf("unexpected element <%s> in %s", tok.Data, out)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("event handler attribute %s in %s", a.Key, out)
				}
				if a.Key == "href" {
					u, err := url.Parse(a.Val)
					if err != nil || u.Scheme != "" || u.Host != "" || !(strings.HasPrefix(a.Val, "#") || strings.HasPrefix(a.Val, "/")) {
						t.Fatalf("link leaves the site: %q in %s", a.Val, out)
					}
				}
			}
		}
	})
}

// FuzzParseSearch checks that any query string parses or fails cleanly,
// and that an accepted portrayal filter has an entity and a label.
func FuzzParseSearch(f *testing.F) {
	f.Add("q=assad&portrayal=per:bashar-al-assad:negative&event=CONSULT")
	f.Add("portrayal=:negative&by=week&limit=5")
	f.Add("portrayal=x&date=2017-13")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := parseSearch(q)
		if err != nil {
			return
		}
		if p := req.Portrayal; p != "" {
			i := strings.LastIndexByte(p, ':')
			if i <= 0 {
				t.Fatalf("accepted portrayal %q", p)
			}
			switch p[i+1:] {
			case "negative", "neutral", "positive":
			default:
				t.Fatalf("accepted portrayal label in %q", p)
			}
		}
	})
}
