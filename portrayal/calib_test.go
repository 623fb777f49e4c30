package portrayal

import (
	"bytes"
	"context"
	"encoding/gob"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
)

// TestCalibrationExperiment is the harness behind BENCHMARKS.md's
// calibration study, skipped unless $PORTRAYAL_CALIB names a model file
// (with $PORTRAYAL_EMB holding its word vectors, since a shipped model
// keeps only their projections; a model file written before the
// projections were shipped carries them itself, e.g. the shipped model's
// trained form, `git show 8136712:portrayal/model/portrayal.gob.gz`). It reruns the model's 5-fold
// cross-validation on NewsMTSC train and compares calibrators fitted on
// the out-of-fold scores alone (no dev data): log loss and ECE of each,
// and the ECE a perfectly calibrated model would show on a dev-sized
// sample by chance.
func TestCalibrationExperiment(t *testing.T) {
	path := os.Getenv("PORTRAYAL_CALIB")
	if path == "" {
		t.Skip("set PORTRAYAL_CALIB to a model file with word vectors")
	}
	m := loadExperimentModel(t, path)
	data := "../../shared/data"
	tr, err := eval.ReadNewsMTSC(filepath.Join(data, "portrayal/newsmtsc/train.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	ex := newsMTSCExamples(tr)
	o := TrainOptions{Bits: m.bits, Epochs: 8, LR: 0.01, Seed: 1, Runs: 3, Drop: m.fs.drop, Embeddings: m.fs.emb}
	cv, oof, err := CrossValidate(context.Background(), ex, nil, m.lex, o, 5)
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]int, len(ex))
	for i := range ex {
		labels[i] = ex[i].Label
	}
	t.Logf("cv macro-F1 %.4f", cv)
	report := func(name string, probs [][3]float64, idx []int) {
		var nll float64
		var ps [][3]float64
		var ls []int
		for _, i := range idx {
			nll -= math.Log(max(probs[i][labels[i]], 1e-12))
			ps, ls = append(ps, probs[i]), append(ls, labels[i])
		}
		t.Logf("%-28s n %5d  nll %.4f  ece %.4f", name, len(idx), nll/float64(len(idx)), calibECE(ps, ls))
	}
	all, single, multi := []int{}, []int{}, []int{}
	for i := range ex {
		all = append(all, i)
		if len(ex[i].Others) == 0 {
			single = append(single, i)
		} else {
			multi = append(multi, i)
		}
	}
	apply := func(temp func(i int) float64) [][3]float64 {
		p := make([][3]float64, len(oof))
		for i := range oof {
			p[i] = softmax(oof[i], temp(i))
		}
		return p
	}
	sub := func(idx []int) ([][3]float64, []int) {
		var s [][3]float64
		var l []int
		for _, i := range idx {
			s, l = append(s, oof[i]), append(l, labels[i])
		}
		return s, l
	}
	raw := apply(func(int) float64 { return 1 })
	tAll := FitTemperature(oof, labels)
	s1, l1 := sub(single)
	s2, l2 := sub(multi)
	tS, tM := FitTemperature(s1, l1), FitTemperature(s2, l2)
	t.Logf("temperature all %.2f, single-target %.2f, multi-target %.2f", tAll, tS, tM)
	fitted := apply(func(int) float64 { return tAll })
	split := apply(func(i int) float64 {
		if len(ex[i].Others) == 0 {
			return tS
		}
		return tM
	})
	for _, c := range []struct {
		name  string
		probs [][3]float64
	}{{"raw (T=1)", raw}, {"one temperature", fitted}, {"temperature per target count", split}} {
		report(c.name+" all", c.probs, all)
		report(c.name+" single", c.probs, single)
		report(c.name+" multi", c.probs, multi)
	}
	// the ECE a perfectly calibrated model shows by chance on n targets:
	// labels drawn from the model's own out-of-fold probabilities
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{343, 442} {
		var eces []float64
		for r := 0; r < 1000; r++ {
			ps := make([][3]float64, n)
			ls := make([]int, n)
			for k := range ps {
				p := fitted[rng.IntN(len(fitted))]
				ps[k] = p
				u := rng.Float64()
				ls[k] = 2
				if u < p[0] {
					ls[k] = 0
				} else if u < p[0]+p[1] {
					ls[k] = 1
				}
			}
			eces = append(eces, calibECE(ps, ls))
		}
		sort.Float64s(eces)
		t.Logf("ECE of a calibrated model on %d targets by chance: median %.3f, 90th pct %.3f, 95th %.3f", n, eces[500], eces[900], eces[950])
	}
	// dev, measured only (nothing above reads it): ECE with a bootstrap
	// interval, and mean confidence against accuracy
	for _, name := range []string{"dev_mt.jsonl", "dev_rw.jsonl"} {
		dv, err := eval.ReadNewsMTSC(filepath.Join(data, "portrayal/newsmtsc", name))
		if err != nil {
			t.Fatal(err)
		}
		ps := make([][3]float64, len(dv))
		ls := make([]int, len(dv))
		var conf, acc float64
		for i, x := range dv {
			var others []document.Span
			for _, o := range x.Others {
				others = append(others, document.Span{Start: o.Start, End: o.End})
			}
			tg := SentenceTarget(x.Sentence, document.Span{Start: x.Span.Start, End: x.Span.End}, others)
			ps[i], ls[i] = m.Probs(&tg), x.Label
			c := Argmax(ps[i])
			conf += ps[i][c]
			if c == ls[i] {
				acc++
			}
		}
		var eces []float64
		for r := 0; r < 1000; r++ {
			bp := make([][3]float64, len(ps))
			bl := make([]int, len(ps))
			for k := range bp {
				j := rng.IntN(len(ps))
				bp[k], bl[k] = ps[j], ls[j]
			}
			eces = append(eces, calibECE(bp, bl))
		}
		sort.Float64s(eces)
		t.Logf("%s: ECE %.3f (bootstrap 5-95%%: %.3f-%.3f), mean confidence %.3f, accuracy %.3f", name, calibECE(ps, ls), eces[50], eces[950], conf/float64(len(ps)), acc/float64(len(ps)))
	}
}

// calibECE is eval's ECE (10 equal-width bins of the predicted class's
// confidence).
func calibECE(ps [][3]float64, labels []int) float64 {
	pred := make([]int, len(ps))
	conf := make([]float64, len(ps))
	for i, p := range ps {
		pred[i] = Argmax(p)
		conf[i] = p[pred[i]]
	}
	return eval.ScorePortrayal(labels, pred, conf).ECE
}

// loadExperimentModel decodes the model file at path for an experiment.
// A shipped model keeps projections only, so its word vectors come from
// $PORTRAYAL_EMB (an Embeddings gob, as TestExperiment caches it), which
// must be the model's vocabulary.
func loadExperimentModel(t *testing.T, path string) *Model {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if e := m.fs.emb; e != nil && e.Vec == nil {
		b, err := os.ReadFile(os.Getenv("PORTRAYAL_EMB"))
		if err != nil {
			t.Fatalf("the model carries no word vectors and $PORTRAYAL_EMB: %v", err)
		}
		var v Embeddings
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(v.Words, e.Words) || v.Dim != e.Dim {
			t.Fatal("$PORTRAYAL_EMB is not the model's vocabulary")
		}
		m.fs.emb = &v
	}
	if m.fs.emb == nil {
		t.Fatal("the model has no word vectors")
	}
	return m
}

// newsMTSCExamples turns NewsMTSC targets into training examples.
func newsMTSCExamples(tr []eval.PortrayalTarget) []Example {
	ex := make([]Example, len(tr))
	for i, x := range tr {
		var others []document.Span
		for _, o := range x.Others {
			others = append(others, document.Span{Start: o.Start, End: o.End})
		}
		ex[i] = Example{Target: SentenceTarget(x.Sentence, document.Span{Start: x.Span.Start, End: x.Span.End}, others), Label: x.Label}
	}
	return ex
}
