package portrayal_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/portrayal"
)

// TestExperiment runs cross-validation trials on NewsMTSC train for the
// configurations in $PORTRAYAL_EXP (comma-separated: base, emb, near,
// nearonly, cl, both; "@N" sets the seed, "#N" the hash bits), each
// 5-fold, and checks none falls below the old linear model's level. It is
// the harness behind the seed study in BENCHMARKS.md, skipped unless the
// variable is set (word vectors are learnt once and cached in /tmp;
// $EMB_VARIANT=d100-e5-m3 picks their size, epochs and minimum count).
func TestExperiment(t *testing.T) {
	exp := os.Getenv("PORTRAYAL_EXP")
	if exp == "" {
		t.Skip("set PORTRAYAL_EXP to run")
	}
	ctx := context.Background()
	data := "../../shared/data"
	tr, err := eval.ReadNewsMTSC(filepath.Join(data, "portrayal/newsmtsc/train.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	ex := make([]portrayal.Example, len(tr))
	for i, x := range tr {
		var others []document.Span
		for _, o := range x.Others {
			others = append(others, document.Span{Start: o.Start, End: o.End})
		}
		ex[i] = portrayal.Example{Target: portrayal.SentenceTarget(x.Sentence, document.Span{Start: x.Span.Start, End: x.Span.End}, others), Label: x.Label}
	}
	lex, err := portrayal.ReadLexicons(filepath.Join(data, "lexicons"))
	if err != nil {
		t.Fatal(err)
	}
	var emb *portrayal.Embeddings
	cache := "/tmp/portrayal_emb.gob"
	eo := portrayal.EmbedOptions{}
	if v := os.Getenv("EMB_VARIANT"); v != "" {
		cache = "/tmp/portrayal_emb_" + v + ".gob"
		fmt.Sscanf(v, "d%d-e%d-m%d", &eo.Dim, &eo.Epochs, &eo.MinCount)
	}
	if b, err := os.ReadFile(cache); err == nil && os.Getenv("EMB_REBUILD") == "" {
		emb = new(portrayal.Embeddings)
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(emb); err != nil {
			t.Fatal(err)
		}
	} else {
		paths := []string{filepath.Join(data, "ner/unlabelled/reuters21578.txt.gz")}
		for _, g := range []string{"quotes/polnear/*/text/*.txt", "propaganda/ptc/train-articles/*.txt"} {
			m, _ := filepath.Glob(filepath.Join(data, g))
			paths = append(paths, m...)
		}
		start := time.Now()
		corpus, err := portrayal.ReadCorpus(paths)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tr {
			corpus = append(corpus, portrayal.Words(x.Sentence, portrayal.SentenceTarget(x.Sentence, document.Span{}, nil).Tokens, nil))
		}
		emb, err = portrayal.TrainEmbeddings(ctx, corpus, eo)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("embeddings: %d words in %v", len(emb.Words), time.Since(start))
		var buf bytes.Buffer
		gob.NewEncoder(&buf).Encode(emb)
		os.WriteFile(cache, buf.Bytes(), 0o644)
	}
	for _, w := range []string{"criticized", "praised", "terrorist", "hero", "slammed"} {
		t.Logf("%s: %v", w, emb.Nearest(w, 8))
	}
	base := portrayal.TrainOptions{Bits: 18, Epochs: 8, LR: 0.01, Seed: 1, Runs: 3, Drop: portrayal.FeatBigrams | portrayal.FeatOtherNear}
	for _, name := range strings.Split(exp, ",") {
		o := base
		if at := strings.Index(name, "@"); at >= 0 {
			fmt.Sscan(name[at+1:], &o.Seed)
			name = name[:at]
		}
		if at := strings.Index(name, "#"); at >= 0 {
			fmt.Sscan(name[at+1:], &o.Bits)
			name = name[:at]
		}
		o.Drop |= portrayal.FeatEmbedSent | portrayal.FeatTargetWord
		if strings.HasSuffix(name, "+s") {
			o.Drop &^= portrayal.FeatEmbedSent
			name = strings.TrimSuffix(name, "+s")
		}
		if strings.HasSuffix(name, "+t") {
			o.Drop &^= portrayal.FeatTargetWord
			name = strings.TrimSuffix(name, "+t")
		}
		switch name {
		case "base":
			o.Drop |= portrayal.FeatEmbedNear
		case "near":
			o.Embeddings = emb
			o.Drop |= portrayal.FeatCluster
		case "nearonly":
			o.Embeddings = emb
			o.Drop |= portrayal.FeatCluster | portrayal.FeatEmbed
		case "emb":
			o.Drop |= portrayal.FeatEmbedNear
			o.Embeddings = emb
			o.Drop |= portrayal.FeatCluster
		case "cl":
			o.Embeddings = emb
			o.Drop |= portrayal.FeatEmbed | portrayal.FeatEmbedNear
		case "both":
			o.Embeddings = emb
		default:
			t.Fatalf("unknown %q", name)
		}
		start := time.Now()
		cv, oof, err := portrayal.CrossValidate(ctx, ex, nil, lex, o, 5)
		if err != nil {
			t.Fatal(err)
		}
		var gs, ps, gm, pm []int
		for i := range ex {
			p := portrayal.Argmax(oof[i])
			if len(ex[i].Others) == 0 {
				gs, ps = append(gs, ex[i].Label), append(ps, p)
			} else {
				gm, pm = append(gm, ex[i].Label), append(pm, p)
			}
		}
		s, m := portrayal.MacroF1(gs, ps), portrayal.MacroF1(gm, pm)
		t.Logf("%s: cv %.4f single %.4f multi %.4f crit %.4f (%v)", name, cv, s, m, (s+m)/2, time.Since(start))
		if (s+m)/2 < 0.64 {
			t.Errorf("%s: criterion %.4f < 0.64", name, (s+m)/2)
		}
	}
}
