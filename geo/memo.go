package geo

import (
	"sync/atomic"

	"github.com/newslens/newslens/gazetteer"
	"github.com/newslens/newslens/names"
)

// placeMemo holds per-place values the resolver needs for every document:
// the prior, computed once at load (231,546 places, a few ms, 1.8 MiB),
// and the name's names.Key, filled on first use. Both are pure functions
// of the place, so sharing them across documents and goroutines changes
// no result; the keys are published atomically.
type placeMemo struct {
	g      *gazetteer.Gazetteer
	priors []float64
	keys   []atomic.Pointer[string]
}

func newPlaceMemo(g *gazetteer.Gazetteer) *placeMemo {
	m := &placeMemo{g: g, priors: make([]float64, g.Len()), keys: make([]atomic.Pointer[string], g.Len())}
	for i := range m.priors {
		m.priors[i] = prior(g.Place(int32(i)))
	}
	return m
}

// priorOf is prior(g.Place(ci)), from the memo when it belongs to g.
func (c *docContext) priorOf(g *gazetteer.Gazetteer, ci int32) float64 {
	if c.memo != nil && c.memo.g == g {
		return c.memo.priors[ci]
	}
	return prior(g.Place(ci))
}

// nameKey is names.Key of place ci's name, memoised for the process when
// the memo belongs to g and for the document otherwise.
func (c *docContext) nameKey(g *gazetteer.Gazetteer, ci int32) string {
	if c.memo != nil && c.memo.g == g {
		if k := c.memo.keys[ci].Load(); k != nil {
			return *k
		}
		k := names.Key(g.Place(ci).Name)
		c.memo.keys[ci].Store(&k)
		return k
	}
	nk, ok := c.nameKeys[ci]
	if !ok {
		if c.nameKeys == nil {
			c.nameKeys = map[int32]string{}
		}
		nk = names.Key(g.Place(ci).Name)
		c.nameKeys[ci] = nk
	}
	return nk
}
