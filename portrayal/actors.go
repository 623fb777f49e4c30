package portrayal

import (
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
)

// Actors beyond the entities analyzer's: a country named by its demonym
// ("Russian air power" is Russia's) and a group named by a national or
// "-led" adjective and a collective noun ("the US-led coalition", "the
// Lebanese army"). Both are how news names states and armed groups, and
// the entities analyzer tags only the adjective (a MISC "Russian", "US-led").

// groupNouns head a phrase actor right after a national or "-led" adjective.
var groupNouns = map[string]bool{
	"coalition": true, "forces": true, "army": true, "troops": true, "government": true, "regime": true,
	"alliance": true, "militia": true, "militias": true, "rebels": true, "navy": true, "military": true,
	"police": true, "authorities": true, "administration": true, "parliament": true,
}

// Actor kinds of a mention that the entities analyzer did not give as is.
const (
	viaEntity  = iota
	viaDemonym // a demonym read as its country ("Russian" -> Russia)
	viaPhrase  // adjective + collective noun ("US-led coalition")
)

// actorInfo names an actor that is not a row of doc.Entities.
type actorInfo struct{ name, typ string }

// demonymRef is a places "demonym" annotation.
type demonymRef struct {
	span    document.Span
	country string // ISO code
	name    string // the country's name
}

// actorIndex resolves the extra actors of one document.
type actorIndex struct {
	doc *document.Document
	// country code -> entity id of a mention of the country itself (a
	// place with a PCL* feature code), when the document names it
	countryEnt map[string]string
	extra      map[string]actorInfo
	// the non-person entities' names as lower-case words, made at the
	// first phrase actor, and the phrase actors found so far
	entWords []entityWords
	phrases  map[string]string
}

type entityWords struct {
	id    string
	words []string
}

// nameWords splits a name into lower-case words, hyphens as spaces.
func nameWords(s string) []string {
	return strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " ")))
}

// newActorIndex reads the places analyzer's demonyms and countries: the
// annotations doc.Annotations[geo[i]] (Analyze's one pass over the
// annotations picks them out). ms is in text order; the demonyms come
// back in text order.
func newActorIndex(doc *document.Document, ms []mention, geo []int) (*actorIndex, []demonymRef) {
	ix := &actorIndex{doc: doc}
	var dems []demonymRef
	for _, k := range geo {
		an := &doc.Annotations[k]
		switch an.Kind {
		case "demonym":
			cc, _ := an.Attrs["country"].(string)
			name, _ := an.Attrs["name"].(string)
			if cc != "" && name != "" {
				dems = append(dems, demonymRef{an.Span, cc, name})
			}
		case "place":
			fc, _ := an.Attrs["feature_code"].(string)
			cc, _ := an.Attrs["country"].(string)
			if cc == "" || !strings.HasPrefix(fc, "PCL") {
				continue
			}
			// ms is in text order: a search, not a scan, so a list of
			// thousands of countries stays linear-logarithmic
			if i := mentionAt(ms, an.Span); i >= 0 && ms[i].span == an.Span && !ms[i].nominal {
				if ix.countryEnt == nil {
					ix.countryEnt = map[string]string{}
				}
				if _, ok := ix.countryEnt[cc]; !ok {
					ix.countryEnt[cc] = ms[i].entity
				}
			}
		}
	}
	sort.SliceStable(dems, func(i, j int) bool { return dems[i].span.Start < dems[j].span.Start })
	return ix, dems
}

// country returns the actor id of a country.
func (ix *actorIndex) country(cc, name string) string {
	if id, ok := ix.countryEnt[cc]; ok {
		return id
	}
	id := "country:" + cc
	ix.add(id, name, "LOC")
	return id
}

func (ix *actorIndex) add(id, name, typ string) {
	if ix.extra == nil {
		ix.extra = map[string]actorInfo{}
	}
	if _, ok := ix.extra[id]; !ok {
		ix.extra[id] = actorInfo{name, typ}
	}
}

// isCountry reports whether an actor id is a country's.
func (ix *actorIndex) isCountry(id string) bool {
	if strings.HasPrefix(id, "country:") {
		return true
	}
	for _, e := range ix.countryEnt {
		if e == id {
			return true
		}
	}
	return false
}

// groupAfter returns the token index of a collective noun right after
// byte end (only spaces between) in sentence s, or -1.
func groupAfter(doc *document.Document, s document.Sentence, end int) int {
	i := tokenAt(doc.Tokens, end)
	if i >= s.EndToken || i < s.FirstToken {
		return -1
	}
	tk := doc.Tokens[i]
	if tk.Kind != document.TokWord || strings.TrimSpace(doc.Text[end:tk.Start]) != "" || tk.Start-end > 2 {
		return -1
	}
	if groupNouns[doc.Text[tk.Start:tk.End]] {
		return i
	}
	return -1
}

// modifiesName reports whether a mention ending at byte end is an
// adjective of a name that follows within three lower-case words
// ("Lebanese resistance movement Hezbollah"): then it is not an actor of
// its own.
func modifiesName(doc *document.Document, s document.Sentence, ms []mention, k int, end int) bool {
	i := tokenAt(doc.Tokens, end)
	for n := 0; n < 4 && i < s.EndToken; n, i = n+1, i+1 {
		tk := doc.Tokens[i]
		for x := k + 1; x < len(ms) && ms[x].span.Start <= tk.Start; x++ {
			if ms[x].span.Start == tk.Start {
				return true
			}
		}
		if tk.Kind != document.TokWord {
			return false
		}
		if w := lowerWord(doc.Text[tk.Start:tk.End]); phraseStops[w] || determiners[w] {
			return false // the noun phrase ends before any name
		}
		if c := doc.Text[tk.Start]; c >= 'A' && c <= 'Z' {
			return true // a capitalised word: a name the entities analyzer missed
		}
	}
	return false
}

// phraseActor finds the entity a phrase actor refers to: one whose name
// has the phrase's words in order, with the same first and last word
// ("Syrian army" in "Syrian Arab Army"), else a new actor named by the
// phrase.
func (ix *actorIndex) phraseActor(phrase string) string {
	if id, ok := ix.phrases[phrase]; ok {
		return id
	}
	if ix.phrases == nil {
		ix.phrases = map[string]string{}
		for _, e := range ix.doc.Entities {
			if e.Type != "PER" && strings.ContainsAny(e.Name, " -") {
				ix.entWords = append(ix.entWords, entityWords{e.ID, nameWords(e.Name)})
			}
		}
	}
	id := ix.findPhrase(phrase)
	ix.phrases[phrase] = id
	return id
}

func (ix *actorIndex) findPhrase(phrase string) string {
	pw := nameWords(phrase)
	for _, e := range ix.entWords {
		ew := e.words
		if len(ew) < len(pw) || len(pw) == 0 || ew[0] != pw[0] || ew[len(ew)-1] != pw[len(pw)-1] {
			continue
		}
		j := 0
		for _, w := range ew {
			if j < len(pw) && w == pw[j] {
				j++
			}
		}
		if j == len(pw) {
			return e.id
		}
	}
	id := "phrase:" + strings.Join(pw, " ")
	ix.add(id, phrase, "ORG")
	return id
}

// resolve rewrites the mentions that name a country by its demonym or a
// group by adjective and collective noun, and adds a mention for each
// demonym that is no entity mention. ms is in text order and stays so.
func (ix *actorIndex) resolve(ms []mention, dems []demonymRef, etypes func(id string) string) []mention {
	doc := ix.doc
	// the phrase rule first: a MISC adjective or a "-led"/"-backed"
	// compound before a collective noun
	di := 0
	for k := range ms {
		m := &ms[k]
		if m.nominal || m.etype == "PER" {
			continue
		}
		s := doc.Sentences[m.sent]
		for di < len(dems) && dems[di].span.Start < m.span.Start {
			di++
		}
		isDem := di < len(dems) && dems[di].span == m.span
		txt := doc.Text[m.span.Start:m.span.End]
		adj := isDem || m.etype == "MISC" || strings.HasSuffix(txt, "-led") || strings.HasSuffix(txt, "-backed")
		if !adj {
			continue
		}
		if g := groupAfter(doc, s, m.span.End); g >= 0 {
			end := doc.Tokens[g].End
			m.entity = ix.phraseActor(doc.Text[m.span.Start:end])
			m.span.End = end
			m.via, m.etype = viaPhrase, "ORG"
			if t := etypes(m.entity); t != "" {
				m.etype = t
			}
			continue
		}
		if isDem && !modifiesName(doc, s, ms, k, m.span.End) {
			m.entity = ix.country(dems[di].country, dems[di].name)
			m.via, m.etype = viaDemonym, "LOC"
		}
	}
	// demonyms that are no entity mention
	var add []mention
	k := 0
	for _, d := range dems {
		for k < len(ms) && ms[k].span.End <= d.span.Start {
			k++
		}
		if k < len(ms) && ms[k].span.Start < d.span.End {
			continue // under a mention
		}
		si := sentenceAt(doc.Sentences, d.span.Start)
		if si < 0 {
			continue
		}
		s := doc.Sentences[si]
		m := mention{span: d.span, sent: si, via: viaDemonym, etype: "LOC"}
		if g := groupAfter(doc, s, d.span.End); g >= 0 {
			end := doc.Tokens[g].End
			m.entity = ix.phraseActor(doc.Text[d.span.Start:end])
			m.span.End = end
			m.via, m.etype = viaPhrase, "ORG"
			if t := etypes(m.entity); t != "" {
				m.etype = t
			}
		} else {
			// modifiesName looks at the mentions after this one
			if modifiesName(doc, s, ms, k-1, d.span.End) {
				continue
			}
			m.entity = ix.country(d.country, d.name)
		}
		add = append(add, m)
	}
	if len(add) == 0 {
		return ms
	}
	return mergeMentions(ms, add)
}

// mergeMentions merges add (in text order) into ms (in text order).
func mergeMentions(ms, add []mention) []mention {
	out := make([]mention, 0, len(ms)+len(add))
	i, j := 0, 0
	for i < len(ms) || j < len(add) {
		if j == len(add) || i < len(ms) && ms[i].span.Start <= add[j].span.Start {
			out = append(out, ms[i])
			i++
		} else {
			out = append(out, add[j])
			j++
		}
	}
	return out
}

// viaNames are the attrs.via values of the mention kinds.
var viaNames = [...]string{viaEntity: "entity", viaDemonym: "demonym", viaPhrase: "phrase"}
