package technique

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLemmaOf(t *testing.T) {
	lemmas := map[string]bool{"stooge": true, "cutthroat": true, "batten": true, "monger": true, "shyster": true, "supposedly": true, "lie": true}
	has := func(x string) bool { return lemmas[x] }
	for _, c := range []struct{ form, want string }{
		{"stooge", "stooge"},
		{"stooges", "stooge"},
		{"cut-throats", "cutthroat"}, // hyphen dropped, then the plural rule
		{"battened", "batten"},
		{"war-mongers", "monger"}, // the head of a compound
		{"shysters", "shyster"},
		{"supposedly", "supposedly"},
		{"assad-baiters", ""},
		{"of", ""},
		{"", ""},
	} {
		if got := lemmaOf(c.form, has); got != c.want {
			t.Errorf("lemmaOf(%q) = %q, want %q", c.form, got, c.want)
		}
	}
}

// TestNeighbourRates checks that a word's neighbour counts are its
// neighbours' counts over all their forms, never its own, and that they
// survive the model file's encoding.
func TestNeighbourRates(t *testing.T) {
	rt := &rateTable{words: map[string]wordRate{
		"thug":   {in: 3, tot: 4},
		"thugs":  {in: 2, tot: 2},
		"goon":   {in: 1, tot: 1},
		"stooge": {in: 0, tot: 50}, // its own counts must not count
		"table":  {in: 0, tot: 9},
	}}
	rt.finish(wordRate{in: 6, tot: 66})
	g := wnGraph{
		"stooge": {"thug", "goon", "flunky"},
		"thug":   {"goon"},
		"goon":   {"thug"},
		"flunky": {"stooge"},
		"table":  nil,
	}
	rt.setNeighbours(g)
	for _, c := range []struct {
		lemma string
		want  wordRate
		ok    bool
	}{
		{"stooge", wordRate{in: 6, tot: 7}, true}, // thug+thugs+goon
		{"thug", wordRate{in: 1, tot: 1}, true},
		{"goon", wordRate{in: 5, tot: 6}, true},
		{"flunky", wordRate{in: 0, tot: 50}, true},
		{"table", wordRate{}, false}, // no neighbour seen: not stored
	} {
		got, ok := rt.nbr[c.lemma]
		if ok != c.ok || got != c.want {
			t.Errorf("nbr[%q] = %+v %v, want %+v %v", c.lemma, got, ok, c.want, c.ok)
		}
	}
	hi, _ := rt.nbrBuckets("stooges")
	lo, _ := rt.nbrBuckets("flunkies")
	if hi <= lo || hi == 0 || lo == 0 {
		t.Errorf("bucket of stooges (neighbours mostly in spans) %d, of flunkies (never) %d", hi, lo)
	}
	if r, _ := rt.nbrBuckets("chair"); r != 0 {
		t.Errorf("a form with no lemma got bucket %d", r)
	}
	back := &rateTable{}
	if err := back.decodeNeighbours(rt.encodeNeighbours()); err != nil {
		t.Fatal(err)
	}
	if len(back.nbr) != len(rt.nbr) {
		t.Fatalf("decoded %d lemmas, want %d", len(back.nbr), len(rt.nbr))
	}
	for w, r := range rt.nbr {
		if back.nbr[w] != r {
			t.Errorf("decoded nbr[%q] = %+v, want %+v", w, back.nbr[w], r)
		}
	}
	for _, bad := range []string{"x 1\n", "x 3 2\n", "x -1 2\n", "x a 2\n"} {
		if err := (&rateTable{}).decodeNeighbours(bad); err == nil {
			t.Errorf("decodeNeighbours(%q) accepted", bad)
		}
	}
}

func TestClusterRates(t *testing.T) {
	rt := &rateTable{words: map[string]wordRate{
		"vile":   {in: 9, tot: 10},
		"evil":   {in: 4, tot: 10},
		"oafish": {in: 0, tot: 30},
		"table":  {in: 0, tot: 40},
	}}
	rt.finish(wordRate{in: 13, tot: 90})
	l := &lexicon{cl: map[string][3]uint16{
		"vile": {1, 2, 3}, "evil": {1, 2, 3}, "oafish": {1, 2, 3}, "table": {1, 5, 6}, "lone": {1, 7, 8},
	}}
	rt.setClusterRates(l)
	if got := rt.clu[1][3]; got != (wordRate{in: 13, tot: 50}) {
		t.Fatalf("fine cluster 3 sums %+v", got)
	}
	// oafish's own 30 unseen-in-span tokens are left out: 13 of 20
	r1, n1 := rt.cluBuckets("oafish", l.cl["oafish"], 1)
	r2, _ := rt.cluBuckets("table", l.cl["table"], 1)
	if r1 <= 5 || n1 == 0 {
		t.Errorf("oafish's cluster bucket %d (count %d), want above the prior", r1, n1)
	}
	if r2 != 0 {
		t.Errorf("table, alone in its cluster, got bucket %d", r2)
	}
	if r, _ := rt.cluBuckets("x", [3]uint16{noCluster, noCluster, noCluster}, 0); r != 0 {
		t.Errorf("a word outside the clusters got bucket %d", r)
	}
}

// TestWordNetGraph reads the WordNet database when it is installed (the
// trainer needs it; tests and the analyzer do not).
func TestWordNetGraph(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dir, "data.noun")); err != nil {
		t.Skip("WordNet 3.0 not installed (Debian package wordnet-base)")
	}
	g, err := loadWordNetGraph(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lemma, nbr string }{
		{"oafish", "loutish"},         // synset
		{"stooge", "flunky"},          // synset
		{"shyster", "wrongdoer"},      // hypernym
		{"supposedly", "purportedly"}, // adverb synset
		{"cutthroat", "murderer"},     // hypernym
	} {
		found := false
		for _, u := range g[c.lemma] {
			found = found || u == c.nbr
		}
		if !found {
			t.Errorf("%q's neighbours %v lack %q", c.lemma, g[c.lemma], c.nbr)
		}
		if len(g[c.lemma]) > wnNbrMax {
			t.Errorf("%q has %d neighbours, cap %d", c.lemma, len(g[c.lemma]), wnNbrMax)
		}
	}
}
