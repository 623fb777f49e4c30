// Package document is the newslens data model: a news article's canonical
// clean text and every fact about it as a byte span into that text.
//
// The contract every analyzer, the store, the API and the Beam pipeline write
// to is simple:
//
//   - [Document.Text] is the only copy of the article's text. It is valid UTF-8.
//   - Every [Span] is a half-open byte range [Start, End) into Text, on UTF-8
//     boundaries.
//   - Analyzers add [Annotation]s (one kind each, e.g. "entity", "place",
//     "quote"), document-level [Entity] records, and per-analyzer summaries.
//
// This package imports only the standard library.
package document

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// FormatVersion is the version of the JSON format in docs/format.md.
const FormatVersion = "1"

// Span is a half-open byte range [Start, End) into Document.Text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the span's length in bytes.
func (s Span) Len() int { return s.End - s.Start }

// Valid reports whether s lies within a text of n bytes and is not reversed.
func (s Span) Valid(n int) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= n }

// Overlaps reports whether s and o share at least one byte.
func (s Span) Overlaps(o Span) bool { return s.Start < o.End && o.Start < s.End }

// Contains reports whether o lies inside s.
func (s Span) Contains(o Span) bool { return s.Start <= o.Start && o.End <= s.End }

// Block kinds: the structural parts of an article's text.
const (
	BlockTitle      = "title"      // the headline, when it is part of Text
	BlockStandfirst = "standfirst" // the lead or dek under the headline
	BlockHeading    = "heading"    // a section heading
	BlockParagraph  = "paragraph"
	BlockQuote      = "blockquote"
	BlockCaption    = "caption" // a caption kept in the text (captions of embeds usually are not)
	BlockList       = "list"
	BlockTable      = "table"
)

// Block is a structural span of the text: a heading, a paragraph, a caption...
type Block struct {
	Kind string `json:"kind"`
	Span
	Level int `json:"level,omitempty"` // heading level where known (1 = headline)
}

// Embed is media the page carries: a video, an image, a tweet. Its caption is
// recorded here, not in the body text.
type Embed struct {
	Kind    string `json:"kind"` // "video", "image", "social", "other"
	URL     string `json:"url,omitempty"`
	Caption string `json:"caption,omitempty"`
	// Span is the anchor of the embed in Text, when the text has one.
	Span *Span `json:"span,omitempty"`
}

// Link is a hyperlink of the article body.
type Link struct {
	URL  string `json:"url"`
	Span *Span  `json:"span,omitempty"` // the anchor text in Text, when present
}

// Extraction says how the text was obtained.
type Extraction struct {
	Source  string   `json:"source"`            // "html", "text", "jsonl"
	Method  string   `json:"method,omitempty"`  // e.g. "trafilatura", "readability", "plaintext"
	Charset string   `json:"charset,omitempty"` // the input charset before conversion to UTF-8
	Input   string   `json:"input,omitempty"`   // the file, URL or record the document came from
	Removed []string `json:"removed,omitempty"` // boilerplate lines removed from plain text
	Notes   []string `json:"notes,omitempty"`   // warnings and decisions worth showing a user
	Bytes   int      `json:"bytes,omitempty"`   // size of the raw input
}

// Token is a word or punctuation token of the text layer.
type Token struct {
	Span
	Kind TokenKind `json:"kind"`
}

// TokenKind classifies a token.
type TokenKind uint8

// Token kinds.
const (
	TokWord TokenKind = iota
	TokNumber
	TokPunct
	TokSymbol
	TokURL
)

// Sentence is a sentence of the text layer, with the index range of its
// tokens in Document.Tokens.
type Sentence struct {
	Span
	FirstToken int `json:"first_token"`
	EndToken   int `json:"end_token"` // exclusive
}

// Annotation is one fact with its evidence: a span of Text.
type Annotation struct {
	// ID is unique within the document ("a1", "a2", ...); assigned by Document.Add.
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Span
	// Text is the surface text Text[Start:End], kept for readers of the JSON.
	Text string `json:"text"`
	// Label is the annotation's main type within its kind: "PER" for an entity,
	// "killed" for a count, "Loaded_Language" for a technique, "direct" for a quote.
	Label string `json:"label,omitempty"`
	// Parts are named sub-spans: a quote's "content", "cue" and "source"; an
	// event's "trigger", "actor" and "target"; a count's "number" and "object".
	Parts map[string]Span `json:"parts,omitempty"`
	// Attrs are typed attributes of the kind, documented in docs/format.md.
	Attrs      map[string]any `json:"attrs,omitempty"`
	Confidence float64        `json:"confidence"`
	Analyzer   string         `json:"analyzer"`
	Version    string         `json:"version"`
}

// Entity is a real-world actor or thing mentioned in the document, merged from
// its mentions (annotation IDs).
type Entity struct {
	// ID is the corpus-stable canonical id (see docs/format.md).
	ID       string         `json:"id"`
	Type     string         `json:"type"` // PER, ORG, LOC, MISC
	Name     string         `json:"name"` // canonical name
	Aliases  []string       `json:"aliases,omitempty"`
	Mentions []string       `json:"mentions"` // annotation IDs
	Attrs    map[string]any `json:"attrs,omitempty"`
}

// Document is one article: metadata, canonical text, structure and facts.
type Document struct {
	ID        string     `json:"id"` // content hash of Text (see NewID)
	URL       string     `json:"url,omitempty"`
	Outlet    string     `json:"outlet,omitempty"` // site name or host
	Title     string     `json:"title,omitempty"`
	Authors   []string   `json:"authors,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Language  string     `json:"language,omitempty"`
	Text      string     `json:"text"`

	Blocks     []Block    `json:"blocks,omitempty"`
	Embeds     []Embed    `json:"embeds,omitempty"`
	Links      []Link     `json:"links,omitempty"`
	Extraction Extraction `json:"extraction"`

	Sentences []Sentence `json:"sentences,omitempty"`
	// Tokens are not serialised: they are cheap to recompute and large.
	Tokens []Token `json:"-"`

	Annotations []Annotation `json:"annotations,omitempty"`
	Entities    []Entity     `json:"entities,omitempty"`
	// Summaries holds per-analyzer document-level results (tone, focus places,
	// technique density), keyed by analyzer name.
	Summaries map[string]any `json:"summaries,omitempty"`
	// Analyzers records the name and version of every analyzer that ran.
	Analyzers map[string]string `json:"analyzers,omitempty"`

	nextID int
}

// NewID returns the content hash used as a document id: the first 16 bytes of
// SHA-256 over the URL and the text, hex-encoded.
func NewID(url, text string) string {
	h := sha256.New()
	h.Write([]byte(url))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Slice returns the text of s, or "" when s is out of bounds.
func (d *Document) Slice(s Span) string {
	if !s.Valid(len(d.Text)) {
		return ""
	}
	return d.Text[s.Start:s.End]
}

// Add appends an annotation, filling its ID and surface text, and returns the
// ID. It rejects spans that are out of bounds or off UTF-8 boundaries, so an
// analyzer bug surfaces as an error rather than bad evidence.
func (d *Document) Add(a Annotation) (string, error) {
	if err := d.CheckSpan(a.Span); err != nil {
		return "", fmt.Errorf("annotation %s %q: %w", a.Kind, a.Label, err)
	}
	for name, p := range a.Parts {
		if err := d.CheckSpan(p); err != nil {
			return "", fmt.Errorf("annotation %s part %s: %w", a.Kind, name, err)
		}
	}
	if d.nextID == 0 {
		d.nextID = len(d.Annotations)
	}
	d.nextID++
	a.ID = fmt.Sprintf("a%d", d.nextID)
	for d.hasID(a.ID) {
		d.nextID++
		a.ID = fmt.Sprintf("a%d", d.nextID)
	}
	a.Text = d.Text[a.Start:a.End]
	d.Annotations = append(d.Annotations, a)
	return a.ID, nil
}

func (d *Document) hasID(id string) bool {
	// IDs are assigned in increasing order, so only a document decoded from
	// JSON and then extended can collide; check the tail cheaply.
	for i := len(d.Annotations) - 1; i >= 0 && i >= len(d.Annotations)-4; i-- {
		if d.Annotations[i].ID == id {
			return true
		}
	}
	return false
}

// CheckSpan returns an error unless s lies within Text on UTF-8 boundaries.
func (d *Document) CheckSpan(s Span) error {
	if !s.Valid(len(d.Text)) {
		return fmt.Errorf("span [%d,%d) outside text of %d bytes", s.Start, s.End, len(d.Text))
	}
	if !boundary(d.Text, s.Start) || !boundary(d.Text, s.End) {
		return fmt.Errorf("span [%d,%d) not on UTF-8 boundaries", s.Start, s.End)
	}
	return nil
}

func boundary(s string, i int) bool {
	return i == 0 || i == len(s) || utf8.RuneStart(s[i])
}

// Of returns the annotations of the given kind, in text order.
func (d *Document) Of(kind string) []Annotation {
	var out []Annotation
	for _, a := range d.Annotations {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Annotation returns the annotation with the given ID.
func (d *Document) Annotation(id string) (Annotation, bool) {
	for _, a := range d.Annotations {
		if a.ID == id {
			return a, true
		}
	}
	return Annotation{}, false
}

// SetSummary records an analyzer's document-level result.
func (d *Document) SetSummary(analyzer string, v any) {
	if d.Summaries == nil {
		d.Summaries = make(map[string]any)
	}
	d.Summaries[analyzer] = v
}

// BlocksOf returns the blocks of the given kind.
func (d *Document) BlocksOf(kind string) []Block {
	var out []Block
	for _, b := range d.Blocks {
		if b.Kind == kind {
			out = append(out, b)
		}
	}
	return out
}

// BlockAt returns the block containing byte offset i, if any.
func (d *Document) BlockAt(i int) (Block, bool) {
	j := sort.Search(len(d.Blocks), func(k int) bool { return d.Blocks[k].End > i })
	if j < len(d.Blocks) && d.Blocks[j].Start <= i {
		return d.Blocks[j], true
	}
	return Block{}, false
}

// TokensIn returns the tokens that lie inside s.
func (d *Document) TokensIn(s Span) []Token {
	i := sort.Search(len(d.Tokens), func(k int) bool { return d.Tokens[k].Start >= s.Start })
	j := i
	for j < len(d.Tokens) && d.Tokens[j].End <= s.End {
		j++
	}
	return d.Tokens[i:j]
}

// Validate checks the document's invariants: valid UTF-8 text, and every span
// in bounds and on rune boundaries. Tests and the fuzzers call it.
func (d *Document) Validate() error {
	if !utf8.ValidString(d.Text) {
		return fmt.Errorf("document %s: text is not valid UTF-8", d.ID)
	}
	var errs []string
	check := func(what string, s Span) {
		if err := d.CheckSpan(s); err != nil {
			errs = append(errs, what+": "+err.Error())
		}
	}
	for i, b := range d.Blocks {
		check(fmt.Sprintf("block %d (%s)", i, b.Kind), b.Span)
	}
	for i, e := range d.Embeds {
		if e.Span != nil {
			check(fmt.Sprintf("embed %d", i), *e.Span)
		}
	}
	for i, l := range d.Links {
		if l.Span != nil {
			check(fmt.Sprintf("link %d", i), *l.Span)
		}
	}
	for i, s := range d.Sentences {
		check(fmt.Sprintf("sentence %d", i), s.Span)
	}
	for i, t := range d.Tokens {
		check(fmt.Sprintf("token %d", i), t.Span)
	}
	for _, a := range d.Annotations {
		check("annotation "+a.ID, a.Span)
		if a.Text != d.Slice(a.Span) {
			errs = append(errs, "annotation "+a.ID+": surface text does not match span")
		}
		for n, p := range a.Parts {
			check("annotation "+a.ID+" part "+n, p)
		}
	}
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], fmt.Sprintf("and %d more", len(errs)-10))
		}
		return fmt.Errorf("document %s: %s", d.ID, strings.Join(errs, "; "))
	}
	return nil
}
