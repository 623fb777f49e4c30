package quote

import (
	"bufio"
	"compress/gzip"
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

const hashBits = 20

const numBuckets = 1 << hashBits

// model holds the tagger's weights.
type model struct {
	w     []float32 // numBuckets*numTags
	trans [numTags + 1][numTags]float32
	// cues is the cue lexicon learned from the training data: lower-cased
	// words and how often they were (part of) a cue, as a rate.
	cues map[string]float32
}

// maxSeq bounds a tagged sequence; longer paragraphs are cut.
const maxSeq = 1200

// seq is a paragraph prepared for tagging.
type seq struct {
	toks  []document.Token
	words []string // lower-cased token text
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
// says whether token i lies inside quote marks.
func prepare(s string, toks []document.Token, inQuote []bool, cues map[string]float32) *seq {
	n := len(toks)
	sq := &seq{toks: toks, words: make([]string, n), feats: make([][]uint32, n)}
	shapes := make([]string, n)
	for i, t := range toks {
		w := s[t.Start:t.End]
		sq.words[i] = lowerWord(w)
		shapes[i] = shape(w)
	}
	// distance to the nearest reporting word on either side, within the
	// paragraph, and the sentence-ish boundaries (., ?, !)
	left := make([]int, n)
	right := make([]int, n)
	isCue := func(w string) bool { return reporting[w] || cues[w] >= 0.2 }
	last := -1000
	for i := 0; i < n; i++ {
		left[i] = i - last
		if isCue(sq.words[i]) {
			last = i
		}
	}
	last = 1000000
	for i := n - 1; i >= 0; i-- {
		right[i] = last - i
		if isCue(sq.words[i]) {
			last = i
		}
	}
	// the same within the sentence, and whether a comma or colon lies
	// between the token and that cue
	sent := make([]int, n)
	for i, k := 1, 0; i < n; i++ {
		if w := sq.words[i-1]; w == "." || w == "?" || w == "!" {
			k++
		}
		sent[i] = k
	}
	leftS := make([]string, n)
	rightS := make([]string, n)
	lastCue, lastPunct := -1, -1
	for i := 0; i < n; i++ {
		if lastCue >= 0 && sent[lastCue] == sent[i] {
			leftS[i] = bucket(i-lastCue) + map[bool]string{true: "p", false: ""}[lastPunct > lastCue]
		} else {
			leftS[i] = "none"
		}
		if isCue(sq.words[i]) {
			lastCue = i
		}
		if w := sq.words[i]; w == "," || w == ":" || w == "\"" || w == "'" {
			lastPunct = i
		}
	}
	lastCue, lastPunct = -1, -1
	for i := n - 1; i >= 0; i-- {
		if lastCue >= 0 && sent[lastCue] == sent[i] {
			rightS[i] = bucket(lastCue-i) + map[bool]string{true: "p", false: ""}[lastPunct >= 0 && lastPunct < lastCue]
		} else {
			rightS[i] = "none"
		}
		if isCue(sq.words[i]) {
			lastCue = i
			lastPunct = -1
		}
		if w := sq.words[i]; (w == "," || w == ":" || w == "\"" || w == "'") && lastPunct < 0 {
			lastPunct = i
		}
	}
	// distance to the nearest quote boundary (a change of in-quote state)
	qbL := make([]string, n)
	qbR := make([]string, n)
	lb := -100
	for i := 0; i < n; i++ {
		if inQuote != nil && i > 0 && inQuote[i] != inQuote[i-1] {
			lb = i
		}
		qbL[i] = bucket(i - lb + 1)
	}
	rb := n + 100
	for i := n - 1; i >= 0; i-- {
		if inQuote != nil && i+1 < n && inQuote[i] != inQuote[i+1] {
			rb = i
		}
		qbR[i] = bucket(rb - i + 1)
	}
	sentPos := 0
	buf := make([]uint32, 0, 64)
	for i := 0; i < n; i++ {
		w := sq.words[i]
		get := func(k int) string {
			if k < 0 {
				return "<s>"
			}
			if k >= n {
				return "</s>"
			}
			return sq.words[k]
		}
		q := "0"
		if inQuote != nil && inQuote[i] {
			q = "1"
		}
		qp, qn := "0", "0"
		if inQuote != nil && i > 0 && inQuote[i-1] {
			qp = "1"
		}
		if inQuote != nil && i+1 < n && inQuote[i+1] {
			qn = "1"
		}
		buf = buf[:0]
		add := func(parts ...string) { buf = append(buf, hashStr(parts...)) }
		add("b")
		add("w", w)
		add("w-1", get(i-1))
		add("w+1", get(i+1))
		add("w-2", get(i-2))
		add("w+2", get(i+2))
		add("w-1w", get(i-1), w)
		add("ww+1", w, get(i+1))
		add("sh", shapes[i])
		add("sh-1", shapeAt(shapes, i-1), shapes[i])
		add("sh+1", shapes[i], shapeAt(shapes, i+1))
		add("suf", suffix(w, 3))
		add("q", q, qp, qn)
		add("qw", q, w)
		add("lc", bucket(left[i]))
		add("rc", bucket(right[i]))
		add("lcw", bucket(left[i]), w)
		add("rcw", bucket(right[i]), w)
		add("lr", bucket(left[i]), bucket(right[i]), q)
		add("sp", bucket(sentPos))
		add("ls", leftS[i])
		add("rs", rightS[i])
		add("lsrs", leftS[i], rightS[i], q)
		add("lsw", leftS[i], w)
		add("rsw", rightS[i], w)
		add("cr", rateBucket(cues[w]))
		add("cr-1", rateBucket(cues[get(i-1)]), rateBucket(cues[w]))
		add("cr+1", rateBucket(cues[w]), rateBucket(cues[get(i+1)]))
		add("w+3", get(i+3))
		add("w-2w-1", get(i-2), get(i-1))
		add("w+1w+2", get(i+1), get(i+2))
		add("sh5", shapeAt(shapes, i-2), shapeAt(shapes, i-1), shapes[i], shapeAt(shapes, i+1), shapeAt(shapes, i+2))
		add("qb", qbL[i], qbR[i])
		add("qbw", qbL[i], qbR[i], w)
		add("w-3", get(i-3))
		if left[i] <= 12 && i-left[i] >= 0 {
			add("lcv", sq.words[i-left[i]], bucket(left[i]))
		}
		if right[i] <= 12 && i+right[i] < n {
			add("rcv", sq.words[i+right[i]], bucket(right[i]))
		}
		sq.feats[i] = append([]uint32(nil), buf...)
		if w == "." || w == "?" || w == "!" {
			sentPos = 0
		} else {
			sentPos++
		}
	}
	return sq
}

func rateBucket(r float32) string {
	switch {
	case r <= 0:
		return "0"
	case r < 0.05:
		return "a"
	case r < 0.2:
		return "b"
	case r < 0.5:
		return "c"
	case r < 0.8:
		return "d"
	}
	return "e"
}

func shapeAt(sh []string, i int) string {
	if i < 0 || i >= len(sh) {
		return "_"
	}
	return sh[i]
}

func bucket(d int) string {
	switch {
	case d <= 0:
		return "0"
	case d <= 3:
		return string(rune('0' + d))
	case d <= 6:
		return "4-6"
	case d <= 12:
		return "7-12"
	case d <= 25:
		return "13-25"
	}
	return "far"
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

// hashStr is FNV-1a over the parts, separated by a unit separator.
func hashStr(parts ...string) uint32 {
	h := uint32(2166136261)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint32(p[i])
			h *= 16777619
		}
		h ^= 0x1f
		h *= 16777619
	}
	return h & (numBuckets - 1)
}

// decode runs Viterbi over sq and returns the best tags.
func (m *model) decode(sq *seq) []int {
	n := len(sq.feats)
	if n == 0 {
		return nil
	}
	score := make([]float32, n*numTags)
	for i, fs := range sq.feats {
		row := score[i*numTags : (i+1)*numTags]
		for _, f := range fs {
			ws := m.w[int(f)*numTags : int(f)*numTags+numTags]
			for t := 0; t < numTags; t++ {
				row[t] += ws[t]
			}
		}
	}
	back := make([]int8, n*numTags)
	prev := make([]float32, numTags)
	cur := make([]float32, numTags)
	for t := 0; t < numTags; t++ {
		if allowed(tagO, t) {
			prev[t] = m.trans[numTags][t] + score[t]
		} else {
			prev[t] = float32(math.Inf(-1))
		}
	}
	for i := 1; i < n; i++ {
		for t := 0; t < numTags; t++ {
			best, arg := float32(math.Inf(-1)), 0
			for p := 0; p < numTags; p++ {
				if !allowed(p, t) {
					continue
				}
				v := prev[p] + m.trans[p][t]
				if v > best {
					best, arg = v, p
				}
			}
			cur[t] = best + score[i*numTags+t]
			back[i*numTags+t] = int8(arg)
		}
		prev, cur = cur, prev
	}
	best, arg := float32(math.Inf(-1)), 0
	for t := 0; t < numTags; t++ {
		if prev[t] > best {
			best, arg = prev[t], t
		}
	}
	tags := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		tags[i] = arg
		arg = int(back[i*numTags+arg])
	}
	return tags
}

// Model file format (gzip): magic "NLQT1", uint32 hashBits, float32 scale,
// (numTags+1)*numTags float32 transitions, then numBuckets*numTags int8.
const modelMagic = "NLQT1"

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
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(modelMagic)
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
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func readModel(fsys fs.FS, name string) (*model, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	br := bufio.NewReader(zr)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, fmt.Errorf("model %s: bad header", name)
	}
	var bits uint32
	var scale float32
	if err := binary.Read(br, binary.LittleEndian, &bits); err != nil || bits != hashBits {
		return nil, fmt.Errorf("model %s: hash bits %d, want %d", name, bits, hashBits)
	}
	if err := binary.Read(br, binary.LittleEndian, &scale); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	m := &model{w: make([]float32, numBuckets*numTags)}
	for i := range m.trans {
		if err := binary.Read(br, binary.LittleEndian, m.trans[i][:]); err != nil {
			return nil, fmt.Errorf("model %s: %w", name, err)
		}
	}
	q := make([]byte, len(m.w))
	if _, err := io.ReadFull(br, q); err != nil {
		return nil, fmt.Errorf("model %s: weights: %w", name, err)
	}
	for i, b := range q {
		m.w[i] = float32(int8(b)) * scale
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
	return m, nil
}
