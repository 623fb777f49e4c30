package ner

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/text"
)

// Feature templates. Each feature is a 32-bit FNV-1a hash of its template
// number and its string parts; a collision between two of the model's
// ~10^5–10^6 features is rare enough to ignore.
const (
	fBias byte = iota + 1
	fWord
	fLower
	fShape
	fPre1
	fPre2
	fPre3
	fPre4
	fSuf1
	fSuf2
	fSuf3
	fSuf4
	fPrevLower
	fNextLower
	fPrev2Lower
	fNext2Lower
	fBigramPrev
	fBigramNext
	fShapePrev
	fShapeNext
	fShape3
	fInitial
	fCapsSent
	fClus0
	fClus1
	fClus2
	fClusPrev
	fClusNext
	fGaz
	fDocCap
	fDocLower
	fPrevLowerShape
	fShapeNextLower
	fLen
	fClusPrev0
	fClusNext0
	fGazPrev
	fGazNext
	fDocMaj
	fInParen
)

const (
	offset32 = 2166136261
	prime32  = 16777619
)

func hStart(t byte) uint32 { return (offset32 ^ uint32(t)) * prime32 }

func hStr(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= prime32
	}
	return h
}

func hSep(h uint32) uint32 { return (h ^ 0x1f) * prime32 }

func h1(t byte, a string) uint32 { return hStr(hStart(t), a) }

func h2(t byte, a, b string) uint32 { return hStr(hSep(hStr(hStart(t), a)), b) }

func h3(t byte, a, b, c string) uint32 {
	return hStr(hSep(hStr(hSep(hStr(hStart(t), a)), b)), c)
}

// Indexes of token.lh: the states of the context templates over a
// token's lower form, as a neighbour (prev/next/prev2/next2: the whole
// feature) or as the first part of a two-part template (bigramPrev,
// bigramNext, prevShape: up to the separator).
const (
	lhPrev = iota
	lhNext
	lhPrev2
	lhNext2
	lhBigramPrev
	lhBigramNext
	lhPrevShape
	nLowerHashes
)

func lowerHashes(lower string) (h [nLowerHashes]uint32) {
	h[lhPrev] = h1(fPrevLower, lower)
	h[lhNext] = h1(fNextLower, lower)
	h[lhPrev2] = h1(fPrev2Lower, lower)
	h[lhNext2] = h1(fNext2Lower, lower)
	h[lhBigramPrev] = hSep(hStr(hStart(fBigramPrev), lower))
	h[lhBigramNext] = hSep(hStr(hStart(fBigramNext), lower))
	h[lhPrevShape] = hSep(hStr(hStart(fPrevLowerShape), lower))
	return h
}

// the sentence-boundary pseudo-words' lower-form hashes (read-only)
var (
	bosHashes = lowerHashes("<s>")
	eosHashes = lowerHashes("</s>")
)

func hInt(t byte, n int) uint32 {
	h := hStart(t)
	for i := 0; i < 4; i++ {
		h ^= uint32(n & 0xff)
		h *= prime32
		n >>= 8
	}
	return h
}

// token holds what the feature templates read about one token, computed
// once per token.
type token struct {
	word, lower, shape string
	clus               [3]uint16 // cluster ids at three granularities, 0 = unknown
	gaz                byte      // gazetteer mark: 0 none, else 'B'/'I' + type
	gazType            string
	docCap, docLower   bool
	docMaj             string // majority type of this word in the first pass (second pass only)
	inParen            bool
	// lh holds the hash states of the lower form that the context
	// templates of neighbouring tokens start from (see lowerHashes)
	lh [nLowerHashes]uint32
	// lid numbers the document's distinct lower forms (from 0), so
	// per-document tallies by word are slices rather than maps.
	lid int32
	// local is the row of Model.localW holding the summed weights of this
	// word's localFeatures, or -1 (then they are looked up one by one).
	local int32
}

// shapeOf maps letters to X/x, digits to d and keeps other characters,
// collapsing runs longer than two: "McDonald" → "XxXx", "1996-08-22" →
// "dd-dd-dd", "U.S." → "X.X.".
func shapeOf(w string) string {
	var buf [32]byte
	return string(appendShape(buf[:0], w))
}

func appendShape(dst []byte, w string) []byte {
	var b [32]byte
	n := 0
	var last byte
	run := 0
	for _, r := range w {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c = 'X'
		case unicode.IsLetter(r):
			c = 'x'
		case unicode.IsDigit(r):
			c = 'd'
		case r < utf8.RuneSelf:
			c = byte(r)
		default:
			c = '*'
		}
		if c == last {
			run++
			if run >= 2 {
				continue
			}
		} else {
			run = 0
		}
		last = c
		if n < len(b) {
			b[n] = c
			n++
		}
	}
	return append(dst, b[:n]...)
}

// internShape returns shapeOf(w), reusing the strings of shapes already
// seen in the document.
func internShape(shapes map[string]string, w string) string {
	var buf [32]byte
	b := appendShape(buf[:0], w)
	if s, ok := shapes[string(b)]; ok {
		return s
	}
	s := string(b)
	shapes[s] = s
	return s
}

// plainWord normalises typographic variants to the ASCII forms of the
// training data (curly quotes, dashes), and bounds hostile lengths.
func plainWord(w string) string {
	if len(w) > 64 {
		w = w[:64]
		for len(w) > 0 && !utf8.ValidString(w) {
			w = w[:len(w)-1]
		}
	}
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			return text.NormalizeString(w)
		}
	}
	return w
}

func isCap(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func isTitleOrUpper(w string) bool { return isCap(w) }

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func isAllCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 0
}

// prefix returns the first n runes of s (all of s if shorter).
func prefix(s string, n int) (string, bool) {
	i := 0
	for k := range s {
		if i == n {
			return s[:k], true
		}
		i++
	}
	return s, i == n
}

// suffix returns the last n runes of s.
func suffix(s string, n int) (string, bool) {
	i := len(s)
	for c := 0; c < n; c++ {
		if i == 0 {
			return s, false
		}
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:], true
}

// docTokens builds the token records of a document's sentences: word
// forms, clusters, gazetteer marks and the document features (does the
// word appear capitalised mid-sentence elsewhere, or in lower case?).
func (m *Model) docTokens(sents [][]string) [][]token {
	return m.docTokensBuf(&buffers{}, sents)
}

// docTokensBuf is docTokens with the token records and the document's
// look-up tables taken from b (reused across calls: the result is valid
// until b's next use).
func (m *Model) docTokensBuf(b *buffers, sents [][]string) [][]token {
	if b.words == nil {
		b.shapes = map[string]string{} // interned: a document has few shapes
		b.lowers = map[string]string{}
		b.words = map[string]wordInfo{}
		b.lowerID = map[string]int32{}
	}
	clear(b.words)
	clear(b.shapes)
	clear(b.lowers)
	clear(b.lowerID)
	words, shapes, lowerID := b.words, b.shapes, b.lowerID
	// seen[t.lid]: seenCap (capitalised inside a sentence) and seenLower
	// (in lower case) somewhere in the document, indexed by lower form
	seen := b.seen[:0]
	n := 0
	for _, ws := range sents {
		n += len(ws)
	}
	if cap(b.toks) < n {
		b.toks = make([]token, n)
	}
	all := b.toks[:n]
	clear(all)
	if cap(b.sents) < len(sents) {
		b.sents = make([][]token, len(sents))
	}
	out := b.sents[:len(sents)]
	for si, ws := range sents {
		toks := all[:len(ws):len(ws)]
		all = all[len(ws):]
		depth := 0
		for i, w := range ws {
			w = plainWord(w)
			t := &toks[i]
			t.word = w
			// a word's lower form, shape, clusters and local row depend on
			// the word alone: names repeat in a document, so one probe of a
			// small per-document map replaces two probes of the model's large
			// (cache-missing) cluster and local maps
			if wi, ok := words[w]; ok {
				t.lower, t.shape, t.clus, t.local, t.lid, t.lh = wi.lower, wi.shape, wi.clus, wi.local, wi.lid, wi.lh
			} else {
				t.lower = internLower(b.lowers, w)
				t.shape = internShape(shapes, w)
				t.clus = m.clusterOf(w, t.lower)
				t.local = -1
				if k, ok := m.local[w]; ok {
					t.local = k
				}
				id, ok := lowerID[t.lower]
				if !ok {
					id = int32(len(seen))
					lowerID[t.lower] = id
					seen = append(seen, 0)
				}
				t.lid = id
				t.lh = lowerHashes(t.lower)
				words[w] = wordInfo{lower: t.lower, shape: t.shape, clus: t.clus, local: t.local, lid: id, lh: t.lh}
			}
			t.inParen = depth > 0
			switch w {
			case "(":
				depth++
			case ")":
				if depth > 0 {
					depth--
				}
			}
			if i > 0 && isCap(w) && !isAllCaps(w) && !(i > 0 && (ws[i-1] == "\"" || ws[i-1] == ":")) {
				seen[t.lid] |= seenCap
			}
			if hasLetter(w) && w == t.lower {
				seen[t.lid] |= seenLower
			}
		}
		m.markGazetteer(toks)
		out[si] = toks
	}
	b.seen = seen // keep the grown buffer
	for _, toks := range out {
		for i := range toks {
			t := &toks[i]
			t.docCap = seen[t.lid]&seenCap != 0
			t.docLower = seen[t.lid]&seenLower != 0
		}
	}
	return out
}

// internLower returns strings.ToLower(w), reusing the strings of lower
// forms already made in the document (names repeat); ASCII words are
// lowered on the stack so a repeat costs no allocation.
func internLower(lowers map[string]string, w string) string {
	ascii, upper := true, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if !ascii {
		return strings.ToLower(w)
	}
	if !upper {
		return w // what strings.ToLower returns too
	}
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	if s, ok := lowers[string(b)]; ok {
		return s
	}
	s := string(b)
	lowers[s] = s
	return s
}

// sentenceMostlyCaps reports whether a sentence is a headline in capitals.
func sentenceMostlyCaps(toks []token) bool {
	caps, letters := 0, 0
	for i := range toks {
		if hasLetter(toks[i].word) {
			letters++
			if isAllCaps(toks[i].word) {
				caps++
			}
		}
	}
	return letters >= 2 && caps*10 >= letters*8
}

// localFeatures appends the features that depend on the word form alone
// (so their weights can be summed once per word; see Model.local).
func localFeatures(dst []uint32, t *token) []uint32 {
	dst = append(dst, hStart(fBias), h1(fWord, t.word), h1(fLower, t.lower), h1(fShape, t.shape))
	for n, tp := range [4]byte{fPre1, fPre2, fPre3, fPre4} {
		if p, ok := prefix(t.lower, n+1); ok && len(p) < len(t.lower) {
			dst = append(dst, h1(tp, p))
		}
	}
	for n, tp := range [4]byte{fSuf1, fSuf2, fSuf3, fSuf4} {
		if s, ok := suffix(t.lower, n+1); ok && len(s) < len(t.lower) {
			dst = append(dst, h1(tp, s))
		}
	}
	ln := len(t.word)
	if ln > 10 {
		ln = 10
	}
	dst = append(dst, hInt(fLen, ln))
	for k, tp := range [3]byte{fClus0, fClus1, fClus2} {
		if t.clus[k] != 0 {
			dst = append(dst, hInt(tp, int(t.clus[k])))
		}
	}
	return dst
}

// features appends the feature hashes of token i to dst.
func features(dst []uint32, toks []token, i int, capsSent bool) []uint32 {
	t := &toks[i]
	get := func(j int) *token {
		if j < 0 || j >= len(toks) {
			return nil
		}
		return &toks[j]
	}
	lw := func(j int) string {
		if j < 0 {
			return "<s>"
		}
		if j >= len(toks) {
			return "</s>"
		}
		return toks[j].lower
	}
	sh := func(j int) string {
		if j < 0 {
			return "<s>"
		}
		if j >= len(toks) {
			return "</s>"
		}
		return toks[j].shape
	}
	// lh(j, k) is toks[j].lh[k], or that of the sentence boundary
	lh := func(j, k int) uint32 {
		if j < 0 {
			return bosHashes[k]
		}
		if j >= len(toks) {
			return eosHashes[k]
		}
		return toks[j].lh[k]
	}
	if t.local < 0 {
		dst = localFeatures(dst, t)
	}
	// the lower-form hashes come from the tokens' lh, the same values as
	// h1(fPrevLower, lw(i-1)), h2(fBigramPrev, lw(i-1), t.lower), ...
	// computed once per distinct word of the document
	dst = append(dst,
		lh(i-1, lhPrev),
		lh(i+1, lhNext),
		lh(i-2, lhPrev2),
		lh(i+2, lhNext2),
		hStr(lh(i-1, lhBigramPrev), t.lower),
		hStr(t.lh[lhBigramNext], lw(i+1)),
		h2(fShapePrev, sh(i-1), t.shape),
		h2(fShapeNext, t.shape, sh(i+1)),
		h3(fShape3, sh(i-1), t.shape, sh(i+1)),
		hStr(lh(i-1, lhPrevShape), t.shape),
		h2(fShapeNextLower, t.shape, lw(i+1)),
	)
	if i == 0 {
		dst = append(dst, h1(fInitial, t.shape))
	}
	if capsSent {
		dst = append(dst, h1(fCapsSent, t.shape))
	}
	if p := get(i - 1); p != nil && p.clus[1] != 0 {
		dst = append(dst, hInt(fClusPrev, int(p.clus[1])))
		dst = append(dst, hInt(fClusPrev0, int(p.clus[0])))
	}
	if n := get(i + 1); n != nil && n.clus[1] != 0 {
		dst = append(dst, hInt(fClusNext, int(n.clus[1])))
		dst = append(dst, hInt(fClusNext0, int(n.clus[0])))
	}
	if t.gaz != 0 {
		dst = append(dst, h2(fGaz, string(rune(t.gaz)), t.gazType))
	}
	if p := get(i - 1); p != nil && p.gaz != 0 {
		dst = append(dst, h1(fGazPrev, p.gazType))
	}
	if n := get(i + 1); n != nil && n.gaz != 0 {
		dst = append(dst, h1(fGazNext, n.gazType))
	}
	if isCap(t.word) {
		// a capitalised word that also appears in lower case elsewhere is
		// likely a common word capitalised by position
		if t.docCap {
			dst = append(dst, h2(fDocCap, "1", boolStr(i == 0 || capsSent)))
		}
		if t.docLower {
			dst = append(dst, h2(fDocLower, "1", boolStr(i == 0 || capsSent)))
		}
	}
	if t.docMaj != "" {
		dst = append(dst, h1(fDocMaj, t.docMaj))
	}
	if t.inParen {
		dst = append(dst, h1(fInParen, t.shape))
	}
	return dst
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
