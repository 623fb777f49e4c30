package portrayal

import (
	"io/fs"
	"math"

	"github.com/newslens/newslens/document"
)

// EntityWeightsPath is the embedded entity-level combiner's path.
const EntityWeightsPath = "model/entity.json"

// EntityFeatures is the evidence about one actor in one document that the
// entity-level combiner weighs. Each evidence score is in (-1, 1),
// negative where the evidence damns the actor.
type EntityFeatures struct {
	// Probs are the actor's mention probabilities averaged (a quoted
	// speaker's mention weighing otherVoiceWeight of the author's).
	Probs [3]float64 `json:"-"`
	// Attached is the balance of the lexicon words grammatically attached
	// to its author-voice mentions ("Britain's oafish foreign secretary",
	// "Hariri, an imperialist stooge"): (pos-neg)/(1+pos+neg).
	Attached float64 `json:"attached"`
	// Techniques is the balance of the propaganda techniques aimed at its
	// author-voice mentions, by the polarity of their words (name calling
	// and loaded language mostly damn, but "heroic struggle" praises).
	Techniques float64 `json:"techniques"`
	// Events is the balance of the polarity of the trigger words of the
	// events it is the source of ("the liberation of X by Y": Y is the
	// agent of a positive act).
	Events float64 `json:"events"`
	// Balance is what its partners in events say about it: the mean, over
	// asserted events with another actor, of the partner's averaged score
	// (positive minus negative), with the sign flipped for hostile types.
	// An actor fighting one the text damns is on the text's side; one
	// cooperating with it shares its portrayal (structural balance, the
	// "+/-effect" implicature of Deng and Wiebe 2014).
	Balance float64 `json:"balance"`
}

// EntityWeights is the entity-level combiner: the actor's label comes from
// its averaged mention probabilities shifted by the weighted evidence,
// p'(c) ∝ p(c)·exp(s(c)·e) with s = (-1, 0, +1) and
// e = Attached·a + Techniques·t + Events·v + Balance·b. All zero gives the
// averaged probabilities. The weights are chosen by cross-validation on
// PerSenT dev through the analyzer (BENCHMARKS.md).
type EntityWeights struct {
	Attached   float64           `json:"attached"`
	Techniques float64           `json:"techniques"`
	Events     float64           `json:"events"`
	Balance    float64           `json:"balance"`
	Meta       map[string]string `json:"meta,omitempty"`
}

// LoadEntityWeights reads an entity combiner file (JSON).
func LoadEntityWeights(fsys fs.FS, name string) (*EntityWeights, error) {
	return loadJSON[EntityWeights](fsys, name, "portrayal entity weights")
}

// Combine gives an actor's probabilities from its evidence.
func (w *EntityWeights) Combine(f EntityFeatures) [3]float64 {
	if w == nil {
		return f.Probs
	}
	e := w.Attached*f.Attached + w.Techniques*f.Techniques + w.Events*f.Events + w.Balance*f.Balance
	if e == 0 {
		return f.Probs
	}
	p := [3]float64{f.Probs[0] * math.Exp(-e), f.Probs[1], f.Probs[2] * math.Exp(e)}
	s := p[0] + p[1] + p[2]
	if s <= 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return f.Probs
	}
	for c := range p {
		p[c] /= s
	}
	return p
}

// balance01 maps counts for and against into (-1, 1).
func balance01(pos, neg float64) float64 { return (pos - neg) / (1 + pos + neg) }

// hostileTypes and cooperativeTypes sort PLOVER types for the balance
// evidence; the others (RETREAT, MOBILIZE, INVESTIGATE, REQUEST...) say
// nothing of alignment.
var (
	hostileTypes = map[string]bool{"DEMAND": true, "DISAPPROVE": true, "REJECT": true, "THREATEN": true,
		"PROTEST": true, "SANCTION": true, "COERCE": true, "ASSAULT": true, "FIGHT": true}
	cooperativeTypes = map[string]bool{"AGREE": true, "CONSULT": true, "SUPPORT": true, "COOPERATE": true,
		"AID": true, "CONCEDE": true}
)

// eventRef is what portrayal reads of an "events" annotation.
type eventRef struct {
	id              string
	typ             string
	trigger         document.Span
	source, target  document.Span
	hasSrc, hasTgt  bool
	attrs           map[string]any // for the entity ids, read only when a part names no mention
	srcIdx, tgtIdx  int            // mention indexes of source and target, -1 if none
	pol             float64        // trigger word's lexicon polarity
	negated, hypoth bool
}

// Event roles of a mention (mention.ev bits).
const (
	roleSrcPos = 1 << iota
	roleSrcNeg
	roleSrcHostile
	roleTgtHostile
	roleCoop
)

// eventRoles resolves each event's source and target to mentions and
// marks the mentions' roles. Negated and hypothetical events are left out.
func (a *Analyzer) eventRoles(doc *document.Document, ms []mention, evs []eventRef, wcache map[string]wordInfo) {
	for i := range evs {
		ev := &evs[i]
		ev.srcIdx, ev.tgtIdx = -1, -1
		if ev.negated || ev.hypoth {
			continue
		}
		if ev.hasSrc {
			ev.srcIdx = mentionAt(ms, ev.source)
		}
		if ev.hasTgt {
			ev.tgtIdx = mentionAt(ms, ev.target)
		}
		if ev.srcIdx < 0 && ev.tgtIdx < 0 {
			continue
		}
		ev.pol = a.triggerPolarity(doc, ev.trigger, wcache)
		hostile, coop := hostileTypes[ev.typ], cooperativeTypes[ev.typ]
		if k := ev.srcIdx; k >= 0 {
			switch {
			case ev.pol > 0:
				ms[k].ev |= roleSrcPos
			case ev.pol < 0:
				ms[k].ev |= roleSrcNeg
			}
			if hostile {
				ms[k].ev |= roleSrcHostile
			}
			if coop {
				ms[k].ev |= roleCoop
			}
		}
		if k := ev.tgtIdx; k >= 0 {
			if hostile {
				ms[k].ev |= roleTgtHostile
			}
			if coop {
				ms[k].ev |= roleCoop
			}
		}
	}
}

// setEventFeatures copies a mention's event roles into its combiner inputs.
func setEventFeatures(f *[NumFeatures]float64, roles uint8) {
	for k, bit := range [...]uint8{roleSrcPos, roleSrcNeg, roleSrcHostile, roleTgtHostile, roleCoop} {
		if roles&bit != 0 {
			f[FeatEvSrcPos+k] = 1
		}
	}
}

// readEvent reads an event annotation. Its label is the PLOVER type.
func readEvent(an *document.Annotation) eventRef {
	ev := eventRef{id: an.ID, typ: an.Label, attrs: an.Attrs}
	ev.trigger = an.Parts["trigger"]
	ev.source, ev.hasSrc = an.Parts["source"]
	ev.target, ev.hasTgt = an.Parts["target"]
	switch an.Attrs["mode"] {
	case "negated":
		ev.negated = true
	case "hypothetical":
		ev.hypoth = true
	}
	return ev
}

// mentionAt returns the index of the first mention overlapping span (ms
// in text order), or -1.
func mentionAt(ms []mention, span document.Span) int {
	lo, hi := 0, len(ms)
	for lo < hi {
		m := (lo + hi) / 2
		if ms[m].span.End <= span.Start {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < len(ms) && ms[i].span.Start < span.End; i++ {
		if ms[i].span.Overlaps(span) {
			return i
		}
	}
	return -1
}

// entityEvidence adds the event evidence to each actor's features
// (feats, parallel to order and eps), then labels each actor with the
// entity-level combiner.
// entOf gives each mention's index in order, pos each actor id's.
func (a *Analyzer) entityEvidence(ms []mention, entOf []int, pos map[string]int, evs []eventRef, ix *actorIndex, order []string, feats []EntityFeatures, eps []EntityPortrayal) {
	if len(order) == 0 {
		return
	}
	etype := make([]string, len(order))
	for i := len(ms) - 1; i >= 0; i-- {
		etype[entOf[i]] = ms[i].etype // the first mention's, as the loop ends on it
	}
	// a place that is not a country takes part in events ("the
	// liberation of Deir Ezzor") but has no side
	hasSide := func(k int) bool { return etype[k] != "LOC" || ix.isCountry(order[k]) }
	score := func(k int) float64 { return feats[k].Probs[2] - feats[k].Probs[0] }
	// one backing array for the four per-actor tallies
	tally := make([]float64, 4*len(order))
	evPos, evNeg, balSum, balN := tally[:len(order)], tally[len(order):2*len(order)], tally[2*len(order):3*len(order)], tally[3*len(order):]
	// the mention resolved by eventRoles, else the entity id
	actor := func(idx int, ev *eventRef, attr string) (int, bool) {
		if idx >= 0 && idx < len(ms) {
			return entOf[idx], true
		}
		ent, _ := ev.attrs[attr].(string)
		if ent == "" {
			return 0, false
		}
		k, ok := pos[ent]
		return k, ok
	}
	for i := range evs {
		ev := &evs[i]
		if ev.negated || ev.hypoth {
			continue
		}
		ks, okS := actor(ev.srcIdx, ev, "source_entity")
		kt, okT := actor(ev.tgtIdx, ev, "target_entity")
		if okS {
			eps[ks].Events = append(eps[ks].Events, ev.id)
			if ev.pol > 0 {
				evPos[ks]++
			} else if ev.pol < 0 {
				evNeg[ks]++
			}
		}
		if okT && (!okS || kt != ks) {
			eps[kt].Events = append(eps[kt].Events, ev.id)
		}
		if !okS || !okT || ks == kt {
			continue
		}
		sign := 0.0
		switch {
		case hostileTypes[ev.typ]:
			sign = -1
		case cooperativeTypes[ev.typ]:
			sign = 1
		}
		if sign == 0 || !hasSide(ks) || !hasSide(kt) {
			continue
		}
		balSum[ks] += sign * score(kt)
		balN[ks]++
		balSum[kt] += sign * score(ks)
		balN[kt]++
	}
	for k := range order {
		f := &feats[k]
		f.Events = balance01(evPos[k], evNeg[k])
		if balN[k] > 0 {
			f.Balance = balSum[k] / balN[k]
		}
		p := a.ew.Combine(*f)
		c, _ := a.m.Aggregate([][3]float64{p})
		ep := &eps[k]
		ep.Label, ep.Probs, ep.Confidence = Labels[c], round3s(p), round3(p[c])
		if a.features || f.Attached != 0 || f.Techniques != 0 || f.Events != 0 || f.Balance != 0 {
			e := *f
			e.Attached, e.Techniques, e.Events, e.Balance = round3(e.Attached), round3(e.Techniques), round3(e.Events), round3(e.Balance)
			if a.features {
				e = *f
			}
			ep.Evidence = &e
		}
	}
}

// triggerPolarity is the lexicon polarity of an event's trigger word (its
// first word token): "liberation" is positive, "massacre" negative. Words
// under 0.3 in absolute value count as neutral.
func (a *Analyzer) triggerPolarity(doc *document.Document, span document.Span, wcache map[string]wordInfo) float64 {
	if span.End <= span.Start {
		return 0
	}
	for i := tokenAt(doc.Tokens, span.Start); i < len(doc.Tokens) && doc.Tokens[i].Start < span.End; i++ {
		tk := doc.Tokens[i]
		if tk.Kind != document.TokWord {
			continue
		}
		raw := doc.Text[tk.Start:tk.End]
		wi, ok := wcache[raw]
		if !ok {
			wi = a.m.fs.tokenInfo(doc.Text, tk)
			wcache[raw] = wi
		}
		if math.Abs(float64(wi.lex)) < 0.3 {
			return 0
		}
		return float64(wi.lex)
	}
	return 0
}
