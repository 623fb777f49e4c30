package sqlstore

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/newslens/newslens/document"
)

// loadBody rebuilds a stored document from its text and body, in any of
// the stored formats: binary (codec.go), deflated JSON, or JSON.
func loadBody(text string, body []byte) (*document.Document, error) {
	doc := &document.Document{Text: text}
	if bytes.HasPrefix(body, []byte(bodyMagicV2)) {
		if err := decodeBody(body, doc); err != nil {
			return nil, err
		}
		return doc, nil
	}
	js, err := unpackBody(body)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := json.Unmarshal(js, doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	doc.Text = text
	return doc, nil
}

// Bodies written before the binary format (codec.go) are JSON; SQLite
// stored them deflated: the annotations of an
// analysed article are about ten times its text (35 KB of JSON for 3 KB of
// text is typical), and writing, WAL-logging and caching those bytes cost
// more than deflating them at the fastest level. A packed body starts with
// bodyMagic; rows written before compression start with '{' and are read
// as they are.
const bodyMagic = "\x00d1"

// flateWriters pools compressors: a flate.Writer allocates about 1 MB.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return w
}}

// packBody deflates a JSON body.
func packBody(js []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(js)/4 + len(bodyMagic))
	buf.WriteString(bodyMagic)
	w := flateWriters.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write(js) // writes to a bytes.Buffer do not fail
	w.Close()
	flateWriters.Put(w)
	return buf.Bytes()
}

// unpackBody returns the JSON of a stored body, packed or not.
func unpackBody(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(bodyMagic)) {
		return b, nil
	}
	r := flate.NewReader(bytes.NewReader(b[len(bodyMagic):]))
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("inflate body: %w", err)
	}
	return out, nil
}
