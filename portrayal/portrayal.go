// Package portrayal is the "portrayal" analyzer: how a news text portrays
// each actor it names. Every entity mention gets a target-dependent
// sentiment (negative, neutral, positive) from a multinomial logistic
// regression over target-relative features (window words with distance
// buckets, target-masked n-grams, lexicon polarity with negation scope,
// quote membership), trained in pure Go on NewsMTSC ("newslens train
// portrayal"). Nominal mentions of people ("the US president") are linked
// to the person named just before. Mentions are then aggregated per entity
// into a document summary with its evidence: the mentions, the evaluative
// words near and attached to them, the propaganda techniques aimed at
// them, and whose voice each judgement is in (the author's, a quoted
// speaker's, or the subject's of a judging verb: "X denounced Y as ...").
//
// Kinds and attributes are documented in docs/format.md under "Portrayal".
package portrayal

import (
	"context"
	"embed"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/newslens/newslens/document"
)

// Name and Version identify the analyzer.
const (
	Name    = "portrayal"
	Version = "1"
)

// ModelPath is the embedded model's path inside the package.
const ModelPath = "model/portrayal.gob.gz"

//go:embed model/portrayal.gob.gz model/aggregate.json model/entity.json
var modelFS embed.FS

// Voice values other than a speaker's entity id or name.
const (
	VoiceAuthor = "author"
	VoiceQuoted = "quoted" // inside a quote whose speaker is unknown
)

// evalWindow is how many tokens either side of a mention an evaluative word
// may lie to count as evidence about it.
const evalWindow = 6

// otherVoiceWeight is how much a mention in a quoted speaker's voice counts
// towards the entity's label against one in the author's. Chosen on
// PerSenT dev through the analyzer (macro-F1 with the document offsets):
// author voice only 0.388, 0.25: 0.408, 0.5: 0.411, all voices equal
// 0.409 (after the quote model's update: 0.400, 0.415, 0.414, 0.407); the
// weighted ones tie within noise, and 0.5 keeps the author's voice first.
const otherVoiceWeight = 0.5

// maxEvidence caps the evaluative words kept per mention.
const maxEvidence = 8

// maxOthers bounds how many neighbouring mentions either side are masked as
// other actors.
const maxOthers = 40

// Analyzer implements pipeline.Analyzer.
type Analyzer struct {
	m *Model
	// agg combines an entity's evidence into the document-level label;
	// nil falls back to averaging the mention probabilities
	agg *Aggregator
	// ew combines an actor's averaged mention probabilities with the
	// rest of its evidence (attached words, techniques, event roles);
	// nil: the averaged probabilities alone
	ew *EntityWeights
	// features makes Analyze keep each mention's combiner inputs in the
	// summary (for the trainer)
	features bool
	// Budget bounds the time of one Analyze call; mentions left when it runs
	// out are skipped and the summary says so.
	Budget time.Duration
	// caches recycles the per-document scratch (*scratch): the word-info
	// map (a new map per document cost about as much as scoring a short
	// article's mentions) and the mention, token and word buffers
	caches sync.Pool
}

// scratch is one Analyze call's working memory, recycled between
// documents through Analyzer.caches. None of it outlives the call.
type scratch struct {
	wcache map[string]wordInfo // word info per distinct token text
	ms     []mention
	toks   []document.Token
	infos  []wordInfo
	others []document.Span
	lw     []string // lower-cased token forms, "" until needed
	share  sentShare
	marks  quoteMarks
	evs    []eventRef       // the document's events (entity.go)
	geo    []int            // its demonym and place annotations (actors.go)
	feats  []EntityFeatures // per actor (entity.go)
}

// release clears what points into the document and returns sc to the
// pool, unless a hostile document made it too big to keep.
func (a *Analyzer) release(sc *scratch, ms []mention, lw []string) {
	if len(sc.wcache) > 4096 || cap(ms) > 4096 || cap(lw) > 1<<16 || cap(sc.evs) > 4096 || cap(sc.feats) > 4096 {
		return
	}
	clear(sc.wcache)
	clear(sc.evs[:cap(sc.evs)]) // they hold attribute maps of the document
	clear(ms[:cap(ms)])
	clear(lw)
	sc.ms, sc.lw = ms[:0], lw[:0]
	a.caches.Put(sc)
}

// New loads the embedded model.
func New() (*Analyzer, error) {
	m, err := Load(modelFS, ModelPath)
	if err != nil {
		return nil, err
	}
	a := NewWithModel(m)
	if a.agg, err = LoadAggregator(modelFS, AggregatePath); err != nil {
		return nil, err
	}
	if a.ew, err = LoadEntityWeights(modelFS, EntityWeightsPath); err != nil {
		return nil, err
	}
	return a, nil
}

// WithAggregator returns a copy of the analyzer that combines each
// mention's evidence with agg (nil: the target-sentiment model's
// probabilities alone) and, with keepFeatures, keeps the combiner's inputs
// in Summary.Features.
func (a *Analyzer) WithAggregator(agg *Aggregator, keepFeatures bool) *Analyzer {
	return &Analyzer{m: a.m, agg: agg, ew: a.ew, features: keepFeatures, Budget: a.Budget}
}

// WithEntityWeights returns a copy of the analyzer with the entity-level
// combiner w (nil: averaged mention probabilities alone).
func (a *Analyzer) WithEntityWeights(w *EntityWeights) *Analyzer {
	return &Analyzer{m: a.m, agg: a.agg, ew: w, features: a.features, Budget: a.Budget}
}

// EntityWeights returns the analyzer's entity-level combiner (nil if none).
func (a *Analyzer) EntityWeights() *EntityWeights { return a.ew }

// Aggregator returns the analyzer's mention combiner (nil if none).
func (a *Analyzer) Aggregator() *Aggregator { return a.agg }

// NewWithModel wraps a model (for evaluation of a retrained one).
func NewWithModel(m *Model) *Analyzer { return &Analyzer{m: m, Budget: 2 * time.Second} }

// Model returns the analyzer's model.
func (a *Analyzer) Model() *Model { return a.m }

// Name implements pipeline.Analyzer.
func (*Analyzer) Name() string { return Name }

// Version implements pipeline.Analyzer.
func (*Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer.
// Places gives the demonyms read as countries, events the actors' roles.
func (*Analyzer) Requires() []string {
	return []string{"entities", "quotes", "techniques", "places", "events"}
}

// Evidence is an evaluative word near a mention.
type Evidence struct {
	document.Span
	Text     string  `json:"text"`
	Polarity float64 `json:"polarity"` // lexicon polarity in [-1,1], sign flipped under negation
	Mention  string  `json:"mention"`  // the portrayal annotation id it is evidence for
}

// VoiceSummary is the aggregate of the mentions in one voice.
type VoiceSummary struct {
	Voice    string     `json:"voice"`
	Label    string     `json:"label"`
	Probs    [3]float64 `json:"probs"`
	Mentions int        `json:"mentions"`
}

// EntityPortrayal is one entity's portrayal in the document.
type EntityPortrayal struct {
	EntityID   string     `json:"entity_id"`
	Name       string     `json:"name"`
	Label      string     `json:"label"`
	Confidence float64    `json:"confidence"`
	Probs      [3]float64 `json:"probs"`    // negative, neutral, positive
	Mentions   []string   `json:"mentions"` // portrayal annotation ids
	Evaluative []Evidence `json:"evaluative,omitempty"`
	// Attached are evaluative words grammatically attached to an
	// author-voice mention: modifiers, an appositive, a predicate.
	Attached   []Evidence `json:"attached,omitempty"`
	Techniques []string   `json:"techniques,omitempty"` // technique annotation ids
	// Events are the event annotations the actor is the source or target
	// of (asserted, reported or threatened; not negated or hypothetical).
	Events []string       `json:"events,omitempty"`
	Voices []VoiceSummary `json:"voices"`
	// Evidence is what the entity-level combiner weighed.
	Evidence *EntityFeatures `json:"evidence,omitempty"`
}

// Summary is doc.Summaries["portrayal"].
type Summary struct {
	Entities []EntityPortrayal `json:"entities"`
	// Features holds each portrayal annotation's combiner inputs, by
	// annotation id (for the trainer; not serialised).
	Features map[string][NumFeatures]float64 `json:"-"`
	// Skipped counts mentions left out when the time budget ran out.
	Skipped int `json:"skipped,omitempty"`
}

// Aggregate averages mention probabilities and adds the model's
// document-level offsets, giving an entity's overall label and probabilities.
func (m *Model) Aggregate(ps [][3]float64) (int, [3]float64) {
	var avg [3]float64
	if len(ps) == 0 {
		return 1, [3]float64{0, 1, 0}
	}
	for _, p := range ps {
		for c := range p {
			avg[c] += p[c] / float64(len(ps))
		}
	}
	best, bv := 0, math.Inf(-1)
	for c := range avg {
		if v := avg[c] + m.bias[c]; v > bv {
			best, bv = c, v
		}
	}
	return best, avg
}

type mention struct {
	span    document.Span // the entity mention
	annID   string        // its annotation id
	entity  string
	sent    int
	probs   [3]float64
	voice   string
	id      string
	evid    []Evidence
	att     []Evidence
	techIDs []string
	tsc     [3]float64 // the target-sentiment model's probabilities (probs: combined)
	etype   string     // the entity type (PER, ORG, ...), "" if unknown
	nominal bool       // a role noun linked to a person named before ("the US president")
	via     uint8      // viaEntity, viaDemonym or viaPhrase (see actors.go)
	ev      uint8      // event roles (roleSrcPos, ... in entity.go)
}

// voiceAuthorBox is VoiceAuthor as an interface value, shared by every
// mention's attributes (read-only).
var voiceAuthorBox any = VoiceAuthor

// Analyze implements pipeline.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	deadline := time.Now().Add(a.Budget)
	// one map from entity id to its doc.Entities row (name and type);
	// a later duplicate id wins, as it did in the per-field maps
	ents := make(map[string]int, len(doc.Entities))
	for k, e := range doc.Entities {
		ents[e.ID] = k
	}
	var ix *actorIndex // the actors beyond doc.Entities (actors.go)
	entityField := func(id string, name bool) string {
		k, ok := ents[id]
		if !ok {
			if ix != nil {
				if e, ok := ix.extra[id]; ok {
					if name {
						return e.name
					}
					return e.typ
				}
			}
			return ""
		}
		if name {
			return doc.Entities[k].Name
		}
		return doc.Entities[k].Type
	}
	// one pass over the annotations, keeping only what is needed of the
	// entity mentions, quotes and techniques (not copies of them)
	type quoteSpan struct {
		start   int // the quote annotation's start, for ordering
		content document.Span
		voice   string
	}
	type techRef struct {
		document.Span
		id string
	}
	nEnt := 0
	for k := range doc.Annotations {
		if doc.Annotations[k].Kind == "entity" {
			nEnt++
		}
	}
	sc, _ := a.caches.Get().(*scratch)
	if sc == nil {
		sc = &scratch{wcache: make(map[string]wordInfo, 512), toks: make([]document.Token, 0, 64)}
	}
	ms := slices.Grow(sc.ms[:0], nEnt+nominalRoom)
	var lw []string // lower-cased token forms (see words below)
	// ms and lw as they end up (nominals and the budget may replace or
	// cut ms)
	msAll := &ms
	defer func() { a.release(sc, *msAll, lw) }()
	var qs []quoteSpan
	var techs []techRef
	evs := sc.evs[:0]
	geo := sc.geo[:0] // demonym and place annotations, for the actor index
	defer func() { sc.evs, sc.geo = evs[:0], geo[:0] }()
	for k := range doc.Annotations {
		an := &doc.Annotations[k]
		switch an.Kind {
		case "entity":
			id, _ := an.Attrs["entity_id"].(string)
			if id == "" {
				continue
			}
			si := sentenceAt(doc.Sentences, an.Start)
			if si < 0 {
				continue
			}
			ms = append(ms, mention{span: an.Span, annID: an.ID, entity: id, sent: si, etype: entityField(id, false)})
		case "quote":
			c, ok := an.Parts["content"]
			if !ok {
				continue
			}
			v := VoiceQuoted
			if e, _ := an.Attrs["speaker_entity"].(string); e != "" {
				v = e
			} else if n, _ := an.Attrs["speaker"].(string); n != "" {
				v = n
			}
			qs = append(qs, quoteSpan{an.Start, c, v})
		case "technique":
			techs = append(techs, techRef{an.Span, an.ID})
		case "event":
			// an event with neither source nor target names no actor
			if an.Parts != nil {
				if _, ok := an.Parts["source"]; ok {
					evs = append(evs, readEvent(an))
				} else if _, ok := an.Parts["target"]; ok {
					evs = append(evs, readEvent(an))
				}
			}
		case "demonym", "place":
			geo = append(geo, k)
		}
	}
	// mentions and techniques in text order (the neighbour and technique
	// scans below rely on it)
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].span.Start < ms[j].span.Start })
	var dems []demonymRef
	ix, dems = newActorIndex(doc, ms, geo)
	ms = ix.resolve(ms, dems, func(id string) string { return entityField(id, false) })
	ms = a.nominals(doc, ms)
	sort.SliceStable(techs, func(i, j int) bool { return techs[i].Start < techs[j].Start })
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].start < qs[j].start })
	var sum Summary
	// one annotation per mention: grow the annotation slice once rather
	// than by repeated appends (each copies every annotation so far), and
	// give the mentions' probability triples one backing array
	doc.Annotations = slices.Grow(doc.Annotations, len(ms))
	probsBuf := make([]float64, 3*len(ms))
	var t Target
	t.Others = sc.others[:0]
	toks := sc.toks[:0]
	// word info per distinct token text: news repeats its words, so each
	// is lower-cased, hashed and looked up once per document
	wcache := sc.wcache
	a.eventRoles(doc, ms, evs, wcache)
	infos := sc.infos[:0]
	defer func() {
		// the grown buffers are kept for the next document
		sc.toks, sc.infos, sc.others = toks[:0], infos[:0], t.Others[:0]
	}()
	wantFeatures := a.features
	var feats [][NumFeatures]float64
	techPol := map[string]float64{}
	// lower-cased token forms, made on first use and kept for the
	// document: the attached-word and judging-verb checks of every mention
	// in a sentence read the same tokens
	words := func(i int) string {
		if lw == nil {
			if cap(sc.lw) >= len(doc.Tokens) {
				lw = sc.lw[:len(doc.Tokens)] // cleared by release
			} else {
				lw = make([]string, len(doc.Tokens))
			}
		}
		if w := lw[i]; w != "" {
			return w
		}
		tk := doc.Tokens[i]
		w := lowerWord(doc.Text[tk.Start:tk.End])
		lw[i] = w
		return w
	}
	boxes := make(map[string]any, len(ents))
	share := &sc.share // the current sentence's shared scores
	marks := &sc.marks // the current sentence's quotation marks
	curSent := -1
	sentBeg, sentEnd := 0, 0 // ms[sentBeg:sentEnd] are the current sentence's mentions
	ti := 0                  // techniques before this one end before the current sentence
	for i := range ms {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("portrayal: %w", err)
			}
			if a.Budget > 0 && time.Now().After(deadline) {
				sum.Skipped = len(ms) - i
				ms = ms[:i]
				break
			}
		}
		m := &ms[i]
		s := doc.Sentences[m.sent]
		off := s.Start
		if m.sent != curSent {
			// tokens and word forms once per sentence, shared by its mentions
			curSent = m.sent
			toks = toks[:0]
			for _, tk := range doc.Tokens[s.FirstToken:s.EndToken] {
				tk.Start -= off
				tk.End -= off
				toks = append(toks, tk)
			}
			sent := doc.Text[s.Start:s.End]
			infos = infos[:0]
			for _, tk := range toks {
				raw := sent[tk.Start:tk.End]
				wi, ok := wcache[raw]
				if !ok {
					wi = a.m.fs.tokenInfo(sent, tk)
					wcache[raw] = wi
				}
				infos = append(infos, wi)
			}
			j := i
			for j < len(ms) && ms[j].sent == m.sent {
				j++
			}
			sentBeg, sentEnd = i, j
			if a.m.wq != nil {
				mask := uint32(1)<<a.m.bits - 1
				share.build(&a.m.fs, infos, a.m.wq, mask)
			}
			marks.build(sent)
			// a technique in the sentence is aimed at the mention it
			// contains, else at the nearest one ("X called Y a
			// terrorist": Y). Techniques are in text order: skip those
			// ending before the sentence once, so a long article is not
			// quadratic.
			for ti < len(techs) && techs[ti].End <= s.Start {
				ti++
			}
			for k := ti; k < len(techs) && techs[k].Start < s.End; k++ {
				if !techs[k].Overlaps(s.Span) {
					continue
				}
				best, bd := -1, int(^uint(0)>>1)
				for x := i; x < j && x < i+2*maxOthers; x++ {
					if d := gap(ms[x].span, techs[k].Span); d < bd {
						best, bd = x, d
					}
				}
				if best >= 0 {
					ms[best].techIDs = append(ms[best].techIDs, techs[k].id)
					techPol[techs[k].id] = a.techPolarity(doc, techs[k].Span, wcache)
				}
			}
		}
		t = Target{Sentence: doc.Text[s.Start:s.End], Tokens: toks, infos: infos, share: share, Others: t.Others[:0],
			Span: document.Span{Start: m.span.Start - off, End: min(m.span.End, s.End) - off}}
		// ms is in text order, so the sentence's other mentions are
		// neighbours; looking at most maxOthers either side bounds a
		// sentence of thousands of names.
		// (mentions before sentBeg are in earlier sentences: not scanned)
		for _, o := range ms[max(sentBeg, i-maxOthers):min(sentEnd, i+maxOthers+1)] {
			// Other actors masked as <O> are people and entities of the
			// target's own type: the model learnt <O> from NewsMTSC, where
			// it marks the sentence's other targets, which are of the
			// target's kind (people). Masking every place and organisation
			// around a person cost 0.055 macro-F1 on dev-mt through the
			// analyzer (BENCHMARKS.md).
			if o.sent == m.sent && o.span.Start != m.span.Start && o.entity != m.entity && (o.etype == "PER" || o.etype == m.etype) {
				t.Others = append(t.Others, document.Span{Start: o.span.Start - off, End: min(o.span.End, s.End) - off})
			}
		}
		m.voice = VoiceAuthor
		for _, q := range qs {
			if q.content.Contains(m.span) {
				m.voice = q.voice
				break
			}
		}
		// the model's quote feature is quotation marks, as in training
		// (SentenceTarget): an indirect quote's content is not marked, so
		// it is not a quote to the model (dev through the analyzer: same
		// macro-F1, dev-mt ECE 0.049 -> 0.042)
		t.InQuote = marks.inQuote(t.Span.Start)
		mt := max(tokenAt(doc.Tokens, m.span.Start), s.FirstToken)
		me := mt
		for me < s.EndToken && doc.Tokens[me].Start < m.span.End {
			me++
		}
		if m.voice == VoiceAuthor {
			// "X denounced Y as a menace": X's view of Y, X being the
			// nearest mention before the verb
			if v := judgedBy(s, mt, words); v >= 0 {
				m.voice = VoiceQuoted
				for x := i - 1; x >= 0 && ms[x].sent == m.sent; x-- {
					if ms[x].span.End <= doc.Tokens[v].Start {
						m.voice = ms[x].entity
						break
					}
				}
			}
		}
		m.probs = a.m.Probs(&t)
		m.evid = a.evaluative(doc, s, m.span, infos)
		m.att = a.attached(doc, s, mt, me, infos, words)
		m.tsc = m.probs
		// the combiner, unless it is the identity (the shipped one) and
		// no one asked for its inputs
		if wantFeatures || a.agg != nil && !a.agg.Identity() {
			var tp []float64
			for _, id := range m.techIDs {
				tp = append(tp, techPol[id])
			}
			f := MentionFeatures(m.tsc, tp, m.att)
			setEventFeatures(&f, m.ev)
			if a.agg != nil {
				m.probs = a.agg.Probs(f)
			}
			if wantFeatures {
				if sum.Features == nil {
					sum.Features = map[string][NumFeatures]float64{}
				}
				feats = append(feats, f)
			}
		}
		c := Argmax(m.probs)
		// one literal per case, so the map is sized once
		// the entity id and the author voice boxed once per document, not
		// once per mention
		ent, ok := boxes[m.entity]
		if !ok {
			ent = m.entity
			boxes[m.entity] = ent
		}
		var voice any = voiceAuthorBox
		if m.voice != VoiceAuthor {
			voice = m.voice
		}
		var attrs map[string]any
		switch {
		case m.nominal:
			attrs = map[string]any{"entity_id": ent, "voice": voice, "nominal": true,
				"probs": mentionProbs(probsBuf[3*i:3*i+3:3*i+3], m.probs)}
		case m.via != viaEntity:
			attrs = map[string]any{"entity_id": ent, "voice": voice, "via": viaNames[m.via],
				"probs": mentionProbs(probsBuf[3*i:3*i+3:3*i+3], m.probs)}
			if m.annID != "" {
				attrs["mention"] = m.annID
			}
		default:
			attrs = map[string]any{"entity_id": ent, "voice": voice, "mention": m.annID,
				"probs": mentionProbs(probsBuf[3*i:3*i+3:3*i+3], m.probs)}
		}
		id, err := doc.Add(document.Annotation{
			Kind: "portrayal", Span: m.span, Label: Labels[c], Confidence: round3(m.probs[c]),
			Attrs: attrs, Analyzer: Name, Version: Version,
		})
		if err != nil {
			return fmt.Errorf("portrayal: %w", err)
		}
		m.id = id
		if wantFeatures {
			sum.Features[id] = feats[len(feats)-1]
		}
		for k := range m.evid {
			m.evid[k].Mention = id
		}
		for k := range m.att {
			m.att[k].Mention = id
		}
	}
	// aggregate per entity, in order of first mention
	// the mentions' indexes grouped by entity (a counting sort: one map
	// lookup a mention, one backing array), each group in text order
	entOf := make([]int, len(ms))
	var order []string
	var counts []int
	seen := make(map[string]int, len(ents)+1) // actor id -> index in order
	{
		for i := range ms {
			k, ok := seen[ms[i].entity]
			if !ok {
				k = len(order)
				seen[ms[i].entity] = k
				order = append(order, ms[i].entity)
				counts = append(counts, 0)
			}
			entOf[i] = k
			counts[k]++
		}
	}
	starts := make([]int, len(order)+1)
	for k, c := range counts {
		starts[k+1] = starts[k] + c
	}
	grouped := make([]int, len(ms))
	fill := slices.Clone(starts[:len(order)])
	for i, k := range entOf {
		grouped[fill[k]] = i
		fill[k]++
	}
	if len(order) > 0 {
		sum.Entities = make([]EntityPortrayal, 0, len(order))
	}
	type voiceGroup struct {
		voice string
		probs [][3]float64
	}
	var byVoice []voiceGroup
	feats0 := slices.Grow(sc.feats[:0], len(order))[:len(order)]
	clear(feats0)
	sc.feats = feats0
	for k, eid := range order {
		idx := grouped[starts[k]:starts[k+1]]
		ep := EntityPortrayal{EntityID: eid, Name: entityField(eid, true)}
		ep.Mentions = make([]string, 0, len(idx))
		nEvid, nAtt := 0, 0
		for _, i := range idx {
			nEvid += len(ms[i].evid)
			if ms[i].voice == VoiceAuthor {
				nAtt += len(ms[i].att)
			}
		}
		// nil when empty, as appends to nil left them
		if nEvid > 0 {
			ep.Evaluative = make([]Evidence, 0, nEvid)
		}
		if nAtt > 0 {
			ep.Attached = make([]Evidence, 0, nAtt)
		}
		// the groups' probability slices are reused from entity to entity
		for g := range byVoice {
			byVoice[g].probs = byVoice[g].probs[:0]
		}
		byVoice = byVoice[:0]
		var seenTech map[string]bool // made at the first technique
		var tpos, tneg float64       // techniques aimed at author-voice mentions, by polarity
		for _, i := range idx {
			m := &ms[i]
			ep.Mentions = append(ep.Mentions, m.id)
			// an entity has few voices: a linear scan, not a map
			vi := slices.IndexFunc(byVoice, func(g voiceGroup) bool { return g.voice == m.voice })
			if vi < 0 {
				vi = len(byVoice)
				if vi < cap(byVoice) {
					byVoice = byVoice[:vi+1]
					byVoice[vi].voice = m.voice
				} else {
					byVoice = append(byVoice, voiceGroup{voice: m.voice})
				}
			}
			byVoice[vi].probs = append(byVoice[vi].probs, m.probs)
			ep.Evaluative = append(ep.Evaluative, m.evid...)
			if m.voice == VoiceAuthor {
				ep.Attached = append(ep.Attached, m.att...)
			}
			for _, tid := range m.techIDs {
				if seenTech == nil {
					seenTech = map[string]bool{}
				}
				if !seenTech[tid] {
					seenTech[tid] = true
					ep.Techniques = append(ep.Techniques, tid)
					if m.voice == VoiceAuthor {
						if techPol[tid] > 0 {
							tpos++
						} else {
							tneg++
						}
					}
				}
			}
		}
		// the author's view: a quoted speaker's judgement is theirs ("X
		// called Y a terrorist"), so other voices count otherVoiceWeight
		// of an author-voice mention
		var wavg [3]float64
		wsum := 0.0
		for _, i := range idx {
			wt := 1.0
			if ms[i].voice != VoiceAuthor {
				wt = otherVoiceWeight
			}
			for k := range 3 {
				wavg[k] += wt * ms[i].probs[k]
			}
			wsum += wt
		}
		for k := range 3 {
			wavg[k] /= wsum
		}
		var apos, aneg float64
		for _, e := range ep.Attached {
			if e.Polarity > 0 {
				apos += e.Polarity
			} else {
				aneg -= e.Polarity
			}
		}
		feats0[k] = EntityFeatures{Probs: wavg, Attached: balance01(apos, aneg), Techniques: balance01(tpos, tneg)}
		ep.Voices = make([]VoiceSummary, 0, len(byVoice))
		for _, g := range byVoice {
			vc, vavg := a.m.Aggregate(g.probs)
			ep.Voices = append(ep.Voices, VoiceSummary{Voice: g.voice, Label: Labels[vc], Probs: round3s(vavg), Mentions: len(g.probs)})
		}
		sort.SliceStable(ep.Evaluative, func(i, j int) bool { return ep.Evaluative[i].Start < ep.Evaluative[j].Start })
		sum.Entities = append(sum.Entities, ep)
	}
	a.entityEvidence(ms, entOf, seen, evs, ix, order, feats0, sum.Entities)
	doc.SetSummary(Name, sum)
	return nil
}

// evaluative returns lexicon words within evalWindow tokens of the mention,
// in its sentence, with the sign flipped after a negator.
func (a *Analyzer) evaluative(doc *document.Document, s document.Sentence, mspan document.Span, infos []wordInfo) []Evidence {
	ti := -1
	for i := s.FirstToken; i < s.EndToken; i++ {
		if doc.Tokens[i].End > mspan.Start {
			ti = i
			break
		}
	}
	if ti < 0 {
		return nil
	}
	lo, hi := max(s.FirstToken, ti-evalWindow), min(s.EndToken, ti+evalWindow+1)
	var out []Evidence
	for i := lo; i < hi && len(out) < maxEvidence; i++ {
		tk := doc.Tokens[i]
		if tk.Overlaps(mspan) || tk.Kind != document.TokWord {
			continue
		}
		v := infos[i-s.FirstToken].lex
		if math.Abs(float64(v)) < 0.3 {
			continue
		}
		for j := max(lo, i-negScope); j < i; j++ {
			if infos[j-s.FirstToken].neg {
				v = -v
				break
			}
		}
		out = append(out, Evidence{Span: tk.Span, Text: doc.Text[tk.Start:tk.End], Polarity: round3(float64(v))})
	}
	return out
}

// gap is the number of bytes between two spans, 0 when they overlap.
func gap(a, b document.Span) int {
	switch {
	case a.End <= b.Start:
		return b.Start - a.End
	case b.End <= a.Start:
		return a.Start - b.End
	}
	return 0
}

// sentenceAt returns the index of the sentence containing byte i, or -1.
func sentenceAt(ss []document.Sentence, i int) int {
	j := sort.Search(len(ss), func(k int) bool { return ss[k].End > i })
	if j < len(ss) && ss[j].Start <= i {
		return j
	}
	return -1
}

// quoteMarks holds the byte offsets of a sentence's double quotation
// marks, so that the quote test of each of its mentions is a count over a
// few offsets rather than a scan of the sentence.
type quoteMarks struct{ at []int }

func (q *quoteMarks) build(s string) {
	q.at = q.at[:0]
	for i, r := range s {
		switch r {
		case '"', '“', '”', '«', '»':
			q.at = append(q.at, i)
		}
	}
}

// inQuote is inQuoteMarks(s, i) for the sentence s that q was built from.
func (q *quoteMarks) inQuote(i int) bool {
	n := 0
	for _, at := range q.at {
		if at >= i {
			break
		}
		n++
	}
	return n%2 == 1
}

// inQuoteMarks reports whether offset i of s follows an odd number of
// double quotation marks: a cheap in-sentence test for quoted speech.
func inQuoteMarks(s string, i int) bool {
	n := 0
	for _, r := range s[:i] {
		switch r {
		case '"', '“', '”', '«', '»':
			n++
		}
	}
	return n%2 == 1
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// mentionProbs fills dst (three values) with p rounded, for attrs.probs.
func mentionProbs(dst []float64, p [3]float64) []float64 {
	for c := range p {
		dst[c] = round3(p[c])
	}
	return dst
}

func round3s(p [3]float64) [3]float64 {
	return [3]float64{round3(p[0]), round3(p[1]), round3(p[2])}
}
