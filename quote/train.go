package quote

import (
	"context"
	"io"
	"math/rand/v2"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// Roles of a training span.
const (
	RoleSource  = "source"
	RoleCue     = "cue"
	RoleContent = "content"
)

// TrainSpan is a gold attribution span of a training document: its role and
// byte offsets into the text.
type TrainSpan struct {
	Role       string
	Start, End int
}

// TrainDoc is one training article.
type TrainDoc struct {
	Name  string
	Text  string
	Spans []TrainSpan
}

// TrainOptions configures Train. The zero value gives the shipped model's settings.
type TrainOptions struct {
	Epochs int    // passes over the data (default 15)
	Seed   uint64 // shuffling seed (default 1)
	// Logf, if set, receives progress lines.
	Logf func(format string, args ...any)
}

// Train fits the attribution tagger on docs and writes the model to w in
// the embedded format (write it to quote/model/tagger.bin.gz to ship it).
func Train(ctx context.Context, docs []TrainDoc, opts TrainOptions, w io.Writer) error {
	if opts.Epochs <= 0 {
		opts.Epochs = 15
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	type example struct {
		sq   *seq
		gold []int
	}
	// the cue lexicon: how often each word is part of a cue
	toksOf := make([][]document.Token, len(docs))
	goldOf := make([][]int, len(docs))
	cueN, allN := map[string]int{}, map[string]int{}
	for i, d := range docs {
		toksOf[i] = text.Tokenize(d.Text)
		goldOf[i] = goldTags(toksOf[i], d.Spans)
		for k, t := range toksOf[i] {
			w := lowerWord(d.Text[t.Start:t.End])
			allN[w]++
			if tagRole(goldOf[i][k]) == 2 {
				cueN[w]++
			}
		}
	}
	cues := map[string]float32{}
	for w, n := range cueN {
		if n >= 2 && len(w) < 200 {
			cues[w] = float32(n) / float32(allN[w])
		}
	}
	var exs []example
	lex := newWordTable(cues)
	for i, d := range docs {
		toks := toksOf[i]
		inq := inQuoteTokens(d.Text, toks, findQuotes(d.Text))
		for _, p := range paragraphs(d.Text, toks) {
			exs = append(exs, example{sq: prepareBuf(d.Text, toks[p[0]:p[1]], inq[p[0]:p[1]], lex, &prepScratch{}, false), gold: goldOf[i][p[0]:p[1]]})
		}
	}
	m := &model{w: make([]float32, numBuckets*numTags), cues: cues}
	acc := make([]float32, len(m.w)) // c-weighted updates, for averaging
	var tacc [numTags + 1][numTags]float32
	c := float32(1)
	rng := rand.New(rand.NewPCG(opts.Seed, 7))
	for ep := 0; ep < opts.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rng.Shuffle(len(exs), func(i, j int) { exs[i], exs[j] = exs[j], exs[i] })
		wrong := 0
		total := 0
		for _, ex := range exs {
			pred := m.decode(ex.sq)
			prevP, prevG := numTags, numTags
			for i := range pred {
				total++
				p, g := pred[i], ex.gold[i]
				if p != g || prevP != prevG {
					if p != g {
						wrong++
					}
					for _, f := range ex.sq.feats[i] {
						if p != g {
							m.w[int(f)*numTags+g]++
							m.w[int(f)*numTags+p]--
							acc[int(f)*numTags+g] += c
							acc[int(f)*numTags+p] -= c
						}
					}
					m.trans[prevG][g]++
					m.trans[prevP][p]--
					tacc[prevG][g] += c
					tacc[prevP][p] -= c
				}
				prevP, prevG = p, g
			}
			c++
		}
		if opts.Logf != nil {
			opts.Logf("epoch %d: token error %.4f over %d tokens", ep+1, float64(wrong)/float64(max(total, 1)), total)
		}
	}
	for i := range m.w {
		m.w[i] -= acc[i] / c
	}
	for i := range m.trans {
		for j := range m.trans[i] {
			m.trans[i][j] -= tacc[i][j] / c
		}
	}
	return m.write(w)
}

// goldTags turns role spans into BIO tags over toks. A token takes the role
// of the span containing its start.
func goldTags(toks []document.Token, spans []TrainSpan) []int {
	tags := make([]int, len(toks))
	for _, sp := range spans {
		base := 0
		switch sp.Role {
		case RoleSource:
			base = tagBS
		case RoleCue:
			base = tagBC
		case RoleContent:
			base = tagBQ
		default:
			continue
		}
		first := true
		for i, t := range toks {
			if t.Start >= sp.Start && t.Start < sp.End {
				if first {
					tags[i] = base
					first = false
				} else {
					tags[i] = base + 1
				}
			}
		}
	}
	return tags
}

// paragraphs splits toks into runs of tokens between newlines, each at most
// maxSeq long; it returns [first, end) token index pairs.
func paragraphs(s string, toks []document.Token) [][2]int {
	var out [][2]int
	first := 0
	for i := 1; i <= len(toks); i++ {
		if i == len(toks) || i-first >= maxSeq || hasNewline(s[toks[i-1].End:toks[i].Start]) {
			if i > first {
				out = append(out, [2]int{first, i})
			}
			first = i
		}
	}
	return out
}

func hasNewline(gap string) bool {
	for i := 0; i < len(gap); i++ {
		if gap[i] == '\n' {
			return true
		}
	}
	return false
}

// inQuoteTokens marks the tokens inside an outermost quote, marks included.
func inQuoteTokens(s string, toks []document.Token, qs []qspan) []bool {
	in := make([]bool, len(toks))
	k := 0
	for _, q := range qs {
		if q.depth != 0 {
			continue
		}
		a, b := q.outer()
		for k < len(toks) && toks[k].Start < a {
			k++
		}
		for j := k; j < len(toks) && toks[j].Start < b; j++ {
			in[j] = true
		}
	}
	return in
}
