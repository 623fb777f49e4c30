package sqlstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/newslens/newslens/document"
)

// The stored body of a document is a compact binary encoding of everything
// but its text (which has its own column). An analysed article carries
// about ten times its text in annotations (35 KB of JSON for 3 KB of text
// is typical), and encoding that as JSON (sorting and quoting every
// attribute map) was the largest single cost of Put. The binary form:
//
//	bodyMagicV2
//	uvarint len, JSON of the document's small fields (ID, URL, outlet,
//	  title, authors, published, language, blocks, embeds, links,
//	  extraction, analyzers)
//	sentences: uvarint n, then start, end, first token, end token
//	annotations: uvarint n, then per annotation the fields below
//	entities: uvarint n, then per entity its fields
//	summaries: a map value (see putAny)
//
// Strings up to internMax bytes are interned per body: the first
// occurrence is written inline and later ones by index, so attribute keys,
// kinds, analyzer names and versions cost a byte or two each. An
// annotation's Text is left out when it equals Text[Start:End] (what
// Document.Add sets) and restored on decoding. Attribute and summary
// values decode to what encoding/json gives (float64 numbers, []any,
// map[string]any); values of other Go types are stored as their JSON.
const bodyMagicV2 = "\x00d2"

const internMax = 64

// Value tags of putAny.
const (
	tagNil = iota
	tagFalse
	tagTrue
	tagInt // a float64 holding an integer, zigzag varint
	tagFloat
	tagString
	tagList
	tagMap
	tagJSON // any other Go value, as its JSON
)

type encoder struct {
	b       []byte
	strings map[string]uint64
}

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)        { e.b = binary.AppendVarint(e.b, int64(v)) }

// str writes a string: x&1 == 1 is a reference to interned string x>>1;
// x&3 == 0 starts a new interned string of x>>2 bytes; x&3 == 2 a
// string of x>>2 bytes that is not interned.
func (e *encoder) str(s string) {
	if len(s) > internMax {
		e.uvarint(uint64(len(s))<<2 | 2)
		e.b = append(e.b, s...)
		return
	}
	if i, ok := e.strings[s]; ok {
		e.uvarint(i<<1 | 1)
		return
	}
	e.strings[s] = uint64(len(e.strings))
	e.uvarint(uint64(len(s)) << 2)
	e.b = append(e.b, s...)
}

func (e *encoder) float(f float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *encoder) any(v any) error {
	switch x := v.(type) {
	case nil:
		e.b = append(e.b, tagNil)
	case bool:
		if x {
			e.b = append(e.b, tagTrue)
		} else {
			e.b = append(e.b, tagFalse)
		}
	case string:
		e.b = append(e.b, tagString)
		e.str(x)
	case float64:
		e.number(x)
	case float32:
		e.number(float64(x))
	case int:
		e.number(float64(x))
	case int64:
		e.number(float64(x))
	case int32:
		e.number(float64(x))
	case []any:
		e.b = append(e.b, tagList)
		e.uvarint(uint64(len(x)))
		for _, y := range x {
			if err := e.any(y); err != nil {
				return err
			}
		}
	case map[string]any:
		e.b = append(e.b, tagMap)
		if err := e.attrs(x); err != nil {
			return err
		}
	default:
		js, err := json.Marshal(x)
		if err != nil {
			return err
		}
		e.b = append(e.b, tagJSON)
		e.uvarint(uint64(len(js)))
		e.b = append(e.b, js...)
	}
	return nil
}

func (e *encoder) number(f float64) {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 && !(f == 0 && math.Signbit(f)) {
		e.b = append(e.b, tagInt)
		e.b = binary.AppendVarint(e.b, int64(f))
		return
	}
	e.b = append(e.b, tagFloat)
	e.float(f)
}

func (e *encoder) attrs(m map[string]any) error {
	// Map order is random, so the same document can encode to different
	// bytes; sorting the keys of every attribute map cost a fifth of the
	// encoding, and nothing compares bodies byte for byte.
	e.uvarint(uint64(len(m)))
	for k, v := range m {
		e.str(k)
		if err := e.any(v); err != nil {
			return fmt.Errorf("attribute %s: %w", k, err)
		}
	}
	return nil
}

// Annotation flags.
const (
	annTextOwn = 1 << iota // Text differs from the span's slice and follows
	annParts
	annAttrs
)

// encodeBody serialises the document without its text.
func encodeBody(doc *document.Document) ([]byte, error) {
	var e encoder
	return e.body(doc)
}

// body serialises the document without its text into a new slice. An
// encoder reused for many documents (one per precompute worker) keeps
// its buffer and intern table: allocating and growing them for every
// document was a fifth of the encoding's CPU.
func (e *encoder) body(doc *document.Document) ([]byte, error) {
	if e.strings == nil {
		e.strings = make(map[string]uint64, 512)
	} else {
		clear(e.strings)
	}
	e.b = append(e.b[:0], bodyMagicV2...)
	small := *doc
	small.Text, small.Sentences, small.Annotations, small.Entities, small.Summaries = "", nil, nil, nil, nil
	js, err := json.Marshal(&small)
	if err != nil {
		return nil, err
	}
	e.uvarint(uint64(len(js)))
	e.b = append(e.b, js...)

	e.uvarint(uint64(len(doc.Sentences)))
	for _, s := range doc.Sentences {
		e.int(s.Start)
		e.int(s.End)
		e.int(s.FirstToken)
		e.int(s.EndToken)
	}
	e.uvarint(uint64(len(doc.Annotations)))
	for i := range doc.Annotations {
		a := &doc.Annotations[i]
		var flags byte
		own := !a.Span.Valid(len(doc.Text)) || doc.Text[a.Start:a.End] != a.Text
		if own {
			flags |= annTextOwn
		}
		if len(a.Parts) > 0 {
			flags |= annParts
		}
		if len(a.Attrs) > 0 {
			flags |= annAttrs
		}
		e.b = append(e.b, flags)
		e.str(a.ID)
		e.str(a.Kind)
		e.int(a.Start)
		e.int(a.End)
		if own {
			e.str(a.Text)
		}
		e.str(a.Label)
		if flags&annParts != 0 {
			e.uvarint(uint64(len(a.Parts)))
			for k, p := range a.Parts {
				e.str(k)
				e.int(p.Start)
				e.int(p.End)
			}
		}
		if flags&annAttrs != 0 {
			if err := e.attrs(a.Attrs); err != nil {
				return nil, fmt.Errorf("annotation %s: %w", a.ID, err)
			}
		}
		e.float(a.Confidence)
		e.str(a.Analyzer)
		e.str(a.Version)
	}
	e.uvarint(uint64(len(doc.Entities)))
	for i := range doc.Entities {
		en := &doc.Entities[i]
		e.str(en.ID)
		e.str(en.Type)
		e.str(en.Name)
		e.strs(en.Aliases)
		e.strs(en.Mentions)
		if err := e.attrs(en.Attrs); err != nil {
			return nil, fmt.Errorf("entity %s: %w", en.ID, err)
		}
	}
	// Summaries are analyzer-defined values of any Go type.
	if doc.Summaries == nil {
		e.b = append(e.b, tagNil)
	} else {
		e.b = append(e.b, tagMap)
		if err := e.attrs(doc.Summaries); err != nil {
			return nil, fmt.Errorf("summaries: %w", err)
		}
	}
	return bytes.Clone(e.b), nil
}

// strs writes a string list; nil and empty differ (a JSON round trip
// keeps that difference for fields without omitempty).
func (e *encoder) strs(ss []string) {
	if ss == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.str(s)
	}
}

var errCorrupt = errors.New("corrupt body")

type decoder struct {
	b       []byte
	strings []string
	err     error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// count reads a length and checks it against the bytes left (every
// element takes at least one byte), so corrupt input cannot allocate much.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) bytes(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) str() string {
	x := d.uvarint()
	if d.err != nil {
		return ""
	}
	switch {
	case x&1 == 1:
		i := x >> 1
		if i >= uint64(len(d.strings)) {
			d.fail()
			return ""
		}
		return d.strings[i]
	case x&3 == 2:
		return string(d.bytes(x >> 2))
	}
	s := string(d.bytes(x >> 2))
	if d.err == nil {
		d.strings = append(d.strings, s)
	}
	return s
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) float() float64 {
	b := d.bytes(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) any(depth int) any {
	if depth > 64 {
		d.fail()
		return nil
	}
	switch d.byte() {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return float64(d.int())
	case tagFloat:
		return d.float()
	case tagString:
		return d.str()
	case tagList:
		n := d.count()
		out := make([]any, n)
		for i := range out {
			out[i] = d.any(depth + 1)
		}
		return out
	case tagMap:
		m := d.attrs(depth + 1)
		if m == nil {
			m = map[string]any{} // inside a value, {} stays {}
		}
		return m
	case tagJSON:
		js := d.bytes(d.uvarint())
		var v any
		if d.err == nil {
			if err := json.Unmarshal(js, &v); err != nil {
				d.fail()
			}
		}
		return v
	}
	d.fail()
	return nil
}

// attrs reads a map; an empty one decodes to nil, as omitempty JSON does.
func (d *decoder) attrs(depth int) map[string]any {
	n := d.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]any, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.str()
		m[k] = d.any(depth)
	}
	return m
}

// decodeBody fills doc (whose Text is already set) from a binary body.
func decodeBody(b []byte, doc *document.Document) error {
	d := decoder{b: b[len(bodyMagicV2):]}
	js := d.bytes(d.uvarint())
	if d.err != nil {
		return d.err
	}
	text := doc.Text
	if err := json.Unmarshal(js, doc); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	doc.Text = text
	if n := d.count(); n > 0 {
		doc.Sentences = make([]document.Sentence, n)
		for i := range doc.Sentences {
			s := &doc.Sentences[i]
			s.Start, s.End, s.FirstToken, s.EndToken = d.int(), d.int(), d.int(), d.int()
		}
	}
	if n := d.count(); n > 0 {
		doc.Annotations = make([]document.Annotation, n)
		for i := 0; i < n && d.err == nil; i++ {
			a := &doc.Annotations[i]
			flags := d.byte()
			a.ID = d.str()
			a.Kind = d.str()
			a.Start, a.End = d.int(), d.int()
			if flags&annTextOwn != 0 {
				a.Text = d.str()
			} else if a.Span.Valid(len(text)) {
				a.Text = text[a.Start:a.End]
			} else {
				d.fail()
			}
			a.Label = d.str()
			if flags&annParts != 0 {
				np := d.count()
				a.Parts = make(map[string]document.Span, np)
				for j := 0; j < np && d.err == nil; j++ {
					k := d.str()
					a.Parts[k] = document.Span{Start: d.int(), End: d.int()}
				}
			}
			if flags&annAttrs != 0 {
				a.Attrs = d.attrs(0)
			}
			a.Confidence = d.float()
			a.Analyzer = d.str()
			a.Version = d.str()
		}
	}
	if n := d.count(); n > 0 {
		doc.Entities = make([]document.Entity, n)
		for i := 0; i < n && d.err == nil; i++ {
			en := &doc.Entities[i]
			en.ID, en.Type, en.Name = d.str(), d.str(), d.str()
			en.Aliases = d.strs()
			en.Mentions = d.strs()
			en.Attrs = d.attrs(0)
		}
	}
	if v, ok := d.any(0).(map[string]any); ok && len(v) > 0 {
		doc.Summaries = v
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return fmt.Errorf("decode body: %w", d.err)
	}
	return nil
}
