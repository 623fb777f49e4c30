package technique

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// Features are hashed: a template id and one or two values are mixed into a
// 64-bit key and reduced to a table index, so feature extraction allocates
// nothing per feature and the model needs no feature dictionary.

func mix(a, b uint64) uint64 {
	// splitmix64 finaliser over a combination: cheap and well spread.
	x := a*0x9e3779b97f4a7c15 ^ (b + 0x632be59bd9b4e5b5 + (a << 6) + (a >> 2))
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Template ids: stable numbers, because the model's weights are keyed by them.
const (
	fBias uint64 = iota + 1
	fW0
	fWm1
	fWp1
	fWm2
	fWp2
	fBiM1
	fBiP1
	fSuf3
	fPre3
	fShape
	fShapeM1P1
	fPol
	fPolM1
	fPolP1
	fSubj
	fQuote
	fCaps
	fDocRep
	fBigramRep
	fPosInSent
	fClausePos
	fSentBang
	fSentQuestion
	fSentLen
	fSentPol
	fFirstSent
	fPunct
	fW0Quote
	fW0Pos
	fSentQuoteChars
	fHyphen
	fLexRate
)

// Template ids of the word-cluster features.
const (
	fClu0 uint64 = iota + 400
	fClu1
	fClu2
	fCluM1
	fCluP1
	fCluPol
	fCluBi
)

// Template ids of the WordNet class and scare-quote features.
const (
	fWN uint64 = iota + 500
	fWNPol
	fWNPrev
	fWNRare
	fScare
	_ // fSentAlone: tried (a short exclamation alone on its line, for Slogans), dropped
)

// tok is what the features read about one token, computed once per document.
type tok struct {
	start, end int
	lower      string
	word       uint64 // hash of lower
	shape      uint64
	suf, pre   uint64
	pol        int8 // lexicon polarity bucket -3..3, 0 when unknown
	subj       int8 // lexicon subjectivity bucket 0..2
	known      bool // in a sentiment lexicon
	inQuote    bool
	caps       uint8 // 0 lower, 1 Title, 2 ALLCAPS, 3 other
	docCount   int   // occurrences of lower in the document
	bigramRep  bool  // the bigram starting here occurs again in the document
	punct      byte  // the ASCII punctuation mark, 0 otherwise
	hyphen     bool  // a hyphenated word ("Assad-baiters")
	cl         [3]uint16
	wn         uint8 // WordNet class bits (wordnet.go)
	// scare is 1 inside a short quotation (at most 4 tokens: scare quotes,
	// "the ‘liberation’ of"), 2 in the six tokens before one
	scare uint8
	// rate and rateN are the span-rate buckets of the word (rates.go)
	rate, rateN uint8
	// startRate and endRate bucket how often the word starts and ends a span
	startRate, endRate uint8
	// stemRate and stemN are rate and rateN of the word's stem
	stemRate, stemN uint8
	// nbrRate and nbrN are the neighbour-rate buckets (wnrates.go)
	nbrRate, nbrN uint8
	// cluRate and cluN are the cluster-rate buckets, middle and fine
	cluRate, cluN [2]uint8
}

// sent is a sentence of tokens [first,end) with sentence-level facts.
type sent struct {
	first, end int
	bang       bool
	question   bool
	quotes     int
	pol        int // sum of token polarity buckets
	index      int
	// alone says the sentence is a paragraph (line) of its own: a short
	// exclamation standing alone is how slogans close articles
	alone bool
	// highRate buckets the words with a high span rate (rates.go)
	highRate uint8
}

// prepared is a document's tokens and sentences ready for feature extraction.
type prepared struct {
	toks  []tok
	sents []sent
	// sentProb is the sentence classifier's probability per sentence, and
	// docProb their mean; nil when there is no sentence model.
	sentProb []float32
	docProb  float32
	// clusters says whether the word-cluster features are on (the lexicon
	// has a cluster table), wordnet the same for the WordNet classes.
	clusters, wordnet bool
	// rates says whether the tokens carry span rates (rates.go), nbr
	// whether they carry neighbour rates (wnrates.go).
	rates, nbr bool
	// cluRates says whether they carry cluster rates (wnrates.go).
	cluRates bool
}

// maxDocTokens bounds the work on one document: beyond it, tokens are not
// tagged. 200,000 tokens is far longer than any news article.
const maxDocTokens = 200000

func prepare(doc *document.Document, lex *lexicon) *prepared {
	return prepareWith(doc, lex, nil)
}

// docScratch holds the per-document buffers of Predict, reused through
// the Model's pool: the tokens, the word and bigram counts and the
// emission scores. Nothing Predict returns points into them.
type docScratch struct {
	toks            []tok
	counts, bigrams hashCounts
	scores          [][nTags]float32
	ems             [][][nTags]float32
}

// prepareWith is prepare with the buffers of sc (nil: fresh ones); the
// prepared document's tokens live in sc until its next use.
func prepareWith(doc *document.Document, lex *lexicon, sc *docScratch) *prepared {
	toks := doc.Tokens
	if len(toks) > maxDocTokens {
		toks = toks[:maxDocTokens]
	}
	p := &prepared{clusters: lex != nil && len(lex.cl) > 0, wordnet: lex != nil && len(lex.wn) > 0}
	var counts, bigrams *hashCounts
	if sc != nil {
		if cap(sc.toks) < len(toks) {
			sc.toks = make([]tok, len(toks))
		}
		p.toks = sc.toks[:len(toks)]
		clear(p.toks)
		counts, bigrams = &sc.counts, &sc.bigrams
		counts.reset(len(toks))
		bigrams.reset(len(toks))
	} else {
		p.toks = make([]tok, len(toks))
		counts, bigrams = newHashCounts(len(toks)), newHashCounts(len(toks))
	}
	for i, t := range toks {
		s := doc.Text[t.Start:t.End]
		lw := strings.ToLower(s)
		k := &p.toks[i]
		k.start, k.end = t.Start, t.End
		k.lower = lw
		f := lex.facts(lw)
		k.word = f.word
		k.suf = hashString(suffix(lw, 3))
		k.pre = hashString(prefix(lw, 3))
		k.shape, k.caps = shapeOf(s)
		if t.Kind == document.TokPunct && len(s) >= 1 && s[0] < utf8.RuneSelf {
			k.punct = s[0]
		}
		k.hyphen = t.Kind == document.TokWord && strings.IndexByte(s, '-') > 0
		k.pol, k.subj, k.known = f.pol, f.subj, f.known
		k.cl = f.cl
		k.rate, k.rateN, k.startRate, k.endRate, k.stemRate, k.stemN = f.rate, f.rateN, f.startRate, f.endRate, f.stemRate, f.stemN
		k.nbrRate, k.nbrN = f.nbrRate, f.nbrN
		k.cluRate, k.cluN = f.cluRate, f.cluN
		if t.Kind == document.TokWord {
			k.wn = f.wn
			if k.caps != 0 {
				// "Turkish", "Polish": nationality adjectives, not
				// insults made from "Turk" or "pole"
				k.wn &^= wnPersonish
			}
		}
		if t.Kind == document.TokWord && len(lw) > 3 {
			counts.add(k.word)
		}
	}
	// A bigram can occur twice only if its first word does, so only
	// bigrams starting with a word seen twice are counted and looked up.
	for i := range p.toks {
		p.toks[i].docCount = counts.get(p.toks[i].word)
		if i+1 < len(p.toks) && p.toks[i].docCount > 1 {
			bigrams.add(mix(p.toks[i].word, p.toks[i+1].word))
		}
	}
	for i := 0; i+1 < len(p.toks); i++ {
		if p.toks[i].docCount > 1 {
			p.toks[i].bigramRep = bigrams.get(mix(p.toks[i].word, p.toks[i+1].word)) > 1
		}
	}
	for si, s := range doc.Sentences {
		if s.FirstToken >= len(p.toks) {
			break
		}
		end := min(s.EndToken, len(p.toks))
		st := sent{first: s.FirstToken, end: end, index: si}
		open := false
		for i := s.FirstToken; i < end; i++ {
			k := &p.toks[i]
			st.pol += int(k.pol)
			switch doc.Text[k.start:k.end] {
			case "!":
				st.bang = true
			case "?":
				st.question = true
			case "\"", "'":
				st.quotes++
				open = !open
				continue
			case "“", "‘", "«":
				st.quotes++
				open = true
				continue
			case "”", "’", "»":
				st.quotes++
				open = false
				continue
			}
			k.inQuote = open
		}
		p.markScare(doc.Text, st.first, st.end)
		st.alone = lineAlone(doc.Text, p.toks[st.first].start, p.toks[end-1].end)
		p.sents = append(p.sents, st)
	}
	return p
}

// hashCounts counts 64-bit hashes: open addressing with linear probing,
// sized for at most n distinct keys. prepare counts a document's words and
// bigrams with it; a map spent a tenth of prepare's time hashing keys that
// are hashes already.
type hashCounts struct {
	keys []uint64
	n    []int32 // 0: empty slot
	mask uint64
}

func newHashCounts(n int) *hashCounts {
	c := &hashCounts{}
	c.reset(n)
	return c
}

// reset empties c and sizes it for n keys, reusing its arrays when they
// are large enough.
func (c *hashCounts) reset(n int) {
	size := 8
	for size < 2*n {
		size <<= 1
	}
	if cap(c.n) < size {
		c.keys, c.n = make([]uint64, size), make([]int32, size)
	} else {
		// keys need no clearing: a slot is empty when its count is 0
		c.keys, c.n = c.keys[:size], c.n[:size]
		clear(c.n)
	}
	c.mask = uint64(size - 1)
}

// slot returns the slot of h: its own, or the empty one it would take.
func (c *hashCounts) slot(h uint64) uint64 {
	i := (h ^ h>>29) & c.mask
	for c.n[i] != 0 && c.keys[i] != h {
		i = (i + 1) & c.mask
	}
	return i
}

func (c *hashCounts) add(h uint64) {
	i := c.slot(h)
	c.keys[i] = h
	c.n[i]++
}

func (c *hashCounts) get(h uint64) int { return int(c.n[c.slot(h)]) }

// lineAlone says whether text[start:end] is all of its line but spaces.
func lineAlone(text string, start, end int) bool {
	for i := start - 1; i >= 0 && text[i] != '\n'; i-- {
		if text[i] != ' ' && text[i] != '\t' && text[i] != '\r' {
			return false
		}
	}
	for i := end; i < len(text) && text[i] != '\n'; i++ {
		if text[i] != ' ' && text[i] != '\t' && text[i] != '\r' {
			return false
		}
	}
	return true
}

// markScare finds short quotations in tokens [first,end) of one sentence.
func (p *prepared) markScare(text string, first, end int) {
	for i := first; i < end; i++ {
		switch text[p.toks[i].start:p.toks[i].end] {
		case "‘", "“", "\"", "'":
		default:
			continue
		}
		for j := i + 1; j < end && j-i <= 5; j++ {
			switch text[p.toks[j].start:p.toks[j].end] {
			case "’", "”", "\"", "'":
			default:
				continue
			}
			if j-i < 2 {
				break
			}
			for k := max(first, i-6); k < i; k++ {
				if p.toks[k].scare == 0 {
					p.toks[k].scare = 2
				}
			}
			for k := i; k <= j; k++ {
				p.toks[k].scare = 1
			}
			i = j
			break
		}
	}
}

func shapeOf(s string) (uint64, uint8) {
	var b [8]byte
	n := 0
	upper, lower, other := 0, 0, 0
	var last byte
	for _, r := range s {
		var c byte
		switch {
		case unicode.IsUpper(r):
			c, upper = 'X', upper+1
		case unicode.IsLower(r):
			c, lower = 'x', lower+1
		case unicode.IsDigit(r):
			c, other = 'd', other+1
		default:
			c, other = byte(r), other+1
			if r >= utf8.RuneSelf {
				c = 'u'
			}
		}
		if c != last && n < len(b) {
			b[n] = c
			n++
		}
		last = c
	}
	caps := uint8(3)
	first, _ := utf8.DecodeRuneInString(s)
	switch {
	case upper == 0 && lower > 0:
		caps = 0
	case unicode.IsUpper(first) && lower > 0:
		caps = 1
	case upper > 1 && lower == 0:
		caps = 2
	}
	return hashString(string(b[:n])), caps
}

func suffix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[i:]
}

func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[:i]
}

func bucket(n int, bounds ...int) uint64 {
	for i, b := range bounds {
		if n <= b {
			return uint64(i)
		}
	}
	return uint64(len(bounds))
}

// smallTab[t][v] is mix(t, v) for the templates t < 34 and codes v <
// 256, and smallTab3, smallTab5, smallTab7 the same for the templates
// from 300, 500 and 700: most features fold a small code (a bucket, a
// flag, a punctuation byte) into their template, and a table read is
// cheaper than the mix; the hashes are the same.
var smallTab, smallTab3, smallTab5, smallTab7 = smallTable(0, 34), smallTable(300, 4), smallTable(500, 6), smallTable(700, 9)

func smallTable(from, n uint64) [][256]uint64 {
	t := make([][256]uint64, n)
	for i := range t {
		for v := range t[i] {
			t[i][v] = mix(from+uint64(i), uint64(v))
		}
	}
	return t
}

// smallMix is mix(t, v) for a template t < 34.
func smallMix(t, v uint64) uint64 {
	if v < 256 {
		return smallTab[t][v]
	}
	return mix(t, v)
}

// smallMix3 is mix(t, v) for a template t in [300, 304).
func smallMix3(t, v uint64) uint64 {
	if v < 256 {
		return smallTab3[t-300][v]
	}
	return mix(t, v)
}

// smallMix5 is mix(t, v) for a template t in [500, 506).
func smallMix5(t, v uint64) uint64 {
	if v < 256 {
		return smallTab5[t-500][v]
	}
	return mix(t, v)
}

// smallMix7 is mix(t, v) for a template t in [700, 709).
func smallMix7(t, v uint64) uint64 {
	if v < 256 {
		return smallTab7[t-700][v]
	}
	return mix(t, v)
}

var startWord = hashString("<s>")
var endWord = hashString("</s>")

// siFeatures appends the hashed features of token i of sentence s to buf.
func (p *prepared) siFeatures(buf []uint64, s *sent, i int) []uint64 {
	t := &p.toks[i]
	w := func(j int) uint64 {
		if j < s.first {
			return startWord
		}
		if j >= s.end {
			return endWord
		}
		return p.toks[j].word
	}
	pol := func(j int) uint64 {
		if j < s.first || j >= s.end {
			return 9
		}
		return uint64(p.toks[j].pol + 3)
	}
	shape := func(j int) uint64 {
		if j < s.first || j >= s.end {
			return 0
		}
		return p.toks[j].shape
	}
	n := s.end - s.first
	pos := i - s.first
	rel := uint64(0)
	switch {
	case pos == 0:
		rel = 0
	case i == s.end-1:
		rel = 4
	default:
		rel = 1 + uint64(3*pos/n)
	}
	// clause position: tokens since the last comma, semicolon, colon or dash
	clause := 0
	for j := i - 1; j >= s.first && clause < 12; j-- {
		c := p.toks[j].punct
		if c == ',' || c == ';' || c == ':' || c == '-' || c == '(' {
			break
		}
		clause++
	}
	wm1, w0, wp1 := w(i-1), t.word, w(i+1)
	q := uint64(0)
	if t.inQuote {
		q = 1
	}
	buf = append(buf,
		smallMix(fBias, 0),
		mix(fW0, w0),
		mix(fWm1, wm1),
		mix(fWp1, wp1),
		mix(fWm2, w(i-2)),
		mix(fWp2, w(i+2)),
		mix(fBiM1, mix(wm1, w0)),
		mix(fBiP1, mix(w0, wp1)),
		mix(fSuf3, t.suf),
		mix(fPre3, t.pre),
		mix(fShape, t.shape),
		mix(fShapeM1P1, mix(shape(i-1), mix(t.shape, shape(i+1)))),
		smallMix(fPol, pol(i)),
		smallMix(fPolM1, pol(i-1)),
		smallMix(fPolP1, pol(i+1)),
		smallMix(fSubj, uint64(t.subj)),
		smallMix(fQuote, q),
		smallMix(fCaps, uint64(t.caps)|uint64(min(pos, 1))<<2),
		smallMix(fPosInSent, rel),
		smallMix(fClausePos, bucket(clause, 0, 1, 2, 4, 8)),
		smallMix(fSentLen, bucket(n, 5, 10, 20, 35, 60)),
		smallMix(fSentPol, bucket(s.pol+20, 12, 16, 18, 19, 20, 21, 22, 24, 28)),
		mix(fW0Pos, mix(w0, rel)),
		smallMix(fSentQuoteChars, bucket(s.quotes, 0, 1, 2, 4)),
	)
	if t.docCount > 0 {
		buf = append(buf, smallMix(fDocRep, bucket(t.docCount, 1, 2, 4, 8)))
	}
	if t.bigramRep {
		buf = append(buf, smallMix(fBigramRep, 1))
	}
	if s.bang {
		buf = append(buf, smallMix(fSentBang, rel))
	}
	if s.question {
		buf = append(buf, smallMix(fSentQuestion, rel))
	}
	if s.index == 0 {
		buf = append(buf, smallMix(fFirstSent, 1))
	}
	if t.punct != 0 {
		buf = append(buf, smallMix(fPunct, uint64(t.punct)))
	}
	if t.inQuote {
		buf = append(buf, mix(fW0Quote, w0))
	}
	if t.hyphen {
		buf = append(buf, smallMix(fHyphen, 1))
	}
	if t.scare != 0 {
		buf = append(buf, smallMix5(fScare, uint64(t.scare)))
	}
	if p.wordnet {
		wn := func(j int) uint64 {
			if j < s.first || j >= s.end {
				return 0xff
			}
			return uint64(p.toks[j].wn)
		}
		c := wn(i)
		buf = append(buf, smallMix5(fWN, c), mix(fWNPol, mix(c, pol(i))), mix(fWNPrev, mix(wn(i-1), c)))
		if p.clusters && c != 0 {
			oov := uint64(0)
			if t.cl[1] == noCluster {
				oov = 1
			}
			buf = append(buf, mix(fWNRare, mix(c, oov)))
		}
	}
	if p.clusters {
		cl := func(j int) uint64 {
			if j < s.first || j >= s.end {
				return noCluster + 1
			}
			return uint64(p.toks[j].cl[1])
		}
		buf = append(buf,
			mix(fClu0, uint64(t.cl[0])),
			mix(fClu1, uint64(t.cl[1])),
			mix(fClu2, uint64(t.cl[2])),
			mix(fCluM1, cl(i-1)),
			mix(fCluP1, cl(i+1)),
			mix(fCluPol, mix(uint64(t.cl[1]), pol(i))),
			mix(fCluBi, mix(cl(i-1), uint64(t.cl[1]))),
		)
	}
	if p.rates {
		buf = p.rateFeatures(buf, s, i, pol(i))
	}
	if p.sentProb != nil {
		sb := uint64(p.sentProb[s.index] * 10)
		buf = append(buf,
			smallMix3(fSentProb, sb),
			mix(fSentProbPos, mix(sb, rel)),
			smallMix3(fDocProb, uint64(p.docProb*20)),
			mix(fSentProbW0Pol, mix(sb, pol(i))),
		)
	}
	return buf
}
