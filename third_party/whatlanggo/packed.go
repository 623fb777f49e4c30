// newslens patch: trigrams packed into integers (see PATCHES.md).

package whatlanggo

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// A trigram of runes is packed into one uint64, 21 bits per rune (every
// rune is at most unicode.MaxRune, 0x10FFFF), so the text's trigrams are
// counted in an open-addressing table of integers instead of a map keyed
// by a new string per trigram. Two trigrams pack equal exactly when their
// runes, and so their UTF-8 strings, are equal; the counts and distances
// are those of count and calculateDistance.
func packTrigram(r1, r2, r3 rune) uint64 {
	return uint64(r1)<<42 | uint64(r2)<<21 | uint64(r3)
}

// noTrigram is the packed form of a profile entry that is not three runes;
// it has the top bit set, which no packed text trigram has, so it never
// matches, as such a string never matched a text trigram.
const noTrigram = ^uint64(0)

// packedProfiles is a langProfileList with packed trigrams and its
// languages in increasing order.
type packedProfiles struct {
	langs    []Lang
	trigrams [][]uint64
	// post is the profiles inverted: for every profile trigram, where it
	// stands in which language's profile (see distances).
	post postings
}

// posting is one entry of a profile: language k (an index into langs) has
// the trigram at rank.
type posting struct {
	k, rank int32
}

// postings is an open-addressing table from packed trigram to its
// postings, list[start[i]:start[i+1]] for the trigram in slot i. Key 0
// marks an empty slot; the trigram 0 (three NUL runes) is kept apart.
type postings struct {
	keys  []uint64
	start []int32
	list  []posting
	zero  []posting
}

func (p *postings) slot(k uint64) int {
	mask := uint64(len(p.keys) - 1)
	i := (k * 0x9e3779b97f4a7c15 >> 20) & mask
	for p.keys[i] != 0 && p.keys[i] != k {
		i = (i + 1) & mask
	}
	return int(i)
}

func (p *postings) get(k uint64) []posting {
	if k == 0 {
		return p.zero
	}
	i := p.slot(k)
	if p.keys[i] == 0 {
		return nil
	}
	return p.list[p.start[i]:p.start[i+1]]
}

// invert builds the postings of the packed profiles, each trigram's in
// increasing order of language and rank.
func invert(trigrams [][]uint64) postings {
	byTrigram := map[uint64][]posting{}
	var order []uint64
	for k, ts := range trigrams {
		for rank, t := range ts {
			if t == noTrigram {
				continue
			}
			if _, ok := byTrigram[t]; !ok {
				order = append(order, t)
			}
			byTrigram[t] = append(byTrigram[t], posting{k: int32(k), rank: int32(rank)})
		}
	}
	size := 1024
	for size < 2*len(order) {
		size *= 2
	}
	p := postings{keys: make([]uint64, size), start: make([]int32, size+1)}
	p.zero = byTrigram[0]
	counts := make([]int32, size)
	for _, t := range order {
		if t == 0 {
			continue
		}
		i := p.slot(t)
		p.keys[i] = t
		counts[i] = int32(len(byTrigram[t]))
	}
	for i := range counts {
		p.start[i+1] = p.start[i] + counts[i]
	}
	p.list = make([]posting, p.start[size])
	for i, t := range p.keys {
		if t != 0 {
			copy(p.list[p.start[i]:], byTrigram[t])
		}
	}
	return p
}

// distances gives, for every language of p, what calculatePackedDistance
// gives for its profile: the sum over the profile's trigrams found in the
// text of (maxTrigramDistance − rank) × count, and how many were found. It
// walks the text's distinct trigrams once and adds to each language whose
// profile has the trigram, instead of looking up every trigram of every
// profile in the text's table; the sums are of integers, so the order of
// the additions does not matter.
func (p *packedProfiles) distances(counts *trigramCounts, dist, num []int) {
	add := func(ps []posting, w int) {
		for _, e := range ps {
			dist[e.k] += (maxTrigramDistance - int(e.rank)) * w
			num[e.k]++
		}
	}
	if counts.zeros > 0 {
		add(p.post.zero, counts.zeros)
	}
	for i, t := range counts.keys {
		if t != 0 {
			add(p.post.get(t), counts.vals[i])
		}
	}
}

func packProfiles(l langProfileList) *packedProfiles {
	p := &packedProfiles{}
	for lang := range l {
		p.langs = append(p.langs, lang)
	}
	slices.Sort(p.langs)
	for _, lang := range p.langs {
		packed := make([]uint64, len(l[lang]))
		for i, t := range l[lang] {
			rs := []rune(t)
			if len(rs) != 3 {
				packed[i] = noTrigram
				continue
			}
			packed[i] = packTrigram(rs[0], rs[1], rs[2])
		}
		p.trigrams = append(p.trigrams, packed)
	}
	p.post = invert(p.trigrams)
	return p
}

// Read-only after package initialisation.
var (
	packedLatin      = packProfiles(latinLangs)
	packedCyrillic   = packProfiles(cyrillicLangs)
	packedDevanagari = packProfiles(devanagariLangs)
	packedHebrew     = packProfiles(hebrewLangs)
	packedEthiopic   = packProfiles(ethiopicLangs)
	packedArabic     = packProfiles(arabicLangs)
)

// trigramCounts is an open-addressing hash table from packed trigram to
// count. Key 0 (three NUL runes) marks an empty slot, so its count is kept
// apart.
type trigramCounts struct {
	keys  []uint64
	vals  []int
	n     int
	zeros int
}

func (c *trigramCounts) slot(k uint64) int {
	mask := uint64(len(c.keys) - 1)
	i := (k * 0x9e3779b97f4a7c15 >> 20) & mask
	for c.keys[i] != 0 && c.keys[i] != k {
		i = (i + 1) & mask
	}
	return int(i)
}

func (c *trigramCounts) add(k uint64) {
	if k == 0 {
		c.zeros++
		return
	}
	if 2*(c.n+1) > len(c.keys) {
		old, oldVals := c.keys, c.vals
		c.keys = make([]uint64, max(1024, 2*len(old)))
		c.vals = make([]int, len(c.keys))
		for j, ok := range old {
			if ok != 0 {
				i := c.slot(ok)
				c.keys[i], c.vals[i] = ok, oldVals[j]
			}
		}
	}
	i := c.slot(k)
	if c.keys[i] == 0 {
		c.keys[i] = k
		c.n++
	}
	c.vals[i]++
}

func (c *trigramCounts) get(k uint64) int {
	if k == 0 {
		return c.zeros
	}
	if len(c.keys) == 0 {
		return 0
	}
	return c.vals[c.slot(k)]
}

// asciiTrigramChar is unicode.ToLower(toTrigramChar(c)) for every ASCII
// character c (a table read instead of four Unicode tests per character).
var asciiTrigramChar = func() (t [utf8.RuneSelf]rune) {
	for c := range t {
		t[c] = unicode.ToLower(toTrigramChar(rune(c)))
	}
	return t
}()

// countPacked is count with packed trigrams. It reads the runes of input
// as it goes instead of converting the text to two rune slices first, as
// count does (the same runes: ranging over a string decodes an invalid
// byte to U+FFFD as []rune does), and counts into a table sized for the
// text at the start (the counts do not depend on the table's size).
func countPacked(input string) trigramCounts {
	var c trigramCounts
	// a text of n bytes has at most n distinct trigrams, and news text
	// about n/10 (fewer as it grows): start near the size it ends at,
	// rather than rehashing from 1024 up
	size := 1024
	for size < len(input)/8 && size < 1<<13 {
		size <<= 1
	}
	c.keys = make([]uint64, size)
	c.vals = make([]int, size)
	lower := func(r rune) rune {
		if r < utf8.RuneSelf {
			return asciiTrigramChar[r]
		}
		return unicode.ToLower(toTrigramChar(r))
	}
	// count's runes are input's, lowered, then a space; its first
	// trigram starts from a space and the first rune
	r1, r2 := ' ', ' '
	first := true
	for _, ir := range input {
		r3 := lower(ir)
		if first {
			r2, first = r3, false
			continue
		}
		if !(r2 == ' ' && (r1 == ' ' || r3 == ' ')) {
			c.add(packTrigram(r1, r2, r3))
		}
		r1, r2 = r2, r3
	}
	if !first {
		r3 := rune(' ') // the space count puts after the last rune
		if !(r2 == ' ' && (r1 == ' ' || r3 == ' ')) {
			c.add(packTrigram(r1, r2, r3))
		}
	}
	return c
}
