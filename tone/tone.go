// Package tone is the "tone" analyzer: GDELT V1.5-style tone of a document
// and of each sentence, from a lexicon merged from AFINN-165, VADER and
// Pattern (see NOTICE), with negation, intensifiers and "but" clauses.
//
// The result is a document summary (doc.SetSummary("tone", Summary)); the
// per-sentence values live inside it rather than as one annotation per
// sentence. The fields are documented in docs/format.md under "Tone".
package tone

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// Name and Version identify the analyzer.
const (
	Name    = "tone"
	Version = "1"
)

// LexiconFile is the embedded lexicon's name; "newslens train tone"
// rewrites it from ../shared/data/lexicons.
const LexiconFile = "lexicon.tsv.gz"

//go:embed lexicon.tsv.gz
var lexiconGz []byte

// Tone holds the GDELT V1.5 Tone fields for a text span.
type Tone struct {
	Tone     float64 `json:"tone"`     // Positive − Negative
	Positive float64 `json:"positive"` // % of words with positive connotation (weighted)
	Negative float64 `json:"negative"` // % of words with negative connotation (weighted)
	Polarity float64 `json:"polarity"` // % of words that matched the lexicon
	// Activity is the activity reference density: % of words from a list of
	// action verbs and nouns (an approximation; GDELT's list is not public).
	Activity float64 `json:"activity"`
	// SelfGroup is the self/group reference density: % of words that are
	// personal pronouns.
	SelfGroup float64 `json:"self_group"`
	WordCount int     `json:"word_count"`
	// Score is the VADER-style compound of the summed valence, −1..1.
	Score float64 `json:"score"`
}

// Sentence is one sentence's tone.
type Sentence struct {
	document.Span
	Tone
}

// Summary is what the analyzer stores under doc.Summaries["tone"].
type Summary struct {
	Tone
	Sentences []Sentence `json:"sentences,omitempty"`
}

// Analyzer scores tone. It is read-only after New and safe for concurrent use.
type Analyzer struct {
	lex map[string]float64
}

// New loads the embedded lexicon.
func New() (*Analyzer, error) {
	lex, err := ParseLexicon(lexiconGz)
	if err != nil {
		return nil, fmt.Errorf("tone: embedded %s: %w", LexiconFile, err)
	}
	return &Analyzer{lex: lex}, nil
}

// ParseLexicon reads a gzip'ed lexicon written by BuildLexicon.
func ParseLexicon(gz []byte) (map[string]float64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	lex := make(map[string]float64, 12000)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		w, v, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("line %q: %w", sc.Text(), err)
		}
		lex[w] = float64(n) / 100
	}
	return lex, sc.Err()
}

// Name implements pipeline.Analyzer.
func (*Analyzer) Name() string { return Name }

// Version implements pipeline.Analyzer.
func (*Analyzer) Version() string { return Version }

// Requires implements pipeline.Analyzer.
func (*Analyzer) Requires() []string { return nil }

// Analyze sets the "tone" summary of doc.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	if len(doc.Tokens) == 0 && doc.Text != "" {
		text.Segment(doc)
	}
	doc.SetSummary(Name, a.Score(ctx, doc.Text, doc.Tokens, doc.Sentences))
	return ctx.Err()
}

// VADER's empirically derived constants: a negated word keeps 74% of its
// valence with the sign flipped; an intensifier adds about 29%.
const (
	negScale     = -0.74
	boostScale   = 1.293
	dampScale    = 0.707
	beforeBut    = 0.5
	afterBut     = 1.5
	negationSpan = 3
)

var negators = map[string]bool{
	"not": true, "no": true, "never": true, "n't": true, "without": true, "nobody": true, "none": true,
	"nor": true, "cannot": true, "neither": true, "nothing": true, "nowhere": true, "hardly": true,
	"dont": true, "didnt": true, "isnt": true, "wasnt": true, "arent": true, "wont": true, "cant": true,
	"don't": true, "didn't": true, "isn't": true, "wasn't": true, "aren't": true, "won't": true,
	"can't": true, "couldn't": true, "shouldn't": true, "wouldn't": true, "doesn't": true,
	"haven't": true, "hasn't": true, "weren't": true, "lack": true, "lacks": true,
}

var boosters = map[string]float64{
	"very": boostScale, "extremely": boostScale, "really": boostScale, "so": boostScale,
	"deeply": boostScale, "highly": boostScale, "totally": boostScale, "utterly": boostScale,
	"incredibly": boostScale, "hugely": boostScale, "most": boostScale, "absolutely": boostScale,
	"completely": boostScale, "especially": boostScale, "exceptionally": boostScale,
	"particularly": boostScale, "truly": boostScale, "enormously": boostScale, "greatly": boostScale,
	"remarkably": boostScale, "seriously": boostScale, "thoroughly": boostScale, "too": boostScale,
	"slightly": dampScale, "somewhat": dampScale, "barely": dampScale, "marginally": dampScale,
	"partly": dampScale, "fairly": dampScale, "rather": dampScale, "little": dampScale,
	"mildly": dampScale, "moderately": dampScale,
}

var pronouns = map[string]bool{
	"i": true, "me": true, "my": true, "mine": true, "myself": true, "we": true, "us": true, "our": true,
	"ours": true, "ourselves": true, "you": true, "your": true, "yours": true, "yourself": true,
	"yourselves": true, "he": true, "him": true, "his": true, "himself": true, "she": true, "her": true,
	"hers": true, "herself": true, "they": true, "them": true, "their": true, "theirs": true,
	"themselves": true, "it": true, "its": true, "itself": true,
}

// activityWords approximate GDELT's "active words": verbs and nouns of
// action and movement.
var activityWords = map[string]bool{}

func init() {
	// package-level read-only table built once from a word list
	for _, w := range strings.Fields(`attack attacked attacks attacking fight fought fighting fights strike
	struck strikes striking march marched marching protest protested protests protesting launch launched
	launching raid raided raids storm stormed clash clashed clashes battle battled battles push pushed
	advance advanced advancing seize seized capture captured bomb bombed bombing bombs shoot shot shooting
	fire fired firing kill killed killing arrest arrested move moved moving run ran running build built
	building act acted acting campaign campaigned rally rallied rallies invade invaded invasion
	mobilise mobilised mobilize mobilized deploy deployed deploying rescue rescued race raced drive drove
	charge charged smash smashed destroy destroyed destroying liberate liberated liberation
	operation operations offensive assault assaults demand demanded demanding vote voted voting
	struggle struggled struggling resist resisted resistance overthrow break broke breaking
	sign signed announce announced win won winning defeat defeated recapture recaptured`) {
		activityWords[w] = true
	}
}

// Score computes the document and sentence tone over the given tokens.
func (a *Analyzer) Score(ctx context.Context, src string, toks []document.Token, sents []document.Sentence) Summary {
	if len(sents) == 0 && len(toks) > 0 {
		sents = []document.Sentence{{Span: document.Span{Start: toks[0].Start, End: toks[len(toks)-1].End}, EndToken: len(toks)}}
	}
	var doc acc
	out := Summary{Sentences: make([]Sentence, 0, len(sents))}
	for i, st := range sents {
		if i%128 == 0 && ctx.Err() != nil {
			break
		}
		end := st.EndToken
		if end > len(toks) {
			end = len(toks)
		}
		if st.FirstToken >= end {
			continue
		}
		var s acc
		a.sentence(src, toks[st.FirstToken:end], &s)
		doc.add(s)
		out.Sentences = append(out.Sentences, Sentence{Span: st.Span, Tone: s.tone()})
	}
	out.Tone = doc.tone()
	return out
}

type acc struct {
	words, matched, active, self int
	pos, neg, sum                float64
}

func (a *acc) add(o acc) {
	a.words += o.words
	a.matched += o.matched
	a.active += o.active
	a.self += o.self
	a.pos += o.pos
	a.neg += o.neg
	a.sum += o.sum
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (a acc) tone() Tone {
	t := Tone{WordCount: a.words}
	if a.words > 0 {
		w := float64(a.words)
		t.Positive = round2(100 * a.pos / w)
		t.Negative = round2(100 * a.neg / w)
		t.Tone = round2(t.Positive - t.Negative)
		t.Polarity = round2(100 * float64(a.matched) / w)
		t.Activity = round2(100 * float64(a.active) / w)
		t.SelfGroup = round2(100 * float64(a.self) / w)
	}
	t.Score = round2(a.sum / math.Sqrt(a.sum*a.sum+15))
	return t
}

func (a *Analyzer) sentence(src string, toks []document.Token, s *acc) {
	low := make([]string, len(toks))
	butAt := -1
	for i, t := range toks {
		w := src[t.Start:t.End]
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsLetter(r) {
			low[i] = ""
			continue
		}
		low[i] = lowerWord(w)
		if low[i] == "but" && butAt < 0 {
			butAt = i
		}
	}
	for i, w := range low {
		if w == "" {
			continue
		}
		s.words++
		if pronouns[w] {
			s.self++
		}
		if activityWords[w] {
			s.active++
		}
		v, ok := a.lex[w]
		if !ok || boosters[w] != 0 {
			continue
		}
		s.matched++
		weight := 1.0
		if i > 0 {
			if b := boosters[low[i-1]]; b != 0 {
				weight *= b
			}
		}
		for k := i - 1; k >= 0 && k >= i-negationSpan; k-- {
			if negators[low[k]] || k+1 < len(low) && low[k] == "n't" {
				v *= negScale
				break
			}
		}
		if butAt >= 0 {
			if i < butAt {
				weight *= beforeBut
			} else if i > butAt {
				weight *= afterBut
			}
		}
		if v > 0 {
			s.pos += weight
		} else if v < 0 {
			s.neg += weight
		}
		s.sum += v * weight * 4 // on VADER's −4..4 scale, for the compound
	}
}

// lowerWord lower-cases a token, normalising typographic apostrophes; ASCII
// tokens already in lower case are returned without allocating.
func lowerWord(w string) string {
	ascii, lower := true, true
	for i := 0; i < len(w); i++ {
		c := w[i]
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
			return w
		}
		return strings.ToLower(w)
	}
	n, _ := text.Normalize(w)
	return strings.ToLower(n)
}
