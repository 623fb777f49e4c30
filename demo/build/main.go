// Command build rebuilds demo/geovirus.jsonl.gz, the demo corpus of
// `newslens serve --demo`, from the GeoVirus corpus in ../shared/data:
// Wikinews articles (CC BY 2.5) that GeoVirus splits into passages. Passages
// with the same source URL are joined back into one article, in file order.
// Only the raw text, the URL and a title derived from the URL are kept; the
// GeoVirus annotations are not.
//
//	go run ./demo/build [-in ../shared/data/geo/eval/geovirus/GeoVirus.xml] [-out demo/geovirus.jsonl.gz]
package main

import (
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"path"
	"strings"
)

type article struct {
	Source string `xml:"source"`
	Text   string `xml:"text"`
}

type record struct {
	URL     string `json:"url"`
	Title   string `json:"title"`
	Outlet  string `json:"outlet"`
	Text    string `json:"text"`
	License string `json:"license"`
}

func main() {
	in := flag.String("in", "../shared/data/geo/eval/geovirus/GeoVirus.xml", "GeoVirus XML")
	out := flag.String("out", "demo/geovirus.jsonl.gz", "output gzip JSON Lines")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var doc struct {
		Articles []article `xml:"article"`
	}
	if err := xml.NewDecoder(f).Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var recs []*record
	bySource := map[string]*record{}
	for _, a := range doc.Articles {
		text := strings.TrimSpace(a.Text)
		if text == "" {
			continue
		}
		if r, ok := bySource[a.Source]; ok {
			r.Text += "\n\n" + text
			continue
		}
		r := &record{URL: a.Source, Title: titleOf(a.Source), Outlet: "Wikinews", Text: text, License: "CC BY 2.5, Wikinews contributors"}
		bySource[a.Source] = r
		recs = append(recs, r)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	log.Printf("wrote %d articles from %d passages to %s", len(recs), len(doc.Articles), out)
	return nil
}

// titleOf turns a Wikinews URL into its page title.
func titleOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	t, err := url.PathUnescape(path.Base(p.Path))
	if err != nil {
		t = path.Base(p.Path)
	}
	return strings.ReplaceAll(t, "_", " ")
}
