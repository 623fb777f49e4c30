package technique

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCrossValidateExplore(t *testing.T) {
	if os.Getenv("NEWSLENS_TECH_CV") == "" {
		t.Skip("set NEWSLENS_TECH_CV=1")
	}
	root := filepath.Join("..", "..", "shared", "data")
	arts, err := LoadPTC(filepath.Join(root, "propaganda", "ptc"))
	if err != nil {
		t.Fatal(err)
	}
	lex, _, err := loadLexicons(filepath.Join(root, "lexicons"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	var opts Options
	if o := os.Getenv("NEWSLENS_TECH_OPTS"); o != "" {
		if err := json.Unmarshal([]byte(o), &opts); err != nil {
			t.Fatal(err)
		}
	}
	res, err := CrossValidate(context.Background(), arts, lex, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SI P %.4f R %.4f F1 %.4f (%d pred) TC %.4f  bias o=%g b=%g  %v", res.SIPrecision, res.SIRecall, res.SIF1, res.SIPred, res.TCMicroF1, res.OBias, res.BBias, time.Since(t0))
	if os.Getenv("NEWSLENS_TECH_CV") == "full" {
		b, _ := json.MarshalIndent(res, "", " ")
		t.Logf("%s", b)
	}
}

// TestCVTCExplore cross-validates the TC model alone (fast knob search).
func TestCVTCExplore(t *testing.T) {
	if os.Getenv("NEWSLENS_TECH_TC") == "" {
		t.Skip("set NEWSLENS_TECH_TC=1")
	}
	root := filepath.Join("..", "..", "shared", "data")
	arts, err := LoadPTC(filepath.Join(root, "propaganda", "ptc"))
	if err != nil {
		t.Fatal(err)
	}
	lex, _, err := loadLexicons(filepath.Join(root, "lexicons"))
	if err != nil {
		t.Fatal(err)
	}
	var opts Options
	if o := os.Getenv("NEWSLENS_TECH_OPTS"); o != "" {
		if err := json.Unmarshal([]byte(o), &opts); err != nil {
			t.Fatal(err)
		}
	}
	opts.EnsureDefaults()
	preps := make([]*prepared, len(arts))
	for i, a := range arts {
		preps[i] = prepare(a.Doc, lex)
	}
	correct, total := 0, 0
	probs := make([]float64, len(Techniques))
	for f := 0; f < 5; f++ {
		var ex []tcExample
		for i, a := range arts {
			if i%5 != f {
				ex = append(ex, tcExamples(a, preps[i])...)
			}
		}
		m := &Model{tc: trainTC(ex, Techniques, opts.TCBits, opts.TCEpochs, opts.TCL2, opts.TCRate, opts.Seed)}
		for i, a := range arts {
			if i%5 != f {
				continue
			}
			for _, e := range tcExamples(a, preps[i]) {
				m.tc.probs(e.feats, probs)
				if ranked(Techniques, probs)[0] == e.label {
					correct++
				}
				total++
			}
		}
	}
	t.Logf("TC top-1 accuracy %.4f over %d instances (multi-label spans not regrouped)", float64(correct)/float64(total), total)
}
