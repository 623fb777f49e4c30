package portrayal

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// Features are hashed: each feature string (prefix and word) becomes a bucket
// of the weight table. Building them through one reused byte buffer keeps the
// hot path free of string allocations.

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

// fvec collects hashed features with values.
type fvec struct {
	idx  []uint32
	val  []float32
	buf  []byte
	lw   []string // lower-cased words of the window, reused
	near []int    // window positions of other actors
	mask uint32
}

func newFvec(bits uint) *fvec {
	return &fvec{mask: 1<<bits - 1, idx: make([]uint32, 0, 256), val: make([]float32, 0, 256)}
}

func (f *fvec) reset() { f.idx = f.idx[:0]; f.val = f.val[:0] }

// add hashes prefix+"|"+a(+" "+b) with FNV-1a.
func (f *fvec) add(prefix, a, b string, v float32) {
	h := uint32(2166136261)
	for i := 0; i < len(prefix); i++ {
		h = (h ^ uint32(prefix[i])) * 16777619
	}
	h = (h ^ '|') * 16777619
	for i := 0; i < len(a); i++ {
		h = (h ^ uint32(a[i])) * 16777619
	}
	if b != "" {
		h = (h ^ ' ') * 16777619
		for i := 0; i < len(b); i++ {
			h = (h ^ uint32(b[i])) * 16777619
		}
	}
	f.idx = append(f.idx, h&f.mask)
	f.val = append(f.val, v)
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

// distBucket groups token distances so that near words weigh apart from far ones.
func distBucket(d int) string {
	switch {
	case d <= 1:
		return "1"
	case d <= 2:
		return "2"
	case d <= 4:
		return "3"
	case d <= 8:
		return "5"
	default:
		return "9"
	}
}

// extract fills f with the features of t. lex is the polarity lexicon.
func extract(f *fvec, t *Target, lex map[string]float32) {
	f.reset()
	toks := t.Tokens
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
	n := hi - lo
	if cap(f.lw) < n {
		f.lw = make([]string, n)
	}
	w := f.lw[:n]
	oi := 0
	for i := lo; i < hi; i++ {
		tk := toks[i]
		switch {
		case i >= ti && i < tj:
			w[i-lo] = "<T>"
			continue
		}
		other := false
		for oi < len(t.Others) && t.Others[oi].End <= tk.Start {
			oi++
		}
		if oi < len(t.Others) && t.Others[oi].Start < tk.End {
			other = true
		}
		switch {
		case other:
			w[i-lo] = "<O>"
		case t.Words != nil:
			w[i-lo] = t.Words[i]
		default:
			w[i-lo] = tokenWord(t.Sentence, tk)
		}
	}
	f.add("B", "", "", 1)
	if t.InQuote {
		f.add("Q", "", "", 1)
	}
	if ti == 0 {
		f.add("TSTART", "", "", 1)
	}
	// clause boundaries around the target: words in the target's own clause
	// (between , ; : ( ) — and "but") weigh apart from the rest.
	cl, cr := 0, len(w)
	for k := ti - lo - 1; k >= 0; k-- {
		if isClauseBreak(w[k]) {
			cl = k + 1
			break
		}
	}
	for k := tj - lo; k < len(w); k++ {
		if isClauseBreak(w[k]) {
			cr = k
			break
		}
	}
	// nearest other actor to each position, for "is this word about the
	// target or about someone else" features
	f.near = f.near[:0]
	for k := range w {
		if w[k] == "<O>" {
			f.near = append(f.near, k)
		}
	}
	// sentence bag and window features
	var lexL, lexR, lexNegL, lexNegR float32
	negUntil := -1
	negCount := 0
	prevO := ""
	for k, word := range w {
		i := k + lo
		if word == "<T>" {
			continue
		}
		if word == "<O>" && prevO == "<O>" {
			continue // one feature per other-actor mention
		}
		prevO = word
		f.add("S", word, "", 1)
		if k >= cl && k < cr {
			f.add("C", word, "", 1)
		}
		var side string
		var d int
		if i < ti {
			side, d = "L", ti-i
		} else {
			side, d = "R", i-tj+1
		}
		if d <= 10 {
			f.add(side, word, "", 1)
		}
		// closer to another actor than to the target?
		closerO := false
		for _, o := range f.near {
			if absInt(o-k) < d {
				closerO = true
				break
			}
		}
		if word != "<O>" {
			if closerO {
				f.add("NO", word, "", 1)
			} else {
				f.add("NT", word, "", 1)
			}
		}
		f.add(side+distBucket(d), word, "", 1)
		// n-grams with the target masked
		if k+1 < len(w) {
			f.add("BG", word, w[k+1], 1)
		}
		// lexicon polarity with negation scope: each negator opens (or
		// extends) a scope of negScope tokens; stacked negators flip by parity.
		if negators[word] || strings.HasSuffix(word, "n't") {
			if k <= negUntil {
				negCount++
			} else {
				negCount = 1
			}
			negUntil = k + negScope
			continue
		}
		if v, ok := lex[word]; ok && v != 0 {
			if k <= negUntil && negCount%2 == 1 {
				v = -v * 0.6
				f.add("NEG", word, "", 1)
			}
			wt := float32(1)
			if d > 8 {
				wt = 0.5
			}
			sign := "+"
			if v < 0 {
				sign = "-"
			}
			f.add("LX"+side+distBucket(d), sign, "", abs32(v))
			if closerO {
				f.add("LXO", sign, "", abs32(v))
			} else {
				f.add("LXT", sign, "", abs32(v))
			}
			if k >= cl && k < cr {
				f.add("LXC", sign, "", abs32(v))
			}
			f.add("LX", sign, "", abs32(v)*wt)
			if side == "L" {
				if v > 0 {
					lexL += v * wt
				} else {
					lexNegL -= v * wt
				}
			} else {
				if v > 0 {
					lexR += v * wt
				} else {
					lexNegR -= v * wt
				}
			}
		}
	}
	f.add("LXS", "posL", "", squash(lexL))
	f.add("LXS", "negL", "", squash(lexNegL))
	f.add("LXS", "posR", "", squash(lexR))
	f.add("LXS", "negR", "", squash(lexNegR))
	// immediate context n-grams
	l1, l2, r1, r2 := "<s>", "<s>", "</s>", "</s>"
	if k := ti - lo - 1; k >= 0 {
		l1 = w[k]
		if k-1 >= 0 {
			l2 = w[k-1]
		}
	}
	if k := tj - lo; k < len(w) {
		r1 = w[k]
		if k+1 < len(w) {
			r2 = w[k+1]
		}
	}
	f.add("LB", l2, l1, 1)
	f.add("RB", r1, r2, 1)
	f.add("LR", l1, r1, 1)
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// squash maps a non-negative sum to [0,1).
func squash(x float32) float32 { return x / (x + 1) }

func isClauseBreak(w string) bool {
	switch w {
	case ",", ";", ":", "(", ")", "—", "–", "but", "while", "whereas", "although":
		return true
	}
	return false
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
