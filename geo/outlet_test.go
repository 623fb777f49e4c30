package geo

import (
	"context"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/gazetteer"
)

func TestOutletOf(t *testing.T) {
	a := analyzer(t)
	g, _ := a.Gazetteer()
	tests := []struct {
		url, site   string
		town, cc    string // town "" = none
		wantTownIDs []uint32
	}{
		{"http://www.richmondregister.com/local/x.html", "", "Richmond", "", []uint32{4305974, 4781708}},
		{"https://chronicle.augusta.com/stories/2009/03/18/x", "", "Augusta", "", []uint32{4180531}},
		{"http://www.theparisnews.com/x", "", "Paris", "", []uint32{4717560}},
		{"https://winnipeg.ctvnews.ca/x", "", "Winnipeg", "CA", nil},
		{"http://www.postandcourier.com/news/x", "", "", "", nil}, // "Posta" is not the paper's town
		{"https://www.thecourier.co.uk/news/x", "", "", "GB", nil},
		{"https://www.washingtonpost.com/x", "", "Washington", "", nil},
		{"", "belfasttelegraph.co.uk", "Belfast", "GB", nil},
		{"", "The Guardian", "", "", nil},
		{"not a url", "", "", "", nil},
		{"https://www.nola.com/x", "", "", "", nil}, // too short to trust
		{"https://example.tv/x", "", "", "", nil},   // a vanity country code
	}
	for _, tt := range tests {
		o := outletOf(g, tt.url, tt.site)
		if tt.town == "" {
			if o.key != "" {
				t.Errorf("%s %s: town key %q, want none", tt.url, tt.site, o.key)
			}
		} else {
			if o.key == "" || len(o.cands) == 0 || o.key != keyOf(tt.town) {
				t.Errorf("%s %s: town key %q (%d candidates), want %q", tt.url, tt.site, o.key, len(o.cands), tt.town)
			}
			for _, id := range tt.wantTownIDs {
				found := false
				for _, ci := range o.cands {
					found = found || g.Place(ci).GeoNameID == id
				}
				if !found {
					t.Errorf("%s: candidates lack %d", tt.url, id)
				}
			}
		}
		if o.country != tt.cc {
			t.Errorf("%s %s: country %q, want %q", tt.url, tt.site, o.country, tt.cc)
		}
	}
	// A country-code domain settles the town: moscowtimes.ru is Moscow,
	// Russia, not Moscow, Idaho.
	o := outletOf(g, "http://www.moscowtimes.ru/articles/1", "")
	if !o.local || len(o.cands) == 0 {
		t.Fatalf("moscowtimes.ru: %+v", o)
	}
	for _, ci := range o.cands {
		if g.Place(ci).Country != "RU" {
			t.Errorf("moscowtimes.ru: candidate %s in %s", g.Place(ci).Name, g.Place(ci).Country)
		}
	}
}

// TestOutletResolution: the paper's home town name means the town of the
// name that the rest of the article points to, not the famous one.
func TestOutletResolution(t *testing.T) {
	a := analyzer(t)
	txt := "Paris police arrested a man on Main Street. The Lamar County sheriff said he was held in the county jail."
	for _, tt := range []struct {
		url string
		id  uint32
	}{
		{"http://www.theparisnews.com/news/1.html", 4717560}, // Paris, Texas (Lamar County)
		{"", 2988507}, // without the outlet the capital's prior wins
	} {
		doc := &document.Document{Text: txt, URL: tt.url}
		ms, err := a.Mentions(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := a.Gazetteer()
		got := uint32(0)
		for _, m := range ms {
			if doc.Text[m.Start:m.End] == "Paris" && m.Place >= 0 {
				got = g.Place(m.Place).GeoNameID
			}
		}
		if got != tt.id {
			t.Errorf("url %q: Paris resolved to %d, want %d", tt.url, got, tt.id)
		}
	}
}

func keyOf(s string) string { return gazetteer.Key(s) }

// FuzzOutletOf: any address or outlet name, no panic.
func FuzzOutletOf(f *testing.F) {
	for _, s := range []string{"http://www.richmondregister.com/x", "https://a.b.co.uk", "::", "http://[::1]:80/", "theparisnews.com", "http://x.y"} {
		f.Add(s, s)
	}
	a := analyzer(f)
	g, _ := a.Gazetteer()
	f.Fuzz(func(t *testing.T, u, site string) {
		o := outletOf(g, u, site)
		if o.key == "" && len(o.cands) > 0 {
			t.Fatal("candidates without a key")
		}
	})
}
