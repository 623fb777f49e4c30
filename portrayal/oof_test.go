package portrayal

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/internal/testenv"
)

// TestWriteOOF writes the target-sentiment model's 5-fold out-of-fold
// probabilities on NewsMTSC train (JSON, one [neg, neu, pos] per target in
// file order) to $PORTRAYAL_OOF_OUT, for "newslens train
// portrayal-aggregate --oof", which fits the mention combiner on train
// without the in-sample overconfidence of the shipped model's own scores.
// Skipped unless $PORTRAYAL_OOF_OUT and $PORTRAYAL_CALIB (a model file with
// word vectors, e.g. `git show 8136712:portrayal/model/portrayal.gob.gz`,
// the shipped model's trained form) are set. About 3 CPU-minutes.
func TestWriteOOF(t *testing.T) {
	out, path := os.Getenv("PORTRAYAL_OOF_OUT"), os.Getenv("PORTRAYAL_CALIB")
	if out == "" || path == "" {
		t.Skip("set PORTRAYAL_OOF_OUT and PORTRAYAL_CALIB")
	}
	m := loadExperimentModel(t, path)
	tr, err := eval.ReadNewsMTSC(filepath.Join(testenv.Shared(t), "data", "portrayal/newsmtsc/train.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	ex := newsMTSCExamples(tr)
	o := TrainOptions{Bits: m.bits, Epochs: 8, LR: 0.01, Seed: 1, Runs: 3, Drop: m.fs.drop, Embeddings: m.fs.emb}
	cv, oof, err := CrossValidate(context.Background(), ex, nil, m.lex, o, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cv macro-F1 %.4f", cv)
	probs := make([][3]float64, len(oof))
	for i := range oof {
		probs[i] = softmax(oof[i], m.temp)
	}
	js, err := json.Marshal(probs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, js, 0o644); err != nil {
		t.Fatal(err)
	}
}
