package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

// Plain-text articles are usually copied or scraped from a page, so they
// carry the page's furniture as lines of their own: channel names,
// "Subscribe" prompts, share and cookie lines, and the captions of videos
// and images that sat between them. Plain sorts every line into one role,
// by general layout rules (no rule names a site or a word of one article):
//
//   - boilerplate: a short line repeated in the document that does not read
//     as a sentence (repetition is the strongest evidence), or a short line that reads like page furniture
//     (subscribe, share, follow, cookies, newsletter, advertisement...);
//   - caption: a line introduced by "Video:"/"Photo:"-style labels, or a
//     line sandwiched between boilerplate lines (a player or an image with
//     its chrome around it). It becomes an embed, not body text;
//   - title: the first line, when it is short enough to be a headline;
//   - standfirst: the line after the headline when media (a caption)
//     separates it from the body, or when it reads like a dek (no terminal
//     punctuation);
//   - heading: a short line without terminal punctuation, starting with a
//     capital, followed by a body paragraph;
//   - paragraph: everything else.
type plainRole uint8

const (
	rolePara plainRole = iota
	roleBoiler
	roleCaption
	roleTitle
	roleStandfirst
	roleHeading
	roleByline
)

// plainLine is one unit of a plain-text article: a line, or several
// hard-wrapped lines joined.
type plainLine struct {
	text  string
	key   string // folded form, for repetition
	words int
	role  plainRole
	media string // "video" or "image" for captions
}

// Limits of the layout rules.
const (
	maxTitleChars    = 250
	maxHeadingWords  = 10
	maxHeadingChars  = 90
	maxBoilerWords   = 12 // furniture lines are short
	maxRepeatedWords = 15 // longer repeated lines are kept once (pull quotes)
	maxStandfirstWds = 60
)

// Furniture patterns: generic calls to action and site chrome. A line
// matching one is boilerplate only when it is short (see classifyPlain).
var (
	// furnitureStart: lines of up to maxBoilerWords words that open so.
	furnitureStart = regexp.MustCompile(`(?i)^(?:` +
		`(?:please\s+)?(?:subscribe|sign\s+up|sign\s+in|log\s+in|follow\s+us|like\s+us|join\s+(?:us|our)|download\s+(?:our|the\s+app)|get\s+our|support\s+us|donate\s+now)\b` +
		`|(?:read|see|watch|view|show|load)\s+(?:more|also|full|all|next|previous|comments|the\s+full)\b` +
		`|related(?:\s+(?:articles?|stories|posts|content|topics|news|coverage|videos?))?\s*:?$` +
		`|more\s+(?:from|on|stories|news)\b|recommended\b|trending\b|most\s+(?:read|popular|viewed)\b|you\s+may\s+also\s+like` +
		`|advertisement|sponsored\b|promoted\b|skip\s+(?:to|ad)\b|click\s+here|tap\s+here|back\s+to\s+top` +
		`|we\s+use\s+cookies|accept\s+(?:all\s+)?cookies|privacy\s+policy|terms\s+(?:of|and)\s|all\s+rights\s+reserved|copyright\b|©` +
		`)`)
	// furnitureShort: single controls, only as lines of up to 4 words.
	furnitureShort = regexp.MustCompile(`(?i)^(?:share|tweet|email|e-mail|print|comments?|reply|save|follow|like|menu|home|search|close|next|previous|back|advertisement|ad)\b`)
	// furnitureAnywhere: lines of up to maxBoilerWords words that do not
	// end as a sentence and mention these.
	furnitureAnywhere = regexp.MustCompile(`(?i)\b(?:subscribe\s+to|sign\s+up\s+for|newsletter|our\s+channel|on\s+(?:facebook|twitter|instagram|youtube|telegram|whatsapp|tiktok)|cookies?\s+policy|uses\s+cookies)\b`)
)

func isFurniture(l plainLine) bool {
	switch {
	case l.words > maxBoilerWords:
		return false
	case furnitureStart.MatchString(l.text):
		return true
	case l.words <= 4 && furnitureShort.MatchString(l.text):
		return true
	}
	return !strings.HasSuffix(l.text, ".") && furnitureAnywhere.MatchString(l.text)
}

// mediaLabel matches a caption's label: "Video: ...", "Photo: ...",
// "Image credit: ...", "(Photo by ...)" at the end.
var (
	mediaLabelVideo = regexp.MustCompile(`(?i)^(?:video|watch|footage|clip)\s*[:|–—-]\s*\S`)
	mediaLabelImage = regexp.MustCompile(`(?i)^(?:photo|photograph|picture|image|pic|illustration|graphic|map|chart)(?:\s+credit)?\s*[:|–—-]\s*\S|\((?:photo|image|picture|credit)s?\b[^)]*\)\s*$|\b(?:photo|photograph|image)\s*:\s*[^.]{2,60}$`)
	videoHint       = regexp.MustCompile(`(?i)\b(?:video|channel|watch|youtube|vimeo|play|footage|subscribe)\b`)
	bylineRe        = regexp.MustCompile(`^(?i:by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&|,))*\s*$`)
	mediaLabel      = regexp.MustCompile(`(?i)^(?:video|watch|footage|clip|photo|photograph|picture|image|pic|illustration|graphic|map|chart)(?:\s+credit)?\s*[:|–—-]\s*`)
	authorSep       = regexp.MustCompile(`\s*(?:,|\band\b|&)\s*`)
)

// Plain extracts a plain-text article (see plainRole for the rules).
func Plain(rec input.Record) (*document.Document, error) {
	dec := decodeBytes(rec.Content, rec.Charset, false)
	lines := splitPlain(dec.text)
	classifyPlain(lines)

	doc := &document.Document{}
	var bl builder
	for i := range lines {
		l := &lines[i]
		switch l.role {
		case roleBoiler:
			doc.Extraction.Removed = append(doc.Extraction.Removed, l.text)
		case roleCaption:
			doc.Embeds = append(doc.Embeds, document.Embed{Kind: l.media, Caption: stripMediaLabel(l.text)})
		case roleTitle:
			bl.add(document.BlockTitle, 1, l.text)
			doc.Title = l.text
		case roleStandfirst:
			bl.add(document.BlockStandfirst, 0, l.text)
		case roleHeading:
			bl.add(document.BlockHeading, 2, l.text)
		case roleByline:
			doc.Authors = splitAuthors(l.text)
			doc.Extraction.Removed = append(doc.Extraction.Removed, l.text)
		default:
			bl.add(document.BlockParagraph, 0, l.text)
		}
	}
	doc.Text = bl.text()
	doc.Blocks = bl.blocks
	doc.Extraction.Source = "text"
	doc.Extraction.Method = "plaintext"
	doc.Extraction.Charset = dec.charset
	doc.Extraction.Notes = dec.notes
	if doc.Text == "" && len(lines) > 0 {
		doc.Extraction.Notes = append(doc.Extraction.Notes, "every line was classed as boilerplate")
	}
	return doc, nil
}

// splitPlain splits text into units: lines, with hard-wrapped paragraph
// lines joined (a long line without terminal punctuation followed by a line
// starting in lower case continues the same paragraph).
func splitPlain(s string) []plainLine {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out []plainLine
	prevBlank := true
	for _, raw := range strings.Split(s, "\n") {
		t := strings.Join(strings.FieldsFunc(raw, isPlainSpace), " ")
		if t == "" {
			prevBlank = true
			continue
		}
		if !prevBlank && len(out) > 0 {
			p := &out[len(out)-1]
			if utf8.RuneCountInString(p.text) >= 30 && !endsSentence(p.text) && startsLower(t) {
				p.text += "\n" + t
				continue
			}
		}
		prevBlank = false
		out = append(out, plainLine{text: t})
	}
	for i := range out {
		out[i].key = foldTitle(out[i].text)
		out[i].words = len(strings.Fields(out[i].text))
	}
	return out
}

// isPlainSpace is white space other than NBSP (kept; see isCollapsible).
func isPlainSpace(r rune) bool { return unicode.IsSpace(r) && r != '\u00a0' }

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '\'' || r == '‘' || r == '"' || r == '“'
}

// classifyPlain assigns every line its role.
func classifyPlain(ls []plainLine) {
	count := map[string]int{}
	for _, l := range ls {
		count[l.key]++
	}
	seen := map[string]bool{}
	for i := range ls {
		l := &ls[i]
		switch {
		case l.key == "":
			// Separators ("* * *", "---") carry no words.
			l.role = roleBoiler
		case count[l.key] > 1 && l.words <= maxRepeatedWords && !endsSentence(l.text):
			// Furniture repeats and does not read as a sentence; a
			// repeated question or sentence (an interview's questions
			// asked of each guest) is text.
			l.role = roleBoiler
		case count[l.key] > 1 && l.words > maxRepeatedWords && seen[l.key]:
			l.role = roleBoiler // a repeated long line (pull quote) is kept once
		case isFurniture(*l):
			l.role = roleBoiler
		}
		seen[l.key] = true
	}
	// Captions: labelled lines, and lines sandwiched in boilerplate.
	for i := range ls {
		l := &ls[i]
		if l.role != rolePara {
			continue
		}
		switch {
		case mediaLabelVideo.MatchString(l.text):
			l.role, l.media = roleCaption, "video"
		case l.words <= 40 && mediaLabelImage.MatchString(l.text):
			// (length first: the pattern has unanchored alternatives
			// that would scan every long paragraph)
			l.role, l.media = roleCaption, "image"
		case l.words <= 40 && sandwiched(ls, i):
			l.role, l.media = roleCaption, "image"
			if videoHint.MatchString(ls[i-1].text) || i+1 < len(ls) && videoHint.MatchString(ls[i+1].text) {
				l.media = "video"
			}
		}
	}
	// Bylines, before headings: "By A and B" is short and unpunctuated too.
	for i := range ls {
		if ls[i].role == rolePara && ls[i].words <= 8 && bylineRe.MatchString(ls[i].text) {
			ls[i].role = roleByline
			break
		}
	}
	// Title: the first body line, if it is short enough for a headline.
	first := -1
	for i := range ls {
		if ls[i].role == rolePara {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	if utf8.RuneCountInString(ls[first].text) <= maxTitleChars && !strings.Contains(ls[first].text, "\n") {
		ls[first].role = roleTitle
	} else {
		first = -1
	}
	// Headings, before the standfirst so that a heading under the title is
	// not taken for a dek.
	for i := range ls {
		if ls[i].role == rolePara && isPlainHeading(ls, i) {
			ls[i].role = roleHeading
		}
	}
	// Standfirst: the next body line after the title.
	if first >= 0 {
		next := -1
		separated := false
		for j := first + 1; j < len(ls); j++ {
			if ls[j].role == roleBoiler || ls[j].role == roleCaption {
				if next >= 0 && ls[j].role == roleCaption {
					// Lead media between a line and the body: the
					// line is the dek under the headline.
					separated = true
					break
				}
				continue
			}
			if next >= 0 {
				break
			}
			next = j
		}
		if next >= 0 && ls[next].role == rolePara && ls[next].words <= maxStandfirstWds && !strings.Contains(ls[next].text, "\n") {
			if separated || (!endsSentence(ls[next].text) && ls[next].words >= 6) {
				ls[next].role = roleStandfirst
			}
		}
	}
}

// sandwiched reports a line that sits inside a run of boilerplate in the
// middle of the body: boilerplate on both sides, a furniture line among it
// (a player's or an image's chrome: "Subscribe to our channel"), and body
// text both before and after the run, so a lone body line between a page's
// header and footer, or between repeated labels of a list, is not taken for
// a caption.
func sandwiched(ls []plainLine, i int) bool {
	// Wordless lines (separators, zero-width spaces) are transparent here:
	// they are dropped, but say nothing about the page's furniture.
	prev := func(j int) int {
		for j--; j >= 0 && ls[j].key == ""; j-- {
		}
		return j
	}
	next := func(j int) int {
		for j++; j < len(ls) && ls[j].key == ""; j++ {
		}
		return j
	}
	p, n := prev(i), next(i)
	if p < 0 || n >= len(ls) || ls[p].role != roleBoiler || ls[n].role != roleBoiler {
		return false
	}
	furniture := false
	j := p
	for ; j >= 0 && ls[j].role == roleBoiler; j = prev(j) {
		furniture = furniture || isFurniture(ls[j])
	}
	if j < 0 {
		return false
	}
	k := n
	for ; k < len(ls) && ls[k].role == roleBoiler; k = next(k) {
		furniture = furniture || isFurniture(ls[k])
	}
	return k < len(ls) && furniture
}

// isPlainHeading applies the heading rule to line i: short, starting with a
// capital, no terminal punctuation (a question is allowed), not a list of
// clauses, and followed by a body paragraph.
func isPlainHeading(ls []plainLine, i int) bool {
	l := ls[i]
	if l.words > maxHeadingWords || utf8.RuneCountInString(l.text) > maxHeadingChars || strings.Contains(l.text, "\n") {
		return false
	}
	if !startsUpper(l.text) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(l.text)
	switch {
	case last == '?':
		if l.words > 8 {
			return false
		}
	case endsSentence(l.text) || last == ',' || last == '!' || last == '-' || last == '–':
		return false
	}
	if strings.Count(l.text, ",") > 1 {
		return false
	}
	// The next kept line must be a real paragraph: longer, sentence-like.
	for j := i + 1; j < len(ls); j++ {
		switch ls[j].role {
		case roleBoiler, roleCaption:
			continue
		case rolePara:
			n := ls[j]
			return n.words > l.words && (endsSentence(n.text) || n.words >= 2*maxHeadingWords)
		default:
			return false
		}
	}
	return false
}

// stripMediaLabel drops a leading "Video:"/"Photo:" label from a caption.
func stripMediaLabel(s string) string {
	if m := mediaLabel.FindStringIndex(s); m != nil {
		return s[m[1]:]
	}
	return s
}

// splitAuthors reads the names of a "By A, B and C" byline.
func splitAuthors(s string) []string {
	s = strings.TrimSpace(s[2:])
	var out []string
	for _, p := range authorSep.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
