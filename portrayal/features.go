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
	// w, when set, makes the vector score itself as features are added
	// (inference: no index list, one pass); acc holds the class scores,
	// summed in the same order as Model.scores would
	w   []float32
	acc [3]float64
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
	if f.w != nil {
		b := int(i) * 3
		w := f.w[b : b+3 : b+3]
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
	if wi, ok := fs.special[w]; ok {
		return wi
	}
	return wordInfo{h: hashString(w), neg: strings.HasSuffix(w, "n't")}
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
)

// featureSet is what extract reads besides the target: the polarity
// lexicon and the groups switched off.
type featureSet struct {
	lex  map[string]float32
	drop uint32
	// special holds the wordInfo of every word that is more than a hash
	// (lexicon words, negators, clause breaks), so a token costs one map
	// lookup
	special map[string]wordInfo
}

// prepare builds special; it is called once when a model is made.
func (fs *featureSet) prepare() {
	fs.special = make(map[string]wordInfo, len(fs.lex)+len(negators)+16)
	add := func(w string) {
		fs.special[w] = wordInfo{h: hashString(w), lex: fs.lex[w], brk: isClauseBreak(w), neg: negators[w] || strings.HasSuffix(w, "n't")}
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
	w := f.win[:0]
	oi := 0
	for i := lo; i < hi; i++ {
		tk := toks[i]
		if i >= ti && i < tj {
			w = append(w, wordInfo{h: hT, mark: markT})
			continue
		}
		for oi < len(t.Others) && t.Others[oi].End <= tk.Start {
			oi++
		}
		if oi < len(t.Others) && t.Others[oi].Start < tk.End {
			w = append(w, wordInfo{h: hO, mark: markO})
			continue
		}
		w = append(w, infos[i])
	}
	f.win = w
	f.add1(hB, hEmpty, 1)
	if t.InQuote {
		f.add1(hQ, hEmpty, 1)
	}
	if ti == 0 {
		f.add1(hTStart, hEmpty, 1)
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
	var lexL, lexR, lexNegL, lexNegR float32
	negUntil := -1
	negCount := 0
	prevO := false
	bag, clause, otherNear, distWords, bigrams, lexDist :=
		fs.on(FeatSentenceBag), fs.on(FeatClause), fs.on(FeatOtherNear), fs.on(FeatDistWords), fs.on(FeatBigrams), fs.on(FeatLexDist)
	for k := range w {
		wi := &w[k]
		i := k + lo
		if wi.mark == markT {
			continue
		}
		isO := wi.mark == markO
		if isO && prevO {
			continue // one feature per other-actor mention
		}
		prevO = isO
		if bag {
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
