package portrayal

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/newslens/newslens/internal/lexicon"
)

// Example is one labelled training or dev instance (Label indexes Labels).
type Example struct {
	Target
	Label int
}

// TrainOptions are the hyperparameters of Train.
type TrainOptions struct {
	Bits   uint    // log2 of the hashed feature buckets
	Epochs int     // passes over the training set
	LR     float64 // AdaGrad base learning rate
	L2     float64 // L2 penalty per example
	Seed   uint64  // shuffling seed
	// Runs is the number of models trained with successive seeds whose
	// weights are averaged (averaging linear models averages their logits
	// and lowers the variance of SGD); 0 means 1.
	Runs int
	// Drop switches feature groups off (Feat* bits).
	Drop uint32
	// Embeddings, when set, feed the embedding and cluster feature groups
	// and ship inside the model.
	Embeddings *Embeddings `json:"-"`
}

func (o *TrainOptions) defaults() {
	if o.Bits == 0 {
		o.Bits = 18
	}
	if o.Epochs == 0 {
		o.Epochs = 8
	}
	if o.LR == 0 {
		o.LR = 0.3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Runs == 0 {
		o.Runs = 1
	}
}

// Train fits multinomial logistic regression with AdaGrad on examples.
// lex is the polarity lexicon the features read (see ReadLexicons).
func Train(ctx context.Context, examples []Example, lex map[string]float32, o TrainOptions) (*Model, error) {
	o.defaults()
	m := &Model{bits: o.Bits, w: make([]float32, 3<<o.Bits), lex: lex, temp: 1, fs: featureSet{drop: o.Drop, emb: o.Embeddings}}
	m.init()
	// features are computed once; AdaGrad state per weight
	data := make([]fx, len(examples))
	f := newFvec(o.Bits)
	for i := range examples {
		extract(f, &examples[i].Target, &m.fs)
		data[i] = fx{append([]uint32(nil), f.idx...), append([]float32(nil), f.val...), examples[i].Label}
	}
	avg := make([]float32, len(m.w))
	for run := 0; run < o.Runs; run++ {
		w, err := trainRun(ctx, data, len(m.w), o, o.Seed+uint64(run))
		if err != nil {
			return nil, err
		}
		for i, v := range w {
			avg[i] += v / float32(o.Runs)
		}
	}
	m.w = avg
	m.quantize()
	return m, nil
}

type fx struct {
	idx []uint32
	val []float32
	y   int
}

// trainRun is one AdaGrad run over the precomputed features.
func trainRun(ctx context.Context, data []fx, n int, o TrainOptions, seed uint64) ([]float32, error) {
	m := struct{ w []float32 }{make([]float32, n)}
	g2 := make([]float32, n)
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for ep := 0; ep < o.Epochs; ep++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			d := &data[k]
			var s [3]float64
			for j, i := range d.idx {
				b := int(i) * 3
				v := float64(d.val[j])
				s[0] += v * float64(m.w[b])
				s[1] += v * float64(m.w[b+1])
				s[2] += v * float64(m.w[b+2])
			}
			p := softmax(s, 1)
			for c := 0; c < 3; c++ {
				gc := p[c]
				if c == d.y {
					gc -= 1
				}
				for j, i := range d.idx {
					b := int(i)*3 + c
					g := float32(gc)*d.val[j] + float32(o.L2)*m.w[b]
					g2[b] += g * g
					m.w[b] -= float32(o.LR) * g / (float32(math.Sqrt(float64(g2[b]))) + 1e-6)
				}
			}
		}
	}
	return m.w, nil
}

// Calibrate sets the softmax temperature that minimises the log loss on dev.
func (m *Model) Calibrate(dev []Example) float64 {
	best, bestT := math.Inf(1), 1.0
	f := newFvec(m.bits)
	sc := make([][3]float64, len(dev))
	for i := range dev {
		extract(f, &dev[i].Target, &m.fs)
		sc[i] = m.scores(f)
	}
	for t := 0.3; t <= 4.0; t += 0.05 {
		var nll float64
		for i := range dev {
			p := softmax(sc[i], t)
			nll -= math.Log(max(p[dev[i].Label], 1e-12))
		}
		if nll < best {
			best, bestT = nll, t
		}
	}
	m.temp = bestT
	return bestT
}

// SetDocBias sets the class offsets added to averaged mention probabilities
// when deciding an entity's document-level label.
func (m *Model) SetDocBias(b [3]float64) { m.bias = b }

// DocBias returns the document-level class offsets.
func (m *Model) DocBias() [3]float64 { return m.bias }

// Temperature returns the calibration temperature.
func (m *Model) Temperature() float64 { return m.temp }

// ReadLexicons merges AFINN-165 (score/5), VADER (mean/4) and Pattern (the
// mean over an adjective's senses) from dir (../shared/data/lexicons) into
// one polarity map in [-1,1], averaging words more than one lists.
func ReadLexicons(dir string) (map[string]float32, error) {
	sum := map[string]float64{}
	cnt := map[string]float64{}
	for _, read := range []func(string) ([]lexicon.Entry, error){lexicon.AFINN, lexicon.VADER} {
		entries, err := read(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			w := strings.ToLower(strings.TrimSpace(e.Word))
			if w == "" || strings.ContainsRune(w, ' ') {
				continue
			}
			sum[w] += e.Polarity
			cnt[w]++
		}
	}
	// Pattern lists adjectives per sense: a form's polarity is the mean
	// over its senses, counted as one more source beside AFINN and VADER
	pat, err := lexicon.Pattern(dir)
	if err != nil {
		return nil, err
	}
	psum, pcnt := map[string]float64{}, map[string]float64{}
	for _, e := range pat {
		w := strings.ToLower(e.Word)
		if w == "" || strings.ContainsRune(w, ' ') || math.IsNaN(e.Polarity) {
			continue
		}
		psum[w] += e.Polarity
		pcnt[w]++
	}
	for w, s := range psum {
		sum[w] += s / pcnt[w]
		cnt[w]++
	}
	lex := make(map[string]float32, len(sum))
	for w, s := range sum {
		v := s / cnt[w]
		if math.Abs(v) < 0.1 {
			continue
		}
		// two decimals are enough and keep the embedded model small
		lex[w] = float32(math.Round(v*100) / 100)
	}
	return lex, nil
}

// CrossValidate trains on k-1 folds and predicts the held-out fold, k times,
// with examples of one sentence kept in one fold (multi-target sentences
// would otherwise leak). It returns the out-of-fold macro-F1 and the
// out-of-fold raw class scores (for calibrating a temperature without
// touching dev data).
//
// extra examples (from another corpus) are added to every fold's training
// part and never scored.
func CrossValidate(ctx context.Context, examples, extra []Example, lex map[string]float32, o TrainOptions, k int) (float64, [][3]float64, error) {
	fold := make([]int, len(examples))
	ids := map[string]int{}
	for i := range examples {
		s := examples[i].Sentence
		id, ok := ids[s]
		if !ok {
			id = len(ids)
			ids[s] = id
		}
		// a fixed hash of the sentence's first-seen order spreads sentences
		// over folds deterministically
		fold[i] = int((uint32(id) * 2654435761) >> 16 % uint32(k))
	}
	oof := make([][3]float64, len(examples))
	for f := 0; f < k; f++ {
		tr := append([]Example(nil), extra...)
		var held []int
		for i := range examples {
			if fold[i] == f {
				held = append(held, i)
			} else {
				tr = append(tr, examples[i])
			}
		}
		m, err := Train(ctx, tr, lex, o)
		if err != nil {
			return 0, nil, err
		}
		fv := newFvec(m.bits)
		for _, i := range held {
			extract(fv, &examples[i].Target, &m.fs)
			oof[i] = m.scores(fv)
		}
	}
	gold := make([]int, len(examples))
	pred := make([]int, len(examples))
	for i := range examples {
		gold[i], pred[i] = examples[i].Label, Argmax(oof[i])
	}
	return MacroF1(gold, pred), oof, nil
}

// MacroF1 is the mean over the three classes of per-class F1.
func MacroF1(gold, pred []int) float64 {
	var tp, fp, fn [3]float64
	for i := range gold {
		if gold[i] == pred[i] {
			tp[gold[i]]++
		} else {
			fn[gold[i]]++
			fp[pred[i]]++
		}
	}
	var s float64
	for c := range tp {
		if d := 2*tp[c] + fp[c] + fn[c]; d > 0 {
			s += 2 * tp[c] / d
		}
	}
	return s / 3
}

// FitTemperature returns the softmax temperature minimising the log loss of
// raw scores against labels.
func FitTemperature(scores [][3]float64, labels []int) float64 {
	best, bestT := math.Inf(1), 1.0
	for t := 0.3; t <= 4.0; t += 0.05 {
		var nll float64
		for i := range scores {
			p := softmax(scores[i], t)
			nll -= math.Log(max(p[labels[i]], 1e-12))
		}
		if nll < best {
			best, bestT = nll, t
		}
	}
	return bestT
}

// SetTemperature sets the calibration temperature.
func (m *Model) SetTemperature(t float64) { m.temp = t }
