package technique

import "sort"

// Precomputed word facts. prepare needs, for every token, the hash of
// its lower-cased form, its lexicon entry, its clusters
// and its WordNet class: three map probes, plus WordNet's plural and
// compound rules (more probes and string building) for words outside the
// class table. Profiles put that at about half of prepare's time. The
// model's tables are fixed once loaded, so the facts of every word they
// hold are computed once, into one table, and a token costs one probe;
// only words in none of the tables take the slow path. The features are
// the same either way (TestWordFactsMatch).

// wordFacts is what prepare reads about one lower-case word form (the
// prefix and suffix hashes are computed per token: cheaper than the
// cache misses a larger entry costs).
type wordFacts struct {
	word      uint64
	cl        [3]uint16
	pol, subj int8
	known     bool  // in a sentiment lexicon
	wn        uint8 // wordClass of the form
	// the span-rate buckets of the form (rateTable.bucket, edges and the
	// stem's bucket), when the lexicon has the model's rates folded in
	// (foldRates): zero otherwise
	rate, rateN, startRate, endRate, stemRate, stemN uint8
	nbrRate, nbrN                                    uint8
	cluRate, cluN                                    [2]uint8
}

// factsOf computes the facts of lower-case w from the lexicon's tables.
func (l *lexicon) factsOf(w string) wordFacts {
	f := wordFacts{word: hashString(w), cl: l.cluster(w), wn: l.wordClass(w)}
	if e, ok := l.lookup(w); ok {
		f.pol, f.subj, f.known = e.pol, e.subj, true
	}
	if l != nil && l.rated != nil {
		t := l.rated
		r := t.byHash[f.word]
		f.rate, f.rateN = t.bucket(r)
		f.startRate, f.endRate = t.edges(r)
		f.stemRate, f.stemN = t.bucket(t.stems[hashString(stemOf(w))])
		f.nbrRate, f.nbrN = t.nbrBuckets(w)
		f.cluRate[0], f.cluN[0] = t.cluBuckets(w, f.cl, 0)
		f.cluRate[1], f.cluN[1] = t.cluBuckets(w, f.cl, 1)
	}
	return f
}

// factTable is an open-addressing hash table of word facts keyed by the
// word's 64-bit hash, the same hash the features already identify a word
// by (two words that collide are one word to the model anyway). It beats a
// map[string] here because the key is computed for the features anyway,
// and a probe touches one slot rather than a group, a key header and the
// key's bytes: with some 130,000 words, the lookups are cache misses. The
// facts sit in the slots themselves (a word hash of 0 marks an empty
// slot), so a rare word costs one miss, not one for an index slot and one
// for its entry.
type factTable struct {
	slots []wordFacts
	// zero holds the facts of a word whose hash is 0, which cannot sit in
	// a slot
	zero *wordFacts
	n    int // words held
}

func (t *factTable) get(h uint64) (*wordFacts, bool) {
	if len(t.slots) == 0 {
		return nil, false
	}
	if h == 0 {
		return t.zero, t.zero != nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		f := &t.slots[i]
		if f.word == h {
			return f, true
		}
		if f.word == 0 {
			return nil, false
		}
	}
}

func (t *factTable) add(f wordFacts) {
	if f.word == 0 {
		if t.zero == nil {
			t.zero = &f
			t.n++
		}
		return
	}
	mask := uint64(len(t.slots) - 1)
	for i := f.word & mask; ; i = (i + 1) & mask {
		switch t.slots[i].word {
		case 0:
			t.slots[i] = f
			t.n++
			return
		case f.word:
			return
		}
	}
}

// facts returns the facts of lower-case w: from the precomputed table when
// w is in it, else computed.
func (l *lexicon) facts(w string) wordFacts {
	if l != nil {
		if f, ok := l.fact.get(hashString(w)); ok {
			return *f
		}
	}
	return l.factsOf(w)
}

// buildFacts fills the table with every word of the lexicon, cluster and
// WordNet tables, in sorted order so the table does not depend on map
// iteration. Call it once the tables are complete; the lexicon is
// read-only afterwards.
func (l *lexicon) buildFacts() {
	ws := make([]string, 0, len(l.m)+len(l.cl)+len(l.wn)+l.rated.size())
	for w := range l.m {
		ws = append(ws, w)
	}
	for w := range l.cl {
		ws = append(ws, w)
	}
	for w := range l.wn {
		ws = append(ws, w)
	}
	if l.rated != nil {
		for w := range l.rated.words {
			ws = append(ws, w)
		}
	}
	sort.Strings(ws)
	distinct := 0
	for i, w := range ws {
		if i == 0 || w != ws[i-1] {
			distinct++
		}
	}
	// a load of up to 0.8: a probe run mostly stays within the cache
	// line of its first slot, and a smaller table misses the cache less
	n := 1
	for 4*n < 5*distinct {
		n <<= 1
	}
	l.fact = factTable{slots: make([]wordFacts, n)}
	for i, w := range ws {
		if i > 0 && w == ws[i-1] {
			continue
		}
		l.fact.add(l.factsOf(w))
	}
}

// foldRates folds the model's span rates into the word facts, so that a
// token's rate buckets come with the one probe prepare makes anyway,
// rather than two map probes, a stem hash and three logarithms per token
// (setRates, a fifth of the analyzer's time). Every word of the rate table
// gets a facts entry, so a word the table misses has no rate (its stem may
// still have one: factsOf computes it). Call it once, instead of
// buildFacts, when the model is decoded.
func (l *lexicon) foldRates(t *rateTable) {
	l.rated = t
	l.buildFacts()
}

func (t *rateTable) size() int {
	if t == nil {
		return 0
	}
	return len(t.words)
}
