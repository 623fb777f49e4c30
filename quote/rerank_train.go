package quote

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// GoldAttr is one gold attribution for reranker training: byte spans into
// the document's text, a zero Span when the part is absent.
type GoldAttr struct {
	Source, Cue, Content document.Span
}

// RerankSet holds the reranker's training examples: one per source or cue
// the analyzer predicted, with its candidates' features and which candidate
// is the gold extent. Each example belongs to a group (the cross-validation
// fold of its article).
type RerankSet struct {
	ex []rrExample
}

type rrExample struct {
	group int
	role  int
	feats []uint32
	offs  []int // candidate i's features are feats[offs[i]:offs[i+1]]
	gold  int   // index of the gold candidate, or -1 when none is
}

// Len returns the number of examples in the set.
func (s *RerankSet) Len() int { return len(s.ex) }

// AddExamples runs a's tagger and rules on doc (segmented and with the
// entities analyzer's output, as the pipeline leaves it) and adds an
// example for every source and cue they find, labelled with gold. a should
// be a tagger that did not see doc in training, so the examples show the
// errors it makes on new text.
func (a *Analyzer) AddExamples(ctx context.Context, set *RerankSet, group int, doc *document.Document, gold []GoldAttr) error {
	s := doc.Text
	if s == "" {
		return nil
	}
	toks, sents := doc.Tokens, doc.Sentences
	if toks == nil || sents == nil {
		toks = text.Tokenize(s)
		sents = text.Sentences(s, toks)
	}
	qs := findQuotes(s)
	marg := make([]uint8, 2*len(toks))
	sentOf := sentIndex(toks, sents)
	attrs, err := a.attributions(ctx, s, toks, sents, sentOf, qs, marg)
	if err != nil {
		return fmt.Errorf("quotes: %w", err)
	}
	ments := findMentions(doc, s, toks)
	subjectSources(s, toks, sentOf, ments, attrs)
	shareSubjects(s, toks, sentOf, attrs)
	tidySources(s, toks, sentOf, attrs)
	d := &rrDoc{s: s, toks: toks, sentOf: sentOf, ments: ments, marg: marg}
	// the filter's examples: keep is right when the cue overlaps a gold
	// cue or the content a gold content (an attribution the tagger found
	// with the wrong cue still carries a real quotation)
	d.eachKeep(attrs, func(i int, cu rrSpan) {
		q := &attrs[i]
		ex := rrExample{group: group, role: rrKeep, gold: 1}
		for _, g := range gold {
			if g.Cue.Len() > 0 && q.cue.Overlaps(g.Cue) || g.Content.Len() > 0 && q.overlapsContent(g.Content.Start, g.Content.End) {
				ex.gold = 0
				break
			}
		}
		for _, c := range []rrSpan{rrKeepSpan, rrDropSpan} {
			ex.offs = append(ex.offs, len(ex.feats))
			ex.feats = d.keepFeatures(q, cu, c, ex.feats)
		}
		ex.offs = append(ex.offs, len(ex.feats))
		set.ex = append(set.ex, ex)
	})
	var cands []rrSpan
	d.each(attrs, func(q *attribution, role int, base rrSpan) {
		st := d.site(q, role, base)
		cands = d.candidates(st, cands)
		if len(cands) < 2 {
			return
		}
		ex := rrExample{group: group, role: role, gold: rrGoldIndex(d, q, role, cands, gold)}
		for _, c := range cands {
			ex.offs = append(ex.offs, len(ex.feats))
			ex.feats = d.features(st, c, ex.feats)
		}
		ex.offs = append(ex.offs, len(ex.feats))
		set.ex = append(set.ex, ex)
	})
	return nil
}

// rrGoldIndex returns the candidate that equals (edges trimmed as the
// scorer trims them) a gold span of role: first those of gold attributions
// whose content or cue overlaps q's, then any.
func rrGoldIndex(d *rrDoc, q *attribution, role int, cands []rrSpan, gold []GoldAttr) int {
	part := func(g GoldAttr) document.Span {
		if role == rrSource {
			return g.Source
		}
		return g.Cue
	}
	related := func(g GoldAttr) bool {
		return g.Content.Len() > 0 && q.content.Overlaps(g.Content) || q.hasCue && g.Cue.Len() > 0 && q.cue.Overlaps(g.Cue)
	}
	if role == rrSource {
		// "no source" is right when the gold attribution that shares
		// the content or cue has none
		for _, g := range gold {
			if related(g) {
				if g.Source.Len() > 0 {
					break
				}
				for ci, c := range cands {
					if c == rrNone {
						return ci
					}
				}
			}
		}
	}
	for pass := 0; pass < 2; pass++ {
		for ci, c := range cands {
			if c == rrNone {
				continue
			}
			cs := rrTrim(d.s, document.Span{Start: d.toks[c.t0].Start, End: d.toks[c.t1-1].End})
			for _, g := range gold {
				if pass == 0 && !related(g) {
					continue
				}
				if p := part(g); p.Len() > 0 && rrTrim(d.s, p) == cs {
					return ci
				}
			}
		}
	}
	return -1
}

// rrTrim drops spaces and punctuation at both edges, as eval's scorer does.
func rrTrim(s string, sp document.Span) document.Span {
	a, b := max(sp.Start, 0), min(sp.End, len(s))
	for a < b {
		r, n := utf8.DecodeRuneInString(s[a:b])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		a += n
	}
	for b > a {
		r, n := utf8.DecodeLastRuneInString(s[a:b])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		b -= n
	}
	return document.Span{Start: a, End: b}
}

// RerankOptions configures Fit. The zero value gives the shipped model's settings.
type RerankOptions struct {
	Epochs int     // passes over the examples (default 12)
	Rate   float64 // SGD step (default 0.15)
	Seed   uint64  // shuffling seed (default 1)
}

// Fit trains a reranker on the examples of every group but holdOut (-1:
// all): multinomial logistic regression over each example's candidates,
// by SGD with averaged weights.
func (s *RerankSet) Fit(ctx context.Context, opts RerankOptions, holdOut int) (*Reranker, error) {
	if opts.Epochs <= 0 {
		opts.Epochs = 12
	}
	if opts.Rate <= 0 {
		opts.Rate = 0.15
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	var idx []int
	for i, ex := range s.ex {
		if ex.group != holdOut && ex.gold >= 0 {
			idx = append(idx, i)
		}
	}
	w := make([]float64, 1<<rrBits)
	acc := make([]float64, 1<<rrBits) // step-weighted updates, for averaging
	c := 1.0
	rng := rand.New(rand.NewPCG(opts.Seed, 11))
	var scores, probs []float64
	for ep := 0; ep < opts.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx {
			ex := &s.ex[i]
			n := len(ex.offs) - 1
			scores, probs = scores[:0], probs[:0]
			top := math.Inf(-1)
			for k := 0; k < n; k++ {
				var v float64
				for _, f := range ex.feats[ex.offs[k]:ex.offs[k+1]] {
					v += w[f]
				}
				scores = append(scores, v)
				top = max(top, v)
			}
			var z float64
			for _, v := range scores {
				p := math.Exp(v - top)
				probs = append(probs, p)
				z += p
			}
			for k := 0; k < n; k++ {
				g := probs[k] / z
				if k == ex.gold {
					g--
				}
				if math.Abs(g) < 1e-4 {
					continue
				}
				step := opts.Rate * g
				for _, f := range ex.feats[ex.offs[k]:ex.offs[k+1]] {
					w[f] -= step
					acc[f] -= c * step
				}
			}
			c++
		}
	}
	// averaged weights, rounded to the int8 grid the model file stores,
	// so that what is scored here is what ships
	top := 0.0
	for i := range w {
		w[i] -= acc[i] / c
		top = max(top, math.Abs(w[i]))
	}
	r := &Reranker{w: make([]float32, 1<<rrBits)}
	if top == 0 {
		return r, nil
	}
	scale := float32(top) / 127
	for i := range w {
		r.w[i] = float32(math.Round(w[i]/top*127)) * scale
	}
	return r, nil
}

// RerankScore counts, for one role, how many examples the tagger's extent
// (base) and the reranker's choice get exactly right, and how many have the
// gold extent among their candidates at all (oracle).
type RerankScore struct {
	Examples int `json:"examples"`
	Oracle   int `json:"oracle"`
	Base     int `json:"base"`
	Reranked int `json:"reranked"`
}

// Score returns the source and cue scores of r on the examples of group
// (-1: all).
func (s *RerankSet) Score(r *Reranker, group int) (source, cue RerankScore) {
	for i := range s.ex {
		ex := &s.ex[i]
		if group >= 0 && ex.group != group {
			continue
		}
		if ex.role == rrKeep {
			continue // see KeepScore
		}
		sc := &source
		if ex.role == rrCue {
			sc = &cue
		}
		sc.Examples++
		if ex.gold < 0 {
			continue
		}
		sc.Oracle++
		if ex.gold == 0 {
			sc.Base++
		}
		best, bs := 0, float32(math.Inf(-1))
		for k := 0; k+1 < len(ex.offs); k++ {
			var v float32
			for _, f := range ex.feats[ex.offs[k]:ex.offs[k+1]] {
				v += r.w[f]
			}
			if v > bs {
				best, bs = k, v
			}
		}
		if best == ex.gold {
			sc.Reranked++
		}
	}
	return source, cue
}

// Write stores r in the embedded format (see RerankPath).
func (r *Reranker) Write(w io.Writer) error { return r.write(w) }
