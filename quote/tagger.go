package quote

import (
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// The tagger labels the tokens of a paragraph with attribution roles in BIO
// form: source, cue and content. It is an averaged structured perceptron
// with first-order transitions and hashed features, trained on PolNeAR
// (see Train); its weights are embedded as int8 with one scale.

// Tags.
const (
	tagO = iota
	tagBS
	tagIS
	tagBC
	tagIC
	tagBQ
	tagIQ
	numTags
)

// role of a tag: 0 none, 1 source, 2 cue, 3 content.
func tagRole(t int) int { return (t + 1) / 2 }

func tagBegin(t int) bool { return t == tagBS || t == tagBC || t == tagBQ }

// allowed reports whether tag b may follow tag a (I-X only continues X).
func allowed(a, b int) bool {
	if b == tagIS || b == tagIC || b == tagIQ {
		return tagRole(a) == tagRole(b) && a != tagO
	}
	return true
}

const hashBits = 18

const numBuckets = 1 << hashBits

// model holds the tagger's weights.
type model struct {
	w []float32 // numBuckets*numTags, while training
	// qb holds the loaded weights as int8, 8 per bucket (numTags used) in
	// one little-endian word, each biased by +128 (stored as uint8): a
	// feature's weights are one load, and decoding sums eight lanes with
	// two 64-bit adds (see decodeBuf); qscale converts the sums back.
	qb     *[numBuckets]uint64
	qscale float32
	trans  [numTags + 1][numTags]float32
	// cues is the cue lexicon learned from the training data: lower-cased
	// words and how often they were (part of) a cue, as a rate.
	cues map[string]float32
	lex  *wordTable // cues and reporting words by hash, for prepareBuf
}

// maxSeq bounds a tagged sequence; longer paragraphs are cut.
const maxSeq = 1200

// seq is a paragraph prepared for tagging.
type seq struct {
	toks  []document.Token
	feats [][]uint32
}

// reporting is a small hand-made list of reporting verbs and phrases; the
// tagger's features say how far the nearest one is, which is what tells a
// source or a content clause from other text. The tagger learns the rest of
// the cue vocabulary from the data.
var reporting = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`say says said saying tell tells told telling add adds added adding state states stated
		announce announces announced claim claims claimed explain explains explained explaining note notes noted
		argue argues argued write writes wrote written insist insists insisted warn warns warned deny denies denied
		declare declares declared ask asks asked reply replies replied acknowledge acknowledged admit admits admitted
		suggest suggests suggested report reports reported according denounce denounced concede conceded confirm
		confirms confirmed allege alleges alleged believe believes believed think thinks thought predict predicted
		promise promised vow vowed urge urged call calls called describe described insisting tweeted tweet tweets
		posted wrote recalled recall recalls testified testify contend contends contended maintain maintains maintained
		assert asserts asserted emphasized stressed pointed blasted slammed criticized praised accused quipped joked
		shouted told responded respond responds countered observed mocked remarked commented continued`) {
		reporting[w] = true
	}
}

// prepare computes the features of the tokens toks of text s. inQuote[i]
// says whether token i lies inside quote marks. Training uses it; the
// analyzer calls prepareBuf with buffers reused across paragraphs.
func prepare(s string, toks []document.Token, inQuote []bool, cues map[string]float32) *seq {
	return prepareBuf(s, toks, inQuote, newWordTable(cues), &prepScratch{}, false)
}

// wordTable maps the FNV hash of a lower-cased word to its cue-rate code
// and whether it counts as a cue word (a reporting word or a learned cue
// rate of at least 0.2). It is open addressing over the hashes the
// features compute anyway, so the lookup needs no string hashing or
// comparison; a 64-bit collision between two different words is
// negligible.
type wordTable struct {
	keys []uint64
	vals []uint8 // rate code | 0x80 when a cue word
	mask uint64
}

func newWordTable(cues map[string]float32) *wordTable {
	n := 1
	for n < 2*(len(cues)+len(reporting)) {
		n <<= 1
	}
	t := &wordTable{keys: make([]uint64, n), vals: make([]uint8, n), mask: uint64(n - 1)}
	put := func(w string) {
		r := cues[w]
		v := uint8(rateCode(r))
		if reporting[w] || r >= 0.2 {
			v |= 0x80
		}
		h := strHash(w)
		if h == 0 {
			return
		}
		i := h & t.mask
		for t.keys[i] != 0 && t.keys[i] != h {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.vals[i] = h, v
	}
	for w := range cues {
		put(w)
	}
	for w := range reporting {
		put(w)
	}
	return t
}

// get returns the rate code and cue flag of the word with hash h.
func (t *wordTable) get(h uint64) (uint64, bool) {
	for i := h & t.mask; t.keys[i] != 0; i = (i + 1) & t.mask {
		if t.keys[i] == h {
			v := t.vals[i]
			return uint64(v & 0x7f), v&0x80 != 0
		}
	}
	return 0, false
}

// lowerHashes returns strHash(lowerWord(w)) and strHash(suffix(lowerWord(w), 3))
// without building the lower-cased string when w is ASCII.
func lowerHashes(w string) (uint64, uint64) {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			lw := lowerWord(w)
			return strHash(lw), strHash(suffix(lw, 3))
		}
	}
	h := uint64(14695981039346656037)
	hs := h
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
		if i >= len(w)-3 {
			hs ^= uint64(c)
			hs *= 1099511628211
		}
	}
	return h, hs
}

// prepScratch holds prepare's per-token buffers, reused across the
// paragraphs of a document.
type prepScratch struct {
	wh, sh, rate, suf, leftS, rightS, qbL, qbR []uint64
	sentQ, sentEnd, sentFirst                  []uint64
	left, right, sent, lcS, rcS                []int
	cue                                        []bool
	punct                                      []byte
	flat                                       []uint32
	feats                                      [][]uint32
	sq                                         seq
}

// prepareBuf is prepare with caller-owned buffers. With reuse set, the
// returned seq and its features live in buf until the next call.
func prepareBuf(s string, toks []document.Token, inQuote []bool, lex *wordTable, buf *prepScratch, reuse bool) *seq {
	n := len(toks)
	sq := &seq{}
	if reuse {
		sq = &buf.sq
		buf.feats = grow(buf.feats, n)
		sq.feats = buf.feats
	} else {
		sq.feats = make([][]uint32, n)
	}
	sq.toks = toks
	// per-token hashes and codes, computed once: features combine them
	// with an integer mix rather than hashing strings again.
	buf.wh = grow(buf.wh, n+6)     // word hash, shifted by 3 for the window
	buf.sh = grow(buf.sh, n+6)     // shape hash
	buf.rate = grow(buf.rate, n+6) // cue-rate bucket
	wh, sh, rate := buf.wh, buf.sh, buf.rate
	for k := range wh {
		wh[k], sh[k] = 1, 1
	}
	buf.cue = grow(buf.cue, n)
	buf.suf = grow(buf.suf, n)
	// punct holds the one-byte normalised form of the punctuation that
	// the features below test (". ? ! , : \" '), 0 for anything else
	buf.punct = grow(buf.punct, n)
	cue, suf, punct := buf.cue, buf.suf, buf.punct
	for i, t := range toks {
		w := s[t.Start:t.End]
		wh[i+3], suf[i] = lowerHashes(w)
		sh[i+3] = shapeHash(w)
		rc, isCue := lex.get(wh[i+3])
		rate[i+3] = rc
		cue[i] = isCue
		if t.Kind == document.TokPunct {
			switch normWord(w) {
			case ".", "?", "!", ",", ":", "\"", "'":
				punct[i] = normWord(w)[0]
			}
		}
	}
	W := func(k int) uint64 { return wh[k+3] }
	// distance to the nearest cue word on either side within the
	// paragraph, and the same within the sentence with whether a comma,
	// colon or quote mark lies between
	buf.left = grow(buf.left, n)
	buf.right = grow(buf.right, n)
	left, right := buf.left, buf.right
	last := -1000
	for i := 0; i < n; i++ {
		left[i] = i - last
		if cue[i] {
			last = i
		}
	}
	last = 1000000
	for i := n - 1; i >= 0; i-- {
		right[i] = last - i
		if cue[i] {
			last = i
		}
	}
	buf.sent = grow(buf.sent, n)
	sent := buf.sent
	for i, k := 1, 0; i < n; i++ {
		if w := punct[i-1]; w == '.' || w == '?' || w == '!' {
			k++
		}
		sent[i] = k
	}
	isP := func(w byte) bool { return w == ',' || w == ':' || w == '"' || w == '\'' }
	buf.leftS = grow(buf.leftS, n)
	buf.rightS = grow(buf.rightS, n)
	leftS, rightS := buf.leftS, buf.rightS
	lastCue, lastPunct := -1, -1
	for i := 0; i < n; i++ {
		leftS[i] = 99
		if lastCue >= 0 && sent[lastCue] == sent[i] {
			leftS[i] = uint64(bucketCode(i - lastCue))
			if lastPunct > lastCue {
				leftS[i] += 16
			}
		}
		if cue[i] {
			lastCue = i
		}
		if isP(punct[i]) {
			lastPunct = i
		}
	}
	lastCue, lastPunct = -1, -1
	for i := n - 1; i >= 0; i-- {
		rightS[i] = 99
		if lastCue >= 0 && sent[lastCue] == sent[i] {
			rightS[i] = uint64(bucketCode(lastCue - i))
			if lastPunct >= 0 && lastPunct < lastCue {
				rightS[i] += 16
			}
		}
		if cue[i] {
			lastCue = i
			lastPunct = -1
		}
		if isP(punct[i]) && lastPunct < 0 {
			lastPunct = i
		}
	}
	// distance to the nearest quote boundary (a change of in-quote state)
	buf.qbL = grow(buf.qbL, n)
	buf.qbR = grow(buf.qbR, n)
	qbL, qbR := buf.qbL, buf.qbR
	lb := -100
	for i := 0; i < n; i++ {
		if inQuote != nil && i > 0 && inQuote[i] != inQuote[i-1] {
			lb = i
		}
		qbL[i] = uint64(bucketCode(i - lb + 1))
	}
	rb := n + 100
	for i := n - 1; i >= 0; i-- {
		if inQuote != nil && i+1 < n && inQuote[i] != inQuote[i+1] {
			rb = i
		}
		qbR[i] = uint64(bucketCode(rb - i + 1))
	}
	inq := func(k int) uint64 {
		if inQuote != nil && k >= 0 && k < n && inQuote[k] {
			return 1
		}
		return 0
	}
	// per sentence: whether it holds quoted tokens, its end and its first
	// word; per token: the nearest cue word before and after it in its
	// sentence (-1: none)
	ns := 1
	if n > 0 {
		ns = sent[n-1] + 1
	}
	buf.sentQ = grow(buf.sentQ, ns)
	buf.sentEnd = grow(buf.sentEnd, ns)
	buf.sentFirst = grow(buf.sentFirst, ns)
	sentQ, sentEnd, sentFirst := buf.sentQ, buf.sentEnd, buf.sentFirst
	for i := n - 1; i >= 0; i-- {
		k := sent[i]
		if inQuote != nil && inQuote[i] {
			sentQ[k] = 1
		}
		if sentEnd[k] == 0 {
			sentEnd[k] = uint64(i + 1)
		}
		sentFirst[k] = W(i)
	}
	buf.lcS = grow(buf.lcS, n)
	buf.rcS = grow(buf.rcS, n)
	lcS, rcS := buf.lcS, buf.rcS
	lc := -1
	for i := 0; i < n; i++ {
		if lc >= 0 && sent[lc] != sent[i] {
			lc = -1
		}
		lcS[i] = lc
		if cue[i] {
			lc = i
		}
	}
	rc := -1
	for i := n - 1; i >= 0; i-- {
		if rc >= 0 && sent[rc] != sent[i] {
			rc = -1
		}
		rcS[i] = rc
		if cue[i] {
			rc = i
		}
	}
	sentPos := 0
	// one backing array for every token's features
	var flat []uint32
	if reuse {
		if cap(buf.flat) < n*42 {
			buf.flat = make([]uint32, 0, n*42)
		}
		flat = buf.flat[:0]
	} else {
		flat = make([]uint32, 0, n*42)
	}
	for i := 0; i < n; i++ {
		w := W(i)
		q := inq(i)
		qq := q<<2 | inq(i-1)<<1 | inq(i+1)
		lc, rc := uint64(bucketCode(left[i])), uint64(bucketCode(right[i]))
		from := len(flat)
		// each feature is hashFeat(template, values...): the template
		// times the golden ratio, then mix64 folding in each value. The
		// first fold of a small code comes from the firstMix table, and
		// the features are appended by straight-line code rather than a
		// variadic closure; the hashes are the same.
		sl, sr := leftS[i], rightS[i]
		bc := uint64(bucketCode(sentPos))
		flat = append(flat,
			bkt(seed[1]),
			bkt(mix64(seed[2]^w)),
			bkt(mix64(seed[3]^W(i-1))),
			bkt(mix64(seed[4]^W(i+1))),
			bkt(mix64(seed[5]^W(i-2))),
			bkt(mix64(seed[6]^W(i+2))),
			bkt(mix64(mix64(seed[7]^W(i-1))^w)),
			bkt(mix64(mix64(seed[8]^w)^W(i+1))),
			bkt(mix64(seed[9]^sh[i+3])),
			bkt(mix64(mix64(seed[10]^sh[i+2])^sh[i+3])),
			bkt(mix64(mix64(seed[11]^sh[i+3])^sh[i+4])),
			bkt(mix64(seed[12]^suf[i])),
			bkt(first(13, qq)),
			bkt(mix64(first(14, q)^w)),
			bkt(first(15, lc)),
			bkt(first(16, rc)),
			bkt(mix64(mix64(first(17, lc)^rc)^q)),
			bkt(first(18, bc)),
			bkt(first(19, sl)),
			bkt(first(20, sr)),
			bkt(mix64(mix64(first(21, sl)^sr)^q)),
			bkt(mix64(first(22, sl)^w)),
			bkt(mix64(first(23, sr)^w)),
			bkt(first(24, rate[i+3])),
			bkt(mix64(first(25, rate[i+2])^rate[i+3])),
			bkt(mix64(first(26, rate[i+3])^rate[i+4])),
			bkt(mix64(first(27, qbL[i])^qbR[i])),
		)
		if left[i] <= 12 && i-left[i] >= 0 {
			flat = append(flat, bkt(mix64(mix64(seed[28]^W(i-left[i]))^lc)))
		}
		if right[i] <= 12 && i+right[i] < n {
			flat = append(flat, bkt(mix64(mix64(seed[29]^W(i+right[i]))^rc)))
		}
		sq_ := sentQ[sent[i]]
		flat = append(flat,
			// a wider window: the third word on either side and the word
			// pairs beside the token
			bkt(mix64(seed[40]^W(i-3))),
			bkt(mix64(seed[41]^W(i+3))),
			bkt(mix64(mix64(seed[42]^W(i-2))^W(i-1))),
			bkt(mix64(mix64(seed[43]^W(i+1))^W(i+2))),
			// the sentence: whether it holds a quotation, how far its end
			// is, its first word ("But", "According", a pronoun)
			bkt(mix64(mix64(first(48, sq_)^q)^uint64(bucketCode(int(sentEnd[sent[i]])-i)))),
			bkt(mix64(mix64(seed[49]^sentFirst[sent[i]])^bc)),
			bkt(mix64(mix64(first(50, sq_)^sl)^sr)),
		)
		// the nearest cue word in the sentence on either side, however far,
		// with whether punctuation lies between and with this word: a
		// source or a content clause is told by which verb it hangs on
		if lcS[i] >= 0 {
			flat = append(flat, bkt(mix64(mix64(seed[51]^W(lcS[i]))^(sl/16))), bkt(mix64(mix64(seed[52]^W(lcS[i]))^w)))
		}
		if rcS[i] >= 0 {
			flat = append(flat, bkt(mix64(mix64(seed[53]^W(rcS[i]))^(sr/16))), bkt(mix64(mix64(seed[54]^W(rcS[i]))^w)))
		}
		sq.feats[i] = flat[from:len(flat):len(flat)]
		if reuse {
			buf.flat = flat
		}
		if w := punct[i]; w == '.' || w == '?' || w == '!' {
			sentPos = 0
		} else {
			sentPos++
		}
	}
	return sq
}

// goldenRatio64 multiplies a feature template id into its seed.
const goldenRatio64 = 0x9E3779B97F4A7C15

// firstMix[t][v] is mix64(t*goldenRatio64 ^ v): the first fold of a
// feature whose first value is a small code (distances, rates, flags),
// read rather than computed per token.
var firstMix = func() (t [55][128]uint64) {
	for tmpl := range t {
		for v := range t[tmpl] {
			t[tmpl][v] = mix64(seed[tmpl] ^ uint64(v))
		}
	}
	return t
}()

// seed[t] is t*goldenRatio64, wrapped to 64 bits: the hash of template t
// before any value is folded in.
var seed = func() (s [55]uint64) {
	for t := range s {
		s[t] = uint64(t) * goldenRatio64
	}
	return s
}()

// first is mix64(tmpl*goldenRatio64 ^ v), from firstMix when v is small.
func first(tmpl int, v uint64) uint64 {
	if v < 128 {
		return firstMix[tmpl][v]
	}
	return mix64(seed[tmpl] ^ v)
}

// bkt is a feature hash's weight bucket.
func bkt(h uint64) uint32 { return uint32(h) & (numBuckets - 1) }

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// shapeHash is strHash(shape(w)) without building the string.
func shapeHash(w string) uint64 {
	r, _ := utf8.DecodeRuneInString(w)
	if unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsDigit(r) {
		return strHash(shape(w))
	}
	h := uint64(14695981039346656037)
	h ^= 'p'
	h *= 1099511628211
	nw := normWord(w)
	for i := 0; i < len(nw); i++ {
		h ^= uint64(nw[i])
		h *= 1099511628211
	}
	return h
}

// strHash is 64-bit FNV-1a.
func strHash(w string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return h
}

func bucketCode(d int) int {
	switch {
	case d <= 0:
		return 0
	case d <= 3:
		return d
	case d <= 6:
		return 4
	case d <= 12:
		return 5
	case d <= 25:
		return 6
	}
	return 7
}

func rateCode(r float32) int {
	switch {
	case r <= 0:
		return 0
	case r < 0.05:
		return 1
	case r < 0.2:
		return 2
	case r < 0.5:
		return 3
	case r < 0.8:
		return 4
	}
	return 5
}

func lowerWord(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return normWord(strings.ToLower(w))
		}
	}
	return w
}

// normWord makes curly punctuation plain so that “ and " share weights.
func normWord(w string) string {
	switch w {
	case "“", "”", "„", "«", "»":
		return "\""
	case "‘", "’":
		return "'"
	case "—", "–":
		return "-"
	}
	return strings.ReplaceAll(w, "’", "'")
}

func suffix(w string, n int) string {
	if len(w) <= n {
		return w
	}
	j := len(w) - n
	for j > 0 && !utf8.RuneStart(w[j]) {
		j--
	}
	return w[j:]
}

// shape is a coarse word shape: Xx, x, X, d, p plus a few special cases.
func shape(w string) string {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case unicode.IsUpper(r):
		allUp := true
		for _, c := range w {
			if unicode.IsLower(c) {
				allUp = false
				break
			}
		}
		if allUp && len(w) > 1 {
			return "X"
		}
		return "Xx"
	case unicode.IsLower(r):
		return "x"
	case unicode.IsDigit(r):
		return "d"
	}
	return "p" + normWord(w)
}

// decode runs Viterbi over sq and returns the best tags.
func (m *model) decode(sq *seq) []int { return m.decodeBuf(sq, &decodeScratch{}) }

// decodeScratch holds buffers reused across the paragraphs of a document.
type decodeScratch struct {
	score []float32
	back  []int8
	tags  []int
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// decodeBuf is decode with caller-owned buffers; the returned tags live in
// buf until the next call.
func (m *model) decodeBuf(sq *seq, buf *decodeScratch) []int {
	n := len(sq.feats)
	if n == 0 {
		return nil
	}
	buf.score = grow(buf.score, n*numTags)
	score := buf.score
	for i, fs := range sq.feats {
		row := score[i*numTags : (i+1)*numTags]
		if m.qb != nil {
			// SWAR: the even and the odd byte lanes of each weight word
			// are summed as four 16-bit lanes each; 256 biased weights
			// (at most 255 each) fit a 16-bit lane, so longer lists go
			// in chunks, and the bias comes off per chunk
			const lanes = 0x00FF00FF00FF00FF
			var acc [8]int32
			for len(fs) > 0 {
				k := min(len(fs), 256)
				var even, odd uint64
				for _, f := range fs[:k] {
					v := m.qb[f&(numBuckets-1)]
					even += v & lanes
					odd += v >> 8 & lanes
				}
				bias := int32(128 * k)
				for t := 0; t < 4; t++ {
					acc[2*t] += int32(even>>(16*t)&0xFFFF) - bias
					acc[2*t+1] += int32(odd>>(16*t)&0xFFFF) - bias
				}
				fs = fs[k:]
			}
			for t := range numTags {
				row[t] = float32(acc[t]) * m.qscale
			}
			continue
		}
		for _, f := range fs {
			ws := m.w[int(f)*numTags : int(f)*numTags+numTags]
			for t := 0; t < numTags; t++ {
				row[t] += ws[t]
			}
		}
	}
	buf.back = grow(buf.back, n*numTags)
	back := buf.back
	// transitions with disallowed moves at -Inf, so the inner loop has no
	// branch but the max
	ninf := float32(math.Inf(-1))
	var tr [numTags][numTags]float32
	for p := 0; p < numTags; p++ {
		for t := 0; t < numTags; t++ {
			tr[p][t] = m.trans[p][t]
			if !allowed(p, t) {
				tr[p][t] = ninf
			}
		}
	}
	var prev, cur [numTags]float32
	for t := 0; t < numTags; t++ {
		prev[t] = m.trans[numTags][t] + score[t]
		if !allowed(tagO, t) {
			prev[t] = ninf
		}
	}
	for i := 1; i < n; i++ {
		row := score[i*numTags : i*numTags+numTags]
		for t := 0; t < numTags; t++ {
			best, arg := prev[0]+tr[0][t], 0
			for p := 1; p < numTags; p++ {
				if v := prev[p] + tr[p][t]; v > best {
					best, arg = v, p
				}
			}
			cur[t] = best + row[t]
			back[i*numTags+t] = int8(arg)
		}
		prev = cur
	}
	best, arg := ninf, 0
	for t := 0; t < numTags; t++ {
		if prev[t] > best {
			best, arg = prev[t], t
		}
	}
	buf.tags = grow(buf.tags, n)
	tags := buf.tags
	for i := n - 1; i >= 0; i-- {
		tags[i] = arg
		arg = int(back[i*numTags+arg])
	}
	return tags
}

// Model file format (gzip): magic, uint32 hashBits, float32 scale,
// (numTags+1)*numTags float32 transitions, numBuckets*numTags int8, then
// the cue lexicon. The magic names the feature set: NLQT3 added the wider
// window and the sentence features (templates 40-54), so an NLQT2 model's
// weights would be read against features it never saw.
const modelMagic = "NLQT3"

func (m *model) write(w io.Writer) error {
	var maxAbs float32
	for _, v := range m.w {
		if a := float32(math.Abs(float64(v))); a > maxAbs {
			maxAbs = a
		}
	}
	scale := maxAbs / 127
	if scale == 0 {
		scale = 1
	}
	bw, finish, err := createModelFile(w, modelMagic)
	if err != nil {
		return err
	}
	binary.Write(bw, binary.LittleEndian, uint32(hashBits))
	binary.Write(bw, binary.LittleEndian, scale)
	for i := range m.trans {
		binary.Write(bw, binary.LittleEndian, m.trans[i][:])
	}
	q := make([]byte, len(m.w))
	for i, v := range m.w {
		x := math.Round(float64(v / scale))
		q[i] = byte(int8(max(-127, min(127, x))))
	}
	bw.Write(q)
	binary.Write(bw, binary.LittleEndian, uint32(len(m.cues)))
	words := make([]string, 0, len(m.cues))
	for w := range m.cues {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		bw.WriteByte(byte(len(w)))
		bw.WriteString(w)
		bw.WriteByte(byte(m.cues[w] * 255))
	}
	return finish()
}

func readModel(fsys fs.FS, name string) (*model, error) {
	br, closeFile, err := openModelFile(fsys, name, modelMagic)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	var bits uint32
	var scale float32
	if err := binary.Read(br, binary.LittleEndian, &bits); err != nil || bits != hashBits {
		return nil, fmt.Errorf("model %s: hash bits %d, want %d", name, bits, hashBits)
	}
	if err := binary.Read(br, binary.LittleEndian, &scale); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	m := &model{qb: new([numBuckets]uint64), qscale: scale}
	for i := range m.trans {
		if err := binary.Read(br, binary.LittleEndian, m.trans[i][:]); err != nil {
			return nil, fmt.Errorf("model %s: %w", name, err)
		}
	}
	q := make([]byte, numBuckets*numTags)
	if _, err := io.ReadFull(br, q); err != nil {
		return nil, fmt.Errorf("model %s: weights: %w", name, err)
	}
	for k := range m.qb {
		var v uint64
		for t := range 8 {
			b := byte(0) // the padding lane: weight 0
			if t < numTags {
				b = q[k*numTags+t]
			}
			v |= uint64(b^0x80) << (8 * t) // int8 w as uint8 w+128
		}
		m.qb[k] = v
	}
	var nc uint32
	if err := binary.Read(br, binary.LittleEndian, &nc); err != nil || nc > 1<<20 {
		return nil, fmt.Errorf("model %s: cue lexicon: bad size", name)
	}
	m.cues = make(map[string]float32, nc)
	for range nc {
		l, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("model %s: cue lexicon: %w", name, err)
		}
		b := make([]byte, int(l)+1)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("model %s: cue lexicon: %w", name, err)
		}
		m.cues[string(b[:l])] = float32(b[l]) / 255
	}
	m.lex = newWordTable(m.cues)
	return m, nil
}
