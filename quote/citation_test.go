package quote

import (
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
	"strings"
	"testing"
)

func TestParseParen(t *testing.T) {
	tests := []struct {
		in                           string
		ok                           bool
		title, outlet, date, authors string
	}{
		{"‘Destruction, not liberation’, RT, 1 September 2017", true, "Destruction, not liberation", "RT", "2017-09-01", ""},
		{"Strategic defeat of Isis in Syria imminent, RT, 2 September 2017", true, "Strategic defeat of Isis in Syria imminent", "RT", "2017-09-02", ""},
		{"Assad is here to stay by Hannah Lucinda Smith and Richard Spencer, The Times, 26 August 2017", true, "Assad is here to stay", "The Times", "2017-08-26", "Hannah Lucinda Smith|Richard Spencer"},
		{"“A title” by Jane Doe, Reuters, 2019-03-04", true, "A title", "Reuters", "2019-03-04", "Jane Doe"},
		{"Some report, The Guardian, March 2016", true, "Some report", "The Guardian", "2016-03", ""},
		{"SAA", false, "", "", "", ""},
		{"including the provision of base camps, the passage of arms", false, "", "", "", ""},
		{"D-WV", false, "", "", "", ""},
	}
	for _, tt := range tests {
		c, ok := parseParen(tt.in)
		if ok != tt.ok {
			t.Errorf("parseParen(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if c.title != tt.title || c.outlet != tt.outlet || c.date != tt.date || strings.Join(c.authors, "|") != tt.authors {
			t.Errorf("parseParen(%q) = title %q outlet %q date %q authors %q", tt.in, c.title, c.outlet, c.date, c.authors)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1 September 2017", "2017-09-01"},
		{"September 1 2017", "2017-09-01"},
		{"Sept. 3, 2016", "2016-09-03"},
		{"2017-08-26", "2017-08-26"},
		{"August 2017", "2017-08"},
		{"26 August", ""},
		{"RT", ""},
		{"32 May 2017", ""},
	}
	for _, tt := range tests {
		got, _ := parseDate(tt.in)
		if got != tt.want {
			t.Errorf("parseDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIbidAndVerbal(t *testing.T) {
	s := "He said so. (‘A title’, RT, 1 September 2017)\n\nMore words. (Ibid)\n\nIt was reported by the Guardian that x. According to Reuters, y. She told RT that z."
	cits := findParenCitations(s)
	if len(cits) != 2 || !cits[1].ibid || cits[1].title != "A title" || cits[1].outlet != "RT" {
		t.Fatalf("paren citations = %+v", cits)
	}
	known := map[string]string{"rt": "RT"}
	var got []string
	for _, c := range verbalCitations(s, tokenize(s), known) {
		got = append(got, c.outlet+"="+s[c.span.Start:c.span.End])
	}
	want := "Guardian=reported by the Guardian|Reuters=According to Reuters|RT=told RT"
	if strings.Join(got, "|") != want {
		t.Errorf("verbal = %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestHostOutlet(t *testing.T) {
	tests := []struct{ url, outlet, domain string }{
		{"https://www.theguardian.com/world/2017/aug/31/x", "Guardian", "theguardian.com"},
		{"https://edition.cnn.com/a", "CNN", "edition.cnn.com"},
		{"https://example.org/a", "example.org", "example.org"},
		{"not a url", "", ""},
	}
	for _, tt := range tests {
		o, d := hostOutlet(tt.url)
		if o != tt.outlet || d != tt.domain {
			t.Errorf("hostOutlet(%q) = %q, %q; want %q, %q", tt.url, o, d, tt.outlet, tt.domain)
		}
	}
}

func tokenize(s string) []document.Token { return text.Tokenize(s) }
