package geo

import (
	"net/url"
	"strings"

	"github.com/newslens/newslens/gazetteer"
)

// outlet is what the article's address says about where it is from. A
// local paper is named after its town ("richmondregister.com",
// "theparisnews.com", "columbustelegram.com"): when the article names
// that town, it means the paper's own Richmond or Paris, whichever the
// rest of the document points to, not the largest or most famous one.
// A country-code domain (".ca", ".co.uk") says the outlet's country.
type outlet struct {
	key     string  // folded name of the town in the domain, "" if none
	cands   []int32 // its populated-place candidates
	country string  // ISO code from a country-code domain, "" if none
	// local: the domain's country settles which town it is, and cands
	// holds only the towns of that country.
	local bool
}

// outletWords are words of newspaper names that are also place names or
// prefixes of one ("Times", "Star", "Register"): never a home town.
var outletWords = map[string]bool{
	"times": true, "daily": true, "news": true, "herald": true, "post": true, "press": true, "journal": true,
	"tribune": true, "star": true, "sun": true, "record": true, "register": true, "gazette": true, "courier": true,
	"observer": true, "review": true, "online": true, "local": true, "courant": true, "leader": true,
	"telegram": true, "citizen": true, "chronicle": true, "sentinel": true, "examiner": true, "bulletin": true,
	"reporter": true, "dispatch": true, "standard": true, "mirror": true, "express": true, "guardian": true,
	"independent": true, "enquirer": true, "advocate": true, "democrat": true, "republican": true,
	"inquirer": true, "monitor": true, "today": true, "weekly": true, "globe": true, "union": true,
	"eagle": true, "world": true, "nation": true, "national": true, "global": true, "metro": true,
	"mail": true, "media": true, "radio": true, "channel": true, "north": true, "south": true, "east": true,
	"west": true, "central": true, "coast": true, "valley": true, "county": true, "city": true, "state": true,
	"beacon": true, "live": true, "newspaper": true, "newspapers": true, "mercury": true, "bee": true,
	"blade": true, "item": true, "ledger": true, "telegraph": true, "argus": true, "intelligencer": true,
	"messenger": true, "recorder": true, "progress": true, "banner": true, "signal": true, "clarion": true,
	"statesman": true, "patriot": true, "pilot": true, "palladium": true, "gleaner": true, "hub": true,
	"voice": true, "scene": true, "magazine": true, "mag": true, "now": true, "free": true, "tv": true,
	"fm": true, "am": true, "life": true, "sport": true, "sports": true, "business": true, "weather": true,
	"wire": true, "report": true, "reports": true, "info": true, "insider": true, "patch": true,
}

// secondLevel are the generic labels under a country code (".co.uk").
var secondLevel = map[string]bool{"co": true, "com": true, "org": true, "net": true, "ac": true, "gov": true, "news": true}

// sections are host labels that name a part of a site, not the site.
var sections = map[string]bool{"m": true, "mobile": true, "amp": true, "blogs": true, "blog": true, "edition": true,
	"en": true, "english": true, "www2": true, "web": true, "beta": true}

// vanityTLDs are country codes sold as generic endings.
var vanityTLDs = map[string]bool{"co": true, "io": true, "tv": true, "me": true, "fm": true, "ly": true,
	"ai": true, "am": true, "cc": true, "ws": true, "to": true, "is": true, "it": false, "nu": true, "gg": true}

// outletOf reads the outlet's home town and country from the article's
// URL (or, failing that, its outlet when that is a host name).
func outletOf(g *gazetteer.Gazetteer, rawURL, site string) outlet {
	host := ""
	if u, err := url.Parse(strings.TrimSpace(rawURL)); err == nil && u.Host != "" {
		host = u.Hostname()
	} else if strings.Contains(site, ".") && !strings.ContainsAny(site, " /") {
		host = site
	}
	host = strings.ToLower(strings.TrimPrefix(strings.ToLower(host), "www."))
	labels := strings.Split(host, ".")
	if len(host) == 0 || len(host) > 253 || len(labels) < 2 {
		return outlet{}
	}
	var o outlet
	if tld := labels[len(labels)-1]; len(tld) == 2 && !vanityTLDs[tld] {
		cc := strings.ToUpper(tld)
		if cc == "UK" {
			cc = "GB"
		}
		if _, ok := g.Country(cc); ok {
			o.country = cc
		}
	}
	// The home town starts the site's own label: the first one that is
	// not a section ("chronicle.augusta.com", "m.", "news.") nor part of
	// the public suffix (".com", ".co.uk").
	end := len(labels) - 1
	if end >= 2 && len(labels[end]) == 2 && secondLevel[labels[end-1]] {
		end--
	}
	name := ""
	for _, l := range labels[:end] {
		if !outletWords[l] && !sections[l] {
			name = l
			break
		}
	}
	name = strings.TrimPrefix(strings.SplitN(name, "-", 2)[0], "the")
	for n := min(len(name), 24); n >= 5; n-- {
		prefix, rest := name[:n], name[n:]
		if outletWords[prefix] {
			break
		}
		// The rest of the label must be the paper's title
		// ("richmond|register", "columbus|localnews"), not more of a
		// word ("post|andcourier").
		if rest != "" && !startsWithOutletWord(rest) {
			continue
		}
		var cands []int32
		for _, ci := range g.Lookup(gazetteer.Key(prefix)) {
			p := g.Place(ci)
			if p.Class() == "P" && (p.Population >= 1000 || strings.HasPrefix(p.Feature, "P.PPLA")) && letters(p.Name) == prefix {
				cands = append(cands, ci)
			}
		}
		if len(cands) > 0 {
			o.key, o.cands = gazetteer.Key(prefix), cands
			// A country-code domain says which town of the name it is
			// ("moscowtimes.ru" is not in Idaho).
			if o.country != "" {
				var in []int32
				for _, ci := range cands {
					if g.Place(ci).Country == o.country {
						in = append(in, ci)
					}
				}
				if len(in) > 0 {
					o.cands, o.local = in, true
				}
			}
			break
		}
	}
	return o
}

func startsWithOutletWord(s string) bool {
	for n := 2; n <= len(s) && n <= 13; n++ {
		if outletWords[s[:n]] {
			return true
		}
	}
	return false
}

// letters is a name's ASCII letters, lower-cased: what a domain can spell.
func letters(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}
