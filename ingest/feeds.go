package ingest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newslens/newslens/input"
)

// Link is an article URL found in a feed or sitemap, with what the source
// says about it.
type Link struct {
	URL       string
	Title     string
	Published *time.Time
	Authors   []string
}

// SourceKind classifies a fetched or local document.
type SourceKind int

// Source kinds.
const (
	KindArticle SourceKind = iota
	KindFeed               // RSS, Atom or JSON Feed
	KindSitemap            // <urlset>
	KindSitemapIndex
	KindOPML
)

// Sniff classifies data by its first elements, so a feed served as
// text/html or a sitemap named .txt is still recognised.
func Sniff(contentType string, data []byte) SourceKind {
	head := data
	if len(head) > 2048 {
		head = head[:2048]
	}
	h := bytes.ToLower(head)
	switch {
	case bytes.Contains(h, []byte("<urlset")):
		return KindSitemap
	case bytes.Contains(h, []byte("<sitemapindex")):
		return KindSitemapIndex
	case bytes.Contains(h, []byte("<opml")):
		return KindOPML
	case bytes.Contains(h, []byte("<rss")) || bytes.Contains(h, []byte("<rdf:rdf")) ||
		(bytes.Contains(h, []byte("<feed")) && bytes.Contains(h, []byte("http://www.w3.org/2005/atom"))):
		return KindFeed
	case strings.Contains(contentType, "json") && bytes.Contains(h, []byte("jsonfeed.org")):
		return KindFeed
	}
	return KindArticle
}

// ParseFeed returns the article links of an RSS, Atom or JSON feed,
// resolved against base.
func ParseFeed(base string, data []byte) ([]Link, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", base, err)
	}
	var out []Link
	for _, it := range feed.Items {
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		if link = resolve(base, link); link == "" {
			continue
		}
		l := Link{URL: link, Title: strings.TrimSpace(it.Title)}
		switch {
		case it.PublishedParsed != nil:
			t := it.PublishedParsed.UTC()
			l.Published = &t
		case it.UpdatedParsed != nil:
			t := it.UpdatedParsed.UTC()
			l.Published = &t
		}
		for _, a := range it.Authors {
			if a != nil && a.Name != "" {
				l.Authors = append(l.Authors, a.Name)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// sitemapXML covers <urlset> (with Google News extensions) and <sitemapindex>.
type sitemapXML struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    struct {
			Title   string `xml:"title"`
			PubDate string `xml:"publication_date"`
		} `xml:"news"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// ParseSitemap returns the article links of a <urlset> and the nested
// sitemaps of a <sitemapindex>.
func ParseSitemap(base string, data []byte) (links []Link, sitemaps []string, err error) {
	var sm sitemapXML
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	if err := dec.Decode(&sm); err != nil {
		return nil, nil, fmt.Errorf("sitemap %s: %w", base, err)
	}
	for _, u := range sm.URLs {
		loc := resolve(base, strings.TrimSpace(u.Loc))
		if loc == "" {
			continue
		}
		l := Link{URL: loc, Title: strings.TrimSpace(u.News.Title)}
		for _, d := range []string{u.News.PubDate, u.LastMod} {
			if t, ok := input.ParseTime(d); ok {
				l.Published = &t
				break
			}
		}
		links = append(links, l)
	}
	for _, s := range sm.Sitemaps {
		if loc := resolve(base, strings.TrimSpace(s.Loc)); loc != "" {
			sitemaps = append(sitemaps, loc)
		}
	}
	return links, sitemaps, nil
}

// ParseOPML returns the feed URLs (xmlUrl attributes) of an OPML file, at
// any depth of nesting.
func ParseOPML(data []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var out []string
	for {
		tok, err := dec.Token()
		if err != nil {
			if len(out) > 0 || err.Error() == "EOF" {
				break
			}
			return nil, fmt.Errorf("opml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || !strings.EqualFold(se.Name.Local, "outline") {
			continue
		}
		for _, a := range se.Attr {
			if strings.EqualFold(a.Name.Local, "xmlUrl") && strings.TrimSpace(a.Value) != "" {
				out = append(out, strings.TrimSpace(a.Value))
			}
		}
	}
	return out, nil
}

// resolve makes ref absolute against base and keeps only http(s) URLs.
func resolve(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if b, err := url.Parse(base); err == nil && b.Scheme != "" {
		r = b.ResolveReference(r)
	}
	if r.Scheme != "http" && r.Scheme != "https" {
		return ""
	}
	return r.String()
}
