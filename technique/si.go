package technique

import (
	"math"
	"math/rand"
)

// Span identification is BIO tagging of each sentence's tokens with a
// first-order model trained as an averaged structured perceptron (Collins
// 2002) and decoded with Viterbi: B starts a propaganda span, I continues
// it, O is outside. Boundaries are thereby modelled explicitly, token by
// token, rather than by labelling whole sentences.

const (
	tagO = iota
	tagB
	tagI
	nTags
)

// siModel holds hashed emission weights (index (h&mask)*nTags+tag) and the
// tag transition weights (row nTags is the sentence start).
type siModel struct {
	Bits  uint
	W     []float32
	Trans [nTags + 1][nTags]float32
	// OBias is added to every O score and BBias to every B score when
	// decoding: a negative OBias trades precision for recall, a negative
	// BBias joins fragments into longer spans. Both are chosen by
	// cross-validation.
	OBias, BBias float32
	// epochs is how many passes training completed (the budget can cut it).
	epochs int
	// Q and QScale are the quantised weights of a decoded model (W = Q ×
	// QScale): emission scores sum them as integers, reading half the
	// memory of W, whose cache misses dominate tagging. nil while
	// training.
	Q      []int16
	QScale float32
}

func newSIModel(bits uint) *siModel {
	return &siModel{Bits: bits, W: make([]float32, (1<<bits)*nTags)}
}

func (m *siModel) index(h uint64) int { return int(h&(1<<m.Bits-1)) * nTags }

func (m *siModel) emit(feats []uint64, out *[nTags]float32) {
	if m.Q != nil {
		var acc [nTags]int32
		for _, h := range feats {
			i := m.index(h)
			q := m.Q[i : i+nTags : i+nTags]
			acc[0] += int32(q[0])
			acc[1] += int32(q[1])
			acc[2] += int32(q[2])
		}
		for t := range acc {
			out[t] = float32(acc[t]) * m.QScale
		}
		return
	}
	*out = [nTags]float32{}
	for _, h := range feats {
		i := m.index(h)
		w := m.W[i : i+nTags : i+nTags]
		out[0] += w[0]
		out[1] += w[1]
		out[2] += w[2]
	}
}

// decode returns the best tag sequence under the BIO constraint (no I after
// O or at the start). em holds the emission scores; oBias is added to O.
func (m *siModel) decode(em [][nTags]float32, oBias, bBias float32, tags []uint8, back [][nTags]uint8) []uint8 {
	n := len(em)
	tags = tags[:0]
	if n == 0 {
		return tags
	}
	neg := float32(math.Inf(-1))
	var score [nTags]float32
	for t := 0; t < nTags; t++ {
		score[t] = m.Trans[nTags][t] + em[0][t]
	}
	score[tagO] += oBias
	score[tagB] += bBias
	score[tagI] = neg
	for i := 1; i < n; i++ {
		var next [nTags]float32
		for t := 0; t < nTags; t++ {
			best, arg := neg, uint8(0)
			for p := 0; p < nTags; p++ {
				if t == tagI && p == tagO {
					continue
				}
				if s := score[p] + m.Trans[p][t]; s > best {
					best, arg = s, uint8(p)
				}
			}
			next[t] = best + em[i][t]
			back[i][t] = arg
		}
		next[tagO] += oBias
		next[tagB] += bBias
		score = next
	}
	best := uint8(0)
	for t := 1; t < nTags; t++ {
		if score[t] > score[best] {
			best = uint8(t)
		}
	}
	for i := 0; i < n; i++ {
		tags = append(tags, 0)
	}
	tags[n-1] = best
	for i := n - 1; i > 0; i-- {
		tags[i-1] = back[i][tags[i]]
	}
	return tags
}

// siExample is one training sentence: the hashed features of each token and
// the gold tags.
type siExample struct {
	feats [][]uint64
	gold  []uint8
}

// trainSI runs the averaged perceptron for epochs passes over ex.
func trainSI(ex []siExample, bits uint, epochs int, margin float32, seed int64, stop func() bool) *siModel {
	m := newSIModel(bits)
	acc := make([]float32, len(m.W))
	var accT [nTags + 1][nTags]float32
	c := float32(1)
	order := rand.New(rand.NewSource(seed)).Perm(len(ex))
	rng := rand.New(rand.NewSource(seed + 1))
	var em [][nTags]float32
	var back [][nTags]uint8
	var tags []uint8
	upd := func(feats []uint64, tag uint8, d float32) {
		for _, h := range feats {
			i := m.index(h) + int(tag)
			m.W[i] += d
			acc[i] += c * d
		}
	}
	for ep := 0; ep < epochs; ep++ {
		if stop != nil && stop() {
			break
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		m.epochs++
		for _, k := range order {
			e := &ex[k]
			n := len(e.gold)
			if cap(em) < n {
				em = make([][nTags]float32, n)
				back = make([][nTags]uint8, n)
			}
			em = em[:n]
			for i := range e.feats {
				m.emit(e.feats[i], &em[i])
				if margin != 0 {
					// loss-augmented decoding: every wrong tag gets a head
					// start, so updates continue until gold wins by a margin
					for t := uint8(0); t < nTags; t++ {
						if t != e.gold[i] {
							em[i][t] += margin
						}
					}
				}
			}
			tags = m.decode(em, 0, 0, tags, back[:n])
			prevG, prevP := uint8(nTags), uint8(nTags)
			for i := 0; i < n; i++ {
				g, p := e.gold[i], tags[i]
				if g != p {
					upd(e.feats[i], g, 1)
					upd(e.feats[i], p, -1)
				}
				if g != p || prevG != prevP {
					m.Trans[prevG][g]++
					accT[prevG][g] += c
					m.Trans[prevP][p]--
					accT[prevP][p] -= c
				}
				prevG, prevP = g, p
			}
			c++
		}
	}
	for i := range m.W {
		m.W[i] -= acc[i] / c
	}
	for p := range m.Trans {
		for t := range m.Trans[p] {
			m.Trans[p][t] -= accT[p][t] / c
		}
	}
	return m
}
