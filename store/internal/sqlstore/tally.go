package sqlstore

import (
	"sort"
	"strconv"
	"time"

	"github.com/newslens/newslens/store"
)

// A tally sums rollup deltas over many documents (a fold chunk, a
// supersession, a reanalysis) before they are written.
//
// Keys are small fixed-size structs of interned string ids, not strings:
// a fold of 5,000 analysed articles adds ~1M contributions to ~500k
// distinct keys, and with string keys (three strings hashed per
// contribution, an entity-label or pair string built per contribution,
// and a map of 56-byte keys rehashed as it grew) the summing cost as
// much CPU as writing the rows. Strings are built once per distinct key,
// when the tally is written.
type tally struct {
	ids  map[string]uint32
	strs []string // by id; id 0 is "no part"
	n    map[tallyKey]int64
}

// tallyKey is a rollup key: k1 is strs[k1a], or strs[k1a] + "\t" +
// strs[k1b] when k1b is not 0; k2 likewise.
type tallyKey struct {
	agg                uint8 // index in tallyAggs
	year               int32 // 0: all time
	k1a, k1b, k2a, k2b uint32
}

// The rollups addFacts counts, by tallyKey.agg.
const (
	tVolume = iota
	tVolumeOutlet
	tOutletTechnique
	tSpeakers
	tQuotedEntities
	tPlaces
	tEntities
	tPortrayal
	tPortrayed
	tPortrayalByOutlet
	tPortrayalByTime
	tEvents
	tEventsByTime
	tEventActors
	tCooccurrence
)

var tallyAggs = [...]string{
	tVolume:            "volume",
	tVolumeOutlet:      "volume-outlet",
	tOutletTechnique:   string(store.AggOutletTechnique),
	tSpeakers:          string(store.AggSpeakers),
	tQuotedEntities:    string(store.AggQuotedEntities),
	tPlaces:            string(store.AggPlaces),
	tEntities:          string(store.AggEntities),
	tPortrayal:         string(store.AggPortrayal),
	tPortrayed:         "portrayed",
	tPortrayalByOutlet: string(store.AggPortrayalByOutlet),
	tPortrayalByTime:   string(store.AggPortrayalByTime),
	tEvents:            string(store.AggEvents),
	tEventsByTime:      string(store.AggEventsByTime),
	tEventActors:       string(store.AggEventActors),
	tCooccurrence:      string(store.AggCooccurrence),
}

// tallyAggRank orders the aggregations by name, the rollups' key order.
var tallyAggRank = func() [len(tallyAggs)]int {
	idx := make([]int, len(tallyAggs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return tallyAggs[idx[i]] < tallyAggs[idx[j]] })
	var r [len(tallyAggs)]int
	for rank, i := range idx {
		r[i] = rank
	}
	return r
}()

// newTally makes a tally sized for about docs documents: an analysed
// article has ~105 distinct keys among 5,000 (fewer among more, as keys
// repeat), and growing the map to that size cost a third of the summing.
func newTally(docs int) *tally {
	return &tally{
		ids:  make(map[string]uint32, 64+docs*8),
		strs: []string{""},
		n:    make(map[tallyKey]int64, 64+min(docs*100, 1<<21)),
	}
}

func (t *tally) id(s string) uint32 {
	if i, ok := t.ids[s]; ok {
		return i
	}
	i := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = i
	return i
}

// docFacts are what the rollups count of one latest document: its outlet
// and date, and its narrow-table rows as derive writes them (or as
// readContribs reads them back).
type docFacts struct {
	outlet    string
	published *time.Time
	ann       []annFact
	ents      []entFact
	events    []eventFact
}

// annFact is an annotations row: n annotations with these columns.
type annFact struct {
	kind, label, key, name string
	n                      int64
}

type entFact struct {
	entity, portrayal string
	rnk               int
}

type eventFact struct {
	typ, source, target string
	n                   int64
}

// factsOf turns derive's rows into docFacts.
func factsOf(d *docRows, outlet string, published *time.Time) docFacts {
	f := docFacts{outlet: outlet, published: published}
	f.ann = d.facts
	f.ents = make([]entFact, 0, len(d.docEnts))
	for _, r := range d.docEnts {
		f.ents = append(f.ents, entFact{entity: r[1].(string), rnk: r[3].(int), portrayal: r[4].(string)})
	}
	f.events = make([]eventFact, 0, len(d.events))
	for _, r := range d.events {
		f.events = append(f.events, eventFact{r[1].(string), r[2].(string), r[3].(string), int64(r[4].(int))})
	}
	return f
}

// add adds sign times one latest document's contributions: each key for
// all time and for the document's year, except the monthly rollups,
// which are counted for all time only (a month key names its year).
func (t *tally) add(f *docFacts, sign int64) {
	var year int32
	var day, month uint32
	dated := f.published != nil
	if dated {
		p := f.published.UTC()
		year = int32(p.Year())
		day = t.id(strconv.FormatInt(f.published.Unix()/86400, 10))
		month = t.id(strconv.FormatInt(monthDay(p), 10))
	}
	put := func(agg uint8, k1a, k1b, k2a, k2b uint32, n int64) {
		k := tallyKey{agg: agg, k1a: k1a, k1b: k1b, k2a: k2a, k2b: k2b}
		t.n[k] += sign * n
		if dated {
			k.year = year
			t.n[k] += sign * n
		}
	}
	none := t.id("")
	outlet := t.id(f.outlet)
	if dated {
		put(tVolume, none, 0, day, 0, 1)
		put(tVolumeOutlet, outlet, 0, day, 0, 1)
	}
	for i := range f.ann {
		a := &f.ann[i]
		switch a.kind {
		case "technique":
			put(tOutletTechnique, outlet, 0, t.id(a.label), 0, a.n)
		case "quote":
			if a.name != "" {
				put(tSpeakers, outlet, 0, t.id(a.name), 0, a.n)
			} else if a.key != "" {
				put(tSpeakers, outlet, 0, t.id(a.key), 0, a.n)
			}
			if a.key != "" {
				put(tQuotedEntities, outlet, 0, t.id(a.key), 0, a.n)
			}
		case "place":
			if a.key != "" {
				put(tPlaces, none, 0, t.id(a.key), 0, a.n)
			}
		}
	}
	// The entities co-occurrence pairs up, in row order.
	type centralEnt struct {
		id   uint32
		name string
	}
	var buf [CooccurrenceRank]centralEnt
	central := buf[:0]
	for i := range f.ents {
		e := &f.ents[i]
		ent := t.id(e.entity)
		if e.rnk < CooccurrenceRank {
			central = append(central, centralEnt{ent, e.entity})
		}
		put(tEntities, none, 0, ent, 0, 1)
		if e.portrayal != "" {
			l := t.id(e.portrayal)
			put(tPortrayal, none, 0, ent, l, 1)
			put(tPortrayed, none, 0, ent, 0, 1)
			put(tPortrayalByOutlet, outlet, 0, ent, l, 1)
			if dated {
				t.n[tallyKey{agg: tPortrayalByTime, k1a: ent, k2a: l, k2b: month}] += sign
			}
		}
	}
	if len(f.events) > 0 {
		src, tgt := t.id("source"), t.id("target")
		for i := range f.events {
			v := &f.events[i]
			typ := t.id(v.typ)
			put(tEvents, none, 0, typ, 0, v.n)
			if dated {
				t.n[tallyKey{agg: tEventsByTime, k1a: none, k2a: typ, k2b: month}] += sign * v.n
			}
			if v.source != "" {
				put(tEventActors, src, typ, t.id(v.source), 0, v.n)
			}
			if v.target != "" {
				put(tEventActors, tgt, typ, t.id(v.target), 0, v.n)
			}
		}
	}
	for _, x := range central {
		for _, y := range central {
			if x.name < y.name {
				put(tCooccurrence, none, 0, x.id, y.id, 1)
			}
		}
	}
}

// tallyRow is one rollup row to write.
type tallyRow struct {
	agg    string
	period int
	k1, k2 string
	n      int64
}

// rows lists the non-zero deltas in about the rollups' key order (agg,
// period, k1, k2), so that the upserts walk the b-tree in order. Keys are
// sorted by the rank of their interned strings, not by the joined
// strings: integer comparisons, and the same order but where a string
// holds a byte below the tab that joins parts, which only costs locality.
func (t *tally) rows() []tallyRow {
	order := make([]uint32, len(t.strs))
	{
		ids := make([]uint32, len(t.strs))
		for i := range ids {
			ids[i] = uint32(i)
		}
		sort.Slice(ids, func(i, j int) bool {
			// id 0 ("no part") first: "a" sorts before "a\tb".
			if ids[i] == 0 || ids[j] == 0 {
				return ids[i] == 0 && ids[j] != 0
			}
			return t.strs[ids[i]] < t.strs[ids[j]]
		})
		for r, id := range ids {
			order[id] = uint32(r)
		}
	}
	type ranked struct {
		k    tallyKey
		sort [6]uint32
		n    int64
	}
	keys := make([]ranked, 0, len(t.n))
	for k, n := range t.n {
		if n == 0 {
			continue
		}
		keys = append(keys, ranked{k, [6]uint32{uint32(tallyAggRank[k.agg]), uint32(k.year), order[k.k1a], order[k.k1b], order[k.k2a], order[k.k2b]}, n})
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := &keys[i].sort, &keys[j].sort
		for x := range a {
			if a[x] != b[x] {
				return a[x] < b[x]
			}
		}
		return false
	})
	out := make([]tallyRow, len(keys))
	for i := range keys {
		k := &keys[i].k
		out[i] = tallyRow{agg: tallyAggs[k.agg], period: int(k.year), k1: t.join(k.k1a, k.k1b), k2: t.join(k.k2a, k.k2b), n: keys[i].n}
	}
	return out
}

func (t *tally) join(a, b uint32) string {
	if b == 0 {
		return t.strs[a]
	}
	return t.strs[a] + "\t" + t.strs[b]
}
