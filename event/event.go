// Package event is the "events" analyzer: who did what to whom, where and
// when, each with the sentence that says so.
//
// Triggers are found by a verb-pattern dictionary (event/data: patterns
// derived from PETRARCH2's CAMEO verb dictionary plus newslens's own),
// matched over the text layer's tokens with a simple lemmatiser. Each
// pattern carries a CAMEO code and a PLOVER type. Source and target come
// from the entities analyzer's mentions in the trigger's clause, without a
// parser: the nearest mention to the left is the source and the nearest to
// the right the target, with passives ("X was attacked by Y") and nominal
// triggers ("the liberation of X by Y") swapped by the "by" phrase. Place
// and date come from the places and figures analyzers; the mode (negated,
// hypothetical, threatened, reported) from cue words and from the quotes
// analyzer's content spans.
package event

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/newslens/newslens/document"
)

//go:embed data/petrarch.txt data/extra.txt
var dataFS embed.FS

// Version is bumped whenever the analyzer's output changes.
const Version = "0.2.0"

// Limits that bound the work on hostile input.
const (
	maxSentenceTokens = 300 // tokens of one sentence searched for triggers
	maxEventsPerSent  = 12
	postWindow        = 6 // tokens after the trigger a pattern's words may spread over
)

// Options configures the analyzer. The zero value uses the embedded
// dictionary.
type Options struct {
	// Dict, if set, names dictionary files read after the embedded ones:
	// they add patterns and override identical ones (see docs/format.md).
	Dict []string
	// ReplaceDict drops the embedded dictionary and reads only Dict.
	ReplaceDict bool
	// MinConfidence drops events less confident than this; zero means
	// DefaultMinConfidence, a negative value keeps every match.
	MinConfidence float64
}

// DefaultMinConfidence keeps events with an actor or a specific pattern
// and drops bare light verbs and noun readings (see event's confidence).
const DefaultMinConfidence = 0.5

// Analyzer finds events. It is safe for concurrent use.
type Analyzer struct {
	dict    *Dictionary
	minConf float64
}

// New loads the dictionaries.
func New(opts Options) (*Analyzer, error) {
	files := map[string]io.Reader{}
	var order []string
	if !opts.ReplaceDict {
		for _, n := range []string{"data/petrarch.txt", "data/extra.txt"} {
			f, err := dataFS.Open(n)
			if err != nil {
				return nil, fmt.Errorf("events: %w", err)
			}
			defer f.Close()
			files[n] = f
			order = append(order, n)
		}
	}
	for _, p := range opts.Dict {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("events dictionary: %w", err)
		}
		defer f.Close()
		files[p] = f
		order = append(order, p)
	}
	d, err := LoadDictionary(files, order)
	if err != nil {
		return nil, err
	}
	mc := opts.MinConfidence
	if mc == 0 {
		mc = DefaultMinConfidence
	}
	return &Analyzer{dict: d, minConf: mc}, nil
}

// NewFromFS loads dictionary files from fsys, in order.
func NewFromFS(fsys fs.FS, names ...string) (*Analyzer, error) {
	files := map[string]io.Reader{}
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, fmt.Errorf("events dictionary: %w", err)
		}
		defer f.Close()
		files[n] = f
	}
	d, err := LoadDictionary(files, names)
	if err != nil {
		return nil, err
	}
	return &Analyzer{dict: d, minConf: DefaultMinConfidence}, nil
}

// Dictionary returns the compiled dictionary.
func (a *Analyzer) Dictionary() *Dictionary { return a.dict }

// Name implements pipeline.Analyzer.
func (a *Analyzer) Name() string { return "events" }

// Version implements pipeline.Analyzer.
func (a *Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer.
func (a *Analyzer) Requires() []string { return []string{"entities", "places", "figures", "quotes"} }

// mention is an actor candidate: an entity annotation.
type mention struct {
	span     document.Span
	entityID string
	label    string
}

type placeRef struct {
	span  document.Span
	attrs map[string]any
}

type quoteRef struct {
	content document.Span
	cue     document.Span
	source  document.Span
	hasCue  bool
	speaker string
	entity  string
}

// Analyze implements pipeline.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	var ments []mention
	var places []placeRef
	var dates []document.Annotation
	var quotes []quoteRef
	for _, an := range doc.Annotations {
		switch an.Kind {
		case "entity":
			id, _ := an.Attrs["entity_id"].(string)
			ments = append(ments, mention{span: an.Span, entityID: id, label: an.Label})
		case "place":
			if r, ok := an.Attrs["resolved"].(bool); ok && !r {
				continue
			}
			places = append(places, placeRef{span: an.Span, attrs: an.Attrs})
		case "date":
			if _, ok := an.Attrs["iso"].(string); ok {
				dates = append(dates, an)
			}
		case "quote":
			c, ok := an.Parts["content"]
			if !ok {
				continue
			}
			sp, _ := an.Attrs["speaker"].(string)
			if sp == "" {
				if s, ok := an.Parts["source"]; ok {
					sp = doc.Text[s.Start:s.End]
				}
			}
			en, _ := an.Attrs["speaker_entity"].(string)
			q := quoteRef{content: c, speaker: sp, entity: en}
			if cue, ok := an.Parts["cue"]; ok {
				if src, ok := an.Parts["source"]; ok {
					q.cue, q.source, q.hasCue = cue, src, true
				}
			}
			quotes = append(quotes, q)
		}
	}
	sort.Slice(ments, func(i, j int) bool { return ments[i].span.Start < ments[j].span.Start })
	lem := make([]string, 0, 64)
	// news repeats its words; lemmatise each distinct form once per document
	cache := make(map[string]string, 512)
	for si, s := range doc.Sentences {
		if si%64 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("events: %w", err)
			}
		}
		end := s.EndToken
		if end-s.FirstToken > maxSentenceTokens {
			end = s.FirstToken + maxSentenceTokens
		}
		toks := doc.Tokens[s.FirstToken:end]
		lem = lem[:0]
		for _, t := range toks {
			w := doc.Text[t.Start:t.End]
			l, ok := cache[w]
			if !ok {
				l = a.dict.Lemma(strings.ToLower(w))
				cache[w] = l
			}
			lem = append(lem, l)
		}
		sent := sentence{doc: doc, a: a, span: s.Span, toks: toks, lem: lem, ments: ments, places: places, dates: dates, quotes: quotes}
		for _, ev := range sent.events() {
			doc.Add(ev)
		}
	}
	return nil
}
