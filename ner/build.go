package ner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// BuildConfig says where "newslens train ner" reads its data and writes
// the model.
type BuildConfig struct {
	// Shared is the shared data folder (default "../shared").
	Shared string
	// Out is the model directory (default "ner/model").
	Out string
	// Epochs, Seed and TwoPass are passed to Train (defaults 12, 1, true
	// unless OnePass).
	Epochs  int
	Seed    uint64
	OnePass bool
	// CityPop adds GeoNames cities of at least this population to the
	// gazetteer (0: countries, capitals and admin-1 names only).
	CityPop int
	// NoClusters skips word clusters.
	NoClusters bool
	// ClustersCache, if set, is a cluster table file: read if it exists,
	// else learned and written there (learning takes minutes; the result
	// is the same for the same data and seed).
	ClustersCache string
	Logger        *slog.Logger
}

// Manifest describes an embedded model: what it was trained on, how, and
// how well it did on the development set.
type Manifest struct {
	Model           string            `json:"model"`
	Data            map[string]string `json:"data_sha256"`
	Features        []string          `json:"features"`
	Hyperparameters map[string]any    `json:"hyperparameters"`
	TrainSeconds    float64           `json:"train_seconds"`
	TrainedAt       string            `json:"trained_at"`
	GoVersion       string            `json:"go_version"`
	Dev             map[string]any    `json:"dev"`
	ModelBytes      int               `json:"model_bytes"`
	Clusters        int               `json:"clusters_words"`
	Gazetteer       int               `json:"gazetteer_entries"`
	WeightFeatures  int               `json:"weight_features"`
	// Calibration maps raw span confidences p to
	// sigmoid(a·logit(p)+b), fitted on dev spans (Platt scaling).
	Calibration *Calibration `json:"calibration,omitempty"`
}

// Calibration holds Platt scaling parameters.
type Calibration struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
	// Bins are dev precision per confidence decile after calibration:
	// [lower bound, spans, precision].
	Bins [][3]float64 `json:"bins"`
}

// Build trains the model from the shared data and writes ner.bin.gz and
// manifest.json to cfg.Out.
func Build(ctx context.Context, cfg BuildConfig) (*Manifest, error) {
	if cfg.Shared == "" {
		cfg.Shared = "../shared"
	}
	if cfg.Out == "" {
		cfg.Out = "ner/model"
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 12
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	trainPath := filepath.Join(cfg.Shared, "data/ner/conll2003/train.txt")
	devPath := filepath.Join(cfg.Shared, "data/ner/conll2003/valid.txt")
	reuters := filepath.Join(cfg.Shared, "data/ner/unlabelled/reuters21578.txt.gz")
	geo := filepath.Join(cfg.Shared, "data/geo/geonames")
	train, err := ReadCoNLLFile(trainPath)
	if err != nil {
		return nil, err
	}
	dev, err := ReadCoNLLFile(devPath)
	if err != nil {
		return nil, err
	}
	gaz, err := ReadGazetteer(geo, cfg.CityPop)
	if err != nil {
		return nil, fmt.Errorf("gazetteer from %s: %w", geo, err)
	}
	data := map[string]string{}
	for _, p := range []string{trainPath, devPath, reuters, filepath.Join(geo, "countryInfo.txt"), filepath.Join(geo, "admin1CodesASCII.txt")} {
		sum, err := fileSHA256(p)
		if err != nil {
			return nil, err
		}
		data[filepath.ToSlash(p)] = sum
	}
	ccfg := ClusterConfig{Seed: cfg.Seed, Contexts: 1500, Dim: 160, Vocab: 60000, MinCount: 3, K: [3]int{40, 200, 1000}, Iter: 10}
	var clusters map[string][3]uint16
	if cfg.ClustersCache != "" {
		if c, err := ReadClustersFile(cfg.ClustersCache); err == nil {
			clusters = c
			cfg.Logger.Info("word clusters from cache", "file", cfg.ClustersCache)
		}
	}
	if !cfg.NoClusters && clusters == nil {
		src, err := ReutersSentences(reuters, train)
		if err != nil {
			return nil, err
		}
		cfg.Logger.Info("learning word clusters", "from", reuters)
		clusters, err = LearnClusters(ctx, src, ccfg)
		if err != nil {
			return nil, fmt.Errorf("clusters: %w", err)
		}
		if cfg.ClustersCache != "" {
			var cb bytes.Buffer
			if err := WriteClusters(&cb, clusters); err != nil {
				return nil, err
			}
			if err := os.WriteFile(cfg.ClustersCache, cb.Bytes(), 0o644); err != nil {
				return nil, fmt.Errorf("clusters cache: %w", err)
			}
		}
	}
	m, rep, err := Train(ctx, TrainConfig{Train: train, Dev: dev, Epochs: cfg.Epochs, Seed: cfg.Seed,
		TwoPass: !cfg.OnePass, Clusters: clusters, Gazetteer: gaz, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// weights below 1e-6 of the largest are dropped (the quantiser's floor)
	const prune = 1e-6
	if err := m.Save(&buf, prune); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, "ner.bin.gz"), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	// score the saved (pruned, quantised) model, which is what ships
	saved, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, err
	}
	tp, fp, fn := 0, 0, 0
	var confs []float64
	var oks []bool
	for _, d := range dev {
		sents := make([][]string, len(d.Sentences))
		for i, s := range d.Sentences {
			sents[i] = s.Words
		}
		got := saved.TagDoc(sents)
		for i, s := range d.Sentences {
			gold := Spans(s.Tags)
			t, p, f := matchSpans(got[i], gold)
			tp, fp, fn = tp+t, fp+p, fn+f
			g := map[Span]bool{}
			for _, x := range gold {
				g[x] = true
			}
			for _, x := range got[i] {
				confs = append(confs, x.Confidence)
				oks = append(oks, g[Span{Start: x.Start, End: x.End, Type: x.Type}])
			}
		}
	}
	cal := &Calibration{}
	cal.A, cal.B = fitPlatt(confs, oks)
	saved.SetCalibration(cal.A, cal.B)
	var n, ok [10]float64
	for i, c := range confs {
		k := min(int(saved.calibrate(c)*10), 9)
		n[k]++
		if oks[i] {
			ok[k]++
		}
	}
	for k := range n {
		if n[k] > 0 {
			cal.Bins = append(cal.Bins, [3]float64{float64(k) / 10, n[k], math.Round(ok[k]/n[k]*1000) / 1000})
		}
	}
	man := &Manifest{
		Model: "averaged structured perceptron, BILOU Viterbi, hashed sparse features",
		Data:  data,
		Features: []string{"word", "lower", "shape", "prefix 1-4", "suffix 1-4", "length",
			"lower words ±1 ±2", "word bigrams ±1", "shape bigrams and trigram", "previous word + shape", "shape + next word",
			"sentence-initial shape", "headline (all caps sentence) shape", "word clusters (3 levels) of word, ±1",
			"gazetteer match of word, ±1", "document: capitalised mid-sentence elsewhere, lower case elsewhere",
			"inside parentheses", "document majority label of the word (second pass)"},
		Hyperparameters: map[string]any{"epochs_max": cfg.Epochs, "best_epoch": rep.Epoch, "seed": cfg.Seed,
			"two_pass": m.twoPass, "prune": prune, "quantisation": "int16 logarithmic, 6 decades", "city_pop": cfg.CityPop,
			"clusters": ccfg, "temperature": m.temp},
		TrainSeconds:   time.Since(start).Seconds(),
		TrainedAt:      time.Now().UTC().Format(time.RFC3339),
		GoVersion:      runtime.Version(),
		Dev:            map[string]any{"file": "data/ner/conll2003/valid.txt", "f1_during_training": rep.DevF1, "f1_saved_model": f1Of(tp, fp, fn), "first_pass_f1": rep.FirstPass},
		ModelBytes:     buf.Len(),
		Clusters:       len(clusters),
		Gazetteer:      len(gaz),
		WeightFeatures: saved.nfeat,
		Calibration:    cal,
	}
	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, "manifest.json"), append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	return man, nil
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
