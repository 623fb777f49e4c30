package quote

import (
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"unicode"

	"github.com/newslens/newslens/document"
)

// The span reranker. The tagger finds attributions well enough but draws
// the edges of sources and cues by its own habits, and PolNeAR's
// annotators draw them by theirs: "urged … to", "said in a statement",
// "Sen. X", "X, who …". For every attribution the rules keep, the reranker
// lists alternative extents of the source and of the cue (the edges moved
// by a few tokens, cut at a comma or a relative pronoun, widened to a
// name or to the clause edge) and picks the one a linear model scores
// highest. The model is a multinomial logistic regression over hashed,
// hand-built features of each candidate (the words added or dropped at each
// edge, the words at and around the edges, length, entity-mention fit,
// distance to the cue), trained by TrainReranker on PolNeAR train with the
// tagger's out-of-fold output, so it learns from the errors the tagger makes
// on text it has not seen.

// rrBits is the size of the reranker's hashed feature table.
const rrBits = 18

const rrMask = 1<<rrBits - 1

// RerankPath is the embedded reranker model's path, relative to this package.
const RerankPath = "model/rerank.bin.gz"

// rrMagic starts a reranker model file.
const rrMagic = "newslens-quote-rerank-1\n"

// Reranker is the span reranker: it picks the extents of sources and cues.
type Reranker struct {
	w []float32 // 1<<rrBits
}

// Roles the reranker picks extents for.
const (
	rrSource = 1
	rrCue    = 2
)

// rrSpan is a candidate extent: a token range [t0, t1).
type rrSpan struct{ t0, t1 int }

// rrDoc is what the features read of one document.
type rrDoc struct {
	s      string
	toks   []document.Token
	sentOf []int
	ments  []mention
	// marg holds two margin codes per token, the tagger's preference for
	// the source and the cue role over none (see marginCode); nil when
	// unknown
	marg []uint8
	// wh and sh cache the word and shape hashes of the tokens the
	// features read (0: not computed yet)
	wh, sh []uint64
}

// rrSite is one source or cue being reranked, with what its candidates'
// features read, computed once.
type rrSite struct {
	q                    *attribution
	role                 int
	base                 rrSpan
	lo, hi               int    // the bounds candidates stay in
	slo, shi             int    // the sentence, for context words
	cue, content, source rrSpan // token ranges of the attribution's parts (empty when absent)
	hasCue, hasSource    bool
}

// site prepares the reranking of base, the source or cue (role) of q.
func (d *rrDoc) site(q *attribution, role int, base rrSpan) *rrSite {
	st := &rrSite{q: q, role: role, base: base, hasCue: q.hasCue, hasSource: q.hasSource}
	st.lo, st.hi = d.bounds(q, base, role)
	st.slo, st.shi = d.sentBounds(base.t0)
	st.content = d.tokRange(q.content)
	if q.hasCue {
		st.cue = d.tokRange(q.cue)
	}
	if q.hasSource {
		st.source = d.tokRange(q.source)
	}
	return st
}

// marginCode buckets a tagger margin (emission score of a role over the
// outside tag; the weights' scale puts typical values in the hundreds).
func marginCode(m float32) uint8 {
	switch {
	case m < -1000:
		return 1
	case m < -300:
		return 2
	case m < 0:
		return 3
	case m < 300:
		return 4
	case m < 1000:
		return 5
	}
	return 6
}

// margin returns token i's margin code for role, 0 outside the text or
// when unknown.
func (d *rrDoc) margin(i, role int) uint64 {
	if d.marg == nil || i < 0 || 2*i+1 >= len(d.marg) {
		return 0
	}
	return uint64(d.marg[2*i+role-1])
}

// maxSpanLook bounds how far (in tokens) the candidate generator looks from
// a span's edges, so hostile input (a sentence of 10,000 tokens) costs no
// more than a normal one.
const maxSpanLook = 40

// tokRange returns the token range of sp (empty when sp holds no token).
func (d *rrDoc) tokRange(sp document.Span) rrSpan {
	r := toksIndex(d.toks, sp)
	return rrSpan{r[0], r[1]}
}

// sentBounds returns the token range of the sentence of token t, looking at
// most maxSpanLook*2 tokens either way.
func (d *rrDoc) sentBounds(t int) (int, int) {
	a, b := t, t+1
	for a > 0 && t-a < 2*maxSpanLook && d.sentOf[a-1] == d.sentOf[t] {
		a--
	}
	for b < len(d.toks) && b-t < 2*maxSpanLook && d.sentOf[b] == d.sentOf[t] {
		b++
	}
	return a, b
}

func (d *rrDoc) punct(i int) bool { return d.toks[i].Kind == document.TokPunct }

func (d *rrDoc) word(i int) string { return d.s[d.toks[i].Start:d.toks[i].End] }

// bounds returns the token range a candidate for role may take: the
// sentence of base, minus the other parts of the attribution when they lie
// on one side of it.
func (d *rrDoc) bounds(q *attribution, base rrSpan, role int) (int, int) {
	lo, hi := d.sentBounds(base.t0)
	if hi < base.t1 {
		hi = base.t1
	}
	avoid := func(sp document.Span) {
		o := d.tokRange(sp)
		if o.t1 <= o.t0 {
			return
		}
		if o.t1 <= base.t0 && o.t1 > lo {
			lo = o.t1
		}
		if o.t0 >= base.t1 && o.t0 < hi {
			hi = o.t0
		}
	}
	avoid(q.content)
	if q.c2 >= 0 {
		avoid(q.content2)
	}
	if role == rrSource && q.hasCue {
		avoid(q.cue)
	}
	if role == rrCue && q.hasSource {
		avoid(q.source)
	}
	return lo, hi
}

// candidates lists the extents considered for st, base first.
func (d *rrDoc) candidates(st *rrSite, out []rrSpan) []rrSpan {
	base, role, lo, hi := st.base, st.role, st.lo, st.hi
	out = append(out[:0], base)
	var lefts, rights []int
	if role == rrSource {
		for k := base.t0 - 3; k <= base.t0+2; k++ {
			lefts = append(lefts, k)
		}
		for k := base.t1 - 3; k <= base.t1+3; k++ {
			rights = append(rights, k)
		}
		// the clause edge before the source, and structural cuts inside
		// and after it: a comma (apposition), a relative pronoun, the
		// possessive
		lefts = append(lefts, lo)
		for k := base.t0 - 1; k > lo && base.t0-k <= 12; k-- {
			if d.punct(k) {
				lefts = append(lefts, k+1)
				break
			}
		}
		// a comma inside: the source may be only what follows it
		// ("… and local hospitals, resident media activist X told")
		for k := base.t0 + 1; k < base.t1-1 && k-base.t0 <= 24; k++ {
			if d.punct(k) {
				lefts = append(lefts, k+1)
			}
		}
		rights = append(rights, hi)
		for k := base.t0 + 1; k < hi && k-base.t0 <= 24; k++ {
			if d.punct(k) || rrCutWord[lowerWord(d.word(k))] {
				rights = append(rights, k)
			}
		}
		for _, m := range d.mentsNear(base) {
			lefts = append(lefts, m.t0)
			rights = append(rights, m.t1)
		}
	} else {
		for k := base.t0 - 2; k <= base.t0+1; k++ {
			lefts = append(lefts, k)
		}
		for k := base.t1 - 2; k <= base.t1+4; k++ {
			rights = append(rights, k)
		}
	}
	maxLen := 40
	if role == rrCue {
		maxLen = 10
	}
	for _, l := range lefts {
		if l < lo || l >= hi || d.punct(l) && !isQuoteRune(firstRune(d.word(l))) {
			continue
		}
		for _, r := range rights {
			if r <= l || r > hi || r-l > maxLen || d.punct(r-1) {
				continue
			}
			c := rrSpan{l, r}
			dup := false
			for _, o := range out {
				if o == c {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, c)
			}
		}
	}
	if role == rrSource {
		// no source at all: PolNeAR leaves some attributions without
		// one ("it is expected that …") where the tagger still finds a
		// noun phrase
		out = append(out, rrNone)
	}
	return out
}

// rrNone is the candidate "no source".
var rrNone = rrSpan{-1, -1}

// rrCutWord are words a source may end before: relative pronouns and
// conjunctions that open a clause about the speaker.
var rrCutWord = map[string]bool{"who": true, "which": true, "that": true, "whose": true, "whom": true,
	"and": true, "'s": true, "’s": true, "himself": true, "herself": true, "themselves": true, "also": true}

// mentsNear returns the token ranges of the mentions that overlap base or
// touch it.
func (d *rrDoc) mentsNear(base rrSpan) []rrSpan {
	var out []rrSpan
	d.eachMentNear(base, func(m *mention, r rrSpan) { out = append(out, r) })
	return out
}

// eachMentNear calls fn for the (at most 4) mentions that overlap base or
// touch it, with their token ranges.
func (d *rrDoc) eachMentNear(base rrSpan, fn func(m *mention, r rrSpan)) {
	if len(d.ments) == 0 || base.t1 <= base.t0 {
		return
	}
	a, b := d.toks[max(base.t0-1, 0)].Start, d.toks[min(base.t1, len(d.toks)-1)].End
	i := sort.Search(len(d.ments), func(k int) bool { return d.ments[k].span.End > a })
	for n := 0; i < len(d.ments) && d.ments[i].span.Start < b && n < 4; i++ {
		r := d.tokRange(d.ments[i].span)
		if r.t1 > r.t0 {
			fn(&d.ments[i], r)
			n++
		}
	}
}

// Feature templates. Each is hashed with its arguments into the table.
const (
	ftSame = iota + 1
	ftDL
	ftDR
	ftDLR
	ftLAdd
	ftLDel
	ftRAdd
	ftRDel
	ftLAddShape
	ftLDelShape
	ftRAddShape
	ftRDelShape
	ftRAddPair
	ftRDelPair
	ftLAddPair
	ftLDelPair
	ftFirst
	ftLast
	ftPrev
	ftNext
	ftFirstShape
	ftLastShape
	ftPrevShape
	ftNextShape
	ftLastNext
	ftPrevFirst
	ftLen
	ftInner
	ftComma
	ftMentExact
	ftMentStart
	ftMentEnd
	ftMentInside
	ftCueGap
	ftConGap
	ftLastPrevWord
	ftAddCount
	ftEditMargin
	ftEditMarginWord
	ftEdgeMargin
	ftNone
)

// boundary word hash for positions outside the sentence
const rrEdge = 0x5bd1e995

// wordKey is the hash of token i's lower-cased word, or rrEdge outside
// [lo, hi).
func (d *rrDoc) wordKey(i, lo, hi int) uint64 {
	if i < lo || i >= hi || i < 0 || i >= len(d.toks) {
		return rrEdge
	}
	if d.wh == nil {
		d.wh = make([]uint64, len(d.toks))
	}
	if d.wh[i] == 0 {
		d.wh[i], _ = lowerHashes(normWord(d.word(i)))
	}
	return d.wh[i]
}

func (d *rrDoc) shapeKey(i, lo, hi int) uint64 {
	if i < lo || i >= hi || i < 0 || i >= len(d.toks) {
		return rrEdge
	}
	if d.sh == nil {
		d.sh = make([]uint64, len(d.toks))
	}
	if d.sh[i] == 0 {
		d.sh[i] = shapeHash(d.word(i))
	}
	return d.sh[i]
}

func rrHash(role, tmpl int, a, b uint64) uint32 {
	return uint32(mix64(uint64(role)<<56^uint64(tmpl)<<48^a*0x9E3779B97F4A7C15^mix64(b+0x632BE59BD9B4E019)) & rrMask)
}

// features appends the hashed features of candidate c of st to buf.
func (d *rrDoc) features(st *rrSite, c rrSpan, buf []uint32) []uint32 {
	role, base := st.role, st.base
	f := func(tmpl int, a, b uint64) { buf = append(buf, rrHash(role, tmpl, a, b)) }
	// the sentence, for context words: wider than the candidate's bounds
	slo, shi := st.slo, st.shi
	if c == rrNone {
		return d.noneFeatures(st, buf)
	}
	wk := func(i int) uint64 { return d.wordKey(i, slo, shi) }
	sk := func(i int) uint64 { return d.shapeKey(i, slo, shi) }
	dl, dr := c.t0-base.t0, c.t1-base.t1
	if dl == 0 && dr == 0 {
		f(ftSame, 0, 0)
	}
	clamp := func(x int) uint64 { return uint64(min(max(x, -5), 5) + 8) }
	f(ftDL, clamp(dl), 0)
	f(ftDR, clamp(dr), 0)
	f(ftDLR, clamp(dl), clamp(dr))
	const maxEdit = 6
	edits := func(from, to, add, del, addS, delS, pair int, anchor uint64) {
		n := 0
		if from < to { // tokens [from, to) added
			for k := from; k < to && n < maxEdit; k, n = k+1, n+1 {
				f(add, wk(k), 0)
				f(addS, sk(k), 0)
				f(ftEditMargin, uint64(add), d.margin(k, role))
				f(ftEditMarginWord, uint64(add)<<8|d.margin(k, role), wk(k))
			}
			f(pair, wk(from), anchor)
		} else if to < from { // tokens [to, from) dropped
			for k := to; k < from && n < maxEdit; k, n = k+1, n+1 {
				f(del, wk(k), 0)
				f(delS, sk(k), 0)
				f(ftEditMargin, uint64(del), d.margin(k, role))
				f(ftEditMarginWord, uint64(del)<<8|d.margin(k, role), wk(k))
			}
			f(pair+1, wk(to), anchor)
		}
		if n > 0 {
			f(ftAddCount, uint64(add), uint64(bucketCode(n)))
		}
	}
	// left edge: tokens added are [c.t0, base.t0), dropped [base.t0, c.t0)
	edits(c.t0, base.t0, ftLAdd, ftLDel, ftLAddShape, ftLDelShape, ftLAddPair, wk(base.t0))
	// right edge: added [base.t1, c.t1), dropped [c.t1, base.t1)
	edits(base.t1, c.t1, ftRAdd, ftRDel, ftRAddShape, ftRDelShape, ftRAddPair, wk(base.t1-1))
	f(ftFirst, wk(c.t0), 0)
	f(ftLast, wk(c.t1-1), 0)
	f(ftPrev, wk(c.t0-1), 0)
	f(ftNext, wk(c.t1), 0)
	f(ftFirstShape, sk(c.t0), 0)
	f(ftLastShape, sk(c.t1-1), 0)
	f(ftPrevShape, sk(c.t0-1), 0)
	f(ftNextShape, sk(c.t1), 0)
	f(ftLastNext, wk(c.t1-1), wk(c.t1))
	f(ftPrevFirst, wk(c.t0-1), wk(c.t0))
	f(ftLastPrevWord, wk(c.t1-1), wk(c.t1-2))
	f(ftLen, uint64(bucketCode(c.t1-c.t0)), 0)
	// how sure the tagger was of the candidate's edges and of the tokens
	// just outside them
	f(ftEdgeMargin, 0, d.margin(c.t0, role)<<8|d.margin(c.t1-1, role))
	f(ftEdgeMargin, 1, d.margin(c.t0-1, role)<<8|d.margin(c.t1, role))
	commas := 0
	for k := c.t0; k < c.t1 && k-c.t0 < 16; k++ {
		if d.punct(k) {
			commas++
			continue
		}
		w := d.word(k)
		if r := firstRune(w); unicode.IsLower(r) {
			f(ftInner, wk(k), 0) // function and role words inside
		}
	}
	f(ftComma, uint64(min(commas, 3)), uint64(bucketCode(c.t1-c.t0)))
	if role == rrSource {
		d.eachMentNear(c, func(mt *mention, m rrSpan) {
			typ := strHash(mt.typ)
			switch {
			case m == c:
				f(ftMentExact, 0, typ)
			case m.t0 == c.t0 && m.t1 < c.t1:
				f(ftMentStart, wk(m.t1), 0)
			case m.t1 == c.t1 && m.t0 > c.t0:
				f(ftMentEnd, wk(c.t0), 0)
			case m.t0 > c.t0 && m.t1 < c.t1:
				f(ftMentInside, 0, 0)
			case m.t0 < c.t0 || m.t1 > c.t1:
				f(ftMentInside, 1, typ) // cuts through a name
			}
		})
		if st.hasCue {
			cu := st.cue
			if cu.t0 >= c.t1 {
				f(ftCueGap, 0, uint64(bucketCode(cu.t0-c.t1)))
			} else if cu.t1 <= c.t0 {
				f(ftCueGap, 1, uint64(bucketCode(c.t0-cu.t1)))
			}
		}
	} else {
		co := st.content
		if co.t0 >= c.t1 {
			f(ftConGap, 0, uint64(bucketCode(co.t0-c.t1)))
		} else if co.t1 <= c.t0 {
			f(ftConGap, 1, uint64(bucketCode(c.t0-co.t1)))
		}
		if st.hasSource {
			so := st.source
			if so.t0 >= c.t1 {
				f(ftCueGap, 0, uint64(bucketCode(so.t0-c.t1)))
			} else if so.t1 <= c.t0 {
				f(ftCueGap, 1, uint64(bucketCode(c.t0-so.t1)))
			}
		}
	}
	return buf
}

// noneFeatures appends the features of the candidate "no source" of st:
// what the base source and the cue look like, and the attribution's type.
func (d *rrDoc) noneFeatures(st *rrSite, buf []uint32) []uint32 {
	f := func(tmpl int, a, b uint64) { buf = append(buf, rrHash(st.role, tmpl, a, b)) }
	wk := func(i int) uint64 { return d.wordKey(i, st.slo, st.shi) }
	b := st.base
	f(ftNone, 0, 0)
	f(ftNone, 1, wk(b.t0))
	f(ftNone, 2, wk(b.t1-1))
	f(ftNone, 3, d.shapeKey(b.t0, st.slo, st.shi))
	f(ftNone, 4, uint64(bucketCode(b.t1-b.t0)))
	f(ftNone, 5, strHash(st.q.label))
	f(ftNone, 6, d.margin(b.t0, rrSource)<<8|d.margin(b.t1-1, rrSource))
	n := 0
	d.eachMentNear(b, func(m *mention, r rrSpan) { n++ })
	f(ftNone, 7, uint64(min(n, 2)))
	if st.hasCue {
		cu := st.cue
		for k := cu.t0; k < cu.t1 && k-cu.t0 < 4; k++ {
			f(ftNone, 8, wk(k))
		}
		f(ftNone, 9, d.margin(cu.t0, rrCue))
		switch {
		case cu.t0 >= b.t1:
			f(ftNone, 10, uint64(bucketCode(cu.t0-b.t1)))
		case cu.t1 <= b.t0:
			f(ftNone, 11, uint64(bucketCode(b.t0-cu.t1)))
		}
	} else {
		f(ftNone, 12, 0)
	}
	return buf
}

// rrScratch holds the reranker's buffers for one document.
type rrScratch struct {
	cands []rrSpan
	feats []uint32
	offs  []int
}

// rerank replaces the source and cue of each attribution by the extent the
// model scores highest.
func (r *Reranker) rerank(d *rrDoc, as []attribution, sc *rrScratch) {
	d.each(as, func(q *attribution, role int, base rrSpan) {
		best, ok := r.pick(d, q, role, base, sc)
		if !ok || best == base {
			return
		}
		if best == rrNone {
			q.source, q.hasSource = document.Span{}, false
			return
		}
		ns := document.Span{Start: d.toks[best.t0].Start, End: d.toks[best.t1-1].End}
		if role == rrSource {
			q.source = ns
		} else {
			q.cue = ns
		}
	})
}

// each calls fn for every source and cue the reranker may change: not
// those a rule found by its own pattern ("a Syrian media source that …"),
// nor a cue that is a punctuation mark (the colon before a quotation).
func (d *rrDoc) each(as []attribution, fn func(q *attribution, role int, base rrSpan)) {
	for i := range as {
		q := &as[i]
		if q.pattern {
			continue
		}
		if q.hasSource {
			if b := d.tokRange(q.source); b.t1 > b.t0 {
				fn(q, rrSource, b)
			}
		}
		if q.hasCue {
			if b := d.tokRange(q.cue); b.t1 > b.t0 && !(b.t1-b.t0 == 1 && d.punct(b.t0)) {
				fn(q, rrCue, b)
			}
		}
	}
}

// pick scores the candidates for role of q and returns the best.
func (r *Reranker) pick(d *rrDoc, q *attribution, role int, base rrSpan, sc *rrScratch) (rrSpan, bool) {
	st := d.site(q, role, base)
	sc.cands = d.candidates(st, sc.cands)
	if len(sc.cands) < 2 {
		return base, false
	}
	best, bestScore := base, float32(math.Inf(-1))
	for _, c := range sc.cands {
		sc.feats = d.features(st, c, sc.feats[:0])
		var s float32
		for _, f := range sc.feats {
			s += r.w[f]
		}
		if s > bestScore {
			best, bestScore = c, s
		}
	}
	return best, true
}

// write stores the weights compactly: the magic line, then uvarints for
// the table bits, the scale (weights are int8 times scale/127, as float32
// bits) and the count of non-zero weights, then each weight as the uvarint
// gap from the previous index and one int8, all gzip-compressed. Weights
// that round to zero are dropped.
func (r *Reranker) write(w io.Writer) error {
	var top float32
	for _, x := range r.w {
		top = max(top, float32(math.Abs(float64(x))))
	}
	if top == 0 {
		top = 1
	}
	q := func(x float32) int8 { return int8(math.Round(float64(x / top * 127))) }
	var n uint64
	for _, x := range r.w {
		if q(x) != 0 {
			n++
		}
	}
	bw, finish, err := createModelFile(w, rrMagic)
	if err != nil {
		return err
	}
	var tmp [binary.MaxVarintLen64]byte
	put := func(v uint64) { bw.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	put(rrBits)
	put(uint64(math.Float32bits(top)))
	put(n)
	last := 0
	for i, x := range r.w {
		if v := q(x); v != 0 {
			put(uint64(i - last))
			bw.WriteByte(byte(v))
			last = i
		}
	}
	return finish()
}

// LoadReranker loads a span reranker model from fsys.
func LoadReranker(fsys fs.FS, name string) (*Reranker, error) {
	br, closeFile, err := openModelFile(fsys, name, rrMagic)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	var hdr [3]uint64
	for i := range hdr {
		if hdr[i], err = binary.ReadUvarint(br); err != nil {
			return nil, fmt.Errorf("%s: header: %w", name, err)
		}
	}
	if hdr[0] != rrBits || hdr[2] > 1<<rrBits || hdr[1] > math.MaxUint32 {
		return nil, fmt.Errorf("%s: table of 2^%d with %d weights, want 2^%d", name, hdr[0], hdr[2], rrBits)
	}
	scale := math.Float32frombits(uint32(hdr[1])) / 127
	r := &Reranker{w: make([]float32, 1<<rrBits)}
	at := uint64(0)
	for k := uint64(0); k < hdr[2]; k++ {
		gap, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		v, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		at += gap
		if at >= 1<<rrBits {
			return nil, fmt.Errorf("%s: weight index %d out of range", name, at)
		}
		r.w[at] = float32(int8(v)) * scale
	}
	return r, nil
}
