// Package figure is the "figures" analyzer: counts of people with an event
// type ("25,000 civilians trapped"), amounts of money, percentages and
// quantities ("£200m", "3%", "40 km"), and dates resolved on a timeline
// ("In July" → 2017-07 against the publication date or the latest full date
// in the text).
//
// It is rule-based: number parsing, small word lists and a fixed window
// around each number, one pass over the tokens of each sentence. The
// taxonomy of count types and every attribute are documented in
// docs/format.md under "Figures".
package figure

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// Name and Version identify the analyzer in documents.
const (
	Name    = "figures"
	Version = "1"
)

// maxTokens bounds the work on one document: beyond it the rest of the
// text is not scanned (a news article has far fewer tokens).
const maxTokens = 400_000

// Analyzer finds counts, amounts and dates. The zero value is ready to use
// and safe for concurrent use: it holds no state.
type Analyzer struct{}

// New returns the figures analyzer.
func New() *Analyzer { return &Analyzer{} }

// Name implements pipeline.Analyzer.
func (*Analyzer) Name() string { return Name }

// Version implements pipeline.Analyzer.
func (*Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer.
func (*Analyzer) Requires() []string { return nil }

// Analyze adds "count", "amount" and "date" annotations to doc.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	if len(doc.Tokens) == 0 && doc.Text != "" {
		text.Segment(doc)
	}
	figs := Find(ctx, doc.Text, doc.Tokens, doc.Sentences, doc.Published)
	for _, f := range figs {
		if _, err := doc.Add(f); err != nil {
			return fmt.Errorf("figures: %w", err)
		}
	}
	return ctx.Err()
}

// scan is the working state over one sentence's tokens.
type scan struct {
	src  string
	toks []document.Token
	low  []string // lower-cased, typographically normalised token text
	used []bool   // tokens already part of a figure

	prevEnd  int    // last token of the previous count in the sentence, or -1
	prevType string // its type
	health   bool   // the document is about disease rather than violence
}

func (s *scan) raw(i int) string { return s.src[s.toks[i].Start:s.toks[i].End] }

// isCap reports whether token i starts with an upper-case letter.
func (s *scan) isCap(i int) bool {
	r, _ := utf8.DecodeRuneInString(s.raw(i))
	return unicode.IsUpper(r)
}

func (s *scan) span(i, j int) document.Span {
	return document.Span{Start: s.toks[i].Start, End: s.toks[j-1].End}
}

func lowerToken(t string) string {
	ascii, lower := true, true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			lower = false
		}
	}
	if ascii {
		if lower {
			return t // no allocation for the common case
		}
		return strings.ToLower(t)
	}
	n, _ := text.Normalize(t)
	return strings.ToLower(n)
}

// Find returns the figure annotations of a text given its tokens and
// sentences. published may be nil; relative dates are then resolved
// against the latest full date in the text. Annotations are in text order
// within each kind and are not yet added to a document.
func Find(ctx context.Context, src string, toks []document.Token, sents []document.Sentence, published *time.Time) []document.Annotation {
	if len(toks) > maxTokens {
		toks = toks[:maxTokens]
	}
	if len(sents) == 0 && len(toks) > 0 {
		sents = []document.Sentence{{Span: document.Span{Start: toks[0].Start, End: toks[len(toks)-1].End}, EndToken: len(toks)}}
	}
	low := make([]string, len(toks))
	for i, t := range toks {
		low[i] = lowerToken(src[t.Start:t.End])
	}
	var dates []dateFig
	var out []document.Annotation
	used := make([]bool, len(toks))
	health := healthContext(low)
	for si, st := range sents {
		if si%64 == 0 && ctx.Err() != nil {
			return out
		}
		if st.FirstToken >= len(toks) {
			break
		}
		end := st.EndToken
		if end > len(toks) {
			end = len(toks)
		}
		s := &scan{src: src, toks: toks[st.FirstToken:end], low: low[st.FirstToken:end], used: used[st.FirstToken:end], health: health}
		// dates first: they claim years and day numbers before counts see them
		dates = append(dates, s.findDates()...)
		out = append(out, s.findAmounts()...)
		out = append(out, s.findCounts()...)
	}
	out = append(out, resolveDates(dates, published)...)
	return out
}

func confidence(c float64) float64 { return c }
