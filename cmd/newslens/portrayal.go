package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/portrayal"
	"github.com/newslens/newslens/text"
)

// portrayalExamples converts NewsMTSC targets to training examples.
func portrayalExamples(ts []eval.PortrayalTarget) []portrayal.Example {
	out := make([]portrayal.Example, len(ts))
	for i, t := range ts {
		others := make([]document.Span, len(t.Others))
		for j, o := range t.Others {
			others[j] = document.Span{Start: o.Start, End: o.End}
		}
		out[i] = portrayal.Example{Target: portrayal.SentenceTarget(t.Sentence, document.Span{Start: t.Span.Start, End: t.Span.End}, others), Label: t.Label}
	}
	return out
}

// portrayalPredict classifies examples, returning labels and confidences.
func portrayalPredict(m *portrayal.Model, ex []portrayal.Example) ([]int, []int, []float64) {
	gold, pred, conf := make([]int, len(ex)), make([]int, len(ex)), make([]float64, len(ex))
	for i := range ex {
		p := m.Probs(&ex[i].Target)
		c := portrayal.Argmax(p)
		gold[i], pred[i], conf[i] = ex[i].Label, c, p[c]
	}
	return gold, pred, conf
}

// portrayalDocProbs classifies every mention of a PerSenT document's target
// in its sentence and returns the mention probabilities.
func portrayalDocProbs(m *portrayal.Model, d eval.PortrayalDoc) [][3]float64 {
	doc := &document.Document{Text: d.Text}
	text.Segment(doc)
	var ps [][3]float64
	for _, mn := range d.Mentions {
		for _, s := range doc.Sentences {
			if s.Start <= mn.Start && mn.End <= s.End {
				t := portrayal.SentenceTarget(d.Text[s.Start:s.End], document.Span{Start: mn.Start - s.Start, End: mn.End - s.Start}, nil)
				ps = append(ps, m.Probs(&t))
				break
			}
		}
	}
	return ps
}

// runEvalPortrayal scores the embedded model on NewsMTSC targets or PerSenT documents.
func runEvalPortrayal(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval portrayal", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "newsmtsc", "newsmtsc (one instance per target) or persent (document label)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	modelPath := fs.String("model", "", "score this model file instead of the embedded one")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	// flags may follow FILE: "eval portrayal --format persent FILE --json"
	var files []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		files = append(files, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: eval portrayal needs one FILE", errUsage)
	}
	file := files[0]
	m, err := portrayalModel(*modelPath)
	if err != nil {
		return err
	}
	start := time.Now()
	var res eval.PortrayalResult
	switch *format {
	case "newsmtsc":
		ts, err := eval.ReadNewsMTSC(file)
		if err != nil {
			return err
		}
		g, p, c := portrayalPredict(m, portrayalExamples(ts))
		res = eval.ScorePortrayal(g, p, c)
	case "persent":
		docs, err := eval.ReadPerSenT(file)
		if err != nil {
			return err
		}
		var g, p []int
		var c []float64
		for _, d := range docs {
			if err := ctx.Err(); err != nil {
				return err
			}
			lab, avg := m.Aggregate(portrayalDocProbs(m, d))
			g, p, c = append(g, d.Label), append(p, lab), append(c, avg[lab])
		}
		res = eval.ScorePortrayal(g, p, c)
	default:
		return fmt.Errorf("%w: --format %q (want newsmtsc or persent)", errUsage, *format)
	}
	res.Format, res.File, res.Seconds = *format, file, time.Since(start).Seconds()
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s %s: %d instances, macro-F1 %.3f, accuracy %.3f, ECE %.3f\n", *format, file, res.Instances, res.MacroF1, res.Accuracy, res.ECE)
	for _, l := range eval.PortrayalLabels {
		c := res.Classes[l]
		fmt.Fprintf(e.stdout, "  %-8s P %.3f R %.3f F1 %.3f\n", l, c.Precision, c.Recall, c.F1)
	}
	return nil
}

func portrayalModel(path string) (*portrayal.Model, error) {
	if path == "" {
		a, err := portrayal.New()
		if err != nil {
			return nil, err
		}
		return a.Model(), nil
	}
	return portrayal.Load(os.DirFS(filepath.Dir(path)), filepath.Base(path))
}

// runTrainPortrayal trains on NewsMTSC train, picks hyperparameters by the
// mean macro-F1 of dev-mt and dev-rw, calibrates the temperature on both
// devs, tunes the document-level offsets on PerSenT dev, and writes the
// model and its manifest.
func runTrainPortrayal(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train portrayal", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/portrayal", "portrayal data directory (newsmtsc/, persent/)")
	lexDir := fs.String("lexicons", "../shared/data/lexicons", "lexicon directory (afinn/, vader/)")
	out := fs.String("out", filepath.Join("portrayal", portrayal.ModelPath), "model file to write (manifest.json beside it)")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	trainPath := filepath.Join(*data, "newsmtsc", "train.jsonl.gz")
	mtPath := filepath.Join(*data, "newsmtsc", "dev_mt.jsonl")
	rwPath := filepath.Join(*data, "newsmtsc", "dev_rw.jsonl")
	psPath := filepath.Join(*data, "persent", "dev.csv.gz")
	tr, err := eval.ReadNewsMTSC(trainPath)
	if err != nil {
		return err
	}
	mt, err := eval.ReadNewsMTSC(mtPath)
	if err != nil {
		return err
	}
	rw, err := eval.ReadNewsMTSC(rwPath)
	if err != nil {
		return err
	}
	ps, err := eval.ReadPerSenT(psPath)
	if err != nil {
		return err
	}
	lex, err := portrayal.ReadLexicons(*lexDir)
	if err != nil {
		return err
	}
	trEx, mtEx, rwEx := portrayalExamples(tr), portrayalExamples(mt), portrayalExamples(rw)
	type trial struct {
		Opts         portrayal.TrainOptions `json:"options"`
		DevMT, DevRW float64                `json:"-"`
		MacroF1MT    float64                `json:"dev_mt_macro_f1"`
		MacroF1RW    float64                `json:"dev_rw_macro_f1"`
	}
	var trials []trial
	var best *portrayal.Model
	bestScore := -1.0
	var bestTrial trial
	// small AdaGrad steps act as the regulariser: on dev, rates of 0.1 and
	// more overfit (mean macro-F1 0.60) and 0.006-0.01 do best (0.66)
	for _, ep := range []int{4, 8} {
		for _, l2 := range []float64{0, 1e-3} {
			for _, lr := range []float64{0.006, 0.01} {
				o := portrayal.TrainOptions{Bits: 18, Epochs: ep, L2: l2, LR: lr, Seed: 1, Runs: 3}
				m, err := portrayal.Train(ctx, trEx, lex, o)
				if err != nil {
					return err
				}
				g, p, _ := portrayalPredict(m, mtEx)
				f1mt := eval.ScorePortrayal(g, p, nil).MacroF1
				g, p, _ = portrayalPredict(m, rwEx)
				f1rw := eval.ScorePortrayal(g, p, nil).MacroF1
				t := trial{Opts: o, MacroF1MT: round4(f1mt), MacroF1RW: round4(f1rw)}
				trials = append(trials, t)
				fmt.Fprintf(e.stderr, "epochs %d l2 %g lr %g: dev-mt %.4f dev-rw %.4f\n", ep, l2, lr, f1mt, f1rw)
				if s := (f1mt + f1rw) / 2; s > bestScore {
					best, bestScore, bestTrial = m, s, t
				}
			}
		}
	}
	temp := best.Calibrate(append(append([]portrayal.Example(nil), mtEx...), rwEx...))
	// document-level offsets on PerSenT dev: a small grid on the neutral and
	// positive offsets (negative fixed at 0). The range is kept to ±0.1 on
	// purpose: PerSenT's document labels lean positive (304 of 578), and a
	// wider range learns that prior (+0.3 on positive), which then overrules
	// clear mention-level majorities in ordinary news.
	docProbs := make([][][3]float64, len(ps))
	for i, d := range ps {
		docProbs[i] = portrayalDocProbs(best, d)
	}
	bestBias, bestDoc := [3]float64{}, -1.0
	zeroDoc := -1.0
	for b1 := -0.1; b1 <= 0.101; b1 += 0.025 {
		for b2 := -0.1; b2 <= 0.101; b2 += 0.025 {
			bias := [3]float64{0, b1, b2}
			best.SetDocBias(bias)
			g, p := make([]int, len(ps)), make([]int, len(ps))
			for i, d := range ps {
				g[i] = d.Label
				p[i], _ = best.Aggregate(docProbs[i])
			}
			f := eval.ScorePortrayal(g, p, nil).MacroF1
			if math.Abs(b1) < 1e-9 && math.Abs(b2) < 1e-9 {
				zeroDoc = f
			}
			if f > bestDoc+1e-9 {
				bestDoc, bestBias = f, bias
			}
		}
	}
	best.SetDocBias(bestBias)
	hashes := map[string]string{}
	for _, p := range []string{trainPath, mtPath, rwPath, psPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		hashes[filepath.Base(p)] = hex.EncodeToString(h[:])
	}
	best.Meta = map[string]string{"trained": time.Now().UTC().Format("2006-01-02"), "train": "NewsMTSC train.jsonl.gz sha256 " + hashes["train.jsonl.gz"]}
	var buf bytes.Buffer
	if err := best.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	g, p, c := portrayalPredict(best, mtEx)
	mtRes := eval.ScorePortrayal(g, p, c)
	g, p, c = portrayalPredict(best, rwEx)
	rwRes := eval.ScorePortrayal(g, p, c)
	manifest := map[string]any{
		"model":                               "multinomial logistic regression, AdaGrad, hashed features (2^bits buckets x 3 classes), int16 weights",
		"features":                            []string{"bias", "S|w sentence bag (target masked <T>, other targets <O>, numbers <NUM>)", "L|w R|w words within 10 tokens left/right", "L{1,2,3,5,9}|w R..|w distance-bucketed words", "BG|a b bigrams", "LB/RB/LR immediate left/right bigrams and the left-right pair", "LX±, LX{side}{bucket}± lexicon polarity (AFINN-165/5, VADER/4 averaged) with 3-token negation scope, parity for stacked negators", "NEG|w negated lexicon word", "LXS pos/neg sums per side squashed", "Q in quotation (quote marks, or a quote annotation's content at runtime)", "TSTART target opens the sentence"},
		"train_options":                       bestTrial.Opts,
		"trials":                              trials,
		"temperature":                         temp,
		"doc_bias":                            bestBias,
		"persent_dev_doc_macro_f1_tuned":      round4(bestDoc),
		"persent_dev_doc_macro_f1_no_offsets": round4(zeroDoc),
		"dev_mt":                              mtRes,
		"dev_rw":                              rwRes,
		"data_sha256":                         hashes,
		"lexicon_entries":                     len(lex),
		"trained":                             time.Now().UTC().Format(time.RFC3339),
	}
	mb, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	mp := filepath.Join(filepath.Dir(*out), "manifest.json")
	if err := os.WriteFile(mp, append(mb, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", mp, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes): dev-mt macro-F1 %.4f, dev-rw %.4f, temperature %.2f, PerSenT dev doc macro-F1 %.4f (tuned on it)\n",
		*out, buf.Len(), mtRes.MacroF1, rwRes.MacroF1, temp, bestDoc)
	return nil
}

func round4(v float64) float64 { return float64(int(v*10000+0.5)) / 10000 }
