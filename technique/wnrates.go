package technique

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Neighbour rates: a back-off span-rate lexicon through WordNet. The span
// rates (rates.go) only know words of the training articles, and most
// loaded words of a new article were never inside a PTC span: "oafish",
// "shysters", "cutthroats" are not in the training text at all. Their
// WordNet neighbours often are ("boorish" and "loutish" are synonyms of
// "oafish"; "cheat" and "trickster" are hypernyms of "shyster"; "murderer"
// of "cutthroat"). A word's neighbour rate is the smoothed log-odds that a
// training token whose lemma is one of the word's WordNet neighbours (not
// the word itself) is inside a gold span: evidence learned from the train
// spans, carried to unseen words by a lexical resource, with no span or
// word labelled by hand. The graph is read from WordNet when training; the
// model stores only the summed counts per lemma.

// Template ids of the neighbour-rate features.
const (
	fNbrRate uint64 = iota + 720
	fNbrOwn
)

// wnGraph maps a WordNet lemma (lower case, single word) to its
// neighbours: the other lemmas of its first three senses' synsets and of
// the synsets those point to as similar, see-also, derivation, pertainym
// and hypernym.
type wnGraph map[string][]string

// wnNbrSenses is how many senses of a lemma per part of speech count.
const wnNbrSenses = 3

// wnNbrMax caps a lemma's neighbour list.
const wnNbrMax = 80

// loadWordNetGraph reads the neighbour graph from the WordNet database in dir.
func loadWordNetGraph(dir string) (wnGraph, error) {
	type synset struct {
		lemmas []string
		ptrs   []string // "pos:offset" of the related synsets
	}
	syn := map[string]*synset{}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		p := filepath.Join(dir, "data."+pos)
		err := wnScan(p, func(f []string) {
			// offset lex_filenum ss_type w_cnt word lex_id ... p_cnt ptr...
			if len(f) < 4 {
				return
			}
			n, err := strconv.ParseInt(f[3], 16, 32)
			if err != nil || 4+2*int(n) >= len(f) {
				return
			}
			s := &synset{}
			for k := 0; k < int(n); k++ {
				w := strings.ToLower(f[4+2*k])
				if i := strings.IndexByte(w, '('); i > 0 {
					w = w[:i] // adjective markers: "galore(ip)"
				}
				if !strings.ContainsAny(w, "_.") {
					s.lemmas = append(s.lemmas, w)
				}
			}
			at := 4 + 2*int(n)
			np, err := strconv.Atoi(f[at])
			if err != nil {
				return
			}
			for k := 0; k < np && at+4+4*k <= len(f)-1; k++ {
				sym, off, ps := f[at+1+4*k], f[at+2+4*k], f[at+3+4*k]
				switch sym {
				case "&", "^", "+", "\\", "@", "@i":
					s.ptrs = append(s.ptrs, wnPosKey(ps)+":"+off)
				}
			}
			syn[wnPosKey(f[2])+":"+f[0]] = s
		})
		if err != nil {
			return nil, err
		}
	}
	g := wnGraph{}
	for _, pk := range [][2]string{{"noun", "n"}, {"verb", "v"}, {"adj", "a"}, {"adv", "r"}} {
		pos, key := pk[0], pk[1]
		p := filepath.Join(dir, "index."+pos)
		err := wnScan(p, func(f []string) {
			// lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets...
			w := f[0]
			if strings.ContainsAny(w, "_.") || len(f) < 4 {
				return
			}
			np, err := strconv.Atoi(f[3])
			if err != nil || 4+np+2 >= len(f) {
				return
			}
			seen := map[string]bool{w: true}
			for _, x := range g[w] {
				seen[x] = true
			}
			add := func(s *synset) {
				if s == nil {
					return
				}
				for _, l := range s.lemmas {
					if !seen[l] && len(g[w]) < wnNbrMax {
						seen[l] = true
						g[w] = append(g[w], l)
					}
				}
			}
			offs := f[4+np+2:]
			for k := 0; k < len(offs) && k < wnNbrSenses; k++ {
				s := syn[key+":"+offs[k]]
				add(s)
			}
			for k := 0; k < len(offs) && k < wnNbrSenses; k++ {
				if s := syn[key+":"+offs[k]]; s != nil {
					for _, ptr := range s.ptrs {
						add(syn[ptr])
					}
				}
			}
			if _, ok := g[w]; !ok {
				g[w] = nil // a lemma with no neighbours still resolves forms
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return g, nil
}

// wnPosKey folds WordNet's satellite adjectives ("s") into adjectives.
func wnPosKey(pos string) string {
	if pos == "s" {
		return "a"
	}
	return pos
}

// wnFormRules are WordNet's detachment rules for nouns, verbs and
// adjectives (suffix, replacement), tried in order when a form is not a
// lemma itself.
var wnFormRules = [][2]string{
	{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"},
	{"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}, {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}, {"s", ""},
}

// lemmaOf returns the lemma of lower-case form w among the keys has
// knows: the form, the form without hyphens, a form by a detachment rule,
// or for a hyphenated form its last part ("west-backed" as "backed"
// fails, "war-mongers" as "monger"); "" when none is known.
func lemmaOf(w string, has func(string) bool) string {
	if len(w) < 3 {
		return ""
	}
	if has(w) {
		return w
	}
	for _, r := range wnFormRules {
		if len(w) > len(r[0])+2 && strings.HasSuffix(w, r[0]) {
			if x := w[:len(w)-len(r[0])] + r[1]; has(x) {
				return x
			}
		}
	}
	if h := strings.LastIndexByte(w, '-'); h > 0 {
		if x := lemmaOf(strings.ReplaceAll(w, "-", ""), has); x != "" {
			return x
		}
		return lemmaOf(w[h+1:], has)
	}
	return ""
}

// setNeighbours sums, for every lemma of g, the span counts of the
// training forms whose lemma is one of its neighbours.
func (t *rateTable) setNeighbours(g wnGraph) {
	if len(g) == 0 {
		return
	}
	has := func(x string) bool { _, ok := g[x]; return ok }
	byLemma := map[string]wordRate{}
	for w, r := range t.words {
		l := lemmaOf(w, has)
		if l == "" {
			continue
		}
		x := byLemma[l]
		x.in, x.tot = x.in+r.in, x.tot+r.tot
		byLemma[l] = x
	}
	t.nbr = make(map[string]wordRate, len(g)/2)
	for l, ns := range g {
		var s wordRate
		for _, u := range ns {
			r := byLemma[u]
			s.in, s.tot = s.in+r.in, s.tot+r.tot
		}
		if s.tot > 0 {
			t.nbr[l] = s
		}
	}
}

// nbrBuckets returns the neighbour-rate bucket of lower-case form w (1..10,
// 0 when no neighbour was seen) and of the neighbours' count (0..4).
func (t *rateTable) nbrBuckets(w string) (rate, count uint8) {
	if t == nil || len(t.nbr) == 0 {
		return 0, 0
	}
	l := lemmaOf(w, func(x string) bool { _, ok := t.nbr[x]; return ok })
	if l == "" {
		return 0, 0
	}
	r := t.nbr[l]
	return logOddsBucket(r.in, r.tot, t.prior), uint8(bucket(int(r.tot), 2, 9, 49, 199))
}

// encodeNeighbours writes the neighbour counts as sorted "lemma in tot" lines.
func (t *rateTable) encodeNeighbours() string {
	if t == nil || len(t.nbr) == 0 {
		return ""
	}
	ws := make([]string, 0, len(t.nbr))
	for w := range t.nbr {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	var b strings.Builder
	for _, w := range ws {
		r := t.nbr[w]
		fmt.Fprintf(&b, "%s %d %d\n", w, r.in, r.tot)
	}
	return b.String()
}

func (t *rateTable) decodeNeighbours(s string) error {
	if s == "" {
		return nil
	}
	if t == nil {
		return fmt.Errorf("neighbour rates without span rates")
	}
	t.nbr = map[string]wordRate{}
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return fmt.Errorf("neighbour-rate line %d: %q", i+1, line)
		}
		in, err1 := strconv.ParseInt(f[1], 10, 32)
		tot, err2 := strconv.ParseInt(f[2], 10, 32)
		if err1 != nil || err2 != nil || in < 0 || in > tot {
			return fmt.Errorf("neighbour-rate line %d: %q", i+1, line)
		}
		t.nbr[f[0]] = wordRate{in: int32(in), tot: int32(tot)}
	}
	return nil
}

// Cluster rates: the same back-off through the distributional word
// clusters (lexicon.cl): the span counts of the other training forms of the
// word's fine and middle clusters. Derived from the rate and cluster tables
// when loaded, so they cost no storage.

// Template ids of the cluster-rate features.
const (
	fCluRateFine uint64 = iota + 730
	fCluRateMid
)

// setClusterRates sums the span counts of the training forms per middle
// and fine cluster of l.
func (t *rateTable) setClusterRates(l *lexicon) {
	if t == nil || l == nil || len(l.cl) == 0 {
		return
	}
	t.clu = [2]map[uint16]wordRate{{}, {}}
	for w, r := range t.words {
		c, ok := l.cl[w]
		if !ok {
			continue
		}
		for k := range t.clu {
			x := t.clu[k][c[k+1]]
			x.in, x.tot = x.in+r.in, x.tot+r.tot
			t.clu[k][c[k+1]] = x
		}
	}
}

// cluBuckets returns the rate and count buckets of the other forms of the
// middle (k 0) and fine (k 1) cluster of form w with clusters c.
func (t *rateTable) cluBuckets(w string, c [3]uint16, k int) (rate, count uint8) {
	if t == nil || t.clu[k] == nil || c[k+1] == noCluster {
		return 0, 0
	}
	r, own := t.clu[k][c[k+1]], t.words[w]
	r.in, r.tot = r.in-own.in, r.tot-own.tot
	if r.tot <= 0 {
		return 0, 0
	}
	return logOddsBucket(r.in, r.tot, t.prior), uint8(bucket(int(r.tot), 9, 49, 199, 999))
}
