package quote

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// citation is a cited publication found in the text.
type citation struct {
	span    document.Span
	label   string // parenthetical, verbal, link
	outlet  string
	domain  string
	url     string
	title   string
	authors []string
	date    string // ISO 8601 (YYYY-MM-DD, or YYYY-MM)
	ibid    bool
	conf    float64
	id      string // annotation ID once added
}

// maxParen bounds the length of a parenthetical examined as a citation.
const maxParen = 600

// findParenCitations finds parenthetical citations: "(Title, Outlet,
// Date)", "(‘Title’ by A and B, Outlet, Date)" and "(Ibid)", which repeats
// the previous citation.
func findParenCitations(s string) []citation {
	var out []citation
	var last *citation
	for i := 0; i < len(s); i++ {
		if s[i] != '(' {
			continue
		}
		j := i + 1
		for j < len(s) && j-i < maxParen && s[j] != ')' && s[j] != '(' && s[j] != '\n' {
			j++
		}
		if j >= len(s) || s[j] != ')' {
			continue
		}
		inner := strings.TrimSpace(s[i+1 : j])
		sp := document.Span{Start: i, End: j + 1}
		low := strings.ToLower(strings.TrimRight(inner, ". "))
		if low == "ibid" || low == "ibidem" || low == "ibid., op. cit" {
			if last != nil {
				c := *last
				c.span, c.ibid, c.conf, c.id = sp, true, 0.9, ""
				out = append(out, c)
			}
			i = j
			continue
		}
		if c, ok := parseParen(inner); ok {
			c.span = sp
			out = append(out, c)
			last = &out[len(out)-1]
			i = j
		}
	}
	// last points into out, which may have grown; nothing keeps it after here.
	return out
}

// parseParen parses the inside of a parenthetical as a citation. It needs
// an outlet followed by a date at the end, and a title before them.
func parseParen(inner string) (citation, bool) {
	var c citation
	rest := inner
	// a quoted title may contain commas: take it whole first
	if r, size := utf8.DecodeRuneInString(rest); isQuoteRune(r) {
		closeR := closing(r)
		k := strings.IndexRune(rest[size:], closeR)
		if k < 0 && r == '"' {
			k = strings.IndexRune(rest[size:], '"')
		}
		if k >= 0 {
			c.title = strings.TrimSpace(rest[size : size+k])
			rest = strings.TrimSpace(rest[size+k+utf8.RuneLen(closeR):])
		}
	}
	parts := splitTrim(rest, ",")
	if len(parts) < 2 {
		return c, false
	}
	date, ok := parseDate(parts[len(parts)-1])
	if !ok {
		return c, false
	}
	outlet := parts[len(parts)-2]
	if !looksLikeName(outlet) || len(outlet) > 80 {
		return c, false
	}
	head := strings.Join(parts[:len(parts)-2], ", ")
	if c.title == "" {
		c.title = head
		head = ""
	}
	// "Title by A and B", or "by A and B" after a quoted title
	if head == "" {
		if k := strings.LastIndex(c.title, " by "); k > 0 && looksLikeName(strings.TrimSpace(c.title[k+4:])) {
			c.authors = splitAuthors(c.title[k+4:])
			c.title = strings.TrimSpace(c.title[:k])
		}
	} else if strings.HasPrefix(head, "by ") {
		c.authors = splitAuthors(head[3:])
	} else if c.title != "" {
		return c, false // text between a quoted title and the outlet we cannot read
	}
	if c.title == "" {
		return c, false
	}
	c.title = strings.Trim(c.title, "‘’“”\"' ")
	c.outlet = outlet
	c.date = date
	c.label = "parenthetical"
	c.conf = 0.9
	return c, true
}

func closing(r rune) rune {
	switch r {
	case '‘':
		return '’'
	case '“':
		return '”'
	case '«':
		return '»'
	case '„':
		return '“'
	}
	return r
}

func splitTrim(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitAuthors(s string) []string {
	s = strings.ReplaceAll(s, " and ", ", ")
	s = strings.ReplaceAll(s, " & ", ", ")
	return splitTrim(s, ",")
}

// looksLikeName reports whether s starts with a capital or a digit and is short.
func looksLikeName(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "the "), "The ")
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && (unicode.IsUpper(r) || unicode.IsDigit(r)) && len(strings.Fields(s)) <= 8
}

var months = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
	"june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// parseDate reads "1 September 2017", "September 1 2017" (the comma is
// split off by the caller, so "September 1, 2017" arrives as two parts and
// is handled by parseParen's fallback), "2017-09-01", "1/9/2017" is
// ambiguous and rejected, and "September 2017"; it returns ISO 8601.
func parseDate(s string) (string, bool) {
	s = strings.TrimRight(strings.TrimSpace(s), ".")
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	num := func(x string) (int, bool) {
		x = strings.TrimRight(x, "stndrh")
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	switch len(f) {
	case 1:
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			y, ok1 := num(s[:4])
			m, ok2 := num(s[5:7])
			d, ok3 := num(s[8:])
			if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 31 && y > 1000 {
				return s, true
			}
		}
	case 2:
		if m, ok := months[strings.ToLower(strings.TrimRight(f[0], "."))]; ok {
			if y, ok := num(f[1]); ok && y > 1000 && y < 3000 {
				return fmt.Sprintf("%04d-%02d", y, m), true
			}
		}
	case 3:
		y, oky := num(f[2])
		if !oky || y < 1000 || y > 3000 || len(f[2]) != 4 {
			return "", false
		}
		if m, ok := months[strings.ToLower(strings.TrimRight(f[1], "."))]; ok {
			if d, ok := num(f[0]); ok && d >= 1 && d <= 31 {
				return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
			}
		}
		if m, ok := months[strings.ToLower(strings.TrimRight(f[0], "."))]; ok {
			if d, ok := num(f[1]); ok && d >= 1 && d <= 31 {
				return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
			}
		}
	}
	return "", false
}

// outlets maps folded outlet names to a canonical name, and domains to
// names. A verbal "according to X" or "told X" is a citation only when X is
// a known outlet or one the article itself cites elsewhere.
var outletNames = map[string]string{}
var outletDomains = map[string]string{}

func init() {
	for _, line := range strings.Split(outletTable, "\n") {
		name, doms, _ := strings.Cut(strings.TrimSpace(line), "|")
		if name == "" {
			continue
		}
		outletNames[foldOutlet(name)] = name
		for _, d := range strings.Fields(doms) {
			outletDomains[d] = name
		}
	}
}

// outletTable lists widely cited outlets: "Name|domains".
const outletTable = `Reuters|reuters.com
Associated Press|apnews.com ap.org
AP|
AFP|afp.com
Agence France-Presse|
RT|rt.com
BBC|bbc.co.uk bbc.com
CNN|cnn.com
Fox News|foxnews.com
MSNBC|msnbc.com
NBC News|nbcnews.com
NBC|
CBS News|cbsnews.com
CBS|
ABC News|abcnews.go.com
NPR|npr.org
Al Jazeera|aljazeera.com aljazeera.net
Guardian|theguardian.com guardian.co.uk
The Times|thetimes.co.uk
Times|
The New York Times|nytimes.com
New York Times|
Washington Post|washingtonpost.com
Wall Street Journal|wsj.com
Financial Times|ft.com
The Independent|independent.co.uk
Independent|
Telegraph|telegraph.co.uk
Daily Telegraph|
Daily Mail|dailymail.co.uk
Mail Online|
Sputnik|sputniknews.com
TASS|tass.com
SANA|sana.sy
Bloomberg|bloomberg.com
Politico|politico.com
The Hill|thehill.com
Breitbart|breitbart.com
Huffington Post|huffpost.com huffingtonpost.com
USA Today|usatoday.com
Le Monde|lemonde.fr
Der Spiegel|spiegel.de
Xinhua|xinhuanet.com news.cn
Haaretz|haaretz.com
Times of Israel|timesofisrael.com
Axios|axios.com
Vox|vox.com
Newsweek|newsweek.com
The Economist|economist.com
Sky News|news.sky.com sky.com
Press TV|presstv.ir presstv.com
Al Arabiya|alarabiya.net
Anadolu Agency|aa.com.tr
Interfax|interfax.ru interfax.com
Off-Guardian|off-guardian.org
The Atlantic|theatlantic.com
The New Yorker|newyorker.com
Los Angeles Times|latimes.com
Chicago Tribune|chicagotribune.com
The Observer|
The Sun|thesun.co.uk
Mirror|mirror.co.uk
Daily Express|express.co.uk
Kyodo|english.kyodonews.net
Yonhap|en.yna.co.kr
Middle East Eye|middleeasteye.net
Der Standard|derstandard.at
Deutsche Welle|dw.com
DW|
France 24|france24.com
Euronews|euronews.com
ITV News|itv.com
Channel 4 News|channel4.com
Radio Free Europe|rferl.org
Voice of America|voanews.com
Syrian Observatory for Human Rights|syriahr.com`

func foldOutlet(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "the ")
	return strings.Join(strings.Fields(s), " ")
}

// hostOutlet names the outlet of a URL: a known domain's name, or the host
// without "www.".
func hostOutlet(raw string) (outlet, domain string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", ""
	}
	host := strings.ToLower(strings.TrimPrefix(u.Hostname(), "www."))
	for h := host; h != ""; {
		if n, ok := outletDomains[h]; ok {
			return n, host
		}
		_, rest, ok := strings.Cut(h, ".")
		if !ok || !strings.Contains(rest, ".") {
			break
		}
		h = rest
	}
	return host, host
}
