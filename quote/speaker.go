package quote

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// mention is a name in the text that can be a speaker.
type mention struct {
	span     document.Span
	name     string
	typ      string // PER, ORG, LOC, MISC, or "" when unknown
	entity   string // canonical entity id, when the entities analyzer ran
	person   float64
	subject  bool // first name of its sentence and not after a preposition
	sentence int
	title    string // a role noun written right before it ("prime minister Saad al-Hariri")
}

// nameConnectors may join capitalised words inside a name.
var nameConnectors = map[string]bool{"al": true, "de": true, "bin": true, "van": true, "von": true, "der": true,
	"da": true, "di": true, "du": true, "la": true, "le": true, "el": true, "ibn": true, "abu": true, "bint": true, "dos": true, "del": true}

// capStop are capitalised words that begin sentences or are titles, not names.
var capStop = map[string]bool{}

// orgHeads end names that are organisations or places, not people.
var orgHeads = map[string]bool{}

// roleNouns are the heads of nominal sources ("the president").
var roleNouns = map[string]bool{}

// prepositions before a name make it an object, not a subject.
var prepositions = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`The A An In On At And But As It He She They We I This That These Those When While Whilst If For To Of By
		With Today Yesterday Then Now Even Not Take So Also Mr Mrs Ms Dr Sir Lord His Her Their Its Our My Your After Before
		Since Although Though There Here What Who Why How Where Which Some Many Most All No Yes Meanwhile However Still Yet
		Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September
		October November December Everywhere Several Both Each Every One Two Three Victory Subscribe`) {
		capStop[w] = true
	}
	for _, w := range strings.Fields(`army house nations council party ministry department office agency forces force coalition
		government union front committee commission organisation organization institute university times post news guardian
		street lawn square valley sea river airport bank fund group brigade state states kingdom republic movement church
		court parliament assembly congress senate navy corps police service services company corporation network channel
		radio tv journal review press airlines city county province region governorate east west north south`) {
		orgHeads[w] = true
	}
	for _, w := range strings.Fields(`president minister secretary commissioner envoy spokesman spokeswoman spokesperson official
		ambassador chairman chairwoman chair director chief leader senator governor mayor general commander prime king queen
		prince premier chancellor candidate nominee representative congressman congresswoman lawmaker judge attorney
		lawyer analyst expert activist witness officer head founder ceo adviser advisor aide diplomat monitor author writer
		reporter correspondent professor researcher economist journalist campaigner`) {
		roleNouns[w] = true
	}
	for _, w := range strings.Fields(`of to with against by on at for from in into onto over under about between among than as next`) {
		prepositions[w] = true
	}
}

// findMentions lists candidate speaker names in text order: the entity
// annotations when the entities analyzer has run, else capitalised name
// sequences found here.
func findMentions(doc *document.Document, s string, toks []document.Token) []mention {
	var out []mention
	ents := map[string]string{}   // annotation id -> entity id
	titles := map[string]string{} // entity id -> role nouns of its titles, space-separated
	for _, e := range doc.Entities {
		for _, m := range e.Mentions {
			ents[m] = e.ID
		}
		if ts, ok := e.Attrs["titles"].([]string); ok {
			var heads []string
			for _, t := range ts {
				for _, w := range strings.Fields(strings.ToLower(t)) {
					if roleNouns[w] {
						heads = append(heads, w)
					}
				}
			}
			titles[e.ID] = strings.Join(heads, " ")
		}
	}
	for _, a := range doc.Annotations {
		if a.Kind != "entity" {
			continue
		}
		id := ents[a.ID]
		if id == "" {
			if v, ok := a.Attrs["entity_id"].(string); ok {
				id = v
			}
		}
		p := 0.1
		if a.Label == "PER" {
			p = 1
		}
		out = append(out, mention{span: a.Span, name: a.Text, typ: a.Label, entity: id, person: p, title: titles[id]})
	}
	if len(out) == 0 {
		out = capitalisedNames(s, toks)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].span.Start < out[j].span.Start })
	markSubjects(s, toks, out)
	shareTitles(out)
	return out
}

func isCap(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// indexHyphen is strings.IndexAny(w, "-‑"): the first hyphen or
// non-breaking hyphen (U+2011). IndexAny with a non-ASCII set decodes w
// rune by rune and searches the set for each; isNameTok asks it of every
// lower-case word, where it was a twentieth of the analyzer's time.
func indexHyphen(w string) int {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '-':
			return i
		case 0xE2: // U+2011 is E2 80 91; 0xE2 only ever starts a rune
			if i+2 < len(w) && w[i+1] == 0x80 && w[i+2] == 0x91 {
				return i
			}
		}
	}
	return -1
}

// isNameTok reports whether a token can be part of a name: a capitalised
// word, or an Arabic-style prefixed surname ("al-Hussein").
func isNameTok(w string) bool {
	if isCap(w) && !capStop[w] {
		return true
	}
	if i := indexHyphen(w); i > 0 && i < 5 && nameConnectors[strings.ToLower(w[:i])] {
		return isCap(w[i+1:]) || strings.HasPrefix(w[i+1:], "‑")
	}
	return false
}

// capitalisedNames finds maximal runs of capitalised tokens (with name
// connectors inside) and scores how person-like each is.
func capitalisedNames(s string, toks []document.Token) []mention {
	var out []mention
	for i := 0; i < len(toks); i++ {
		w := s[toks[i].Start:toks[i].End]
		if toks[i].Kind != document.TokWord || !isNameTok(w) {
			continue
		}
		j := i + 1
		for j < len(toks) && j-i < 8 {
			if gapBreaks(s, toks[j-1].End, toks[j].Start) {
				break
			}
			x := s[toks[j].Start:toks[j].End]
			if toks[j].Kind == document.TokWord && isNameTok(x) {
				j++
				continue
			}
			if nameConnectors[x] && j+1 < len(toks) && isNameTok(s[toks[j+1].Start:toks[j+1].End]) {
				j += 2
				continue
			}
			break
		}
		m := mention{span: document.Span{Start: toks[i].Start, End: toks[j-1].End}}
		m.name = s[m.span.Start:m.span.End]
		m.person = personScore(s, toks, i, j)
		if i > 0 {
			// a lower-case role noun right before: "prime minister Saad al-Hariri"
			pw := strings.ToLower(s[toks[i-1].Start:toks[i-1].End])
			if roleNouns[pw] {
				m.title = pw
			}
		}
		out = append(out, m)
		i = j - 1
	}
	return out
}

func gapBreaks(s string, a, b int) bool {
	if b-a > 1 {
		return true
	}
	return b > a && s[a] != ' '
}

// personScore guesses how likely the name toks[i:j] is a person: names
// after "the", ending in an organisation word, all-capital acronyms and
// possessive modifiers ("Britain’s") are unlikely people.
func personScore(s string, toks []document.Token, i, j int) float64 {
	p := 0.5
	last := s[toks[j-1].Start:toks[j-1].End]
	if orgHeads[strings.ToLower(last)] {
		p -= 0.4
	}
	if j-i == 1 && strings.ToUpper(last) == last {
		p -= 0.35 // UN, SDF, US
	}
	if i > 0 {
		prev := strings.ToLower(s[toks[i-1].Start:toks[i-1].End])
		if prev == "the" {
			p -= 0.35
		}
		if roleNouns[prev] || prev == "mr" || prev == "mrs" || prev == "ms" || prev == "dr" || prev == "president" {
			p += 0.4
		}
	}
	if j < len(toks) {
		next := s[toks[j].Start:toks[j].End]
		if next == "’s" || next == "'s" {
			p -= 0.2
		}
	}
	if j-i >= 2 {
		p += 0.2
	}
	return max(0, min(1, p))
}

// markSubjects marks the first mention of each sentence, when it does not
// follow a preposition, as a likely grammatical subject: pronouns refer to
// subjects more often than to objects.
func markSubjects(s string, toks []document.Token, ms []mention) {
	sent := 0
	lastEnd := 0
	seen := -1
	for i := range ms {
		// count sentence ends between the previous mention and this one
		gap := s[lastEnd:ms[i].span.Start]
		sent += strings.Count(gap, ". ") + strings.Count(gap, "\n") + strings.Count(gap, "? ") + strings.Count(gap, "! ")
		lastEnd = ms[i].span.Start
		ms[i].sentence = sent
		if seen == sent {
			continue
		}
		seen = sent
		k := sort.Search(len(toks), func(t int) bool { return toks[t].Start >= ms[i].span.Start })
		if k > 0 {
			prev := strings.ToLower(s[toks[k-1].Start:toks[k-1].End])
			if prepositions[prev] {
				continue
			}
		}
		ms[i].subject = true
	}
}

var pronounsPer = map[string]bool{"he": true, "she": true, "him": true, "her": true, "his": true}
var pronounsOther = map[string]bool{"they": true, "it": true, "them": true, "their": true, "its": true}
var pronounsSelf = map[string]bool{"i": true, "we": true, "me": true, "us": true, "my": true, "our": true}

var anonWords = map[string]bool{"source": true, "sources": true, "official": true, "officials": true, "insider": true,
	"insiders": true, "aide": true, "aides": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"analysts": true, "experts": true, "observers": true, "critics": true, "residents": true, "witnesses": true,
	"diplomats": true, "people": true, "reports": true, "activists": true, "some": true, "many": true, "others": true}

// resolveSpeakers fills speaker, speaker_entity, source_type and the
// speaker's confidence of every attribution.
func resolveSpeakers(s string, toks []document.Token, as []attribution, ms []mention) {
	for i := range as {
		q := &as[i]
		if !q.hasSource {
			if q.inherited >= 0 && q.inherited < i {
				p := as[q.inherited]
				q.speaker, q.speakerEntity, q.sourceType = p.speaker, p.speakerEntity, p.sourceType
				q.speakerConf = p.speakerConf * 0.8
			} else {
				q.sourceType = "unattributed"
			}
			continue
		}
		src := q.source
		words := strings.Fields(strings.ToLower(s[src.Start:src.End]))
		// 1. a name inside the source
		if m, ok := bestInside(s, ms, src); ok {
			q.speaker, q.speakerEntity, q.speakerConf = m.name, m.entity, 0.9
			q.sourceType = "named"
			if len(words) > 0 && (words[0] == "a" || words[0] == "an") && hasAnon(words) {
				q.sourceType = "anonymous" // "a Syrian media source"
				q.speaker, q.speakerEntity = "", ""
			}
			continue
		}
		switch {
		case len(words) == 1 && pronounsPer[words[0]]:
			q.sourceType = "pronoun"
			if m, c, ok := antecedent(ms, src.Start, true, q.content); ok {
				q.speaker, q.speakerEntity, q.speakerConf = m.name, m.entity, c
			}
			continue
		case len(words) == 1 && pronounsOther[words[0]]:
			q.sourceType = "pronoun"
			if m, c, ok := antecedent(ms, src.Start, false, q.content); ok {
				q.speaker, q.speakerEntity, q.speakerConf = m.name, m.entity, c*0.8
			}
			continue
		case len(words) == 1 && pronounsSelf[words[0]]:
			q.sourceType = "pronoun"
			continue
		case hasAnon(words):
			q.sourceType = "anonymous"
			if plural(words) {
				q.sourceType = "collective"
			}
			continue
		}
		// 2. an appositive name right after the source: "the envoy, Staffan de Mistura,"
		if m, ok := appositive(s, ms, src); ok {
			q.speaker, q.speakerEntity, q.speakerConf = m.name, m.entity, 0.8
			q.sourceType = "named"
			continue
		}
		// 3. a nominal: the most recent compatible person
		q.sourceType = "nominal"
		head := ""
		for _, w := range words {
			if roleNouns[w] {
				head = w
			}
		}
		if head != "" {
			if m, c, ok := antecedentNominal(ms, src.Start, head); ok {
				q.speaker, q.speakerEntity, q.speakerConf = m.name, m.entity, c
			}
		}
	}
}

func hasAnon(words []string) bool {
	for _, w := range words {
		if anonWords[strings.Trim(w, ",.")] {
			return true
		}
	}
	return false
}

func plural(words []string) bool {
	for _, w := range words {
		w = strings.Trim(w, ",.")
		if anonWords[w] && strings.HasSuffix(w, "s") || w == "people" || w == "some" || w == "many" || w == "others" {
			return true
		}
	}
	return false
}

// bestInside returns the most person-like, longest name inside src. A
// name followed by a lower-case word is a modifier ("the US president", "a
// Syrian media source"), not the speaker.
func bestInside(s string, ms []mention, src document.Span) (mention, bool) {
	best, ok := mention{}, false
	score := -1.0
	for _, m := range ms {
		if m.span.Start >= src.End {
			break
		}
		if !src.Contains(m.span) {
			continue
		}
		if rest := strings.TrimLeft(s[m.span.End:src.End], " "); rest != "" {
			if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
				continue
			}
		}
		sc := m.person + 0.02*float64(len(m.name))
		if m.typ == "PER" {
			sc += 1
		}
		if sc > score {
			best, ok, score = m, true, sc
		}
	}
	return best, ok
}

func appositive(s string, ms []mention, src document.Span) (mention, bool) {
	i := sort.Search(len(ms), func(k int) bool { return ms[k].span.Start >= src.End })
	if i < len(ms) {
		gap := s[src.End:ms[i].span.Start]
		if strings.TrimSpace(gap) == "," && ms[i].person >= 0.4 {
			return ms[i], true
		}
	}
	return mention{}, false
}

// antecedent picks the most salient earlier mention within ~6 sentences:
// recent, a subject, a person when person is set. Mentions inside the
// attribution's own content are what the speaker talks about, not the
// speaker, and are skipped.
func antecedent(ms []mention, at int, person bool, content document.Span) (mention, float64, bool) {
	i := sort.Search(len(ms), func(k int) bool { return ms[k].span.Start >= at })
	if i == 0 {
		return mention{}, 0, false
	}
	cur := ms[i-1].sentence
	best, bestScore := -1, -1e9
	for k := i - 1; k >= 0 && cur-ms[k].sentence <= 6; k-- {
		m := ms[k]
		if content.Contains(m.span) {
			continue
		}
		sc := -0.6 * float64(cur-m.sentence)
		if m.subject {
			sc += 1.2
		}
		if person {
			// "he" or "she" is never a place or an organisation the
			// entities analyzer typed as such: better no speaker than
			// "Concord" for "he" when the person's name was missed
			if m.typ != "" && m.typ != "PER" {
				continue
			}
			sc += 2 * (m.person - 0.5)
		} else if m.typ == "PER" {
			sc -= 1
		}
		if len(strings.Fields(m.name)) >= 2 {
			sc += 0.3
		}
		if sc > bestScore {
			best, bestScore = k, sc
		}
	}
	if best < 0 {
		return mention{}, 0, false
	}
	c := 0.4 + 0.1*bestScore
	return ms[best], max(0.2, min(0.85, c)), true
}

// antecedentNominal resolves "the president" to the nearest earlier person
// whose known role, if any, agrees with the head noun.
func antecedentNominal(ms []mention, at int, head string) (mention, float64, bool) {
	i := sort.Search(len(ms), func(k int) bool { return ms[k].span.Start >= at })
	cur := 0
	if i > 0 {
		cur = ms[i-1].sentence
	}
	for k := i - 1; k >= 0 && cur-ms[k].sentence <= 8; k-- {
		m := ms[k]
		if m.typ != "" && m.typ != "PER" || m.typ == "" && m.person < 0.45 {
			continue
		}
		match := m.title != "" && strings.Contains(" "+m.title+" ", " "+head+" ")
		if m.title != "" && !match {
			continue // "prime minister Saad al-Hariri" is not "the president"
		}
		c := 0.6
		if match {
			c = 0.8
		}
		return m, c, true
	}
	return mention{}, 0, false
}

// shareTitles gives every mention the role noun seen with another mention
// of the same surname ("prime minister Saad al-Hariri" ... "Hariri").
func shareTitles(ms []mention) {
	var titles map[string]string
	for _, m := range ms {
		if m.title != "" && m.name != "" {
			if titles == nil {
				titles = map[string]string{}
			}
			titles[titleKey(m.name)] = m.title
		}
	}
	if titles == nil {
		return // nothing to share: most documents, and no key is built
	}
	var buf [64]byte
	for i := range ms {
		if ms[i].title == "" && ms[i].name != "" {
			// the lookup of a converted byte slice does not allocate
			ms[i].title = titles[string(titleKeyBuf(buf[:0], ms[i].name))]
		}
	}
}

// titleKey is shareTitles's key for a name: its last word, lower-cased,
// without a connector prefix ("al-Hariri" -> "hariri").
func titleKey(name string) string {
	f := strings.Fields(name)
	k := strings.ToLower(f[len(f)-1])
	if i := indexHyphen(k); i > 0 && nameConnectors[k[:i]] {
		k = k[i+1:]
	}
	return k
}

// titleKeyBuf appends titleKey(name) to buf, lower-casing an ASCII name in
// place of strings.ToLower's copy.
func titleKeyBuf(buf []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return append(buf, titleKey(name)...)
		}
	}
	// the last ASCII field: strings.Fields splits at these six bytes
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' }
	e := len(name)
	for e > 0 && space(name[e-1]) {
		e--
	}
	b := e
	for b > 0 && !space(name[b-1]) {
		b--
	}
	n := len(buf)
	for i := b; i < e; i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	k := buf[n:]
	if i := indexHyphen(string(k)); i > 0 && nameConnectors[string(k[:i])] {
		copy(buf[n:], k[i+1:])
		buf = buf[:len(buf)-i-1]
	}
	return buf
}
