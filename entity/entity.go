// Package entity is the "entities" analyzer: it tags names in a document
// with the ner sequence labeller (PER, ORG, LOC, MISC), adds one "entity"
// annotation per mention, and merges mentions into document entities.
//
// Mentions are merged within a document when they
//
//   - name the same actor of the alias table (entity/aliases.tsv: Daesh,
//     ISIS, Isil and Islamic State are one organisation),
//   - are defined one by the other in parentheses ("Syrian Arab Army
//     (SAA)", "Daesh (‘Islamic State’)"), after which the defined acronym is
//     found wherever it recurs,
//   - are an acronym and a name with those initials ("SNC" and "Syrian
//     National Coalition"),
//   - are a person's short form and full name ("Johnson" and "Boris
//     Johnson"; with several people sharing a surname, the nearest preceding
//     full name wins, so context keeps them apart), or
//   - have the same [names.Key] (whatever type the tagger gave each
//     mention: the entity takes the confidence-weighted majority type), or
//     are spelling variants of one another of the same type (similar keys).
//
// Titles and roles next to a person ("President Assad", "Staffan de
// Mistura, UN special envoy to Syria") become the entity's "titles"
// attribute; outlets of the alias table carry "outlet": true. Entity ids are
// stable across documents: see [EntityID].
package entity

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/names"
	"github.com/newslens/newslens/ner"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/text"
)

//go:embed aliases.tsv
var defaultAliases []byte

// Name and Version of the analyzer.
const (
	Name    = "entities"
	Version = "1"
)

// Options configures the analyzer. The zero value uses the embedded model
// and alias table.
type Options struct {
	// Aliases, if set, is read instead of the embedded alias table (same
	// format as entity/aliases.tsv).
	Aliases io.Reader
	// Model, if set, is used instead of the embedded ner model.
	Model *ner.Model
}

// Analyzer is the "entities" analyzer. It is safe for concurrent use.
type Analyzer struct {
	model   *ner.Model
	aliases *Aliases
	// places maps names.Key of the tagger's gazetteer names (countries,
	// capitals, first-level divisions) to their type, to settle an
	// entity's type when the tagger disagrees with itself ("Deir Ezzor"
	// tagged PER, ORG and LOC: the gazetteer's "Deir ez-Zor" says LOC).
	places map[string]string
}

var _ pipeline.Analyzer = (*Analyzer)(nil)

// New loads the model and alias table.
func New(opts Options) (*Analyzer, error) {
	a := &Analyzer{model: opts.Model}
	if a.model == nil {
		m, err := ner.Default()
		if err != nil {
			return nil, err
		}
		a.model = m
	}
	src, name := io.Reader(bytes.NewReader(defaultAliases)), "entity/aliases.tsv"
	if opts.Aliases != nil {
		src, name = opts.Aliases, "alias table"
	}
	al, err := ParseAliases(src, name)
	if err != nil {
		return nil, err
	}
	a.aliases = al
	a.places = map[string]string{}
	a.model.Gazetteer(func(name, typ string) bool {
		if k := names.Key(name); k != "" {
			a.places[k] = typ
		}
		return true
	})
	return a, nil
}

// Name implements pipeline.Analyzer.
func (a *Analyzer) Name() string { return Name }

// Version implements pipeline.Analyzer.
func (a *Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer.
func (a *Analyzer) Requires() []string { return nil }

// EntityID returns the corpus-stable id of an entity: "e" followed by the
// first 16 hex digits of SHA-256 over its type and canonical key. The key is
// the alias table id for actors in the table, otherwise names.Key of the
// canonical name. So the same actor gets the same id in every document when
// it is in the alias table or named the same way; two people with the same
// name share an id, and one person named differently in two documents
// (without an alias entry) gets two.
func EntityID(typ, key string) string {
	h := sha256.Sum256([]byte(typ + "\x00" + key))
	return "e" + hex.EncodeToString(h[:8])
}

// mention is one entity mention before merging.
type mention struct {
	span       document.Span
	tok0, tok1 int // token range in doc.Tokens
	typ        string
	conf       float64
	text       string
	key        string
	actor      *Actor
	titles     []string
	parent     int // union-find
}

// maxTokens bounds the work per document; longer documents are tagged in
// their first maxTokens tokens only, so hostile input cannot take unbounded
// time.
const maxTokens = 400000

// Analyze implements pipeline.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	if len(doc.Tokens) == 0 && doc.Text != "" {
		text.Segment(doc)
	}
	ms, err := a.mentions(ctx, doc)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	groups := a.merge(doc, ms)
	return a.emit(doc, ms, groups)
}

// mentions tags the document and collects mentions: the tagger's, then
// alias-table and defined-acronym forms it missed.
func (a *Analyzer) mentions(ctx context.Context, doc *document.Document) ([]*mention, error) {
	toks := doc.Tokens
	if len(toks) > maxTokens {
		toks = toks[:maxTokens]
	}
	var sents [][]string
	var firsts []int
	for _, s := range doc.Sentences {
		if s.FirstToken >= len(toks) {
			break
		}
		end := min(s.EndToken, len(toks))
		ws := make([]string, 0, end-s.FirstToken)
		for _, t := range toks[s.FirstToken:end] {
			ws = append(ws, doc.Text[t.Start:t.End])
		}
		sents = append(sents, ws)
		firsts = append(firsts, s.FirstToken)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tagged := a.model.TagDoc(sents)
	var ms []*mention
	taken := make([]bool, len(toks))
	for si, spans := range tagged {
		for _, sp := range spans {
			t0, t1 := firsts[si]+sp.Start, firsts[si]+sp.End
			m := a.newMention(doc, t0, t1, sp.Type, sp.Confidence)
			ms = append(ms, m)
			for i := t0; i < t1; i++ {
				taken[i] = true
			}
		}
	}
	ms = joinParticles(doc, ms, taken)
	// alias-table forms the tagger missed or cut short ("The Times" when
	// it found "Times")
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = text.NormalizeString(doc.Text[t.Start:t.End])
	}
	sentEnd := sentenceEnds(doc, len(toks))
	for i := 0; i < len(toks); i++ {
		best, bestLen := (*Actor)(nil), 0
		for _, f := range a.aliases.scan[words[i]] {
			if len(f.toks) > bestLen && i+len(f.toks) <= sentEnd[i] && equalWords(words[i:i+len(f.toks)], f.toks) {
				best, bestLen = f.actor, len(f.toks)
			}
		}
		if best == nil {
			continue
		}
		ms = a.addOrExtend(doc, ms, taken, i, i+bestLen, best.Type, 0.9)
		i += bestLen - 1
	}
	sortMentions(ms)
	// definitions: NAME ( ACR ) or NAME ( ‘Alias’ ): the parenthesised
	// acronym becomes a mention if the tagger missed it, and is then found
	// wherever it recurs
	defined := map[string]string{} // acronym → type
	for _, m := range ms {
		j := m.tok1
		if j < len(toks) && words[j] == "(" {
			k := j + 1
			for k < len(toks) && k < j+3 && isQuote(words[k]) {
				k++
			}
			if k < len(toks) && isAcronym(words[k]) && k+1 < len(toks) && (words[k+1] == ")" || isQuote(words[k+1])) && !taken[k] {
				ms = append(ms, a.newMention(doc, k, k+1, m.typ, m.conf))
				taken[k] = true
			}
			if k < len(toks) && isAcronym(words[k]) {
				defined[words[k]] = m.typ
			}
		}
	}
	for i := range toks {
		if typ, ok := defined[words[i]]; ok && !taken[i] {
			ms = append(ms, a.newMention(doc, i, i+1, typ, 0.8))
			taken[i] = true
		}
	}
	sortMentions(ms)
	for _, m := range ms {
		m.titles = titlesOf(doc, words, m)
	}
	return ms, nil
}

// particles join the parts of a name that the tagger, trained on news
// where they are rare, may split: "Musa al Khalifa", "Osama bin Laden",
// "Staffan de Mistura".
var particles = map[string]bool{
	"al": true, "el": true, "bin": true, "ibn": true, "bint": true, "abu": true, "abou": true,
	"de": true, "da": true, "di": true, "del": true, "della": true, "van": true, "von": true,
	"der": true, "den": true, "la": true, "le": true, "du": true, "dos": true, "das": true, "ter": true,
}

// joinParticles merges PER, particle, capitalised word(s) into one mention.
func joinParticles(doc *document.Document, ms []*mention, taken []bool) []*mention {
	sortMentions(ms)
	starts := map[int]int{}
	for i, m := range ms {
		starts[m.tok0] = i
	}
	word := func(t int) string { return doc.Text[doc.Tokens[t].Start:doc.Tokens[t].End] }
	drop := map[int]bool{}
	for i, m := range ms {
		if m.typ != "PER" || drop[i] || m.tok1+1 >= len(taken) || !particles[word(m.tok1)] {
			continue
		}
		next := m.tok1 + 1
		end := -1
		if j, ok := starts[next]; ok && ms[j].typ == "PER" {
			end = ms[j].tok1
			drop[j] = true
		} else if !taken[next] && isCapWord(word(next)) && !taken[m.tok1] {
			end = next + 1
		}
		if end < 0 {
			continue
		}
		*m = *joined(doc, m, end)
		for t := m.tok0; t < end; t++ {
			taken[t] = true
		}
	}
	out := ms[:0]
	for i, m := range ms {
		if !drop[i] {
			out = append(out, m)
		}
	}
	return out
}

func joined(doc *document.Document, m *mention, end int) *mention {
	n := *m
	n.tok1 = end
	n.span.End = doc.Tokens[end-1].End
	n.text = doc.Text[n.span.Start:n.span.End]
	n.key = names.Key(n.text)
	return &n
}

func isCapWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) && !isAcronym(w)
}

func sortMentions(ms []*mention) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].tok0 < ms[j].tok0 })
}

// sentenceEnds gives, for every token, the end token of its sentence, so
// alias matches never cross sentences.
func sentenceEnds(doc *document.Document, n int) []int {
	ends := make([]int, n)
	for i := range ends {
		ends[i] = n
	}
	for _, s := range doc.Sentences {
		for i := s.FirstToken; i < s.EndToken && i < n; i++ {
			ends[i] = min(s.EndToken, n)
		}
	}
	return ends
}

func (a *Analyzer) newMention(doc *document.Document, t0, t1 int, typ string, conf float64) *mention {
	sp := document.Span{Start: doc.Tokens[t0].Start, End: doc.Tokens[t1-1].End}
	m := &mention{span: sp, tok0: t0, tok1: t1, typ: typ, conf: conf, text: doc.Text[sp.Start:sp.End]}
	m.key = names.Key(stripThe(m.text))
	// the alias table is keyed the same way (Aliases.Lookup), so the key
	// is not computed twice
	if act := a.aliases.lookupKey(m.key); act != nil {
		m.actor = act
		m.typ = act.Type
	}
	return m
}

// addOrExtend adds an alias-table mention over tokens [t0,t1), or, when it
// covers tagger mentions, replaces them by it.
func (a *Analyzer) addOrExtend(doc *document.Document, ms []*mention, taken []bool, t0, t1 int, typ string, conf float64) []*mention {
	out := ms[:0]
	for _, m := range ms {
		switch {
		case m.tok0 >= t0 && m.tok1 <= t1:
			conf = max(conf, m.conf)
			continue // covered: replaced below
		case m.tok0 < t1 && t0 < m.tok1:
			return ms // overlaps a longer tagger mention: keep the tagger's
		}
		out = append(out, m)
	}
	out = append(out, a.newMention(doc, t0, t1, typ, conf))
	for i := t0; i < t1; i++ {
		taken[i] = true
	}
	return out
}

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isQuote(w string) bool { return w == "'" || w == "\"" }

// isAcronym reports whether w looks like an acronym: 2 to 6 capitals,
// optionally with dots or one lower-case letter ("SAA", "U.N.", "PhD" no).
func isAcronym(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case r >= 'A' && r <= 'Z':
			n++
		case r == '.':
		default:
			return false
		}
	}
	return n >= 2 && n <= 6
}

// titleWords are titles and roles written before a name.
var titleWords = map[string]bool{
	"president": true, "prime": true, "minister": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"general": true, "gen": true, "king": true, "queen": true, "prince": true, "princess": true,
	"sheikh": true, "pope": true, "senator": true, "sen": true, "governor": true, "gov": true,
	"secretary": true, "foreign": true, "defence": true, "defense": true, "chancellor": true,
	"ambassador": true, "envoy": true, "colonel": true, "col": true, "lieutenant": true, "major": true,
	"captain": true, "commander": true, "chief": true, "judge": true, "professor": true, "prof": true,
	"rev": true, "reverend": true, "father": true, "sir": true, "lord": true, "lady": true, "emir": true,
	"spokesman": true, "spokeswoman": true, "spokesperson": true, "mayor": true, "deputy": true,
	"vice": true, "leader": true, "commissioner": true, "director": true, "chairman": true,
	"activist": true, "journalist": true, "correspondent": true, "editor": true, "media": true,
	"state": true, "interior": true, "high": true, "special": true, "resident": true,
}

// roleHeads are the nouns that make an appositive phrase a role ("the UN
// special envoy to Syria", "Britain's foreign secretary").
var roleHeads = map[string]bool{
	"president": true, "minister": true, "secretary": true, "envoy": true, "ambassador": true,
	"commissioner": true, "spokesman": true, "spokeswoman": true, "spokesperson": true, "leader": true,
	"chief": true, "director": true, "chairman": true, "chairwoman": true, "commander": true,
	"general": true, "governor": true, "mayor": true, "senator": true, "king": true, "queen": true,
	"journalist": true, "correspondent": true, "editor": true, "activist": true, "professor": true,
	"analyst": true, "official": true, "head": true, "founder": true, "ceo": true, "chancellor": true,
	"adviser": true, "advisor": true, "representative": true, "diplomat": true, "emir": true,
}

// titlesOf finds the titles and roles of a person mention: a run of title
// words right before it, and an appositive role phrase right after it
// (", UN special envoy to Syria,") or before it ("the UN high commissioner
// for human rights, Zeid ...").
func titlesOf(doc *document.Document, words []string, m *mention) []string {
	if m.typ != "PER" {
		return nil
	}
	var out []string
	// title run before
	i := m.tok0
	for i > 0 && i > m.tok0-5 {
		w := strings.ToLower(strings.TrimSuffix(words[i-1], "."))
		if !titleWords[w] {
			break
		}
		i--
	}
	if i < m.tok0 {
		out = append(out, spanText(doc, i, m.tok0))
	}
	// appositive after: NAME , [the|a] role-phrase ,|.
	if j := m.tok1; j+1 < len(words) && words[j] == "," {
		if k, ok := rolePhrase(words, j+1, +1); ok {
			out = append(out, spanText(doc, j+1, k))
		}
	}
	// appositive before: [the] role-phrase , NAME
	if j := m.tok0 - 1; j > 0 && words[j] == "," {
		if k, ok := rolePhrase(words, j-1, -1); ok {
			out = append(out, spanText(doc, k, j))
		}
	}
	return out
}

// rolePhrase scans up to 8 words from i in direction dir for a phrase that
// ends at a comma, full stop or quote and contains a role noun; it returns
// the phrase's far end (exclusive when dir>0, inclusive start when dir<0).
func rolePhrase(words []string, i, dir int) (int, bool) {
	hasRole := false
	k := i
	for n := 0; n < 9 && k >= 0 && k < len(words); n++ {
		w := words[k]
		if w == "," || w == "." || w == ";" || w == ":" || w == "\"" || w == "(" || w == ")" {
			break
		}
		if roleHeads[strings.ToLower(w)] {
			hasRole = true
		}
		k += dir
	}
	if !hasRole || k == i {
		return 0, false
	}
	if dir > 0 {
		return k, true
	}
	start := k + 1
	// "the UN high commissioner": drop a leading article
	if start < i && (words[start] == "the" || words[start] == "The" || words[start] == "a") {
		start++
	}
	return start, true
}

func spanText(doc *document.Document, t0, t1 int) string {
	return doc.Text[doc.Tokens[t0].Start:doc.Tokens[t1-1].End]
}

func find(ms []*mention, i int) int {
	for ms[i].parent != i {
		ms[i].parent = ms[ms[i].parent].parent
		i = ms[i].parent
	}
	return i
}

func union(ms []*mention, i, j int) {
	a, b := find(ms, i), find(ms, j)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	ms[b].parent = a
}

// merge groups mentions into entities (see the package comment for the
// rules) and returns the groups in order of first mention.
func (a *Analyzer) merge(doc *document.Document, ms []*mention) [][]int {
	for i, m := range ms {
		m.parent = i
	}
	byActor := map[string]int{}
	byKey := map[string]int{}
	for i, m := range ms {
		if m.actor != nil {
			if j, ok := byActor[m.actor.ID]; ok {
				union(ms, i, j)
			} else {
				byActor[m.actor.ID] = i
			}
			continue
		}
		if m.key == "" {
			continue
		}
		// the same name is one entity even where the tagger typed its
		// mentions differently ("Deir Ezzor" as LOC, then ORG); the
		// entity's type is their confidence-weighted vote
		k := m.key
		if j, ok := byKey[k]; ok {
			union(ms, i, j)
		} else {
			byKey[k] = i
		}
	}
	// definitions in parentheses: NAME ( ACR ) / NAME ( 'Alias' )
	words := func(t int) string {
		if t < 0 || t >= len(doc.Tokens) {
			return ""
		}
		return doc.Text[doc.Tokens[t].Start:doc.Tokens[t].End]
	}
	for i := 0; i+1 < len(ms); i++ {
		m, n := ms[i], ms[i+1]
		if words(m.tok1) != "(" {
			continue
		}
		gap := n.tok0 - m.tok1 - 1
		if gap < 0 || gap > 2 {
			continue
		}
		ok := true
		for t := m.tok1 + 1; t < n.tok0; t++ {
			if w := text.NormalizeString(words(t)); !isQuote(w) {
				ok = false
			}
		}
		if ok {
			union(ms, i, i+1)
		}
	}
	// acronyms and initials
	initials := map[string][]int{}
	for i, m := range ms {
		if m.tok1-m.tok0 >= 2 && (m.typ == "ORG" || m.typ == "MISC" || m.typ == "LOC") {
			if ini := initialsOf(doc, m); len(ini) >= 2 {
				initials[ini] = append(initials[ini], i)
			}
		}
	}
	for i, m := range ms {
		if m.tok1-m.tok0 != 1 || !isAcronym(m.text) {
			continue
		}
		if js := initials[strings.ReplaceAll(m.text, ".", "")]; len(js) > 0 {
			union(ms, i, nearest(ms, js, i))
		}
	}
	// person short forms: a one- or two-word name that is the end of a
	// longer one ("Johnson", "Boris Johnson"); the nearest preceding
	// full name wins, else the nearest following
	fulls := map[string][]int{}
	for i, m := range ms {
		if m.typ != "PER" {
			continue
		}
		ws := strings.Fields(m.key)
		for k := 1; k < len(ws); k++ {
			suffix := strings.Join(ws[k:], " ")
			fulls[suffix] = append(fulls[suffix], i)
		}
	}
	for i, m := range ms {
		if m.typ != "PER" || m.key == "" {
			continue
		}
		if js := fulls[m.key]; len(js) > 0 {
			union(ms, i, nearest(ms, js, i))
		}
	}
	// spelling variants: same type, close keys (bounded pairwise work)
	type rep struct {
		key, typ string
		i        int
	}
	var reps []rep
	seen := map[string]bool{}
	for i, m := range ms {
		k := m.typ + "\x00" + m.key
		if m.actor != nil || len(m.key) < 6 || seen[k] || len(reps) >= 400 {
			continue
		}
		seen[k] = true
		reps = append(reps, rep{m.key, m.typ, i})
	}
	for x := range reps {
		for y := x + 1; y < len(reps); y++ {
			// every edit costs at least 0.5, so keys whose lengths differ
			// by more than a fifth of the longer cannot reach 0.9: skip
			// the edit distance
			lx, ly := len(reps[x].key), len(reps[y].key)
			if 5*(max(lx, ly)-min(lx, ly)) > max(lx, ly) {
				continue
			}
			if reps[x].typ == reps[y].typ && !farByLetters(reps[x].key, reps[y].key) &&
				names.KeySimilarity(reps[x].key, reps[y].key) >= 0.9 {
				union(ms, reps[x].i, reps[y].i)
			}
		}
	}
	groupOf := map[int]int{}
	var groups [][]int
	for i := range ms {
		r := find(ms, i)
		g, ok := groupOf[r]
		if !ok {
			g = len(groups)
			groupOf[r] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// nearest picks from candidates js the nearest mention before i, or else
// the nearest after it.
func nearest(ms []*mention, js []int, i int) int {
	best := -1
	for _, j := range js {
		if j < i && (best < 0 || j > best) {
			best = j
		}
	}
	if best >= 0 {
		return best
	}
	for _, j := range js {
		if best < 0 || j < best {
			best = j
		}
	}
	return best
}

// initialsOf returns the capital initials of a multi-word name, skipping
// function words: "Syrian National Coalition" → "SNC".
func initialsOf(doc *document.Document, m *mention) string {
	var b strings.Builder
	for t := m.tok0; t < m.tok1; t++ {
		w := doc.Text[doc.Tokens[t].Start:doc.Tokens[t].End]
		for _, part := range strings.Split(w, "-") {
			r, _ := utf8.DecodeRuneInString(part)
			if unicode.IsUpper(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// emit adds the annotations and doc.Entities.
func (a *Analyzer) emit(doc *document.Document, ms []*mention, groups [][]int) error {
	type ent struct {
		document.Entity
		key string
	}
	ents := make([]*ent, len(groups))
	mentionEnt := make([]int, len(ms))
	for g, idx := range groups {
		e := &ent{}
		var actor *Actor
		votes := map[string]float64{}
		best := -1
		for _, i := range idx {
			m := ms[i]
			mentionEnt[i] = g
			if m.actor != nil && actor == nil {
				actor = m.actor
			}
			votes[m.typ] += m.conf + 0.01
			if best < 0 || len(strings.Fields(m.text)) > len(strings.Fields(ms[best].text)) {
				best = i
			}
		}
		if actor != nil {
			e.Type, e.Name, e.key = actor.Type, actor.Name, actor.ID
			if len(actor.Attrs) > 0 {
				e.Attrs = map[string]any{}
				for k, v := range actor.Attrs {
					e.Attrs[k] = v
				}
			}
			if e.Attrs == nil {
				e.Attrs = map[string]any{}
			}
			e.Attrs["alias_id"] = actor.ID
		} else {
			// a gazetteer name wins when the tagger also saw it as that type
			for _, i := range idx {
				if t, ok := a.places[ms[i].key]; ok && votes[t] > 0 {
					votes[t] += 1000
					break
				}
			}
			bt, bv := "", -1.0
			for _, t := range ner.Types {
				if votes[t] > bv {
					bt, bv = t, votes[t]
				}
			}
			e.Type = bt
			e.Name = strings.Join(strings.Fields(stripThe(ms[best].text)), " ")
			e.key = names.Key(e.Name)
		}
		e.ID = EntityID(e.Type, e.key)
		seenAlias := map[string]bool{e.Name: true}
		seenTitle := map[string]bool{}
		var titles []string
		for _, i := range idx {
			s := strings.Join(strings.Fields(ms[i].text), " ")
			if !seenAlias[s] {
				seenAlias[s] = true
				e.Aliases = append(e.Aliases, s)
			}
			for _, t := range ms[i].titles {
				if !seenTitle[t] {
					seenTitle[t] = true
					titles = append(titles, t)
				}
			}
		}
		if len(titles) > 0 {
			if e.Attrs == nil {
				e.Attrs = map[string]any{}
			}
			e.Attrs["titles"] = titles
		}
		ents[g] = e
	}
	for i, m := range ms {
		e := ents[mentionEnt[i]]
		attrs := map[string]any{"entity_id": e.ID}
		if e.Type != m.typ {
			attrs["tagged_as"] = m.typ
		}
		id, err := doc.Add(document.Annotation{Kind: "entity", Span: m.span, Label: e.Type,
			Attrs: attrs, Confidence: max(round3(m.conf), 0.001), Analyzer: Name, Version: Version})
		if err != nil {
			return fmt.Errorf("entities: %w", err)
		}
		e.Mentions = append(e.Mentions, id)
	}
	for _, e := range ents {
		doc.Entities = append(doc.Entities, e.Entity)
	}
	return nil
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// farByLetters reports, from byte counts alone, that two keys cannot reach
// a names.KeySimilarity of 0.9, so merge can skip the edit distance. Every
// edit costs at least 0.5 and changes the byte-count difference L1 by at
// most 2, so distance ≥ L1/4; similarity 1-distance/n ≥ 0.9 needs
// distance ≤ n/10, hence L1 ≤ 2n/5 (n the longer key's length).
func farByLetters(a, b string) bool {
	var h [256]int16
	for i := 0; i < len(a); i++ {
		h[a[i]]++
	}
	for i := 0; i < len(b); i++ {
		h[b[i]]--
	}
	l1 := 0
	for i := 0; i < len(a); i++ {
		l1 += abs16(h[a[i]])
		h[a[i]] = 0
	}
	for i := 0; i < len(b); i++ {
		l1 += abs16(h[b[i]])
		h[b[i]] = 0
	}
	return 5*l1 > 2*max(len(a), len(b))
}

func abs16(v int16) int {
	if v < 0 {
		return -int(v)
	}
	return int(v)
}
