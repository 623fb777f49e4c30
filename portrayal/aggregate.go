package portrayal

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"

	"github.com/newslens/newslens/document"
)

// AggregatePath is the embedded document-level aggregator's path.
const AggregatePath = "model/aggregate.json"

// The evidence about one mention that the combiner weighs: the
// target-sentiment model's log probabilities, and the lexical evidence the
// model does not see as such, squashed by x/(x+1) into [0,1).
const (
	FeatLogNeg  = iota // log P(negative) from the target-sentiment model
	FeatLogNeu         // log P(neutral)
	FeatLogPos         // log P(positive)
	FeatTechNeg        // techniques aimed at the mention without positive wording
	FeatTechPos        // techniques aimed at the mention with positive wording
	FeatAttNeg         // negative lexicon words attached to it (modifier, appositive, predicate)
	FeatAttPos         // positive lexicon words attached to it
	// the mention's roles in the events analyzer's events (asserted,
	// reported or threatened ones), 1 or 0
	FeatEvSrcPos     // source of an event whose trigger word is positive ("the liberation of X by Y")
	FeatEvSrcNeg     // source of an event whose trigger word is negative
	FeatEvSrcHostile // source of a hostile event (FIGHT, ASSAULT, DISAPPROVE, ...)
	FeatEvTgtHostile // target of a hostile event
	FeatEvCoop       // source or target of a cooperative event (AID, SUPPORT, AGREE, ...)
	NumFeatures
)

// FeatureNames names the combiner's inputs (for the trainer and the file).
var FeatureNames = [NumFeatures]string{"log_neg", "log_neu", "log_pos",
	"techniques_neg", "techniques_pos", "attached_neg", "attached_pos",
	"event_source_pos", "event_source_neg", "event_source_hostile", "event_target_hostile", "event_cooperative"}

// Aggregator combines a mention's evidence into its final probabilities: a
// multinomial logistic regression over Features. With weight 1 on each
// class's own log probability and nothing else it returns the
// target-sentiment model's probabilities unchanged. Its weights are fitted
// by "newslens train portrayal-aggregate --oof FILE" on NewsMTSC train with
// the model's out-of-fold probabilities (or, without --oof, on dev), the
// feature set and penalty chosen by cross-validation grouped by sentence;
// the shipped one is the identity, since no combiner beat the model alone
// (BENCHMARKS.md).
type Aggregator struct {
	Features []string                `json:"features"` // names of the features used (FeatureNames order)
	W        [3][NumFeatures]float64 `json:"w"`
	B        [3]float64              `json:"b"`
	Meta     map[string]string       `json:"meta,omitempty"`
}

// LoadAggregator reads an aggregator file (JSON).
func LoadAggregator(fsys fs.FS, name string) (*Aggregator, error) {
	return loadJSON[Aggregator](fsys, name, "portrayal aggregator")
}

// loadJSON reads one JSON model file; what names the file in errors.
func loadJSON[T any](fsys fs.FS, name, what string) (*T, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, name, err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, name, err)
	}
	return &v, nil
}

// Probs gives the class probabilities for a mention's features.
func (a *Aggregator) Probs(f [NumFeatures]float64) [3]float64 {
	var s [3]float64
	for c := range s {
		s[c] = a.B[c]
		for k, v := range f {
			s[c] += a.W[c][k] * v
		}
	}
	return softmax(s, 1)
}

// Identity reports whether the combiner returns the model's probabilities
// unchanged (weight 1 on each class's own log probability, nothing else).
func (a *Aggregator) Identity() bool {
	for c := range 3 {
		if a.B[c] != 0 {
			return false
		}
		for k, w := range a.W[c] {
			if want := b2f(k == FeatLogNeg+c); w != want {
				return false
			}
		}
	}
	return true
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// MentionFeatures builds the combiner's inputs from the model's
// probabilities, the polarity of each technique aimed at the mention, and
// its attached evaluative words.
func MentionFeatures(p [3]float64, techPol []float64, att []Evidence) [NumFeatures]float64 {
	var f [NumFeatures]float64
	for c := range 3 {
		f[FeatLogNeg+c] = math.Log(max(p[c], 1e-6))
	}
	var tn, tp, an, ap float64
	for _, v := range techPol {
		if v > 0 {
			tp++
		} else {
			tn++
		}
	}
	for _, e := range att {
		if e.Polarity < 0 {
			an -= e.Polarity
		} else {
			ap += e.Polarity
		}
	}
	f[FeatTechNeg], f[FeatTechPos] = squash64(tn), squash64(tp)
	f[FeatAttNeg], f[FeatAttPos] = squash64(an), squash64(ap)
	return f
}

// roleNouns are heads of nominal mentions of a person ("the US president",
// "Britain's foreign secretary"); the trailing word decides.
var roleNouns = map[string]bool{
	"president": true, "minister": true, "secretary": true, "chancellor": true, "premier": true,
	"leader": true, "king": true, "queen": true, "governor": true, "senator": true, "mayor": true,
	"chairman": true, "chairwoman": true, "envoy": true, "commissioner": true, "ambassador": true,
	"spokesman": true, "spokeswoman": true, "ceo": true, "dictator": true, "monarch": true,
	"prince": true, "emir": true, "general": true, "commander": true,
}

// determiners open a noun phrase; a role noun after one (within a few
// modifiers) is a nominal mention, not a title before a name.
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "this": true, "that": true, "his": true, "her": true,
	"its": true, "their": true, "our": true, "'s": true, "s": true,
}

// phraseStops end a noun phrase to the left: prepositions, conjunctions
// and verbs' auxiliaries.
var phraseStops = map[string]bool{
	"with": true, "by": true, "of": true, "for": true, "to": true, "in": true, "on": true, "at": true,
	"from": true, "against": true, "and": true, "or": true, "but": true, "as": true, "than": true,
	"is": true, "are": true, "was": true, "were": true, "has": true, "have": true, "had": true,
}

// copulas introduce a predicate about the subject before them.
var copulas = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "being": true,
	"remains": true, "remained": true, "seems": true, "seemed": true, "became": true, "becomes": true,
}

// judgeVerbs report someone else's judgement of their object: in "X
// denounced Y as a menace" the view of Y is X's.
var judgeVerbs = map[string]bool{
	"called": true, "calls": true, "call": true, "denounced": true, "denounces": true, "denounce": true,
	"branded": true, "brands": true, "labelled": true, "labeled": true, "dubbed": true, "described": true,
	"describes": true, "accused": true, "accuses": true, "condemned": true, "condemns": true,
	"slammed": true, "slams": true, "blasted": true, "blasts": true, "criticised": true, "criticized": true,
	"criticises": true, "criticizes": true, "praised": true, "praises": true, "hailed": true, "hails": true,
	"blamed": true, "blames": true, "attacked": true, "attacks": true, "lauded": true, "lauds": true,
	"dismissed": true, "dismisses": true, "urged": true, "warned": true,
}

// attachWords bounds how many words of an appositive or predicate count as
// attached to the mention.
const attachWords = 5

// attached returns the lexicon words grammatically attached to a mention
// at tokens [ti, te) of sentence s: up to three modifiers before it (after
// a determiner, "the oafish foreign secretary"), a compound head right
// after it ("the FSA cut-throats", skipping a parenthesis), an appositive
// (", an imperialist stooge") and a predicate after a copula ("X is a
// menace"). The lexicon is the model's; a negator before the word flips it.
func (a *Analyzer) attached(doc *document.Document, s document.Sentence, ti, te int, infos []wordInfo, words func(i int) string) []Evidence {
	var out []Evidence
	add := func(i int) {
		if len(out) >= maxEvidence || doc.Tokens[i].Kind != document.TokWord {
			return
		}
		v := infos[i-s.FirstToken].lex
		if v == 0 {
			return
		}
		for j := max(s.FirstToken, i-negScope); j < i; j++ {
			if infos[j-s.FirstToken].neg {
				v = -v
				break
			}
		}
		tk := doc.Tokens[i]
		out = append(out, Evidence{Span: tk.Span, Text: doc.Text[tk.Start:tk.End], Polarity: round3(float64(v))})
	}
	// modifiers before: stop at a determiner, a preposition or
	// conjunction ("action with Hezbollah", "played by Hezbollah" are not
	// modifiers), punctuation or a break
	for i, n := ti-1, 0; i >= s.FirstToken && n < 3; i, n = i-1, n+1 {
		w := words(i)
		if doc.Tokens[i].Kind != document.TokWord || determiners[w] || phraseStops[w] || infos[i-s.FirstToken].brk {
			break
		}
		if w == "own" {
			// "our own X": a possessive's intensifier, not praise (Pattern's
			// lexicon scores the adjective 0.6)
			continue
		}
		add(i)
	}
	i := te
	// skip a parenthesis right after the mention: "Free Syrian Army (FSA)"
	if i < s.EndToken && words(i) == "(" {
		for j := i; j < s.EndToken && j < i+6; j++ {
			if words(j) == ")" {
				i = j + 1
				break
			}
		}
	}
	if i >= s.EndToken {
		return out
	}
	switch w := words(i); {
	case w == ",":
		// appositive: ", an imperialist stooge of the first water,"
		for j, n := i+1, 0; j < s.EndToken && n < attachWords; j, n = j+1, n+1 {
			if doc.Tokens[j].Kind == document.TokPunct {
				break
			}
			add(j)
		}
	case copulas[w]:
		for j, n := i+1, 0; j < s.EndToken && n < attachWords; j, n = j+1, n+1 {
			if doc.Tokens[j].Kind == document.TokPunct {
				break
			}
			add(j)
		}
	case doc.Tokens[i].Kind == document.TokWord:
		// compound head or the first word of the predicate: "the FSA
		// cut-throats", "the coalition blunders on"
		add(i)
	}
	return out
}

// judgedBy reports whether a mention at token ti is the object of a
// judging verb ("denounced Hezbollah as"), returning the verb's token or -1.
func judgedBy(s document.Sentence, ti int, words func(i int) string) int {
	for i, n := ti-1, 0; i >= s.FirstToken && n < 3; i, n = i-1, n+1 {
		w := words(i)
		if judgeVerbs[w] {
			return i
		}
		if !determiners[w] {
			return -1
		}
	}
	return -1
}

// nominalHead reports whether token i is the head of a nominal mention of a
// person ("the US president", "Britain's oafish foreign secretary"): a role
// noun, after a determiner or possessive within four tokens, and not a
// title before a name (the next token starts with a capital).
func nominalHead(doc *document.Document, s document.Sentence, i int, words func(i int) string) (start int, ok bool) {
	if !roleNouns[words(i)] {
		return 0, false
	}
	if i+1 < s.EndToken {
		nt := doc.Text[doc.Tokens[i+1].Start:doc.Tokens[i+1].End]
		if nt != "" && nt[0] >= 'A' && nt[0] <= 'Z' {
			return 0, false
		}
	}
	for j := i - 1; j >= s.FirstToken && j >= i-4; j-- {
		w := words(j)
		if determiners[w] {
			return j + 1, true
		}
		if doc.Tokens[j].Kind != document.TokWord {
			return 0, false
		}
	}
	return 0, false
}

// squash maps a non-negative count or sum into [0,1).
func squash64(x float64) float64 { return x / (x + 1) }

// techPolarity is the lexicon polarity of a technique's words: loaded
// language can praise ("heroic struggle") as well as damn.
func (a *Analyzer) techPolarity(doc *document.Document, span document.Span, wcache map[string]wordInfo) float64 {
	var sum float64
	for _, tk := range doc.Tokens[tokenAt(doc.Tokens, span.Start):] {
		if tk.Start >= span.End {
			break
		}
		if tk.Kind != document.TokWord {
			continue
		}
		raw := doc.Text[tk.Start:tk.End]
		wi, ok := wcache[raw]
		if !ok {
			wi = a.m.fs.tokenInfo(doc.Text, tk)
			wcache[raw] = wi
		}
		sum += float64(wi.lex)
	}
	return sum
}

// tokenAt is the index of the first token ending after byte i.
func tokenAt(toks []document.Token, i int) int {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := (lo + hi) / 2
		if toks[m].End <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// lowerFold lower-cases a token for the small word lists above.
func lowerFold(s string) string {
	if strings.ContainsRune(s, '’') {
		s = strings.ReplaceAll(s, "’", "'")
	}
	return strings.ToLower(s)
}

var _ = math.Abs

// roleCompounds are words that form a role with the noun after them
// ("foreign secretary", "prime minister").
var roleCompounds = map[string]bool{
	"foreign": true, "prime": true, "vice": true, "home": true, "defence": true, "defense": true,
	"interior": true, "finance": true, "deputy": true, "supreme": true, "first": true,
}

// nominalRoom is the spare capacity the mention slice starts with, for the
// nominal mentions added to it without a copy.
const nominalRoom = 16

// nominalSentences is how far back (in sentences) a nominal mention looks
// for the person it refers to.
const nominalSentences = 2

// nominals adds the nominal mentions of people: a role noun after a
// determiner ("the US president", "Britain's oafish foreign secretary")
// refers to the most recent person named in its sentence or the two before
// (the deterministic recency rule of rule-based coreference). ms is in text
// order and stays so.
func (a *Analyzer) nominals(doc *document.Document, ms []mention) []mention {
	// antecedents are people named in full somewhere (a canonical name of
	// two words or more): a one-word "person" is more often a tagging
	// error (the sample's "Victory to the Syrian president" tags Victory)
	per := map[string]bool{}
	for _, e := range doc.Entities {
		if e.Type == "PER" && strings.ContainsAny(strings.TrimSpace(e.Name), " ") {
			per[e.ID] = true
		}
	}
	if len(per) == 0 {
		return ms
	}
	words := func(i int) string {
		tk := doc.Tokens[i]
		return lowerWord(doc.Text[tk.Start:tk.End])
	}
	var add []mention
	j := 0 // ms[:j] start before the current token
	last := -1
	for si, s := range doc.Sentences {
		// a sentence needs a person named in it or in the two before;
		// skipping the others saves most of the scan on a long article
		if last < 0 || ms[last].sent < si-nominalSentences {
			k := j
			for k < len(ms) && ms[k].span.Start < s.End && !per[ms[k].entity] {
				k++
			}
			if k == len(ms) || ms[k].span.Start >= s.End {
				for j < len(ms) && ms[j].span.Start < s.End {
					j++ // none of them is a person
				}
				continue
			}
		}
		for i := s.FirstToken; i < s.EndToken; i++ {
			tk := doc.Tokens[i]
			for j < len(ms) && ms[j].span.Start < tk.Start {
				if per[ms[j].entity] {
					last = j
				}
				j++
			}
			// role nouns are lower case where they are nominals (a
			// capitalised "President" is a title or starts a sentence),
			// so the raw text is looked up, without lower-casing
			if n := tk.End - tk.Start; tk.Kind != document.TokWord || n < 3 || n > 12 || !roleNouns[doc.Text[tk.Start:tk.End]] {
				continue
			}
			if j < len(ms) && ms[j].span.Start < tk.End || j > 0 && ms[j-1].span.End > tk.Start {
				continue // inside a named mention
			}
			st, ok := nominalHead(doc, s, i, words)
			if !ok || last < 0 || ms[last].sent < si-nominalSentences {
				continue
			}
			first := i
			if i-1 >= st && roleCompounds[words(i-1)] {
				first = i - 1
			}
			add = append(add, mention{span: document.Span{Start: doc.Tokens[first].Start, End: tk.End},
				entity: ms[last].entity, sent: si, etype: "PER", nominal: true})
		}
	}
	if len(add) == 0 {
		return ms
	}
	// merge in place from the back (ms usually has room: see nominalRoom)
	n := len(ms)
	ms = slices.Grow(ms, len(add))[:n+len(add)]
	x, y := n-1, len(add)-1
	for k := len(ms) - 1; y >= 0; k-- {
		if x >= 0 && ms[x].span.Start > add[y].span.Start {
			ms[k] = ms[x]
			x--
		} else {
			ms[k] = add[y]
			y--
		}
	}
	return ms
}
