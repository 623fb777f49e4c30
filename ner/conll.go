package ner

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Sentence is a tokenised sentence with one tag per token (IOB1, IOB2 or
// BILOU; read them with [Spans]).
type Sentence struct {
	Words []string
	Tags  []string
}

// Doc is a document: sentences that share context. CoNLL files separate
// documents with -DOCSTART- lines; files without them are one document per
// docSize sentences (see ReadCoNLL).
type Doc struct {
	Sentences []Sentence
}

// ReadCoNLL reads a CoNLL-style file: one token per line, the word in the
// first column and the tag in the last, blank lines between sentences and
// -DOCSTART- lines between documents. Files without document markers are cut
// into documents of 50 sentences so that document features stay bounded.
func ReadCoNLL(r io.Reader) ([]Doc, error) {
	const docSize = 50
	var docs []Doc
	var cur Doc
	var s Sentence
	markers := false
	flushSent := func() {
		if len(s.Words) > 0 {
			cur.Sentences = append(cur.Sentences, s)
			s = Sentence{}
			if !markers && len(cur.Sentences) >= docSize {
				docs = append(docs, cur)
				cur = Doc{}
			}
		}
	}
	flushDoc := func() {
		flushSent()
		if len(cur.Sentences) > 0 {
			docs = append(docs, cur)
		}
		cur = Doc{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(t) == "" {
			flushSent()
			continue
		}
		if strings.HasPrefix(t, "-DOCSTART-") {
			markers = true
			flushDoc()
			continue
		}
		f := strings.Fields(t)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: want at least 2 columns, got %q", line, t)
		}
		s.Words = append(s.Words, f[0])
		s.Tags = append(s.Tags, f[len(f)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line, err)
	}
	flushDoc()
	return docs, nil
}

// Span is an entity over tokens [Start, End) of a sentence.
type Span struct {
	Start, End int
	Type       string
	// Confidence is the tagger's confidence in the span, in (0, 1]; 0 for
	// gold spans.
	Confidence float64
}

// Spans decodes entity spans from tags in IOB1, IOB2 or BILOU. An entity
// starts at every B-X, U-X and S-X, and at every I-X or L-X/E-X whose
// previous tag is not of type X; it ends at O, at a tag of another type, and
// after U-X/S-X and L-X/E-X. This is conlleval's rule, and gives the same
// spans for IOB1 and IOB2.
func Spans(tags []string) []Span {
	var out []Span
	open := -1
	typ := ""
	closeAt := func(i int) {
		if open >= 0 {
			out = append(out, Span{Start: open, End: i, Type: typ})
		}
		open, typ = -1, ""
	}
	for i, t := range tags {
		p, x := splitTag(t)
		switch {
		case p == 'O':
			closeAt(i)
		case p == 'B' || p == 'U' || p == 'S' || open < 0 || x != typ:
			closeAt(i)
			open, typ = i, x
		}
		if p == 'U' || p == 'S' || p == 'L' || p == 'E' {
			closeAt(i + 1)
		}
	}
	closeAt(len(tags))
	return out
}

// splitTag splits "B-PER" into 'B' and "PER"; "O" and malformed tags give 'O'.
func splitTag(t string) (byte, string) {
	if len(t) < 3 || t[1] != '-' {
		return 'O', ""
	}
	switch t[0] {
	case 'B', 'I', 'L', 'U', 'E', 'S':
		return t[0], t[2:]
	}
	return 'O', ""
}
