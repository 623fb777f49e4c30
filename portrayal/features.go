package portrayal

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// maxSentTokens bounds the work per mention: a hostile "sentence" of 100k
// tokens is cut to a window around the target.
const maxSentTokens = 120

// negScope is how many tokens after a negator flip a lexicon word's sign.
const negScope = 3

var negators = map[string]bool{
	"not": true, "no": true, "never": true, "n't": true, "nothing": true, "nobody": true,
	"none": true, "neither": true, "nor": true, "without": true, "hardly": true, "barely": true,
	"cannot": true, "dont": true, "didnt": true, "doesnt": true, "isnt": true, "wasnt": true,
	"arent": true, "werent": true, "wont": true, "cant": true, "couldnt": true, "shouldnt": true,
	"lack": true, "lacks": true, "failed": true, "fails": true,
}

// fvec collects hashed features with values, with scratch space reused
// across mentions.
type fvec struct {
	idx  []uint32
	val  []float32
	win  []wordInfo // the window's words, target and other actors masked
	info []wordInfo // per-token info when the Target carries none
	near []int      // window positions of other actors
	mask uint32
	// wq, when set, makes the vector score itself as features are added
	// (inference: no index list, one pass); acc holds the class scores in
	// units of the model's weight scale
	wq  []int16
	acc [3]float64
	// esum holds the three running sums of word vectors (left, right,
	// clause), each Dim long, in int8 units
	esum []float32
}

// embWindow is how many tokens either side feed the left/right mean vectors.
const embWindow = 6

// embGroups is the number of mean-vector feature groups.
const embGroups = 6

func (f *fvec) ensureEmb(dim int) {
	if len(f.esum) != embGroups*dim {
		f.esum = make([]float32, embGroups*dim)
	}
	clear(f.esum)
}

// accum adds word i's vector, weighted, to sum g (or, with proj, its
// projection to the first three values of the group's sum).
func (f *fvec) accum(g int, fs *featureSet, i int, wt float32, proj bool) {
	e := fs.emb
	dst := f.esum[g*e.Dim : (g+1)*e.Dim]
	if proj {
		p := fs.proj[(i*embGroups+g)*3:][:3]
		dst[0] += wt * p[0]
		dst[1] += wt * p[1]
		dst[2] += wt * p[2]
		return
	}
	row := e.Vec[i*e.Dim : (i+1)*e.Dim]
	for d, v := range row {
		dst[d] += wt * float32(v)
	}
}

// flushEmb adds the mean vectors as dense features, scaled so a unit
// vector's components are about 1 in size (or, with proj, the means of the
// projections straight to the class scores).
func (f *fvec) flushEmb(e *Embeddings, ew [embGroups]float32, proj bool) {
	sc := e.Scale * float32(math.Sqrt(float64(e.Dim)))
	for g := 0; g < embGroups; g++ {
		if ew[g] == 0 {
			continue
		}
		if proj {
			p := f.esum[g*e.Dim:][:3]
			for c := range 3 {
				f.acc[c] += float64(p[c] / ew[g])
			}
			continue
		}
		k := sc / ew[g]
		for d, v := range f.esum[g*e.Dim : (g+1)*e.Dim] {
			f.add1(hEmb[g], uint64(d+1), v*k)
		}
	}
}

func newFvec(bits uint) *fvec {
	return &fvec{mask: 1<<bits - 1, idx: make([]uint32, 0, 256), val: make([]float32, 0, 256)}
}

func (f *fvec) reset() { f.idx = f.idx[:0]; f.val = f.val[:0]; f.acc = [3]float64{} }

// Features are hashed: a feature is a prefix (its template) and one or two
// words, and its bucket is a mix of their 64-bit hashes. Word hashes are
// computed once per sentence (wordInfo) and prefix hashes once per
// process, so adding a feature costs two multiplications.

// mix combines two hashes (a splitmix64 finaliser over a ^ b*φ).
func mix(a, b uint64) uint64 {
	x := a ^ (b * 0x9E3779B97F4A7C15)
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 32
	return x
}

// hashString is 64-bit FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func (f *fvec) add1(prefix, w uint64, v float32) { f.put(uint32(mix(prefix, w))&f.mask, v) }

func (f *fvec) add2(prefix, a, b uint64, v float32) {
	f.put(uint32(mix(mix(prefix, a), b))&f.mask, v)
}

func (f *fvec) put(i uint32, v float32) {
	if f.wq != nil {
		b := int(i) * 3
		w := f.wq[b : b+3 : b+3]
		x := float64(v)
		f.acc[0] += x * float64(w[0])
		f.acc[1] += x * float64(w[1])
		f.acc[2] += x * float64(w[2])
		return
	}
	f.idx = append(f.idx, i)
	f.val = append(f.val, v)
}

// wordInfo is what the features need of one token: its form's hash, its
// lexicon polarity, and whether it is a negator or a clause break.
type wordInfo struct {
	h    uint64
	lex  float32
	neg  bool
	brk  bool
	mark uint8 // 0 word, markT target, markO other actor
	// emb and cl are the word's embedding row and cluster, plus one (0:
	// not in the embedding vocabulary)
	emb int32
	cl  uint16
}

const (
	markT = 1
	markO = 2
)

// prefix and special-word hashes, computed once
var (
	hB, hQ, hTStart, hS, hC, hNO, hNT, hBG, hNEG, hLXO, hLXT, hLXC, hLX, hLXD, hLXS, hLB, hRB, hLR = hashString("B"), hashString("Q"), hashString("TSTART"), hashString("S"), hashString("C"), hashString("NO"),
		hashString("NT"), hashString("BG"), hashString("NEG"), hashString("LXO"), hashString("LXT"), hashString("LXC"),
		hashString("LX"), hashString("LXD"), hashString("LXS"), hashString("LB"), hashString("RB"), hashString("LR")
	hEmpty, hPlus, hMinus, hPosL, hNegL, hPosR, hNegR = hashString(""), hashString("+"), hashString("-"),
		hashString("posL"), hashString("negL"), hashString("posR"), hashString("negR")
	hT, hO, hBOS, hEOS = hashString("<T>"), hashString("<O>"), hashString("<s>"), hashString("</s>")
	// per side (L, R): the plain side prefix, side+distance bucket, the
	// lexicon's side+bucket
	hSide      = [2]uint64{hashString("L"), hashString("R")}
	hSideBkt   = sideBuckets("")
	hLexBkt    = sideBuckets("LX")
	hClBkt     = sideBuckets("CL")
	hCLC       = hashString("CLC")
	hEmb       = [embGroups]uint64{hashString("EL"), hashString("ER"), hashString("EC"), hashString("EL1"), hashString("ER1"), hashString("ES")}
	hTW        = hashString("TW")
	bucketName = [5]string{"1", "2", "3", "5", "9"}
)

func sideBuckets(pre string) [2][5]uint64 {
	var t [2][5]uint64
	for s, side := range [2]string{"L", "R"} {
		for b, n := range bucketName {
			t[s][b] = hashString(pre + side + n)
		}
	}
	return t
}

// info computes the wordInfo of a feature word (as tokenWord gives it).
func (fs *featureSet) info(w string) wordInfo {
	return fs.infoHash(hashString(w), w)
}

// tokenInfo is info(tokenWord(src, tk)) without building the lower-cased
// string when the token is plain ASCII (most news words): the hash is taken
// over the bytes lower-cased on the fly, which is the same hash.
func (fs *featureSet) tokenInfo(src string, tk document.Token) wordInfo {
	s := src[tk.Start:tk.End]
	if tk.Kind == document.TokNumber || isDigitWord(s) {
		return fs.info("<NUM>")
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			// non-ASCII (case folding, curly apostrophes): the string path
			return fs.info(lowerWord(s))
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * 1099511628211
	}
	return fs.infoHash(h, s)
}

// infoHash is info for a word whose hash is h; w (the word, or the same
// word in other ASCII case) is read only for the "n't" negator suffix.
func (fs *featureSet) infoHash(h uint64, w string) wordInfo {
	for i := h & fs.mask; ; i = (i + 1) & fs.mask {
		e := &fs.special[i]
		if e.h == h {
			return *e
		}
		if e.h == 0 {
			return wordInfo{h: h, neg: hasSuffixFold(w, "n't")}
		}
	}
}

// Target is one mention to classify inside a sentence.
type Target struct {
	Sentence string           // the sentence text
	Tokens   []document.Token // its tokens, spans relative to Sentence
	Span     document.Span    // the mention, relative to Sentence
	Others   []document.Span  // other actor mentions in the sentence, masked as <O>
	InQuote  bool             // the mention lies inside quoted speech
	// Words optionally holds the lower-cased form of each token (as
	// lowerWord gives it), so that mentions sharing a sentence share the
	// work; nil means compute them.
	Words []string
	// infos, when set, holds each token's wordInfo (shared by the
	// sentence's mentions in Analyze).
	infos []wordInfo
	// share, when set (with infos), holds the sentence's prefix sums of
	// the target-independent scores (see sentShare).
	share *sentShare
}

// sentShare holds, for a sentence whose mentions are scored one after
// another, prefix sums over its tokens of the two parts of the score that
// do not depend on the target: each word's sentence-bag feature S|w and its
// projection onto the window's mean vector (ES). A mention takes its
// window's range and subtracts the few tokens masked for it (itself and
// the other actors), instead of one weight lookup and one projection per
// word. Bag sums are sums of int16 weights, so exact in float64; the ES
// sums differ from the word-by-word float32 ones only in rounding.
type sentShare struct {
	bag [][3]float64 // bag[i]: S|w scores of tokens before i, in int16 weight units
	es  [][3]float64 // es[i]: ES projections of tokens before i
	esN []int32      // esN[i]: how many of those tokens have a vector
}

// build fills s for a sentence's token infos, reusing its slices. It only
// applies to inference (int16 weights, projections).
func (s *sentShare) build(fs *featureSet, infos []wordInfo, wq []int16, mask uint32) {
	n := len(infos) + 1
	s.bag = append(s.bag[:0], make([][3]float64, n)...)
	s.es = append(s.es[:0], make([][3]float64, n)...)
	s.esN = append(s.esN[:0], make([]int32, n)...)
	for i := range infos {
		wi := &infos[i]
		b := int(uint32(mix(hS, wi.h))&mask) * 3
		w := wq[b : b+3 : b+3]
		s.bag[i+1] = [3]float64{s.bag[i][0] + float64(w[0]), s.bag[i][1] + float64(w[1]), s.bag[i][2] + float64(w[2])}
		s.es[i+1], s.esN[i+1] = s.es[i], s.esN[i]
		if wi.emb != 0 && fs.proj != nil {
			p := fs.proj[(int(wi.emb-1)*embGroups+5)*3:][:3]
			s.es[i+1][0] += float64(p[0])
			s.es[i+1][1] += float64(p[1])
			s.es[i+1][2] += float64(p[2])
			s.esN[i+1]++
		}
	}
}

// hasSuffixFold is strings.HasSuffix(lowerWord(w), suf) for an ASCII w and
// a lower-case ASCII suf.
func hasSuffixFold(w, suf string) bool {
	if len(w) < len(suf) {
		return false
	}
	w = w[len(w)-len(suf):]
	for i := 0; i < len(suf); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suf[i] {
			return false
		}
	}
	return true
}

func lowerWord(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			w = strings.ToLower(w)
			break
		}
	}
	// fold curly apostrophes so "don’t" and "don't" match
	if strings.ContainsRune(w, '’') {
		w = strings.ReplaceAll(w, "’", "'")
	}
	return w
}

// tokenWord is the feature form of a token: lower case, numbers as <NUM>.
func tokenWord(src string, tk document.Token) string {
	s := src[tk.Start:tk.End]
	if tk.Kind == document.TokNumber || isDigitWord(s) {
		return "<NUM>"
	}
	return lowerWord(s)
}

// Words returns the feature form of each token, for Target.Words.
func Words(src string, toks []document.Token, dst []string) []string {
	dst = dst[:0]
	for _, tk := range toks {
		dst = append(dst, tokenWord(src, tk))
	}
	return dst
}

func isDigitWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsDigit(r)
}

// Feature groups that can be switched off (TrainOptions.Drop), so that
// their worth is measured by cross-validation rather than assumed.
const (
	FeatSentenceBag uint32 = 1 << iota // S|w: every word of the sentence
	FeatClause                         // C|w: words of the target's clause
	FeatBigrams                        // BG|a b: bigrams of the window
	FeatOtherNear                      // NO|w / NT|w: word nearer another actor or the target
	FeatDistWords                      // L{b}|w R{b}|w distance-bucketed words
	FeatLexDist                        // lexicon polarity weighted by 1/sqrt(distance)
	FeatEmbed                          // EL/ER/EC: mean word vectors left, right and in the clause
	FeatCluster                        // CL{side}{bucket}|c, CLC|c: word clusters near the target
	FeatEmbedNear                      // EL1/ER1: the vectors of the words right before and after the target
	FeatEmbedSent                      // ES: the mean vector of the window's words
	FeatTargetWord                     // TW|w: the target's own words when it is not a name (pronouns, nominals)
)

// featureSet is what extract reads besides the target: the polarity
// lexicon and the groups switched off.
type featureSet struct {
	lex  map[string]float32
	drop uint32
	emb  *Embeddings // nil: no embedding or cluster features
	// proj holds, per embedding word and mean-vector group, the word's
	// vector already multiplied by the group's weights (3 class scores, in
	// int16 weight units): a linear model of a mean vector is the mean of
	// its words' projections, so inference adds 3 numbers per word instead
	// of Dim features per group. Built when a model's weights are final.
	proj []float32
	// special holds the wordInfo of every word that is more than a hash
	// (lexicon words, negators, clause breaks, embedding words), in an
	// open-addressing table keyed by the word's 64-bit hash: a token costs
	// one probe of 24-byte entries, not a string map's group scan and key
	// compare (the table has tens of thousands of words, so lookups are
	// cache misses and their count matters). Two words sharing a 64-bit
	// hash would share an entry; with 10^5 words that is a 1 in 10^9 chance.
	special []wordInfo
	mask    uint64
}

// prepare builds special; it is called once when a model is made.
func (fs *featureSet) prepare() {
	var vocab map[string]int
	n := len(fs.lex) + len(negators) + 16
	if fs.emb != nil {
		vocab = make(map[string]int, len(fs.emb.Words))
		for i, w := range fs.emb.Words {
			vocab[w] = i
		}
		n += len(vocab)
	}
	size := 1024
	for size < n*8/5 {
		size *= 2
	}
	fs.special, fs.mask = make([]wordInfo, size), uint64(size-1)
	add := func(w string) {
		wi := wordInfo{h: hashString(w), lex: fs.lex[w], brk: isClauseBreak(w), neg: negators[w] || strings.HasSuffix(w, "n't")}
		if i, ok := vocab[w]; ok {
			wi.emb = int32(i + 1)
			if len(fs.emb.Clusters) > 0 { // shipped only when the cluster group is on
				wi.cl = fs.emb.Clusters[i] + 1
			}
		}
		if wi.h == 0 {
			return // the empty-slot key; never seen in practice
		}
		for i := wi.h & fs.mask; ; i = (i + 1) & fs.mask {
			if e := &fs.special[i]; e.h == 0 || e.h == wi.h {
				*e = wi
				return
			}
		}
	}
	for w := range vocab {
		add(w)
	}
	for w := range fs.lex {
		add(w)
	}
	for w := range negators {
		add(w)
	}
	for _, w := range clauseBreaks {
		add(w)
	}
}

func (fs *featureSet) on(g uint32) bool { return fs.drop&g == 0 }

// sentenceInfos computes the wordInfo of every token of a sentence.
func (fs *featureSet) sentenceInfos(src string, toks []document.Token, words []string, dst []wordInfo) []wordInfo {
	dst = dst[:0]
	for i, tk := range toks {
		var w string
		if words != nil {
			w = words[i]
		} else {
			w = tokenWord(src, tk)
		}
		dst = append(dst, fs.info(w))
	}
	return dst
}

// extract fills f with the features of t.
func extract(f *fvec, t *Target, fs *featureSet) {
	f.reset()
	toks := t.Tokens
	infos := t.infos
	if infos == nil {
		f.info = fs.sentenceInfos(t.Sentence, toks, t.Words, f.info)
		infos = f.info
	}
	// locate the target tokens
	ti, tj := -1, -1
	for i, tk := range toks {
		if tk.End > t.Span.Start && tk.Start < t.Span.End {
			if ti < 0 {
				ti = i
			}
			tj = i + 1
		}
	}
	if ti < 0 {
		// mention between tokens: place it at its offset
		ti = len(toks)
		for i, tk := range toks {
			if tk.Start >= t.Span.End {
				ti = i
				break
			}
		}
		tj = ti
	}
	lo, hi := 0, len(toks)
	if ti-lo > maxSentTokens/2 {
		lo = ti - maxSentTokens/2
	}
	if hi-tj > maxSentTokens/2 {
		hi = tj + maxSentTokens/2
	}
	// words of the window; the target is "<T>", other actors "<O>"
	// (one bulk copy, then the masked tokens overwritten)
	w := append(f.win[:0], infos[lo:hi]...)
	oi := 0
	for i := lo; i < hi; i++ {
		tk := toks[i]
		if i >= ti && i < tj {
			w[i-lo] = wordInfo{h: hT, mark: markT}
			continue
		}
		if len(t.Others) == 0 {
			continue
		}
		for oi < len(t.Others) && t.Others[oi].End <= tk.Start {
			oi++
		}
		if oi < len(t.Others) && t.Others[oi].Start < tk.End {
			w[i-lo] = wordInfo{h: hO, mark: markO}
		}
	}
	f.win = w
	f.add1(hB, hEmpty, 1)
	if t.InQuote {
		f.add1(hQ, hEmpty, 1)
	}
	if ti == 0 {
		f.add1(hTStart, hEmpty, 1)
	}
	if fs.on(FeatTargetWord) && ti < tj {
		if c := t.Sentence[toks[ti].Start]; c < 'A' || c > 'Z' {
			for i := ti; i < tj && i < ti+4; i++ {
				f.add1(hTW, infos[i].h, 1)
			}
		}
	}
	// clause boundaries around the target: words in the target's own clause
	// (between , ; : ( ) — and "but") weigh apart from the rest.
	cl, cr := 0, len(w)
	for k := ti - lo - 1; k >= 0; k-- {
		if w[k].brk {
			cl = k + 1
			break
		}
	}
	for k := tj - lo; k < len(w); k++ {
		if w[k].brk {
			cr = k
			break
		}
	}
	// other actors' positions, for "is this word about the target or about
	// someone else" features
	f.near = f.near[:0]
	for k := range w {
		if w[k].mark == markO {
			f.near = append(f.near, k)
		}
	}
	embOn := fs.emb != nil && fs.on(FeatEmbed)
	clOn := fs.emb != nil && fs.on(FeatCluster)
	nearOn := fs.emb != nil && fs.on(FeatEmbedNear)
	sentOn := fs.emb != nil && fs.on(FeatEmbedSent)
	var ew [embGroups]float32 // weight sums of the left, right, clause, next-left and next-right means
	// projections only when scoring as features are added (inference)
	// (or always, in a model shipped without vectors)
	proj := fs.proj != nil && (f.wq != nil || fs.emb.Vec == nil)
	if embOn || nearOn || sentOn {
		f.ensureEmb(fs.emb.Dim)
	}
	var lexL, lexR, lexNegL, lexNegR float32
	negUntil := -1
	negCount := 0
	prevO := false
	bag, clause, otherNear, distWords, bigrams, lexDist :=
		fs.on(FeatSentenceBag), fs.on(FeatClause), fs.on(FeatOtherNear), fs.on(FeatDistWords), fs.on(FeatBigrams), fs.on(FeatLexDist)
	// the sentence's shared sums stand in for the bag and ES words when
	// the features are scored as they are added (inference)
	sh := t.share
	if sh == nil || f.wq == nil || t.infos == nil || len(sh.bag) != len(toks)+1 {
		sh = nil
	}
	shareBag, shareES := sh != nil && bag, sh != nil && sentOn && proj
	var bagSub, esSub [3]float64 // masked tokens' shares, taken out after the loop
	var esSubN int32
	for k := range w {
		wi := &w[k]
		i := k + lo
		if wi.mark != 0 && sh != nil {
			for c := range 3 {
				bagSub[c] += sh.bag[i+1][c] - sh.bag[i][c]
				esSub[c] += sh.es[i+1][c] - sh.es[i][c]
			}
			esSubN += sh.esN[i+1] - sh.esN[i]
		}
		if wi.mark == markT {
			continue
		}
		isO := wi.mark == markO
		if isO && prevO {
			continue // one feature per other-actor mention
		}
		prevO = isO
		if bag && (!shareBag || isO) {
			f.add1(hS, wi.h, 1)
		}
		if clause && k >= cl && k < cr {
			f.add1(hC, wi.h, 1)
		}
		side, d := 0, 0
		if i < ti {
			d = ti - i
		} else {
			side, d = 1, i-tj+1
		}
		if d <= 10 {
			f.add1(hSide[side], wi.h, 1)
		}
		// closer to another actor than to the target? (computed only when
		// a feature reads it)
		closerO := false
		if len(f.near) > 0 && (otherNear && !isO || wi.lex != 0) {
			for _, o := range f.near {
				if absInt(o-k) < d {
					closerO = true
					break
				}
			}
		}
		if !isO && otherNear {
			if closerO {
				f.add1(hNO, wi.h, 1)
			} else {
				f.add1(hNT, wi.h, 1)
			}
		}
		b := bucket(d)
		if wi.cl != 0 && clOn {
			if d <= 8 {
				f.add1(hClBkt[side][b], uint64(wi.cl), 1)
			}
			if k >= cl && k < cr {
				f.add1(hCLC, uint64(wi.cl), 1)
			}
		}
		if wi.emb != 0 && embOn {
			if d <= embWindow {
				wt := invSqrt[d]
				f.accum(side, fs, int(wi.emb-1), wt, proj)
				ew[side] += wt
			}
			if k >= cl && k < cr {
				f.accum(2, fs, int(wi.emb-1), 1, proj)
				ew[2]++
			}
		}
		if wi.emb != 0 && sentOn && !shareES {
			f.accum(5, fs, int(wi.emb-1), 1, proj)
			ew[5]++
		}
		if wi.emb != 0 && nearOn && d <= 2 && (k >= cl && k < cr) {
			f.accum(3+side, fs, int(wi.emb-1), 1, proj)
			ew[3+side]++
		}
		if distWords {
			f.add1(hSideBkt[side][b], wi.h, 1)
		}
		// bigrams with the target masked
		if bigrams && k+1 < len(w) {
			f.add2(hBG, wi.h, w[k+1].h, 1)
		}
		// lexicon polarity with negation scope: each negator opens (or
		// extends) a scope of negScope tokens; stacked negators flip by parity.
		if wi.neg {
			if k <= negUntil {
				negCount++
			} else {
				negCount = 1
			}
			negUntil = k + negScope
			continue
		}
		if v := wi.lex; v != 0 {
			if k <= negUntil && negCount%2 == 1 {
				v = -v * 0.6
				f.add1(hNEG, wi.h, 1)
			}
			wt := float32(1)
			if d > 8 {
				wt = 0.5
			}
			sign := hPlus
			if v < 0 {
				sign = hMinus
			}
			av := abs32(v)
			f.add1(hLexBkt[side][b], sign, av)
			if closerO {
				f.add1(hLXO, sign, av)
			} else {
				f.add1(hLXT, sign, av)
			}
			if k >= cl && k < cr {
				f.add1(hLXC, sign, av)
			}
			f.add1(hLX, sign, av*wt)
			if lexDist {
				f.add1(hLXD, sign, av*invSqrt[min(d, len(invSqrt)-1)])
			}
			switch {
			case side == 0 && v > 0:
				lexL += v * wt
			case side == 0:
				lexNegL -= v * wt
			case v > 0:
				lexR += v * wt
			default:
				lexNegR -= v * wt
			}
		}
	}
	if shareBag {
		for c := range 3 {
			f.acc[c] += sh.bag[hi][c] - sh.bag[lo][c] - bagSub[c]
		}
	}
	if shareES {
		if n := sh.esN[hi] - sh.esN[lo] - esSubN; n > 0 {
			dst := f.esum[5*fs.emb.Dim:][:3]
			for c := range 3 {
				dst[c] += float32(sh.es[hi][c] - sh.es[lo][c] - esSub[c])
			}
			ew[5] += float32(n)
		}
	}
	if embOn || nearOn || sentOn {
		f.flushEmb(fs.emb, ew, proj)
	}
	f.add1(hLXS, hPosL, squash(lexL))
	f.add1(hLXS, hNegL, squash(lexNegL))
	f.add1(hLXS, hPosR, squash(lexR))
	f.add1(hLXS, hNegR, squash(lexNegR))
	// immediate context n-grams
	l1, l2, r1, r2 := hBOS, hBOS, hEOS, hEOS
	if k := ti - lo - 1; k >= 0 {
		l1 = w[k].h
		if k-1 >= 0 {
			l2 = w[k-1].h
		}
	}
	if k := tj - lo; k < len(w) {
		r1 = w[k].h
		if k+1 < len(w) {
			r2 = w[k+1].h
		}
	}
	f.add2(hLB, l2, l1, 1)
	f.add2(hRB, r1, r2, 1)
	f.add2(hLR, l1, r1, 1)
}

// bucket groups token distances so that near words weigh apart from far
// ones (1, 2, 3-4, 5-8, 9+).
func bucket(d int) int {
	switch {
	case d <= 1:
		return 0
	case d <= 2:
		return 1
	case d <= 4:
		return 2
	case d <= 8:
		return 3
	default:
		return 4
	}
}

// invSqrt[d] is 1/sqrt(d), for distance-weighted lexicon evidence.
var invSqrt = func() [64]float32 {
	var t [64]float32
	for d := 1; d < len(t); d++ {
		t[d] = float32(1 / math.Sqrt(float64(d)))
	}
	t[0] = 1
	return t
}()

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// squash maps a non-negative sum to [0,1).
func squash(x float32) float32 { return x / (x + 1) }

// clauseBreaks end the target's clause: punctuation and contrastive
// conjunctions.
var clauseBreaks = []string{",", ";", ":", "(", ")", "—", "–", "but", "while", "whereas", "although"}

func isClauseBreak(w string) bool {
	for _, b := range clauseBreaks {
		if w == b {
			return true
		}
	}
	return false
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
