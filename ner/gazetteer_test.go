package ner

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// markGazetteerFull is markGazetteer as it was before the prefix index: it
// looks up every sequence of up to gazMax words.
func (m *Model) markGazetteerFull(toks []token) {
	for i := 0; i < len(toks); {
		if !isCap(toks[i].word) {
			i++
			continue
		}
		best, typ := 0, ""
		var b []byte
		for n := 1; n <= m.gazMax && i+n <= len(toks); n++ {
			if n > 1 {
				b = append(b, ' ')
			}
			b = append(b, toks[i+n-1].lower...)
			if t, ok := m.gaz[string(b)]; ok {
				best, typ = n, t
			}
		}
		if best == 0 {
			i++
			continue
		}
		for k := 0; k < best; k++ {
			toks[i+k].gaz = 'I'
			toks[i+k].gazType = typ
		}
		toks[i].gaz = 'B'
		i += best
	}
}

// TestGazetteerPrefixIndex checks that markGazetteer, which stops at a
// sequence no entry starts with, marks what the full search marks, on
// sentences made of the embedded gazetteer's words (so long and
// overlapping entries meet) and a few others.
func TestGazetteerPrefixIndex(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	m.Gazetteer(func(name, _ string) bool {
		names = append(names, name)
		return true
	})
	if len(names) == 0 {
		t.Skip("the embedded model has no gazetteer")
	}
	slices.Sort(names) // the map's order is random; the test's draws are not
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"the", "The", "said", "In", "New", "of", "and"}
	marked := 0
	for trial := 0; trial < 3000; trial++ {
		var ws []string
		for len(ws) < 12 {
			if rng.IntN(3) == 0 {
				ws = append(ws, words[rng.IntN(len(words))])
				continue
			}
			for _, w := range strings.Fields(names[rng.IntN(len(names))]) {
				if rng.IntN(4) > 0 { // mostly capitalised, as names are
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				ws = append(ws, w)
			}
		}
		got, want := m.docTokens([][]string{ws})[0], m.docTokens([][]string{ws})[0]
		for i := range want {
			want[i].gaz, want[i].gazType = 0, ""
		}
		m.markGazetteerFull(want)
		for i := range got {
			if got[i].gaz != want[i].gaz || got[i].gazType != want[i].gazType {
				t.Fatalf("%q: token %d marked %c %q, full search %c %q", ws, i, got[i].gaz, got[i].gazType, want[i].gaz, want[i].gazType)
			}
			if got[i].gaz != 0 {
				marked++
			}
		}
	}
	if marked == 0 {
		t.Fatal("no token was marked: the test checks nothing")
	}
}
