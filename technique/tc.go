package technique

import (
	"math"
	"math/rand"
)

// Technique classification is multinomial logistic regression over hashed
// span features, trained by stochastic gradient descent with AdaGrad steps
// and an L2 penalty applied to the weights a step touches.

type tcModel struct {
	Bits   uint
	Labels []string
	W      []float32 // index (h&mask)*len(Labels)+k
}

func (m *tcModel) index(h uint64) int { return int(h&(1<<m.Bits-1)) * len(m.Labels) }

// probs fills out (len(Labels)) with the class probabilities.
func (m *tcModel) probs(feats []uint64, out []float64) {
	k := len(m.Labels)
	for j := range out {
		out[j] = 0
	}
	for _, h := range feats {
		i := m.index(h)
		for j, w := range m.W[i : i+k] {
			out[j] += float64(w)
		}
	}
	softmax(out)
}

func softmax(v []float64) {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = math.Max(mx, x)
	}
	s := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - mx)
		s += v[i]
	}
	for i := range v {
		v[i] /= s
	}
}

type tcExample struct {
	feats []uint64
	label int
}

func trainTC(ex []tcExample, labels []string, bits uint, epochs int, l2, lr float64, seed int64) *tcModel {
	m := &tcModel{Bits: bits, Labels: labels, W: make([]float32, (1<<bits)*len(labels))}
	g2 := make([]float32, len(m.W))
	k := len(labels)
	p := make([]float64, k)
	rng := rand.New(rand.NewSource(seed))
	order := rng.Perm(len(ex))
	// the weights are averaged over the epochs of the second half (Polyak
	// averaging): steadier than the last iterate, at no cost at inference.
	avg := make([]float32, len(m.W))
	navg := 0
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, n := range order {
			e := &ex[n]
			m.probs(e.feats, p)
			for _, h := range e.feats {
				i := m.index(h)
				for j := 0; j < k; j++ {
					g := p[j]
					if j == e.label {
						g--
					}
					g += l2 * float64(m.W[i+j])
					g2[i+j] += float32(g * g)
					m.W[i+j] -= float32(lr * g / math.Sqrt(float64(g2[i+j])+1e-6))
				}
			}
		}
		if ep >= epochs/2 {
			for i, w := range m.W {
				avg[i] += w
			}
			navg++
		}
	}
	for i := range avg {
		m.W[i] = avg[i] / float32(navg)
	}
	return m
}
