package geo

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/gazetteer"
	"github.com/newslens/newslens/names"
	"github.com/newslens/newslens/text"
)

// evidence of the document used for coherence, accumulated per key so a
// mention never vouches for itself.
type coherence struct {
	country map[string]map[string]float64 // cc -> key -> weight
	admin1  map[int32]map[string]float64  // ADM1 index -> key -> weight
	// totals of the maps above, so that a weight without one key costs
	// one subtraction, not a walk over every key (hostile input has
	// thousands).
	countryTotal map[string]float64
	admin1Total  map[int32]float64
	focus        string // the country with the most support
	points       []point
	// places counts, per country, the keys of mentions resolved to a
	// place in it other than the country itself: "Germany" alone does not
	// vouch for a German village.
	places map[string]map[string]bool
}

type point struct {
	key     string
	x, y, z float64 // unit vector: distance tests become dot products
}

func unit(lat, lon float64) (x, y, z float64) {
	la, lo := lat*math.Pi/180, lon*math.Pi/180
	return math.Cos(la) * math.Cos(lo), math.Cos(la) * math.Sin(lo), math.Sin(la)
}

// Dot-product thresholds of the proximity bonus: cos(d / 6371 km).
var (
	cos50  = math.Cos(50 / 6371.0)
	cos200 = math.Cos(200 / 6371.0)
	cos500 = math.Cos(500 / 6371.0)
)

// countryWeight is the document's support for country cc, without key self.
func (c *coherence) countryWeight(cc, self string) float64 {
	return math.Max(0, c.countryTotal[cc]-c.country[cc][self])
}

// admin1Weight is the document's support for region a1, without key self.
func (c *coherence) admin1Weight(a1 int32, self string) float64 {
	if a1 == gazetteer.NoRef {
		return 0
	}
	return math.Max(0, c.admin1Total[a1]-c.admin1[a1][self])
}

// resolve chooses a place for every mention in two passes: first by prior
// and cue alone, then again with the document's coherence from the first.
func resolve(g *gazetteer.Gazetteer, c *docContext, ms []Mention) {
	for i := range ms {
		m := &ms[i]
		if m.Kind == KindDemonym {
			if ci, ok := g.Country(m.country); ok {
				m.Place = ci
				m.Evidence = []string{"demonym of " + g.Place(ci).Name}
			}
			continue
		}
		if len(m.cands) > maxCands {
			// Keep the likeliest candidates; "San Jose" has hundreds.
			// Priors computed once per candidate, not per comparison.
			type ranked struct {
				ci    int32
				prior float64
			}
			rs := make([]ranked, len(m.cands))
			for k, ci := range m.cands {
				rs[k] = ranked{ci, c.priorOf(g, ci)}
			}
			sort.SliceStable(rs, func(a, b int) bool { return rs[a].prior > rs[b].prior })
			cs := make([]int32, maxCands)
			for k := range cs {
				cs[k] = rs[k].ci
			}
			m.cands = cs
		}
	}
	sup := candidateSupport(g, c, ms)
	var coh *coherence
	for pass := 0; pass < 2; pass++ {
		// Mentions of one name with the same cues score alike (coherence
		// leaves out only the name itself), so each is scored once.
		type memoKey struct {
			key, cue       string
			locative, fuzz bool
			n              int
		}
		done := map[memoKey]int{}
		for i := range ms {
			m := &ms[i]
			if m.Kind != KindPlace {
				continue
			}
			k := memoKey{m.key, m.cue, m.locative, m.fuzzy, len(m.cands)}
			if j, ok := done[k]; ok && !m.fuzzy && len(m.cands) > 0 && ms[j].Kind == KindPlace {
				m.Place, m.Confidence = ms[j].Place, ms[j].Confidence
				m.abroad, m.abroadPlace = ms[j].abroad, ms[j].abroadPlace
				m.Evidence = append(m.Evidence[:0], ms[j].Evidence...)
				continue
			}
			score(g, c, m, coh, sup)
			done[k] = i
		}
		coh = gather(g, ms, c.out.country)
	}
}

// gather collects the document's countries, regions and points from the
// current choices.
// outletCC, when set, is the outlet's country (a country-code domain): it
// counts as one confident mention of that country.
func gather(g *gazetteer.Gazetteer, ms []Mention, outletCC string) *coherence {
	coh := &coherence{country: map[string]map[string]float64{}, admin1: map[int32]map[string]float64{}}
	add := func(m map[string]float64, key string, w float64) {
		if w > m[key] {
			m[key] = w // one key counts once, however often it recurs
		}
	}
	seen := map[string]bool{}
	coh.places = map[string]map[string]bool{}
	for _, m := range ms {
		if m.Place == gazetteer.NoRef {
			continue
		}
		p := g.Place(m.Place)
		if m.Kind == KindPlace && p.Country != "" && p.Feature != "A.PCLI" {
			if coh.places[p.Country] == nil {
				coh.places[p.Country] = map[string]bool{}
			}
			coh.places[p.Country][m.key] = true
		}
		key := m.key
		if m.Kind == KindDemonym {
			key = "demonym:" + m.country
		}
		w := m.Confidence
		if m.Kind == KindDemonym {
			w *= 0.6
		}
		if p.Country != "" {
			if coh.country[p.Country] == nil {
				coh.country[p.Country] = map[string]float64{}
			}
			add(coh.country[p.Country], key, w)
		}
		a1 := p.Admin1
		if p.Feature == "A.ADM1" {
			a1 = m.Place
		}
		if a1 != gazetteer.NoRef {
			if coh.admin1[a1] == nil {
				coh.admin1[a1] = map[string]float64{}
			}
			add(coh.admin1[a1], key, w)
		}
		if m.Kind == KindPlace && m.Confidence >= 0.5 && p.Feature != "A.PCLI" && !seen[key] && len(coh.points) < 64 {
			seen[key] = true
			x, y, z := unit(p.Lat, p.Lon)
			coh.points = append(coh.points, point{key: key, x: x, y: y, z: z})
		}
	}
	if outletCC != "" {
		if coh.country[outletCC] == nil {
			coh.country[outletCC] = map[string]float64{}
		}
		coh.country[outletCC]["outlet:"] = 1
	}
	coh.countryTotal = map[string]float64{}
	for cc, m := range coh.country {
		coh.countryTotal[cc] = sumSorted(m)
	}
	for cc, t := range coh.countryTotal {
		if t > coh.countryTotal[coh.focus] || (t == coh.countryTotal[coh.focus] && cc < coh.focus) {
			coh.focus = cc
		}
	}
	coh.admin1Total = map[int32]float64{}
	for a, m := range coh.admin1 {
		coh.admin1Total[a] = sumSorted(m)
	}
	return coh
}

// sumSorted adds m's weights in key order: float addition is not
// associative, and summing in map order made the same article's weights,
// and so its output, differ from run to run.
func sumSorted(m map[string]float64) float64 {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var t float64
	for _, k := range keys {
		t += m[k]
	}
	return t
}

// score rates every candidate of m and picks the best.
func score(g *gazetteer.Gazetteer, c *docContext, m *Mention, coh *coherence, sup *support) {
	m.abroad = false
	if len(m.cands) == 0 {
		m.Place = gazetteer.NoRef
		m.Confidence = 0.5
		m.Evidence = []string{"recognised from the cue; not in the gazetteer"}
		return
	}
	// A city and the division named after it ("Hama", "Hama
	// governorate"): the bare name means the city unless a cue says
	// otherwise.
	namesake := map[int32]bool{} // divisions whose city is also a candidate
	// A sizeable place spelled exactly as the text: names that only fold
	// alike ("Dubai" ~ Dover) do not compete with it.
	exactMajor := false
	surface := c.text[m.Start:m.End]
	for _, ci := range m.cands {
		p := g.Place(ci)
		if p.Class() == "P" {
			namesake[p.Admin1] = true
			namesake[p.Admin2] = true
		}
		if !m.fuzzy && strings.EqualFold(surface, p.Name) && (p.Population >= 100000 || p.Feature == "A.PCLI" || p.Feature == "A.ADM1" || p.Feature == "P.PPLC") {
			exactMajor = true
		}
	}
	if cap(m.scores) < len(m.cands) {
		m.scores = make([]float64, len(m.cands))
	}
	m.scores = m.scores[:len(m.cands)]
	best, second := -1, -1
	for k, ci := range m.cands {
		p := g.Place(ci)
		pr := c.priorOf(g, ci)
		// The surface's similarity to this candidate's name, keyed once:
		// building keys was most of the cost of resolving a mention.
		simKnown, simVal := false, 0.0
		sim := func() float64 {
			if !simKnown {
				simKnown, simVal = true, c.simOf(g, surface, ci)
			}
			return simVal
		}
		if m.key == c.out.key && c.out.key != "" {
			if !c.out.local {
				// The outlet's own town: size says nothing about which
				// town of the name a local paper means.
				pr *= tunO
			} else if slices.Contains(c.out.cands, ci) {
				pr += tunW // the town the domain and its country name
			}
		}
		s := pr + cueFit(p, m.cue)
		if surf := c.text[m.Start:m.End]; len(m.key) <= 2 && sim() < 0.5 &&
			(strings.ToUpper(surf) != surf || !strings.Contains(initials(p.Name), strings.ReplaceAll(surf, ".", ""))) {
			// Very short keys collide across unrelated names ("Iowa" and
			// "UAE" both fold to "u"; so does "EU"): demand the name
			// itself to match, or an acronym to be its initials.
			s -= 20
		}
		if m.fuzzy {
			// A fuzzy match says little about size: "Akerbat" must not
			// become Kiribati because a country outranks a village.
			s = 0.2*c.priorOf(g, ci) + cueFit(p, m.cue) + 6*sim()
		}
		if (p.Feature == "A.ADM1" || p.Feature == "A.ADM2") && m.cue != "adm1" && m.cue != "adm2" && namesake[ci] {
			// The division demoted below its namesake city, without
			// lifting that city above other places of the name.
			s -= 3
		}
		if !m.fuzzy && strings.EqualFold(c.text[m.Start:m.End], p.Name) {
			// The exact spelling beats a name that merely folds alike
			// ("Cooke County" is not Coke County).
			s += tunX
		} else if !m.fuzzy && p.Feature != "A.PCLI" && sim() < 0.5 {
			s -= tunS
		}
		if exactMajor && p.Feature != "A.PCLI" && c.spellingOf(g, surface, ci) < 0.5 &&
			!strings.HasPrefix(text.Fold(p.Name), text.Fold(surface)+" ") { // "Kingston" upon Thames stays
			s -= 20
		}
		// The region a candidate lies in counts once: as the support of
		// the document's names before resolution, or as the region of the
		// places chosen in the first pass, whichever is larger. Adding
		// both lets a town in the document's state outvote a famous city
		// of the same name ("Atlanta" in an Illinois paper).
		region := 0.0
		if sup != nil {
			var within float64
			within, region = sup.bonus(g, m.key, p, ci)
			s += within
		}
		if coh != nil {
			cs, a1 := coherenceScore(g, coh, m.key, p, ci)
			s += cs
			region = math.Max(region, a1)
		}
		s += region
		m.scores[k] = s
		if best < 0 || s > m.scores[best] {
			best, second = k, best
		} else if second < 0 || s > m.scores[second] {
			second = k
		}
	}
	// Confidence: the softmax share of the winner.
	sum := 0.0
	for _, s := range m.scores {
		sum += math.Exp(s - m.scores[best])
	}
	conf := 1 / sum
	p := g.Place(m.cands[best])
	m.Place = m.cands[best]
	m.Evidence = m.Evidence[:0]
	if m.fuzzy {
		sim := names.Similarity(c.text[m.Start:m.End], p.Name)
		m.Evidence = append(m.Evidence, fmt.Sprintf("fuzzy transliteration match %q ~ %q (similarity %.2f)", c.text[m.Start:m.End], p.Name, sim))
		conf *= 0.8 * sim
		// Abstain unless the document corroborates the fuzzy match: its
		// country or region is already in play.
		if coh == nil || (coh.countryWeight(p.Country, m.key) < 1 && coh.admin1Weight(p.Admin1, m.key) == 0) {
			if coh != nil {
				m.Place = gazetteer.NoRef
				m.Confidence = 0.2
				m.Evidence = append(m.Evidence, "abstained: no corroboration from the document")
				return
			}
		} else {
			m.Evidence = append(m.Evidence, "corroborated by the document's country/region")
		}
	} else {
		m.Evidence = append(m.Evidence, "name match")
		if coh != nil && minorAbroad(g, coh, c, m, p) {
			m.abroad, m.abroadPlace = true, m.Place
			m.Place = gazetteer.NoRef
			m.Confidence = 0.2
			m.Evidence = append(m.Evidence, fmt.Sprintf("abstained: %s (%s) is a minor place spelled otherwise, outside the document's country, and no other place of %s is named",
				p.Name, p.Country, p.Country))
			return
		}
	}
	m.Evidence = append(m.Evidence, fmt.Sprintf("%d candidates; prior %s population %d", len(m.cands), p.Feature, p.Population))
	if m.cue != "" {
		m.Evidence = append(m.Evidence, "cue: "+m.cue)
	}
	if coh != nil {
		if w := coh.countryWeight(p.Country, m.key); w > 0 && p.Feature != "A.PCLI" {
			m.Evidence = append(m.Evidence, fmt.Sprintf("country %s in the document (weight %.1f)", p.Country, w))
		}
		if p.Admin1 != gazetteer.NoRef {
			if w := coh.admin1Weight(p.Admin1, m.key); w > 0 {
				m.Evidence = append(m.Evidence, "region "+g.Place(p.Admin1).Name+" in the document")
			}
		}
	}
	if second >= 0 {
		m.Evidence = append(m.Evidence, fmt.Sprintf("runner-up %s (%s, %s) by %.1f", g.Place(m.cands[second]).Name,
			g.Place(m.cands[second]).Feature, g.Place(m.cands[second]).Country, m.scores[best]-m.scores[second]))
	}
	m.Confidence = math.Round(conf*1000) / 1000
}

// coherenceScore is the support of the document's chosen places for
// candidate p: country, proximity and, apart, its region's.
// minorAbroad reports a weak choice to abstain from: a small place reached
// only by folding a different spelling ("Teym" ~ Tamm), in a country that
// is not the document's focus and that no other place of the document is
// in, besides perhaps the country's own name.
func minorAbroad(g *gazetteer.Gazetteer, coh *coherence, c *docContext, m *Mention, p gazetteer.Place) bool {
	if p.Country == "" || p.Country == coh.focus || p.Population >= 100000 || p.Class() != "P" ||
		p.Feature == "P.PPLC" || p.Feature == "P.PPLA" || strings.EqualFold(c.text[m.Start:m.End], p.Name) {
		return false
	}
	for k := range coh.places[p.Country] {
		if k != m.key {
			return false
		}
	}
	return coh.admin1Weight(p.Admin1, m.key) == 0
}

func coherenceScore(g *gazetteer.Gazetteer, coh *coherence, self string, p gazetteer.Place, ci int32) (s, region float64) {
	w := coh.countryWeight(p.Country, self)
	if w > 0 {
		s += tunC * w / (w + 1)
	}
	if p.Feature == "A.PCLI" && w == 0 && coh.focus != p.Country {
		// An unqualified country name means the country, unless the
		// document is about somewhere else and never corroborates it:
		// "Palestine", "Lebanon" in a Texas or Pennsylvania local paper.
		if f := coh.countryWeight(coh.focus, self); f >= tunF {
			s -= tunP * f / (f + 2)
		}
	}
	if p.Admin1 != gazetteer.NoRef {
		if w := coh.admin1Weight(p.Admin1, self); w > 0 {
			region = 2.5 * w / (w + 0.5)
		}
	}
	if p.Feature == "A.ADM1" {
		if w := coh.admin1Weight(ci, self); w > 0 {
			s += 1.5 * w / (w + 0.5) // a region containing other places
		}
	}
	// The nearest other place, by the largest dot product of unit vectors.
	x, y, z := unit(p.Lat, p.Lon)
	best := -2.0
	for _, pt := range coh.points {
		if pt.key == self {
			continue
		}
		if d := x*pt.x + y*pt.y + z*pt.z; d > best {
			best = d
		}
	}
	switch {
	case best > cos50:
		s += 1.5
	case best > cos200:
		s += 1
	case best > cos500:
		s += 0.4
	}
	return s, region
}

// support is what the document's names say about regions before any is
// resolved: a region that many names have a candidate in is likelier the
// one they all mean ("Alexandria", "Brandon", "Kensington" and "Douglas
// County" are all in Minnesota), and a name written "X, State" is inside
// that state.
type support struct {
	total map[int32]float64            // ADM1 index -> summed votes
	byKey map[string]map[int32]float64 // a name's own votes, left out of its bonus
	// within lists, per name, the divisions or countries written right
	// after it ("Greenwood, W.Va.", "Paris, Texas").
	within map[string]map[int32]bool
}

// candidateSupport counts, per ADM1, the distinct names of the document
// with a candidate in it; each name's vote is split evenly over the
// regions of its candidates, so "Springfield" (in thirty states) says
// little and "Kensington" (in three) says more.
func candidateSupport(g *gazetteer.Gazetteer, c *docContext, ms []Mention) *support {
	sup := &support{total: map[int32]float64{}, byKey: map[string]map[int32]float64{}, within: map[string]map[int32]bool{}}
	byStart := map[int]int{}
	for i, m := range ms {
		if m.Kind == KindPlace {
			byStart[m.Start] = i
		}
	}
	vote := func(key string, cands []int32) {
		if _, done := sup.byKey[key]; done || len(sup.byKey) >= 512 {
			return
		}
		regions := map[int32]float64{}
		for _, ci := range cands {
			p := g.Place(ci)
			a1 := p.Admin1
			if p.Feature == "A.ADM1" {
				a1 = ci
			}
			if a1 != gazetteer.NoRef {
				regions[a1] = 1
			}
		}
		for a1 := range regions {
			regions[a1] = 1 / float64(len(regions))
			sup.total[a1] += regions[a1]
		}
		sup.byKey[key] = regions
	}
	// The outlet's home town votes like a name of the text.
	if len(c.out.cands) > 0 {
		vote("outlet:", c.out.cands)
	}
	for i := range ms {
		m := &ms[i]
		if m.Kind != KindPlace || m.fuzzy || len(m.cands) == 0 {
			continue
		}
		vote(m.key, m.cands)
		// "X, Y" with Y a division or country: X lies inside Y.
		rest := c.text[m.End:]
		trimmed := strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(trimmed, ",") {
			continue
		}
		next := m.End + (len(rest) - len(trimmed)) + 1
		for next < len(c.text) && c.text[next] == ' ' {
			next++
		}
		j, ok := byStart[next]
		if !ok {
			continue
		}
		for _, ci := range ms[j].cands {
			if f := g.Place(ci).Feature; f == "A.ADM1" || f == "A.PCLI" {
				if sup.within[m.key] == nil {
					sup.within[m.key] = map[int32]bool{}
				}
				sup.within[m.key][ci] = true
			}
		}
	}
	return sup
}

// bonus is the support for candidate p (index ci) of the name key: from
// a division written after the name, and from the region's other names.
func (s *support) bonus(g *gazetteer.Gazetteer, key string, p gazetteer.Place, ci int32) (within, region float64) {
	if w := s.within[key]; len(w) > 0 && (w[p.Admin1] || w[p.CountryRef]) && !w[ci] {
		within = tunW
	}
	a1 := p.Admin1
	if p.Feature == "A.ADM1" {
		a1 = ci
	}
	if a1 != gazetteer.NoRef {
		if v := s.total[a1] - s.byKey[key][a1]; v > 0 {
			region = tunR * v / (v + tunRh)
		}
	}
	return within, region
}

// spelling is the orthographic similarity of two names: one minus the
// edit distance of their folded forms over the longer length. Unlike
// names.Similarity, which is phonetic, it tells "Dubai" from "Dover".
func spelling(a, b string) float64 {
	ra, rb := []rune(text.Fold(a)), []rune(text.Fold(b))
	if len(ra) == 0 || len(rb) == 0 || len(ra) > 64 || len(rb) > 64 {
		return 0
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			d := prev[j-1]
			if ra[i-1] != rb[j-1] {
				d++
			}
			cur[j] = min(d, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}

// simOf is names.KeySimilarity of the keys of surface and place ci's
// name, memoised for the document.
func (c *docContext) simOf(g *gazetteer.Gazetteer, surface string, ci int32) float64 {
	k := pairKey{surface, ci}
	if v, ok := c.sims[k]; ok {
		return v
	}
	if c.sims == nil {
		c.sims = map[pairKey]float64{}
	}
	v := names.KeySimilarity(c.surfaceKey(surface), c.nameKey(g, ci))
	c.sims[k] = v
	return v
}

// surfaceKey is names.Key(surface), memoised for the document.
func (c *docContext) surfaceKey(surface string) string {
	k, ok := c.surfKeys[surface]
	if !ok {
		if c.surfKeys == nil {
			c.surfKeys = map[string]string{}
		}
		k = names.Key(surface)
		c.surfKeys[surface] = k
	}
	return k
}

// spellingOf is spelling(surface, name of place ci), memoised for the
// document.
func (c *docContext) spellingOf(g *gazetteer.Gazetteer, surface string, ci int32) float64 {
	k := pairKey{surface, ci}
	if v, ok := c.spellings[k]; ok {
		return v
	}
	if c.spellings == nil {
		c.spellings = map[pairKey]float64{}
	}
	v := spelling(surface, g.Place(ci).Name)
	c.spellings[k] = v
	return v
}

// Distance is the great-circle distance in km (haversine, mean radius
// 6371 km), the convention of the geoparsing benchmarks.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// speech and agency verbs after a capital or country make it stand for its
// government ("Ankara said", "Britain announced").
var agencyVerbs = map[string]bool{
	"said": true, "says": true, "announced": true, "announcing": true, "accused": true, "warned": true,
	"denied": true, "insisted": true, "wants": true, "wanted": true, "decided": true, "rejected": true,
	"condemned": true, "demanded": true, "urged": true, "threatened": true, "agreed": true, "signed": true,
	"responded": true, "claimed": true, "imposed": true, "believes": true, "backed": true, "supports": true,
	"blamed": true, "vowed": true, "refused": true, "welcomed": true, "criticised": true, "criticized": true,
	"recognised": true, "recognized": true, "retaliated": true, "sanctioned": true, "expelled": true, "is": false,
}

// relational words before a place make it stand for its government ("ties
// with Damascus", "pressure on Tehran").
var relational = map[string]bool{"with": true, "on": true, "against": true, "and": false, "between": true, "that": true}

// markMetonymy marks mentions that stand for a government or institution.
func markMetonymy(g *gazetteer.Gazetteer, c *docContext, m *Mention) {
	if m.Kind != KindPlace || m.Place == gazetteer.NoRef {
		return
	}
	p := g.Place(m.Place)
	capital, country, seat := p.Feature == "P.PPLC", p.Feature == "A.PCLI", p.Feature == "S.BLDG"
	if !capital && !country && !seat {
		return
	}
	from := tokenAt(c, m.Start)
	to := tokenAt(c, m.End)
	next, prev := c.lower(to), c.lower(from-1)
	if prev == "the" {
		prev = c.lower(from - 2)
	}
	reason := ""
	switch {
	case seat:
		reason = "seat of government used for the institution"
	case !locatives[prev] && (agencyVerbs[next] || (next == "has" || next == "had" || next == "is" || next == "was") && agencyVerbs[c.lower(to+1)]):
		reason = "subject of " + next
	case c.word(to) == "/" || c.word(from-1) == "/":
		reason = "paired with another government (X/Y)"
	case capital && relational[prev]:
		reason = "capital after \"" + prev + "\""
	case capital && !locatives[prev] && cueAfter[next] == "":
		reason = "capital without a locative preposition"
	case country && (prev == "with" || prev == "on") && (c.lower(from-2) == "ties" || c.lower(from-2) == "relations" || c.lower(from-2) == "pressure" || c.lower(from-2) == "talks"):
		reason = "relation with a state"
	}
	if reason != "" {
		m.Metonymic = true
		m.Evidence = append(m.Evidence, "metonymic: "+reason)
	}
}

// tokenAt returns the index of the first token starting at or after b.
func tokenAt(c *docContext, b int) int {
	return sort.Search(len(c.toks), func(k int) bool { return c.toks[k].Start >= b })
}

// annotation converts a mention into a document annotation.
func annotation(g *gazetteer.Gazetteer, m Mention) document.Annotation {
	a := document.Annotation{Kind: m.Kind, Span: m.Span, Confidence: m.Confidence, Analyzer: Name, Version: Version,
		Attrs: map[string]any{}}
	if m.Kind == KindDemonym {
		a.Attrs["country"] = m.country
		if m.Place != gazetteer.NoRef {
			p := g.Place(m.Place)
			a.Attrs["geonameid"] = p.GeoNameID
			a.Attrs["name"] = p.Name
		}
		return a
	}
	a.Attrs["metonymic"] = m.Metonymic
	a.Attrs["evidence"] = strings.Join(m.Evidence, "; ")
	if m.Place == gazetteer.NoRef {
		a.Attrs["resolved"] = false
		return a
	}
	p := g.Place(m.Place)
	a.Attrs["resolved"] = true
	a.Attrs["geonameid"] = p.GeoNameID
	a.Attrs["name"] = p.Name
	a.Attrs["country"] = p.Country
	a.Attrs["feature_code"] = p.Code()
	a.Attrs["feature_class"] = p.Class()
	a.Attrs["lat"] = p.Lat
	a.Attrs["lon"] = p.Lon
	a.Attrs["population"] = p.Population
	if p.Admin1 != gazetteer.NoRef {
		a.Attrs["admin1"] = g.Place(p.Admin1).Name
	}
	if p.Admin2 != gazetteer.NoRef {
		a.Attrs["admin2"] = g.Place(p.Admin2).Name
	}
	if p.GeoNameID == 0 {
		a.Attrs["source"] = "naturalearth"
		if p.Feature == "S.BLDG" {
			a.Attrs["source"] = "newslens"
		}
	}
	return a
}

// FocusPlace is a place the document is about.
type FocusPlace struct {
	GeoNameID uint32  `json:"geonameid,omitempty"`
	Name      string  `json:"name"`
	Country   string  `json:"country,omitempty"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	Mentions  int     `json:"mentions"`
	Score     float64 `json:"score"`
}

// Focus is the "places" summary: the country, region and city the article
// is mostly about, and the top countries.
type Focus struct {
	Country   *FocusPlace  `json:"country,omitempty"`
	Region    *FocusPlace  `json:"region,omitempty"`
	City      *FocusPlace  `json:"city,omitempty"`
	Countries []FocusPlace `json:"countries,omitempty"`
	Mentions  int          `json:"mentions"`
}

func focus(g *gazetteer.Gazetteer, ms []Mention) Focus {
	type acc struct {
		score float64
		n     int
	}
	countries, regions, cities := map[int32]*acc{}, map[int32]*acc{}, map[int32]*acc{}
	bump := func(m map[int32]*acc, i int32, w float64, count bool) {
		if i == gazetteer.NoRef {
			return
		}
		a := m[i]
		if a == nil {
			a = &acc{}
			m[i] = a
		}
		a.score += w
		if count {
			a.n++
		}
	}
	f := Focus{}
	for _, m := range ms {
		if m.Place == gazetteer.NoRef {
			continue
		}
		f.Mentions++
		p := g.Place(m.Place)
		w := m.Confidence
		if m.Kind == KindDemonym {
			bump(countries, m.Place, 0.5*w, true)
			continue
		}
		switch {
		case p.Feature == "A.PCLI":
			bump(countries, m.Place, w, true)
		case p.Feature == "A.ADM1":
			bump(regions, m.Place, w, true)
			bump(countries, p.CountryRef, w, false)
		case p.Class() == "P":
			bump(cities, m.Place, w, true)
			bump(regions, p.Admin1, 0.7*w, false)
			bump(countries, p.CountryRef, w, false)
		default:
			bump(countries, p.CountryRef, 0.5*w, false)
		}
	}
	top := func(m map[int32]*acc) []FocusPlace {
		var out []FocusPlace
		for i, a := range m {
			p := g.Place(i)
			out = append(out, FocusPlace{GeoNameID: p.GeoNameID, Name: p.Name, Country: p.Country, Lat: p.Lat, Lon: p.Lon,
				Mentions: a.n, Score: math.Round(a.score*100) / 100})
		}
		sort.Slice(out, func(a, b int) bool {
			if out[a].Score != out[b].Score {
				return out[a].Score > out[b].Score
			}
			return out[a].GeoNameID < out[b].GeoNameID
		})
		return out
	}
	if cs := top(countries); len(cs) > 0 {
		f.Country = &cs[0]
		if len(cs) > 5 {
			cs = cs[:5]
		}
		f.Countries = cs
	}
	if rs := top(regions); len(rs) > 0 {
		f.Region = &rs[0]
	}
	if cs := top(cities); len(cs) > 0 {
		f.City = &cs[0]
	}
	return f
}

// Coherence weights: tunC caps a country's support; an unsupported
// country name loses up to tunP once another country has at least tunF
// (tuned on the LGL and GWN dev sets, 2026-12-07).
const tunC, tunF, tunP = 5.5, 2.0, 3.0

// tunX rewards a candidate spelled exactly as the text (case aside), over
// one reached only through folding (tuned on the same dev sets).
const tunX = 1.0

// tunS costs a candidate whose own name hardly resembles the text, reached
// through an alternate name or folding ("Dubai" folds onto Dover);
// countries keep their aliases ("Britain").
const tunS = 1.0

// tunW rewards a candidate inside the division written after the name
// ("Paris, Texas"); tunR and tunRh scale the region support of the
// document's other names, v/(v+tunRh).
const tunW, tunR, tunRh = 4.0, 2.5, 1.0

// tunO scales the prior of the outlet's own town name.
const tunO = 0.3
