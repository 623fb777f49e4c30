// Package geo is the "places" analyzer: it finds toponyms in an article,
// resolves them to GeoNames entries of the embedded gazetteer, marks
// metonymic uses ("ties with Damascus", "the White House said") and
// demonyms ("Syrian"), and summarises the places the article is about.
//
// Recognition matches capitalised token sequences against the gazetteer's
// folded names, with context cues ("the town of X", "X governorate", "in
// X"), a stop list of names that are also common English words, and a
// guard against surnames. Resolution scores every candidate by a
// population and feature-type prior, the context cue, and coherence with
// the rest of the document (its countries, mentioned regions and nearby
// places), and abstains when only a weak fuzzy match supports a name.
package geo

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/gazetteer"
	"github.com/newslens/newslens/names"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/text"
)

// Name and Version identify the analyzer.
const (
	Name    = "places"
	Version = "1"
)

// Options configures the analyzer. The zero value is usable.
type Options struct {
	// Load returns the gazetteer; nil means gazetteer.Embedded. Tests
	// substitute small indexes.
	Load func() (*gazetteer.Gazetteer, error)
	// MaxMentions bounds the work on hostile input (default 20000).
	MaxMentions int
}

// Analyzer is the places analyzer. It loads the gazetteer once, on Preload
// or first use, and is safe for concurrent use.
type Analyzer struct {
	opts Options
	once sync.Once
	gaz  *gazetteer.Gazetteer
	memo *placeMemo // per-place priors and name keys of gaz
	err  error
}

var _ pipeline.Analyzer = (*Analyzer)(nil)

// New returns the analyzer; the gazetteer loads on Preload or first use, so
// that a pipeline leaving places out (--only) never reads it.
func New(opts Options) *Analyzer {
	if opts.Load == nil {
		opts.Load = gazetteer.Embedded
	}
	if opts.MaxMentions == 0 {
		opts.MaxMentions = 20000
	}
	return &Analyzer{opts: opts}
}

// Name implements pipeline.Analyzer.
func (a *Analyzer) Name() string { return Name }

// Version implements pipeline.Analyzer.
func (a *Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer: LOC entities of the "entities"
// analyzer are toponym candidates, and PER/ORG entities veto gazetteer
// matches inside them. Without them (Mentions on a bare document) the
// analyzer works from the gazetteer and context cues alone.
func (a *Analyzer) Requires() []string { return []string{"entities"} }

// Preload loads the gazetteer now rather than on the first Analyze, so that
// building the default pipeline pays for it (an honest cold start, and no
// slow first document in a server or a Beam worker). newslens.NewPipeline
// calls it for the analyzers it keeps.
func (a *Analyzer) Preload() error {
	_, err := a.Gazetteer()
	return err
}

// Gazetteer returns the loaded gazetteer, loading it on first call.
func (a *Analyzer) Gazetteer() (*gazetteer.Gazetteer, error) {
	a.once.Do(func() {
		a.gaz, a.err = a.opts.Load()
		if a.err != nil {
			a.err = fmt.Errorf("places: loading gazetteer: %w", a.err)
		} else {
			a.memo = newPlaceMemo(a.gaz)
		}
	})
	return a.gaz, a.err
}

// Kinds of mention.
const (
	KindPlace   = "place"
	KindDemonym = "demonym"
)

// Mention is a recognised toponym or demonym with its resolution.
type Mention struct {
	Kind string
	document.Span
	// Place is the gazetteer index of the chosen place, or gazetteer.NoRef
	// when the analyzer abstained.
	Place      int32
	Metonymic  bool
	Confidence float64
	Evidence   []string

	// recognition state
	key       string
	cands     []int32
	fuzzy     bool
	cue       string // "adm1", "adm2", "city", "river", "valley", "region", "country"
	locative  bool   // after in/at/near/from...
	weakCap   bool   // sentence-initial or in a title-cased line
	nested    bool   // inside an organisation or facility name
	scores    []float64
	country   string // demonyms
	unmatched bool   // recognised from a cue, not in the gazetteer
	major     bool   // a country, region, capital or large city
	ner       bool   // a LOC entity of the NER analyzer
	// abroad: resolution abstained from abroadPlace, a minor place
	// abroad reached by folding (see minorAbroad).
	abroad      bool
	abroadPlace int32
}

// Analyze implements pipeline.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	g, err := a.Gazetteer()
	if err != nil {
		return err
	}
	ms, err := a.mentions(ctx, g, doc, nil)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := doc.Add(annotation(g, m)); err != nil {
			return fmt.Errorf("places: %w", err)
		}
	}
	doc.SetSummary(Name, focus(g, ms))
	return nil
}

// Mentions recognises and resolves the toponyms of doc without adding
// annotations. Eval uses it directly.
func (a *Analyzer) Mentions(ctx context.Context, doc *document.Document) ([]Mention, error) {
	g, err := a.Gazetteer()
	if err != nil {
		return nil, err
	}
	return a.mentions(ctx, g, doc, nil)
}

// Resolve resolves the given spans as toponyms (an oracle recogniser), for
// resolution-only evaluation.
func (a *Analyzer) Resolve(ctx context.Context, doc *document.Document, spans []document.Span) ([]Mention, error) {
	g, err := a.Gazetteer()
	if err != nil {
		return nil, err
	}
	if spans == nil {
		spans = []document.Span{}
	}
	return a.mentions(ctx, g, doc, spans)
}

// Coordinates returns the mention's place coordinates, if resolved.
func (a *Analyzer) Coordinates(m Mention) (lat, lon float64, ok bool) {
	if a.gaz == nil || m.Place == gazetteer.NoRef {
		return 0, 0, false
	}
	p := a.gaz.Place(m.Place)
	return p.Lat, p.Lon, true
}

func (a *Analyzer) mentions(ctx context.Context, g *gazetteer.Gazetteer, doc *document.Document, gold []document.Span) ([]Mention, error) {
	if len(doc.Tokens) == 0 && doc.Text != "" {
		text.Segment(doc)
	}
	c := newContext(doc)
	c.memo = a.memo
	c.out = outletOf(g, doc.URL, doc.Outlet)
	var ms []Mention
	if gold != nil {
		ms = goldMentions(g, c, gold)
	} else {
		ms = recognise(ctx, g, c, a.opts.MaxMentions)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resolve(g, c, ms)
	if gold == nil {
		ms = dropUnsupported(g, ms, c.out.country)
	}
	for i := range ms {
		markMetonymy(g, c, &ms[i])
	}
	return ms, ctx.Err()
}

// dropUnsupported removes minor single-word matches with no cue whose
// country nothing else in the document mentions ("the Teym oilfield" is
// not Tamm in Germany): a small place abroad is far likelier a word the
// gazetteer happens to contain.
func dropUnsupported(g *gazetteer.Gazetteer, ms []Mention, outletCC string) []Mention {
	coh := gather(g, ms, outletCC)
	out := ms[:0]
	for _, m := range ms {
		place := m.Place
		if m.abroad {
			place = m.abroadPlace
		}
		if m.Kind == KindPlace && place != gazetteer.NoRef && !m.major && m.cue == "" && !m.locative && !m.fuzzy &&
			!strings.Contains(m.key, " ") {
			if p := g.Place(place); coh.countryWeight(p.Country, m.key) == 0 {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// docContext is what the recogniser and resolver know about the text.
type docContext struct {
	text     string
	toks     []document.Token
	sentOf   []int  // sentence index of each token
	initial  []bool // token starts a sentence (after opening quotes)
	titleish []bool // token is on a title-cased line
	// ent is the NER label of each token ("" outside entities), entStart
	// the token index where its entity begins, from the "entities"
	// analyzer when it ran.
	ent      []string
	entStart []int
	ents     []document.Annotation
	surnames map[string]bool // last words of multi-word PER entities
	out      outlet          // the outlet's home town and country
	// Per-document memos of pure functions of a mention's surface and a
	// candidate: the same names recur through a document and are scored
	// in every resolution pass, and building their keys was most of the
	// cost of resolving. Filled lazily by simOf and spellingOf.
	sims       map[pairKey]float64 // names.KeySimilarity(Key(surface), Key(name))
	spellings  map[pairKey]float64 // spelling(surface, name)
	nameKeys   map[int32]string    // names.Key of a place's name, without memo
	memo       *placeMemo          // the analyzer's, nil in some tests
	surfKeys   map[string]string   // names.Key of a surface form
	lookups    map[string]lookupEntry
	bestPriors map[priorKey]int32
}

// pairKey names a surface form and a gazetteer candidate.
type pairKey struct {
	surface string
	place   int32
}

func newContext(doc *document.Document) *docContext {
	c := &docContext{text: doc.Text, toks: doc.Tokens}
	n := len(c.toks)
	c.sentOf = make([]int, n)
	c.initial = make([]bool, n)
	c.titleish = make([]bool, n)
	c.ent = make([]string, n)
	c.entStart = make([]int, n)
	c.ents = doc.Of("entity")
	c.surnames = map[string]bool{}
	for _, e := range c.ents {
		if e.Label == "PER" {
			if f := strings.Fields(e.Text); len(f) > 1 {
				c.surnames[f[len(f)-1]] = true
			}
		}
	}
	for _, e := range c.ents {
		from := sort.Search(n, func(k int) bool { return c.toks[k].Start >= e.Start })
		for t := from; t < n && c.toks[t].End <= e.End; t++ {
			c.ent[t] = e.Label
			c.entStart[t] = from
		}
	}
	for si, s := range doc.Sentences {
		first := true
		for t := s.FirstToken; t < s.EndToken && t < n; t++ {
			c.sentOf[t] = si
			if first && c.toks[t].Kind == document.TokWord {
				c.initial[t] = true
				first = false
			}
		}
	}
	// A line whose words are mostly capitalised and that does not end in a
	// full stop is a heading: capitals there say nothing.
	lineStart := 0
	for i := 0; i <= n; i++ {
		// A new line starts where the gap before a token holds a newline
		// (checking only the gap keeps this linear on one huge line).
		if i < n && (i == 0 || !strings.Contains(c.text[c.toks[i-1].End:c.toks[i].Start], "\n")) {
			continue
		}
		words, caps := 0, 0
		for t := lineStart; t < i; t++ {
			if c.toks[t].Kind == document.TokWord {
				words++
				if isCap(c.word(t)) {
					caps++
				}
			}
		}
		last := i - 1
		if words > 0 && words <= 14 && caps*2 > words && last >= 0 && c.word(last) != "." {
			for t := lineStart; t < i; t++ {
				c.titleish[t] = true
			}
		}
		lineStart = i
	}
	return c
}

func (c *docContext) word(i int) string {
	if i < 0 || i >= len(c.toks) {
		return ""
	}
	return c.text[c.toks[i].Start:c.toks[i].End]
}

func (c *docContext) lower(i int) string { return strings.ToLower(c.word(i)) }

func isCap(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// connectors may sit inside a multi-word place name in lower case.
var connectors = map[string]bool{
	"of": true, "de": true, "del": true, "la": true, "le": true, "les": true, "al": true, "el": true,
	"ez": true, "az": true, "ad": true, "as": true, "ash": true, "ar": true, "an": true, "on": true, "upon": true,
	"du": true, "des": true, "da": true, "do": true, "dos": true, "das": true, "am": true, "im": true, "and": false,
	"-": true, "'s": false, "the": true, "y": true, "en": true, "sur": true, "bin": true, "bani": true, "bint": true,
}

// locatives are prepositions that introduce a literal place.
var locatives = map[string]bool{
	"in": true, "at": true, "near": true, "from": true, "to": true, "into": true, "outside": true, "around": true,
	"across": true, "towards": true, "toward": true, "via": true, "through": true, "throughout": true,
	"inside": true, "within": true, "between": true, "across from": true, "nearby": true, "of": true,
	"north": true, "south": true, "east": true, "west": true, "visit": true, "visited": true, "reach": true,
	"entered": true, "left": true, "fled": true, "onto": true, "over": true, "beyond": true, "along": true,
}

// cueAfter maps a lower-case word after a name to what it says about it.
var cueAfter = map[string]string{
	"governorate": "adm1", "province": "adm1", "state": "adm1", "region": "adm1", "oblast": "adm1",
	"prefecture": "adm1", "emirate": "adm1", "canton": "adm1",
	"district": "adm2", "county": "adm2", "parish": "adm2", "municipality": "adm2", "borough": "adm2",
	"countryside": "city", "city": "city", "town": "city", "village": "city", "suburb": "city", "airport": "city",
	"airbase": "city", "neighbourhood": "city", "neighborhood": "city", "area": "", "border": "country",
	"river": "river", "valley": "valley", "mountains": "region", "mountain": "region", "desert": "region",
	"plain": "region", "plains": "region", "coast": "region", "sea": "region", "lake": "region",
}

// cueBefore maps "the town of X"-style phrases (the last word before "of").
var cueBefore = map[string]string{
	"town": "city", "city": "city", "village": "city", "villages": "city", "towns": "city", "cities": "city",
	"province": "adm1", "governorate": "adm1", "state": "adm1", "region": "adm1", "county": "adm2",
	"district": "adm2", "territory": "region", "capital": "city", "suburb": "city", "suburbs": "city",
	"outskirts": "city", "republic": "country", "kingdom": "country", "port": "city", "area": "",
}

// titles before a name mark a person, not a place ("President Jackson").
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "lord": true, "lady": true, "president": true,
	"minister": true, "general": true, "gen": true, "sen": true, "senator": true, "rep": true, "gov": true,
	"governor": true, "mayor": true, "judge": true, "justice": true, "king": true, "queen": true, "prince": true,
	"princess": true, "pope": true, "saint": false, "st": false, "officer": true, "sgt": true, "capt": true,
	"captain": true, "col": true, "colonel": true, "lt": true, "detective": true, "chief": true, "coach": true,
	"professor": true, "prof": true, "rev": true, "father": true, "brother": true, "sister": true, "miss": true,
	"secretary": true, "ambassador": true, "commissioner": true, "deputy": true, "sheriff": true, "attorney": true,
	"councilman": true, "councilwoman": true, "superintendent": true, "trooper": true, "pastor": true,
}

// neverStart are capitalised words that never begin a toponym: function
// words at the start of a sentence, months and weekdays, and adjectives of
// peoples and religions that are not countries.
var neverStart = map[string]bool{
	"the": true, "a": true, "an": true, "this": true, "that": true, "these": true, "those": true, "it": true,
	"he": true, "she": true, "we": true, "they": true, "i": true, "in": true, "on": true, "at": true, "of": true,
	"and": true, "but": true, "or": true, "as": true, "if": true, "when": true, "while": true, "after": true,
	"before": true, "for": true, "with": true, "by": true, "from": true, "to": true, "not": true, "no": true,
	"all": true, "some": true, "his": true, "her": true, "their": true, "our": true, "my": true, "your": true,
	"its": true, "there": true, "here": true, "what": true, "who": true, "why": true, "how": true, "where": true,
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true, "monday": true,
	"tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"god": true, "mother": true, "christmas": true, "easter": true, "ramadan": true, "internet": true,
	"kurdish": true, "arab": true, "arabic": true, "islamic": true, "muslim": true, "christian": true,
	"jewish": true, "sunni": true, "shia": true, "shiite": true, "european": true, "african": true, "asian": true,
	"catholic": true, "protestant": true, "orthodox": true, "latino": true, "hispanic": true, "western": false,
	"mr": true, "mrs": true, "ms": true, "dr": true, "radio": true, "tv": true, "news": true, "times": true,
	"university": true, "house": true, "state": true, "route": true, "county": true, "road": true, "street": true,
	"northwest": true, "northeast": true, "southwest": true, "southeast": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "sen": true, "rep": true, "gov": true, "congress": true, "senate": true,
	"department": true, "church": true, "school": true, "college": true, "hospital": true, "court": true,
}

// functionWords may precede a capitalised name without being part of it.
var functionWords = map[string]bool{
	"the": true, "a": true, "an": true, "in": true, "on": true, "at": true, "of": true, "and": true, "but": true,
	"or": true, "as": true, "if": true, "when": true, "while": true, "after": true, "before": true, "for": true,
	"with": true, "by": true, "from": true, "to": true, "this": true, "that": true, "near": true, "into": true,
}

// headWords after a place name make an organisation or facility named
// after it ("Alexandria Police Department", "Deir Ezzor Military
// Airport"), so a following capitalised word does not make it a forename.
var headWords = map[string]bool{
	"police": true, "department": true, "county": true, "city": true, "council": true, "school": true,
	"schools": true, "high": true, "university": true, "college": true, "airport": true, "military": true,
	"fire": true, "hospital": true, "times": true, "post": true, "street": true, "road": true, "avenue": true,
	"district": true, "state": true, "province": true, "governorate": true, "region": true, "river": true,
	"valley": true, "mountains": true, "lake": true, "bay": true, "sea": true, "island": true, "islands": true,
	"international": true, "regional": true, "national": true, "central": true, "public": true, "community": true,
	"area": true, "center": true, "centre": true, "museum": true, "park": true, "library": true, "church": true,
	"chamber": true, "board": true, "court": true, "jail": true, "prison": true, "sheriff": true, "office": true,
	"club": true, "hall": true, "bridge": true, "port": true, "harbor": true, "harbour": true, "metro": true,
	"township": true, "parish": true, "village": true, "town": true, "municipal": true, "government": true,
	"army": true, "air": true, "base": true, "airbase": true, "stadium": true, "zoo": true, "company": true,
	"bank": true, "news": true, "herald": true, "tribune": true, "journal": true, "daily": true, "observer": true,
	"county's": true, "democrats": true, "republicans": true, "health": true, "medical": true, "water": true,
	"electric": true, "energy": true, "football": true, "basketball": true, "baseball": true, "hockey": true,
	"united": true, "fc": true, "symphony": true, "orchestra": true, "opera": true, "zone": true,
}

// compass words may open a name the gazetteer lacks ("Western Qalamoun").
var compass = map[string]bool{
	"western": true, "eastern": true, "northern": true, "southern": true, "central": true, "upper": true,
	"lower": true, "north": true, "south": true, "east": true, "west": true, "greater": true,
}

// candidate is a gazetteer match found while scanning.
type candidate struct {
	from, to int // token range [from, to)
	key      string
	cands    []int32
}

// matchAt finds the longest gazetteer name starting at token i.
func matchAt(g *gazetteer.Gazetteer, c *docContext, i int) (candidate, bool) {
	best := candidate{}
	found := false
	const maxWords = 6
	words := 0
	for j := i; j < len(c.toks) && words < maxWords; j++ {
		t := c.toks[j]
		if j > i {
			gap := c.text[c.toks[j-1].End:t.Start]
			if strings.ContainsAny(gap, "\n\r\t") || len(gap) > 1 {
				break
			}
		}
		w := c.word(j)
		switch {
		case t.Kind == document.TokWord && isCap(w):
		case t.Kind == document.TokWord && connectors[strings.ToLower(w)] && j > i:
		case w == "-" && j > i:
		case w == "." && j > i && abbrevShape(c.word(j-1)) && c.toks[j-1].End == t.Start:
			// "St. Cloud", "W.Va."
		default:
			return best, found
		}
		words++
		if t.Kind != document.TokWord || !isCap(w) {
			continue // a name never ends on a connector
		}
		surface := c.text[c.toks[i].Start:t.End]
		if t.End < len(c.text) && c.text[t.End] == '.' {
			if _, ok := aliases[surface+"."]; ok {
				surface += "." // "Kan." stands for Kansas, "Kan" for nothing
			}
		}
		e := c.lookup(g, surface)
		if e.key == "" {
			continue
		}
		if len(e.cands) > 0 {
			best, found = candidate{from: i, to: j + 1, key: e.key, cands: e.cands}, true
		}
		if !e.longer && j > i {
			break
		}
	}
	return best, found
}

// lookupEntry is what matchAt learns about one surface form: its key,
// its candidates (shared, read-only) and whether longer names extend it.
type lookupEntry struct {
	key    string
	cands  []int32
	longer bool
}

// lookup keys surface and looks it up in g, memoised for the document:
// the scan tries the same names at every occurrence.
func (c *docContext) lookup(g *gazetteer.Gazetteer, surface string) lookupEntry {
	if e, ok := c.lookups[surface]; ok {
		return e
	}
	if c.lookups == nil {
		c.lookups = map[string]lookupEntry{}
	}
	var e lookupEntry
	if e.key = gazetteer.Key(aliasOf(surface)); e.key != "" {
		e.cands = aliasCands(g, surface, g.Lookup(e.key))
		e.longer = g.HasLonger(e.key)
	}
	c.lookups[surface] = e
	return e
}

// abbrevShape reports an abbreviation that takes a full stop: dotted
// ("W.Va", "S.C") or a common short form ("St", "Mt", "Kan", "Tenn").
func abbrevShape(w string) bool {
	if !isCap(w) {
		return false
	}
	return strings.Contains(w, ".") || abbrevs[w]
}

var abbrevs = map[string]bool{
	"St": true, "Mt": true, "Ft": true, "Pt": true, "Va": true, "Ky": true, "Ga": true, "Fla": true, "Ala": true,
	"Ariz": true, "Ark": true, "Calif": true, "Colo": true, "Conn": true, "Del": true, "Ill": true, "Ind": true,
	"Kan": true, "Kans": true, "La": true, "Md": true, "Mass": true, "Mich": true, "Minn": true, "Miss": true,
	"Mo": true, "Mont": true, "Neb": true, "Nev": true, "Okla": true, "Ore": true, "Pa": true, "Tenn": true,
	"Tex": true, "Vt": true, "Wash": true, "Wis": true, "Wyo": true, "Ont": true, "Que": true, "Sask": true,
}

// withStop extends a name ending in an abbreviation by its full stop.
func withStop(c *docContext, sp document.Span) document.Span {
	if sp.End < len(c.text) && c.text[sp.End] == '.' && abbrevShape(c.text[sp.Start:sp.End][strings.LastIndexAny(c.text[sp.Start:sp.End], " ")+1:]) {
		sp.End++
	}
	return sp
}

// recognise scans the text for toponyms and demonyms.
func recognise(ctx context.Context, g *gazetteer.Gazetteer, c *docContext, max int) []Mention {
	var ms []Mention
	n := len(c.toks)
	// LOC entities from the NER analyzer are toponyms whether or not the
	// gazetteer knows them.
	locAt := map[int]Mention{}
	for _, e := range c.ents {
		if e.Label != "LOC" || len(locAt) >= max {
			continue
		}
		from := sort.Search(n, func(k int) bool { return c.toks[k].Start >= e.Start })
		if from >= n {
			continue
		}
		if m, ok := nerMention(g, c, e.Span); ok {
			locAt[from] = m
		}
	}
	for i := 0; i < n && len(ms) < max; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return ms
		}
		if m, ok := locAt[i]; ok {
			// "St. Petersburg": the gazetteer may know a longer name
			// than the tagger found.
			if cand, ok := matchAt(g, c, i); ok && c.toks[cand.to-1].End > m.End {
				m.Span = withStop(c, document.Span{Start: c.toks[cand.from].Start, End: c.toks[cand.to-1].End})
				m.key, m.cands, m.fuzzy = cand.key, cand.cands, false
			}
			ms = append(ms, m)
			for i+1 < n && c.toks[i+1].Start < m.End {
				i++
			}
			continue
		}
		t := c.toks[i]
		w := c.word(i)
		if t.Kind != document.TokWord || !isCap(w) || neverStart[strings.ToLower(w)] || strings.ContainsAny(w, "'’") {
			continue
		}
		if c.surnames[w] && (c.ent[i] != "LOC" || !locatives[c.lower(i-1)]) {
			continue // "Flores said" after "Maria Flores"
		}
		if p := c.lower(i - 1); p == "saint" || p == "st" || p == "." && c.lower(i-2) == "st" {
			continue // "St. Patrick's Day": a saint that is not a place name with its "St."
		}
		// Inside a person's name no word is a place; inside an
		// organisation or other name only a place at its start is
		// ("Hama Governorate Council", "Alexandria Police").
		if l := c.ent[i]; (l == "ORG" || l == "MISC") && c.entStart[i] != i && c.lower(i-1) != "of" {
			if _, ok := demonyms[w]; !ok {
				continue
			}
		}
		if c.ent[i] == "PER" && c.entStart[i] != i {
			continue
		}
		// Demonyms first: "Syrian" is also a village's alternate name.
		if m, next, ok := demonymAt(c, i); ok {
			ms = append(ms, m)
			i = next - 1
			continue
		}
		cand, ok := matchAt(g, c, i)
		if !ok {
			if m, next, ok := cueOnly(g, c, i); ok {
				ms = append(ms, m)
				i = next - 1
			}
			continue
		}
		m := Mention{Kind: KindPlace, Span: withStop(c, document.Span{Start: c.toks[cand.from].Start, End: c.toks[cand.to-1].End}),
			Place: gazetteer.NoRef, key: cand.key, cands: cand.cands}
		var after bool
		m.cue, m.locative, after = cues(c, cand.from, cand.to)
		m.weakCap = c.initial[cand.from] || c.titleish[cand.from]
		if !accept(g, c, &m, cand) {
			// A rejected name may still be the start of a cue-vouched
			// one ("Western Qalamoun").
			if m, next, ok := cueOnly(g, c, i); ok {
				ms = append(ms, m)
				i = next - 1
				continue
			}
			// Skip the rest of the capitalised run: "Boris Johnson"
			// should not leave "Johnson" to be tried again. ("North
			// Texas" is not a person: Texas is tried.)
			for !compass[strings.ToLower(w)] && i+1 < n && c.toks[i+1].Kind == document.TokWord && isCap(c.word(i+1)) && c.toks[i+1].Start == c.toks[i].End+1 {
				i++
			}
			continue
		}
		// "Hama governorate": the division word belongs to the name.
		if after && (m.cue == "adm1" || m.cue == "adm2") {
			m.End = c.toks[cand.to].End
		}
		ms = append(ms, m)
		i = cand.to - 1
	}
	// Fuzzy pass: capitalised words the exact index missed, with a cue.
	return ms
}

// nerMention turns a LOC entity into a mention with candidates; the
// leading "the" of "the Bekaa" is not part of the toponym.
func nerMention(g *gazetteer.Gazetteer, c *docContext, sp document.Span) (Mention, bool) {
	surface := c.text[sp.Start:sp.End]
	if strings.HasPrefix(surface, "the ") || strings.HasPrefix(surface, "The ") {
		sp.Start += 4
		surface = surface[4:]
	}
	if surface == "" {
		return Mention{}, false
	}
	if cc, ok := demonyms[surface]; ok {
		return Mention{Kind: KindDemonym, Span: sp, Place: gazetteer.NoRef, country: cc, Confidence: 0.95}, true
	}
	from := sort.Search(len(c.toks), func(k int) bool { return c.toks[k].Start >= sp.Start })
	to := sort.Search(len(c.toks), func(k int) bool { return c.toks[k].Start >= sp.End })
	sp = withStop(c, sp)
	if _, ok := aliases[c.text[sp.Start:sp.End]]; ok {
		surface = c.text[sp.Start:sp.End] // "Kan." with its stop
	}
	m := Mention{Kind: KindPlace, Span: sp, Place: gazetteer.NoRef, key: gazetteer.Key(aliasOf(surface)), ner: true, major: true}
	if from < to {
		var after bool
		m.cue, m.locative, after = cues(c, from, to)
		if after && (m.cue == "adm1" || m.cue == "adm2") {
			m.End = c.toks[to].End
		}
	}
	if from > 0 && from < len(c.toks) {
		// "St. Patrick's Day", "Mrs. Lincoln": a saint or a person.
		prev := c.lower(from - 1)
		if prev == "." && from > 1 {
			prev = c.lower(from - 2)
		}
		// (A "St. Louis" the gazetteer knows is matched by the token scan
		// from "St" before this entity is reached.)
		if prev == "st" || prev == "saint" || titles[prev] {
			return Mention{}, false
		}
		if to == from+1 && speaker(c, from, to) {
			// "Nelson said", "according to Taylor": a speaker is a
			// person unless the name is a government's (see governs).
			cs := g.Lookup(gazetteer.Key(surface))
			if len(cs) == 0 {
				return Mention{}, false
			}
			if !governs(g.Place(bestPrior(g, c, cs, ""))) {
				return Mention{}, false
			}
		}
	}
	if c.surnames[surface] && m.cue == "" && (!m.locative || strings.HasPrefix(c.text[m.End:], "'") || strings.HasPrefix(c.text[m.End:], "’")) {
		// The surname of a person the article names ("Matthew D. Flores"
		// ... "in Flores' honor"), which the tagger took for a place.
		return Mention{}, false
	}
	m.cands = aliasCands(g, surface, g.Lookup(m.key))
	if len(m.cands) == 0 {
		// "Texas Department", "North Texas", "Ted Strickland": a LOC the
		// gazetteer does not know is only trusted when it names a kind of
		// place ("Wichita Drive", "Lake Manassas") or fuzzily matches one;
		// otherwise the token scan looks for places inside it.
		for _, ci := range g.Fuzzy(gazetteer.Skeleton(surface)) {
			if names.Similarity(surface, g.Place(ci).Name) >= 0.8 {
				m.cands = append(m.cands, ci)
			}
		}
		m.fuzzy = len(m.cands) > 0
		if !m.fuzzy && !hasPlaceWord(surface) {
			return Mention{}, false
		}
	}
	return m, true
}

// prevWord is the lower-cased word before token i, skipping an
// abbreviation's stop ("Mrs. Lincoln").
func prevWord(c *docContext, i int) string {
	w := c.lower(i - 1)
	if w == "." {
		w = c.lower(i - 2)
	}
	return strings.TrimSuffix(w, ".")
}

// governs reports a place whose name can speak for a government or an
// institution ("Ankara said", "Britain said", "the White House said").
func governs(p gazetteer.Place) bool {
	return p.Feature == "A.PCLI" || p.Feature == "P.PPLC" || p.Feature == "S.BLDG" || p.Population >= 1000000
}

// speechWords after a name make it a speaker ("Nelson said").
var speechWords = map[string]bool{"said": true, "says": true, "told": true, "noted": true, "added": true,
	"explained": true, "stated": true, "wrote": true, "recalled": true, "asked": true, "testified": true}

// speaker reports a name that speaks: followed by a speech verb or after
// "according to".
func speaker(c *docContext, from, to int) bool {
	return speechWords[c.lower(to)] || (c.lower(from-1) == "to" && c.lower(from-2) == "according")
}

// placeWords name kinds of place inside a proper name.
var placeWords = map[string]bool{
	"street": true, "st": true, "road": true, "rd": true, "avenue": true, "ave": true, "drive": true, "lane": true,
	"boulevard": true, "highway": true, "river": true, "lake": true, "mountain": true, "mountains": true, "mount": true,
	"park": true, "county": true, "valley": true, "island": true, "islands": true, "bay": true, "creek": true,
	"beach": true, "square": true, "bridge": true, "hill": true, "hills": true, "heights": true, "village": true,
	"township": true, "parish": true, "district": true, "province": true, "region": true, "sea": true, "ocean": true,
	"gulf": true, "strait": true, "canal": true, "desert": true, "forest": true, "peninsula": true, "coast": true,
	"quarter": true, "plaza": true, "way": true, "place": true, "court": false, "falls": true, "springs": true,
}

func hasPlaceWord(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if placeWords[strings.Trim(w, ".,")] {
			return true
		}
	}
	return false
}

// demonymAt recognises "Syrian", "South Korean", "Russians".
func demonymAt(c *docContext, i int) (Mention, int, bool) {
	for l := 2; l >= 1; l-- {
		if i+l > len(c.toks) {
			continue
		}
		s := c.text[c.toks[i].Start:c.toks[i+l-1].End]
		if cc, ok := demonyms[s]; ok {
			return Mention{Kind: KindDemonym, Span: document.Span{Start: c.toks[i].Start, End: c.toks[i+l-1].End},
				Place: gazetteer.NoRef, country: cc, Confidence: 0.95}, i + l, true
		}
	}
	return Mention{}, 0, false
}

// cues reads the words around tokens [from, to); after reports that the
// cue is the word right after the name.
func cues(c *docContext, from, to int) (cue string, locative, after bool) {
	next := c.lower(to)
	if k, ok := cueAfter[next]; ok && k != "" && c.toks[to].Start == c.toks[to-1].End+1 {
		cue, after = k, true
	}
	p1, p2 := c.lower(from-1), c.lower(from-2)
	if p1 == "the" {
		p1, p2 = p2, c.lower(from-3)
	}
	if p1 == "of" {
		if k, ok := cueBefore[p2]; ok && cue == "" {
			cue = k
		}
	}
	locative = locatives[p1]
	return cue, locative, after
}

// accept decides whether a gazetteer match is a toponym.
func accept(g *gazetteer.Gazetteer, c *docContext, m *Mention, cand candidate) bool {
	if titles[prevWord(c, cand.from)] {
		return false
	}
	best := c.bestPriorOf(g, cand.cands, m.cue)
	p := g.Place(best)
	if c.ent[cand.from] == "PER" {
		// The tagger took it for a person. Overrule it only when the
		// whole name is a sizeable place or a cue says place ("the city
		// of Deir Ezzor").
		end := cand.to
		for end < len(c.toks) && c.ent[end] == "PER" && c.entStart[end] == cand.from {
			end++
		}
		if end != cand.to || !(p.Population >= 100000 || p.Feature == "A.PCLI" || p.Feature == "A.ADM1" || m.cue != "" || m.locative) {
			return false
		}
	}
	surface := c.text[m.Start:m.End]
	words := cand.to - cand.from
	single := words == 1
	major := p.Feature == "A.PCLI" || p.Feature == "A.ADM1" || p.Feature == "P.PPLC" || p.Population >= 250000 ||
		p.Feature == "S.BLDG"
	// strong: a country (by any alias) or a major place called by a name
	// close to its own, not an alternate name that merely folds alike
	// ("Radio" and "Riyadh").
	strong := p.Feature == "A.PCLI" || p.Feature == "S.BLDG" || (major && names.Similarity(surface, p.Name) >= 0.85)
	if single && isAcronym(surface) {
		// "SAA", "FSA", "CIA": only country abbreviations.
		// The EU stands for its continent (aliases).
		_, al := aliases[surface]
		return p.Feature == "A.PCLI" || (al && p.Feature == "L.CONT")
	}
	// The tagger saw a place or an organisation starting here
	// ("Gainesville Environmental Services"): the run rules below are for
	// untagged text.
	orgStart := (c.ent[cand.from] == "ORG" || c.ent[cand.from] == "LOC") && c.entStart[cand.from] == cand.from
	// Inside a longer capitalised run: "Boris Johnson", "Zeid Ra'ad". A
	// place preceded by a capitalised word is a surname.
	if prev := cand.from - 1; prev >= 0 && !orgStart && c.toks[prev].Kind == document.TokWord && isCap(c.word(prev)) &&
		c.toks[cand.from].Start == c.toks[prev].End+1 && !c.titleish[prev] && !strong && !functionWords[c.lower(prev)] {
		return false
	}
	// "Western Qalamoun": a compass word alone is not the name.
	if single && compass[strings.ToLower(surface)] {
		return false
	}
	// Followed by a capitalised word that is not an organisation head:
	// "Hannah Lucinda", "Richard Spencer", "Musa al Khalifa".
	if nx := cand.to; nx < len(c.toks) && !strong && !m.locative && !orgStart && c.toks[nx].Start == c.toks[nx-1].End+1 && !c.titleish[cand.from] {
		w := c.word(nx)
		if connectors[strings.ToLower(w)] && nx+1 < len(c.toks) && isCap(c.word(nx+1)) && strings.ToLower(w) != "of" {
			return false
		}
		if c.toks[nx].Kind == document.TokWord && isCap(w) && !headWords[strings.ToLower(w)] {
			return false
		}
	}
	lw := strings.ToLower(c.word(cand.from))
	if single && ambiguous[lw] {
		// Common words ("Reading", "March", "Gulf"): only a strong place
		// mid-sentence, or one of some size right after a locative.
		veryMajor := p.Feature == "A.PCLI" || p.Feature == "P.PPLC" || p.Population >= 1000000
		if m.weakCap {
			return veryMajor && strong && (m.locative || m.cue != "")
		}
		return (veryMajor && strong) || (m.locative && p.Population >= 5000 && names.Similarity(surface, p.Name) >= 0.7)
	}
	if single && len(lw) <= 2 {
		return false
	}
	if m.weakCap && single && !major && !m.locative && m.cue == "" && p.Population < 20000 {
		return false
	}
	if single && !m.locative && m.cue == "" && speaker(c, cand.from, cand.to) && !governs(p) {
		return false
	}
	if p.Class() == "P" && p.Population < 1000 && !m.locative && m.cue == "" && !strings.HasPrefix(p.Code(), "PPLA") && single {
		return false
	}
	m.major = major
	return true
}

// isAcronym reports an all-capital word of two to five letters.
func isAcronym(w string) bool {
	if strings.Contains(w, ".") {
		return false // "S.C.", "U.S.": abbreviations of names, not acronyms
	}
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2 && n <= 5
}

// cueOnly recognises a name that the gazetteer lacks or spells differently
// when a cue vouches for it: "the town of Akerbat", "the Bekaa valley",
// "the Syrian territory of Western Qalamoun".
func cueOnly(g *gazetteer.Gazetteer, c *docContext, i int) (Mention, int, bool) {
	if neverStart[c.lower(i)] || isAcronym(c.word(i)) {
		return Mention{}, 0, false
	}
	j := i
	for j < len(c.toks) && j-i < 4 && c.toks[j].Kind == document.TokWord && isCap(c.word(j)) &&
		(j == i || c.toks[j].Start == c.toks[j-1].End+1) {
		j++
	}
	if j == i || c.initial[i] && j == i+1 {
		return Mention{}, 0, false
	}
	cue, loc, _ := cues(c, i, j)
	// Only cues that name a kind of place vouch for an unknown name; "a
	// Kurdish state" and "the Gulf states" do not.
	if cue == "" || cue == "country" || c.lower(j) == "state" || c.lower(j) == "states" || c.lower(j) == "area" {
		return Mention{}, 0, false
	}
	if c.titleish[i] || (c.initial[i] && j == i+1) {
		return Mention{}, 0, false
	}
	s := c.text[c.toks[i].Start:c.toks[j-1].End]
	m := Mention{Kind: KindPlace, Span: document.Span{Start: c.toks[i].Start, End: c.toks[j-1].End}, Place: gazetteer.NoRef,
		key: gazetteer.Key(s), cue: cue, locative: loc, unmatched: true}
	// Try the fuzzy index; the resolver decides whether to trust it.
	for _, ci := range g.Fuzzy(gazetteer.Skeleton(s)) {
		if names.Similarity(s, g.Place(ci).Name) >= minFuzzy {
			m.cands = append(m.cands, ci)
		}
	}
	m.fuzzy = len(m.cands) > 0
	return m, j, true
}

// goldMentions turns given spans into mentions with candidates.
func goldMentions(g *gazetteer.Gazetteer, c *docContext, spans []document.Span) []Mention {
	var ms []Mention
	for _, s := range spans {
		if !s.Valid(len(c.text)) {
			continue
		}
		surface := c.text[s.Start:s.End]
		m := Mention{Kind: KindPlace, Span: s, Place: gazetteer.NoRef, key: gazetteer.Key(aliasOf(surface))}
		if cc, ok := demonyms[surface]; ok {
			m.Kind, m.country = KindDemonym, cc
			ms = append(ms, m)
			continue
		}
		m.cands = aliasCands(g, surface, g.Lookup(m.key))
		if len(m.cands) == 0 {
			for _, ci := range g.Fuzzy(gazetteer.Skeleton(surface)) {
				if names.Similarity(surface, g.Place(ci).Name) >= minFuzzy {
					m.cands = append(m.cands, ci)
				}
			}
			m.fuzzy = true
		}
		// Context cues from the surrounding tokens.
		from := sort.Search(len(c.toks), func(k int) bool { return c.toks[k].Start >= s.Start })
		to := sort.Search(len(c.toks), func(k int) bool { return c.toks[k].Start >= s.End })
		if from < to {
			m.cue, m.locative, _ = cues(c, from, to)
		}
		ms = append(ms, m)
	}
	return ms
}

// prior is the context-free score of a place: feature type and population.
func prior(p gazetteer.Place) float64 {
	s := 0.55 * math.Log10(float64(p.Population)+1)
	switch p.Feature {
	case "A.PCLI":
		s += 6
	case "A.ADM1":
		s += 2.2
	case "A.ADM2":
		s += 0.6
	case "P.PPLC":
		s += 3.5
	case "P.PPLA":
		s += 1.2
	case "P.PPLA2":
		s += 0.5
	case "S.BLDG":
		s += 6 // hand-listed seats of government beat towns named after them
	}
	switch p.Class() {
	case "H", "T", "L":
		s += 2.2 // Natural Earth features are all notable
	}
	return s
}

func cueFit(p gazetteer.Place, cue string) float64 {
	switch cue {
	case "adm1":
		if p.Feature == "A.ADM1" {
			return 4
		}
	case "adm2":
		if p.Feature == "A.ADM2" {
			return 4
		}
		if p.Feature == "A.ADM1" {
			return 1
		}
	case "city":
		if p.Class() == "P" {
			return 2
		}
	case "river":
		if p.Feature == "H.STM" {
			return 5
		}
	case "valley":
		if p.Feature == "T.VAL" {
			return 5
		}
	case "region":
		if p.Class() == "T" || p.Class() == "L" || p.Class() == "H" {
			return 2
		}
	case "country":
		if p.Feature == "A.PCLI" {
			return 2
		}
	}
	return 0
}

const maxCands = 60

// minFuzzy is the name similarity a fuzzy candidate needs at all.
const minFuzzy = 0.7

// bestPrior returns the candidate with the highest prior and cue fit.
func bestPrior(g *gazetteer.Gazetteer, c *docContext, cands []int32, cue string) int32 {
	best, bs := cands[0], math.Inf(-1)
	for k, ci := range cands {
		if k >= 4*maxCands {
			break
		}
		p := g.Place(ci)
		if s := c.priorOf(g, ci) + cueFit(p, cue); s > bs {
			best, bs = ci, s
		}
	}
	return best
}

// priorKey names a candidate list (by its first element's address and
// length: lists come from the index or from one lookup, never mutated) and
// a cue.
type priorKey struct {
	first *int32
	n     int
	cue   string
}

// bestPriorOf is bestPrior memoised for the document: every occurrence
// of a name weighs the same candidates again.
func (c *docContext) bestPriorOf(g *gazetteer.Gazetteer, cands []int32, cue string) int32 {
	k := priorKey{&cands[0], len(cands), cue}
	if b, ok := c.bestPriors[k]; ok {
		return b
	}
	if c.bestPriors == nil {
		c.bestPriors = map[priorKey]int32{}
	}
	b := bestPrior(g, c, cands, cue)
	c.bestPriors[k] = b
	return b
}

// aliases name a place by something the gazetteer does not list, with
// the feature it must have: the EU is placed where GeoNames places it, at
// its continent (the gold convention of LGL and GeoWebNews too); AP-style
// US state abbreviations, only with their full stop ("Kansas City, Kan.":
// folding alone takes "Kan" to Cayenne).
var aliases = func() map[string]alias {
	m := map[string]alias{"EU": {"Europe", "L.CONT"}, "E.U.": {"Europe", "L.CONT"}, "European Union": {"Europe", "L.CONT"}}
	for _, p := range [][2]string{{"Ala", "Alabama"}, {"Ariz", "Arizona"}, {"Ark", "Arkansas"}, {"Calif", "California"},
		{"Colo", "Colorado"}, {"Conn", "Connecticut"}, {"Del", "Delaware"}, {"Fla", "Florida"}, {"Ga", "Georgia"},
		{"Ill", "Illinois"}, {"Ind", "Indiana"}, {"Kan", "Kansas"}, {"Kans", "Kansas"}, {"Ky", "Kentucky"}, {"La", "Louisiana"},
		{"Md", "Maryland"}, {"Mass", "Massachusetts"}, {"Mich", "Michigan"}, {"Minn", "Minnesota"}, {"Miss", "Mississippi"},
		{"Mo", "Missouri"}, {"Mont", "Montana"}, {"Neb", "Nebraska"}, {"Nebr", "Nebraska"}, {"Nev", "Nevada"},
		{"Okla", "Oklahoma"}, {"Ore", "Oregon"}, {"Pa", "Pennsylvania"}, {"Tenn", "Tennessee"}, {"Tex", "Texas"},
		{"Vt", "Vermont"}, {"Va", "Virginia"}, {"Wash", "Washington"}, {"Wis", "Wisconsin"}, {"Wyo", "Wyoming"},
		{"N.H", "New Hampshire"}, {"N.J", "New Jersey"}, {"N.M", "New Mexico"}, {"N.Y", "New York"}, {"N.C", "North Carolina"},
		{"N.D", "North Dakota"}, {"R.I", "Rhode Island"}, {"S.C", "South Carolina"}, {"S.D", "South Dakota"}, {"W.Va", "West Virginia"}} {
		m[p[0]+"."] = alias{p[1], "A.ADM1"}
	}
	return m
}()

// alias is the gazetteer name an alias stands for and its feature.
type alias struct{ name, feature string }

// aliasOf returns the gazetteer name for surface.
func aliasOf(surface string) string {
	if a, ok := aliases[surface]; ok {
		return a.name
	}
	return surface
}

// aliasCands keeps, for an alias, only the places of its feature: the EU
// is not a town in Iowa named Europe.
func aliasCands(g *gazetteer.Gazetteer, surface string, cands []int32) []int32 {
	a, ok := aliases[surface]
	if !ok {
		return cands
	}
	var out []int32
	for _, ci := range cands {
		if p := g.Place(ci); p.Feature == a.feature && (a.feature != "A.ADM1" || p.Country == "US") {
			out = append(out, ci)
		}
	}
	return out
}

// initials are the first letters of a name's words, upper-cased: an
// acronym in the text ("US", "DC") must appear in them to stand for it.
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '-' }) {
		for _, r := range w {
			b.WriteRune(unicode.ToUpper(r))
			break
		}
	}
	return b.String()
}
