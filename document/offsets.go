package document

import (
	"sort"
	"unicode/utf8"
)

// Offsets converts byte offsets of one text to rune (code point) offsets and
// UTF-16 code unit offsets and back. PTC and Python count code points;
// JavaScript and brat files written by JavaScript tools count UTF-16 units.
//
// Build it once per text; each conversion is then a binary search.
type Offsets struct {
	n int
	// checkpoints every few non-ASCII runes: byte offset, rune offset, utf16 offset.
	bytePos, runePos, u16Pos []int
}

// NewOffsets indexes text. It is O(len(text)) and allocates only for
// non-ASCII runes.
func NewOffsets(text string) *Offsets {
	o := &Offsets{n: len(text), bytePos: []int{0}, runePos: []int{0}, u16Pos: []int{0}}
	r, u := 0, 0
	for i, c := range text {
		if c >= utf8.RuneSelf {
			// record the position before and after each multi-byte rune so
			// that offsets between checkpoints are plain ASCII arithmetic.
			o.add(i, r, u)
			size := utf8.RuneLen(c)
			if c == utf8.RuneError {
				_, size = utf8.DecodeRuneInString(text[i:])
			}
			r++
			if c >= 0x10000 {
				u += 2
			} else {
				u++
			}
			o.add(i+size, r, u)
			continue
		}
		r++
		u++
	}
	return o
}

func (o *Offsets) add(b, r, u int) {
	last := len(o.bytePos) - 1
	if o.bytePos[last] == b {
		return
	}
	o.bytePos = append(o.bytePos, b)
	o.runePos = append(o.runePos, r)
	o.u16Pos = append(o.u16Pos, u)
}

func conv(from, to []int, x int) int {
	i := sort.SearchInts(from, x+1) - 1
	if i < 0 {
		i = 0
	}
	return to[i] + (x - from[i])
}

// ByteToRune converts a byte offset (on a rune boundary) to a code point offset.
func (o *Offsets) ByteToRune(b int) int { return conv(o.bytePos, o.runePos, clamp(b, o.n)) }

// ByteToUTF16 converts a byte offset to a UTF-16 code unit offset.
func (o *Offsets) ByteToUTF16(b int) int { return conv(o.bytePos, o.u16Pos, clamp(b, o.n)) }

// RuneToByte converts a code point offset to a byte offset.
func (o *Offsets) RuneToByte(r int) int {
	if r < 0 {
		r = 0
	}
	b := conv(o.runePos, o.bytePos, r)
	return clamp(b, o.n)
}

// UTF16ToByte converts a UTF-16 code unit offset to a byte offset. An offset
// inside a surrogate pair maps to the start of its rune.
func (o *Offsets) UTF16ToByte(u int) int {
	if u < 0 {
		u = 0
	}
	i := sort.SearchInts(o.u16Pos, u+1) - 1
	if i < 0 {
		i = 0
	}
	b := o.bytePos[i] + (u - o.u16Pos[i])
	// inside a multi-byte rune's range between two checkpoints only happens
	// for the second unit of a surrogate pair; the checkpoint pairs make the
	// arithmetic exact otherwise.
	if i+1 < len(o.bytePos) && b > o.bytePos[i+1] {
		b = o.bytePos[i+1]
	}
	return clamp(b, o.n)
}

// SpanToRunes converts a byte span to code point offsets.
func (o *Offsets) SpanToRunes(s Span) (start, end int) {
	return o.ByteToRune(s.Start), o.ByteToRune(s.End)
}

// SpanToUTF16 converts a byte span to UTF-16 code unit offsets.
func (o *Offsets) SpanToUTF16(s Span) (start, end int) {
	return o.ByteToUTF16(s.Start), o.ByteToUTF16(s.End)
}

func clamp(x, n int) int {
	if x < 0 {
		return 0
	}
	if x > n {
		return n
	}
	return x
}
