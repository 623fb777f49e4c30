// Package technique is the "techniques" analyzer: it marks spans that use
// one of the 14 persuasion techniques of SemEval-2020 Task 11 (the
// Propaganda Techniques Corpus, PTC) and names the technique.
//
// It works in two steps, both pure Go and trained from the PTC train split
// by "newslens train techniques":
//
//   - span identification (SI): BIO tagging of each sentence's tokens with
//     an averaged structured perceptron and Viterbi decoding, so span starts
//     and ends are modelled explicitly;
//   - technique classification (TC): multinomial logistic regression over
//     the span's words, its context, repetition in the document, quotes,
//     punctuation, capitalisation and sentiment-lexicon features.
//
// Each span becomes an annotation of kind "technique" whose Label is the PTC
// technique name and whose Confidence is calibrated on cross-validation
// folds (Platt scaling). The summary "techniques" gives counts per technique
// and density per 1,000 words. The model and its manifest are embedded.
package technique

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// Name and Version identify the analyzer's output.
const (
	Name    = "techniques"
	Version = "1"
	Kind    = "technique"
)

// ModelFile and ManifestFile are the embedded model's names in ModelFS.
const (
	ModelFile    = "model/techniques.gob.gz"
	ManifestFile = "model/manifest.json"
)

//go:embed model/techniques.gob.gz model/manifest.json
var modelFS embed.FS

// ModelFS returns the embedded model files.
func ModelFS() embed.FS { return modelFS }

// Analyzer is the "techniques" analyzer. It is safe for concurrent use.
type Analyzer struct {
	m *Model
	// Budget bounds the time spent on one document.
	Budget time.Duration
}

// New loads the embedded model.
func New() (*Analyzer, error) {
	m, err := Load(modelFS, ModelFile)
	if err != nil {
		return nil, fmt.Errorf("techniques: %w", err)
	}
	return NewWithModel(m), nil
}

// NewWithModel returns an analyzer over m.
func NewWithModel(m *Model) *Analyzer { return &Analyzer{m: m, Budget: 2 * time.Second} }

// Model returns the analyzer's model.
func (a *Analyzer) Model() *Model { return a.m }

func (a *Analyzer) Name() string       { return Name }
func (a *Analyzer) Version() string    { return Version }
func (a *Analyzer) Requires() []string { return nil }

// Summary is the document-level result stored under "techniques".
type Summary struct {
	Spans int `json:"spans"`
	Words int `json:"words"`
	// DensityPer1000Words is spans per 1,000 words of the text.
	DensityPer1000Words float64            `json:"density_per_1000_words"`
	Counts              map[string]int     `json:"counts"`
	Density             map[string]float64 `json:"density_by_technique"`
}

// Analyze adds one "technique" annotation per span found and the summary.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	if doc.Tokens == nil && doc.Text != "" {
		text.Segment(doc)
	}
	ctx, cancel := context.WithTimeout(ctx, a.Budget)
	defer cancel()
	preds := a.m.Predict(ctx, doc)
	sum := Summary{Counts: map[string]int{}, Density: map[string]float64{}}
	for _, t := range doc.Tokens {
		if t.Kind == document.TokWord {
			sum.Words++
		}
	}
	for _, p := range preds {
		attrs := map[string]any{
			"si_probability": round3(p.SIProb),
			"tc_probability": round3(p.TCProb),
		}
		if len(p.Alternatives) > 0 {
			attrs["alternatives"] = p.Alternatives
		}
		if _, err := doc.Add(document.Annotation{
			Kind: Kind, Span: document.Span{Start: p.Start, End: p.End}, Label: p.Technique,
			Attrs: attrs, Confidence: round3(p.Confidence), Analyzer: Name, Version: Version,
		}); err != nil {
			return err
		}
		sum.Spans++
		sum.Counts[p.Technique]++
	}
	if sum.Words > 0 {
		sum.DensityPer1000Words = round3(1000 * float64(sum.Spans) / float64(sum.Words))
		for t, c := range sum.Counts {
			sum.Density[t] = round3(1000 * float64(c) / float64(sum.Words))
		}
	}
	doc.SetSummary(Name, sum)
	return nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Predict finds the technique spans of a segmented document, in text order.
// It stops early, returning what it has, when ctx is done.
func (m *Model) Predict(ctx context.Context, doc *document.Document) []Prediction {
	var sc *docScratch
	if m.scratch != nil {
		sc, _ = m.scratch.Get().(*docScratch)
		if sc == nil {
			sc = &docScratch{}
		}
		defer m.scratch.Put(sc)
	}
	p := m.prepareWith(doc, sc)
	stop := func() bool { return ctx.Err() != nil }
	ems := m.emissionsWith(p, stop, sc)
	var spans []spanPred
	if m.rs != nil {
		spans = m.rescoredSpans(p, ems, stop)
	} else {
		spans = m.decodeSpans(p, ems, biases{m.si.OBias, m.si.BBias})
	}
	ts := make([][2]int, len(spans))
	for i, s := range spans {
		ts[i] = [2]int{s.a, s.b}
	}
	counts := spanCounts(p, ts)
	probs := make([]float64, len(m.tc.Labels))
	var buf []uint64
	out := make([]Prediction, 0, len(spans))
	for _, s := range spans {
		if ctx.Err() != nil {
			break
		}
		buf = m.classify(p, s.a, s.b, counts[p.spanText(s.a, s.b)], 0, buf, probs)
		r := ranked(m.tc.Labels, probs)
		pr := Prediction{
			Start: p.toks[s.a].start, End: p.toks[s.b-1].end,
			Technique: m.tc.Labels[r[0]],
			SIProb:    platt(m.cal.SIA, m.cal.SIB, s.score),
			TCProb:    platt(m.cal.TCA, m.cal.TCB, math.Log(probs[r[0]])),
		}
		pr.Confidence = pr.SIProb * pr.TCProb
		for _, j := range r[1:3] {
			if probs[j] >= 0.1 {
				pr.Alternatives = append(pr.Alternatives, Alternative{m.tc.Labels[j], round3(probs[j])})
			}
		}
		out = append(out, pr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// ClassifySpans labels given byte spans of a segmented document (the TC
// task): each span gets its techniques ranked by probability.
func (m *Model) ClassifySpans(doc *document.Document, spans []document.Span) [][]Alternative {
	p := m.prepare(doc)
	counts := goldSpanCounts(p, spans)
	probs := make([]float64, len(m.tc.Labels))
	var buf []uint64
	out := make([][]Alternative, len(spans))
	for i, s := range spans {
		a, b := p.tokenRange(s.Start, s.End)
		buf = m.classify(p, a, b, counts[p.spanText(a, b)], nesting(spans, s), buf, probs)
		for _, j := range ranked(m.tc.Labels, probs) {
			out[i] = append(out[i], Alternative{m.tc.Labels[j], probs[j]})
		}
	}
	return out
}

// Manifest describes the embedded model: what it was trained on, with what,
// and how it validated.
type Manifest struct {
	Model     string            `json:"model"`
	Trained   string            `json:"trained"`
	Data      map[string]string `json:"data_sha256"`
	Features  []string          `json:"features"`
	Params    Options           `json:"params"`
	Validated *CVResult         `json:"validation"`
	Bytes     int               `json:"model_bytes"`
}

// LoadManifest reads the embedded manifest.
func LoadManifest() (*Manifest, error) {
	b, err := modelFS.ReadFile(ManifestFile)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	return &m, nil
}
