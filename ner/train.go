package ner

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// TrainConfig says what to train on and how. The zero value of each field
// has a documented default.
type TrainConfig struct {
	Train, Dev []Doc
	// Epochs is the maximum number of passes (default 12); the epoch with
	// the best dev F1 is kept.
	Epochs int
	// Seed fixes the shuffling, so training is reproducible.
	Seed uint64
	// MinCount drops features seen fewer times in training (default 1).
	MinCount int
	// TwoPass trains a second model with the document-majority feature,
	// computed on train by two-fold jackknifing.
	TwoPass bool
	// Clusters and Gazetteer are built beforehand (see LearnClusters and
	// ReadGazetteer).
	Clusters  map[string][3]uint16
	Gazetteer map[string]string
	Logger    *slog.Logger
}

// TrainReport says how training went.
type TrainReport struct {
	Epoch     int     `json:"best_epoch"`
	DevF1     float64 `json:"dev_f1"`
	Features  int     `json:"features"`
	Seconds   float64 `json:"seconds"`
	FirstPass float64 `json:"first_pass_dev_f1,omitempty"`
}

type example struct {
	feats [][]int32 // per token, feature rows
	gold  []int
	spans []Span
}

// Train trains a model.
func Train(ctx context.Context, cfg TrainConfig) (*Model, TrainReport, error) {
	start := time.Now()
	if cfg.Epochs <= 0 {
		cfg.Epochs = 12
	}
	if cfg.MinCount <= 0 {
		cfg.MinCount = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	base := &Model{clusters: cfg.Clusters, gaz: cfg.Gazetteer, temp: 1}
	for n := range base.gaz {
		base.gazMax = max(base.gazMax, strings.Count(n, " ")+1)
	}
	m, rep, err := trainPass(ctx, cfg, base, nil, nil)
	if err != nil || !cfg.TwoPass {
		rep.Seconds = time.Since(start).Seconds()
		return m, rep, err
	}
	// jackknife: first-pass labels on each half of train come from a model
	// trained on the other half, so the document feature is as noisy in
	// training as it will be in use.
	half := len(cfg.Train) / 2
	trainMaj := make([][][]int, len(cfg.Train))
	for k := 0; k < 2; k++ {
		lo, hi := 0, half
		if k == 1 {
			lo, hi = half, len(cfg.Train)
		}
		sub := cfg
		sub.Train = append(append([]Doc{}, cfg.Train[:lo]...), cfg.Train[hi:]...)
		sub.Epochs = rep.Epoch
		mk, _, err := trainPass(ctx, sub, base, nil, nil)
		if err != nil {
			return nil, rep, err
		}
		for d := lo; d < hi; d++ {
			trainMaj[d] = mk.labelDoc(cfg.Train[d])
		}
	}
	devMaj := make([][][]int, len(cfg.Dev))
	for d := range cfg.Dev {
		devMaj[d] = m.labelDoc(cfg.Dev[d])
	}
	first := rep.DevF1
	base.twoPass = true
	m2, rep2, err := trainPass(ctx, cfg, base, trainMaj, devMaj)
	if err != nil {
		return nil, rep, err
	}
	rep2.FirstPass = first
	rep2.Seconds = time.Since(start).Seconds()
	if rep2.DevF1 <= first {
		cfg.Logger.Info("second pass did not help; keeping first", "first", first, "second", rep2.DevF1)
		rep.Seconds = rep2.Seconds
		return m, rep, nil
	}
	return combine(m, m2), rep2, nil
}

// combine makes a two-pass model from the first- and second-pass models:
// rows over the union of their features, the second pass's weights first.
func combine(m1, m2 *Model) *Model {
	m := &Model{index: map[uint32]int32{}, stride: 2 * nLabels, trans: m2.trans, trans1: m1.trans,
		clusters: m2.clusters, gaz: m2.gaz, gazMax: m2.gazMax, twoPass: true, temp: m2.temp}
	for h := range m2.index {
		m.index[h] = int32(len(m.index))
	}
	for h := range m1.index {
		if _, ok := m.index[h]; !ok {
			m.index[h] = int32(len(m.index))
		}
	}
	m.w = make([]float32, len(m.index)*m.stride)
	for h, r := range m.index {
		if k, ok := m2.index[h]; ok {
			copy(m.w[int(r)*m.stride:], m2.w[int(k)*nLabels:int(k)*nLabels+nLabels])
		}
		if k, ok := m1.index[h]; ok {
			copy(m.w[int(r)*m.stride+nLabels:], m1.w[int(k)*nLabels:int(k)*nLabels+nLabels])
		}
	}
	m.buildFast()
	return m
}

// labelDoc returns first-pass labels of a gold document's sentences.
func (m *Model) labelDoc(d Doc) [][]int {
	sents := make([][]string, len(d.Sentences))
	for i, s := range d.Sentences {
		sents[i] = s.Words
	}
	toks := m.docTokens(sents)
	b := &buffers{}
	return m.tagAll(b, toks, nil, nil)
}

func trainPass(ctx context.Context, cfg TrainConfig, base *Model, trainMaj, devMaj [][][]int) (*Model, TrainReport, error) {
	log := cfg.Logger
	feat := func(docs []Doc, maj [][][]int, index map[uint32]int32, grow bool, counts map[uint32]int) []example {
		var out []example
		var buf []uint32
		for di, d := range docs {
			sents := make([][]string, len(d.Sentences))
			for i, s := range d.Sentences {
				sents[i] = s.Words
			}
			toks := base.docTokens(sents)
			if maj != nil {
				setDocMajority(toks, maj[di])
			}
			for si, ts := range toks {
				caps := sentenceMostlyCaps(ts)
				ex := example{feats: make([][]int32, len(ts))}
				ex.spans = Spans(d.Sentences[si].Tags)
				ex.gold = encodeBILOU(len(ts), ex.spans)
				for i := range ts {
					buf = features(buf[:0], ts, i, caps)
					if counts != nil {
						for _, f := range buf {
							counts[f]++
						}
						continue
					}
					row := make([]int32, 0, len(buf))
					for _, f := range buf {
						k, ok := index[f]
						if !ok && grow {
							k = int32(len(index))
							index[f] = k
							ok = true
						}
						if ok {
							row = append(row, k)
						}
					}
					ex.feats[i] = row
				}
				out = append(out, ex)
			}
		}
		return out
	}
	index := map[uint32]int32{}
	if cfg.MinCount > 1 {
		counts := map[uint32]int{}
		feat(cfg.Train, trainMaj, nil, false, counts)
		for f, c := range counts {
			if c >= cfg.MinCount {
				index[f] = int32(len(index))
			}
		}
		train := feat(cfg.Train, trainMaj, index, false, nil)
		return trainLoop(ctx, cfg, base, index, train, feat(cfg.Dev, devMaj, index, false, nil), log)
	}
	train := feat(cfg.Train, trainMaj, index, true, nil)
	dev := feat(cfg.Dev, devMaj, index, false, nil)
	return trainLoop(ctx, cfg, base, index, train, dev, log)
}

func trainLoop(ctx context.Context, cfg TrainConfig, base *Model, index map[uint32]int32, train, dev []example, log *slog.Logger) (*Model, TrainReport, error) {
	nf := len(index)
	w := make([]float32, nf*nLabels)
	u := make([]float32, nf*nLabels) // sum of c·Δ for averaging
	var trans, transU [(nLabels + 1) * nLabels]float32
	avg := make([]float32, nf*nLabels)
	var avgTrans [(nLabels + 1) * nLabels]float32
	bestW := make([]float32, nf*nLabels)
	var bestTrans [(nLabels + 1) * nLabels]float32
	best := TrainReport{Features: nf, DevF1: -1}
	c := float32(1)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	b := &buffers{}
	pred := make([]int, 0, 256)
	score := func(ws []float32, ex *example) {
		n := len(ex.gold)
		if cap(b.score) < n*nLabels {
			b.score = make([]float32, n*nLabels)
		}
		b.score = b.score[:n*nLabels]
		clear(b.score)
		for i, fs := range ex.feats {
			row := b.score[i*nLabels : (i+1)*nLabels]
			for _, k := range fs {
				wr := ws[int(k)*nLabels : int(k)*nLabels+nLabels]
				for l := range row {
					row[l] += wr[l]
				}
			}
		}
	}
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, best, err
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		mistakes := 0
		for _, oi := range order {
			ex := &train[oi]
			n := len(ex.gold)
			if n == 0 {
				continue
			}
			score(w, ex)
			pred = pred[:n]
			viterbi(b, &trans, n, pred)
			wrong := false
			for i := 0; i < n; i++ {
				if pred[i] != ex.gold[i] {
					wrong = true
					break
				}
			}
			if wrong {
				mistakes++
				for i := 0; i < n; i++ {
					g, p := ex.gold[i], pred[i]
					if g != p {
						for _, k := range ex.feats[i] {
							w[int(k)*nLabels+g]++
							u[int(k)*nLabels+g] += c
							w[int(k)*nLabels+p]--
							u[int(k)*nLabels+p] -= c
						}
					}
					gp, pp := nLabels, nLabels
					if i > 0 {
						gp, pp = ex.gold[i-1], pred[i-1]
					}
					if gp != pp || g != p {
						trans[gp*nLabels+g]++
						transU[gp*nLabels+g] += c
						trans[pp*nLabels+p]--
						transU[pp*nLabels+p] -= c
					}
				}
			}
			c++
		}
		for i := range w {
			avg[i] = w[i] - u[i]/c
		}
		for i := range trans {
			avgTrans[i] = trans[i] - transU[i]/c
		}
		// dev F1
		var tp, fp, fn int
		for di := range dev {
			ex := &dev[di]
			n := len(ex.gold)
			if n == 0 {
				continue
			}
			score(avg, ex)
			pred = pred[:n]
			viterbi(b, &avgTrans, n, pred)
			got := decode(pred)
			t, p, f := matchSpans(got, ex.spans)
			tp, fp, fn = tp+t, fp+p, fn+f
		}
		f1 := f1Of(tp, fp, fn)
		log.Info("ner epoch", "epoch", epoch, "mistakes", mistakes, "dev_f1", fmt.Sprintf("%.4f", f1))
		if f1 > best.DevF1 {
			best.DevF1, best.Epoch = f1, epoch
			copy(bestW, avg)
			bestTrans = avgTrans
		}
	}
	m := &Model{index: index, w: bestW, trans: bestTrans, clusters: base.clusters, gaz: base.gaz,
		gazMax: base.gazMax, twoPass: false, stride: nLabels, temp: 1}
	m.buildFast()
	m.temp = fitTemperature(m, dev, b, score)
	return m, best, nil
}

// fitTemperature picks the softmax temperature that best predicts whether
// dev tokens' labels are right (log loss over a grid).
func fitTemperature(m *Model, dev []example, b *buffers, score func([]float32, *example)) float32 {
	bestT, bestLoss := float32(1), math.Inf(1)
	for _, t := range []float32{0.5, 1, 2, 3, 5, 8, 12, 20, 30, 50} {
		m.temp = t
		loss := 0.0
		n := 0
		for di := 0; di < len(dev); di += 3 {
			ex := &dev[di]
			if len(ex.gold) == 0 {
				continue
			}
			score(m.w, ex)
			pred := make([]int, len(ex.gold))
			viterbi(b, &m.trans, len(ex.gold), pred)
			for i := range pred {
				p := min(max(m.confidence(b, pred, i), 1e-6), 1-1e-6)
				if pred[i] == ex.gold[i] {
					loss -= math.Log(p)
				} else {
					loss -= math.Log(1 - p)
				}
				n++
			}
		}
		if n > 0 && loss/float64(n) < bestLoss {
			bestT, bestLoss = t, loss/float64(n)
		}
	}
	return bestT
}

// matchSpans counts exact matches between predicted and gold spans.
func matchSpans(got, gold []Span) (tp, fp, fn int) {
	g := map[Span]bool{}
	for _, s := range gold {
		g[Span{Start: s.Start, End: s.End, Type: s.Type}] = true
	}
	for _, s := range got {
		if g[Span{Start: s.Start, End: s.End, Type: s.Type}] {
			tp++
		} else {
			fp++
		}
	}
	return tp, fp, len(gold) - tp
}

func f1Of(tp, fp, fn int) float64 {
	if tp == 0 {
		return 0
	}
	p := float64(tp) / float64(tp+fp)
	r := float64(tp) / float64(tp+fn)
	return 2 * p * r / (p + r)
}

// ReadCoNLLFile reads a CoNLL file from disk.
func ReadCoNLLFile(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := ReadCoNLL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// ReadGazetteer builds the small location gazetteer from GeoNames files in
// dir: country names and capitals (countryInfo.txt), first-level
// administrative divisions (admin1CodesASCII.txt) and cities of at least
// minPop people (cities500.txt.gz). Keys are lower-case, space-separated
// words as the tokenizer splits them.
func ReadGazetteer(dir string, minPop int) (map[string]string, error) {
	gaz := map[string]string{}
	add := func(name string) {
		name = strings.TrimSpace(name)
		if name == "" || len(name) > 60 {
			return
		}
		gaz[strings.Join(strings.Fields(strings.ToLower(splitPunct(name))), " ")] = "LOC"
	}
	ci, err := os.ReadFile(dir + "/countryInfo.txt")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(ci), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) > 5 {
			add(f[4])
			add(f[5])
		}
	}
	a1, err := os.ReadFile(dir + "/admin1CodesASCII.txt")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(a1), "\n") {
		f := strings.Split(line, "\t")
		if len(f) > 2 {
			add(f[1])
			add(f[2])
		}
	}
	if minPop > 0 {
		f, err := os.Open(dir + "/cities500.txt.gz")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("cities500.txt.gz: %w", err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			fs := strings.Split(sc.Text(), "\t")
			if len(fs) < 15 {
				continue
			}
			if pop, _ := strconv.Atoi(fs[14]); pop >= minPop {
				add(fs[1])
				add(fs[2])
			}
		}
		if err := sc.Err(); err != nil && err != io.EOF {
			return nil, fmt.Errorf("cities500.txt.gz: %w", err)
		}
	}
	return gaz, nil
}

// splitPunct puts spaces around punctuation the tokenizer splits off, so
// gazetteer keys match token sequences ("Washington, D.C." stays close).
func splitPunct(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == ',' || r == '(' || r == ')' || r == '/' {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
