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
	"strings"
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
	through := fs.Bool("analyzer", false, "score through the analyzer as in production: text segmented, entities, quotes and techniques run, the gold targets as entities among the ones found")
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
		if *through {
			g, p, c, err := portrayalThroughAnalyzer(ctx, m, ts)
			if err != nil {
				return err
			}
			res = eval.ScorePortrayal(g, p, c)
			break
		}
		g, p, c := portrayalPredict(m, portrayalExamples(ts))
		res = eval.ScorePortrayal(g, p, c)
	case "persent":
		docs, err := eval.ReadPerSenT(file)
		if err != nil {
			return err
		}
		if *through {
			g, p, c, err := persentThroughAnalyzer(ctx, m, docs, e.stderr)
			if err != nil {
				return err
			}
			res = eval.ScorePortrayal(g, p, c)
			break
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

// runTrainPortrayal trains on NewsMTSC train and chooses everything on
// train alone: the feature groups by 5-fold cross-validated macro-F1, and
// the softmax temperature on the out-of-fold scores. The document-level offsets are tuned on PerSenT dev.
// NewsMTSC dev-mt and dev-rw are only measured, for the manifest.
func runTrainPortrayal(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("train portrayal", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "../shared/data/portrayal", "portrayal data directory (newsmtsc/, persent/)")
	lexDir := fs.String("lexicons", "../shared/data/lexicons", "lexicon directory (afinn/, vader/, pattern/)")
	folds := fs.Int("cv", 5, "cross-validation folds on train")
	corpusGlobs := fs.String("embed-corpus", "ner/unlabelled/reuters21578.txt.gz,quotes/polnear/*/text/*.txt,propaganda/ptc/train-articles/*.txt",
		"unlabelled news for the word vectors: comma-separated globs under the data root (the parent of --data); NewsMTSC train sentences are added; empty: no embedding candidates")
	embDim := fs.Int("embed-dim", 100, "word vector size")
	embEpochs := fs.Int("embed-epochs", 5, "passes over the unlabelled corpus")
	embMin := fs.Int("embed-min-count", 3, "rarer words get no vector")
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
	var emb *portrayal.Embeddings
	var embInfo map[string]any
	if *corpusGlobs != "" {
		root := filepath.Dir(filepath.Clean(*data))
		var paths []string
		for _, g := range strings.Split(*corpusGlobs, ",") {
			m, err := filepath.Glob(filepath.Join(root, g))
			if err != nil {
				return fmt.Errorf("--embed-corpus %q: %w", g, err)
			}
			if len(m) == 0 {
				return fmt.Errorf("--embed-corpus %q: no files under %s", g, root)
			}
			paths = append(paths, m...)
		}
		corpus, err := portrayal.ReadCorpus(paths)
		if err != nil {
			return err
		}
		for _, x := range trEx {
			corpus = append(corpus, portrayal.Words(x.Sentence, x.Tokens, nil))
		}
		tokens := 0
		for _, l := range corpus {
			tokens += len(l)
		}
		start := time.Now()
		emb, err = portrayal.TrainEmbeddings(ctx, corpus, portrayal.EmbedOptions{Dim: *embDim, Epochs: *embEpochs, MinCount: *embMin})
		if err != nil {
			return err
		}
		embInfo = map[string]any{"corpus": *corpusGlobs + " + NewsMTSC train sentences", "files": len(paths), "tokens": tokens,
			"words": len(emb.Words), "dim": emb.Dim, "clusters": emb.K, "epochs": *embEpochs, "min_count": *embMin,
			"method": "skip-gram, negative sampling (5), window 5, subsampling 1e-4; spherical k-means clusters; int8 unit vectors"}
		fmt.Fprintf(e.stderr, "word vectors: %d words from %d tokens in %v\n", len(emb.Words), tokens, time.Since(start).Round(time.Second))
	}
	type trial struct {
		Opts      portrayal.TrainOptions `json:"options"`
		Emb       bool                   `json:"embeddings"`
		CVMacroF1 float64                `json:"cv_macro_f1"`
		CVSingle  float64                `json:"cv_macro_f1_single_target"`
		CVMulti   float64                `json:"cv_macro_f1_multi_target"`
		Criterion float64                `json:"criterion"`
	}
	var trials []trial
	bestCV, bestCrit := -1.0, -1.0
	var bestOpts portrayal.TrainOptions
	var bestOOF [][3]float64
	// the criterion is the mean of the out-of-fold macro-F1 on targets
	// alone in their sentence and on targets sharing it with others, as the
	// two NewsMTSC test sets (rw, mostly single; mt, all multi-target)
	// weigh them; most of train is single-target, so the plain out-of-fold
	// figure would all but ignore the multi-target case
	for _, c := range portrayalGrid(emb) {
		cv, oof, err := portrayal.CrossValidate(ctx, trEx, nil, lex, c, *folds)
		if err != nil {
			return err
		}
		single, multi := portrayalSplitF1(trEx, oof)
		crit := (single + multi) / 2
		trials = append(trials, trial{Opts: c, Emb: c.Embeddings != nil, CVMacroF1: round4(cv), CVSingle: round4(single), CVMulti: round4(multi), Criterion: round4(crit)})
		fmt.Fprintf(e.stderr, "bits %d epochs %d lr %g drop %b embeddings %v: cv macro-F1 %.4f (single %.4f, multi %.4f)\n", c.Bits, c.Epochs, c.LR, c.Drop, c.Embeddings != nil, cv, single, multi)
		if crit > bestCrit {
			bestCrit, bestCV, bestOpts, bestOOF = crit, cv, c, oof
		}
	}
	best, err := portrayal.Train(ctx, trEx, lex, bestOpts)
	if err != nil {
		return err
	}
	labels := make([]int, len(trEx))
	for i := range trEx {
		labels[i] = trEx[i].Label
	}
	temp := portrayal.FitTemperature(bestOOF, labels)
	best.SetTemperature(temp)
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
		"features":                            []string{"EL/ER/EC mean word vectors (1/sqrt-distance weighted within 6 tokens left/right; the clause), EL1/ER1 the words within 2 tokens in the clause (group FeatEmbed, FeatEmbedNear), ES the window's mean vector (FeatEmbedSent); CL word clusters (group FeatCluster)", "TW|w the target's first four words when it does not start with a capital (pronouns, nominals; group FeatTargetWord)", "bias", "S|w sentence bag (target masked <T>, other targets <O>, numbers <NUM>)", "C|w words of the target's clause", "L|w R|w words within 10 tokens left/right", "L{1,2,3,5,9}|w R..|w distance-bucketed words", "BG|a b bigrams (group FeatBigrams)", "NO|w NT|w word nearer another actor or the target (group FeatOtherNear)", "LB/RB/LR immediate left/right bigrams and the left-right pair", "LX±, LX{side}{bucket}±, LXO/LXT/LXC, LXD (1/sqrt distance) lexicon polarity (AFINN-165/5, VADER/4, Pattern adjectives averaged) with 3-token negation scope, parity for stacked negators", "NEG|w negated lexicon word", "LXS pos/neg sums per side squashed", "Q in quotation (quote marks, or a quote annotation's content at runtime)", "TSTART target opens the sentence"},
		"selection":                           fmt.Sprintf("%d-fold cross-validation on NewsMTSC train (sentences kept within one fold), criterion the mean of out-of-fold macro-F1 on single-target and multi-target sentences; dev-mt/dev-rw only measured", *folds),
		"train_options":                       bestOpts,
		"embeddings":                          bestOpts.Embeddings != nil,
		"word_vectors":                        embInfo,
		"cv_macro_f1":                         round4(bestCV),
		"trials":                              trials,
		"temperature":                         temp,
		"temperature_from":                    "out-of-fold scores on train",
		"shipped_form":                        "vocabulary plus each word's int16 projections onto the 6 mean-vector groups' class weights (one scale per group), no word vectors; int16 arrays stored as byte planes",
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
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes): cv macro-F1 %.4f; dev-mt macro-F1 %.4f, dev-rw %.4f (measured only), temperature %.2f, PerSenT dev doc macro-F1 %.4f (offsets tuned on it)\n",
		*out, buf.Len(), bestCV, mtRes.MacroF1, rwRes.MacroF1, temp, bestDoc)
	return nil
}

// portrayalSplitF1 is the out-of-fold macro-F1 on targets alone in their
// sentence and on targets with other targets beside them.
func portrayalSplitF1(ex []portrayal.Example, oof [][3]float64) (float64, float64) {
	var gs, ps, gm, pm []int
	for i := range ex {
		p := portrayal.Argmax(oof[i])
		if len(ex[i].Others) == 0 {
			gs, ps = append(gs, ex[i].Label), append(ps, p)
		} else {
			gm, pm = append(gm, ex[i].Label), append(pm, p)
		}
	}
	return portrayal.MacroF1(gs, ps), portrayal.MacroF1(gm, pm)
}

// portrayalGrid is the set of configurations cross-validation chooses
// from: feature groups, which is where models differ. Small AdaGrad steps
// act as the regulariser (rates of 0.1 and more overfit), so the rate is
// fixed. With word vectors, the best sparse set is tried with the mean
// vectors around the target, then adding the sentence's mean vector, the
// target's own words when it is not a name, and the vectors' clusters.
func portrayalGrid(emb *portrayal.Embeddings) []portrayal.TrainOptions {
	base := portrayal.TrainOptions{Bits: 18, Epochs: 8, LR: 0.01, Seed: 1, Runs: 3}
	var grid []portrayal.TrainOptions
	bo := portrayal.FeatBigrams | portrayal.FeatOtherNear
	// the groups added with the word vectors are off in the sparse trials
	late := portrayal.FeatEmbedSent | portrayal.FeatTargetWord
	for _, drop := range []uint32{0, portrayal.FeatBigrams, bo, bo | portrayal.FeatDistWords} {
		o := base
		o.Drop = drop | late
		grid = append(grid, o)
	}
	if emb != nil {
		cl := portrayal.FeatCluster
		for _, drop := range []uint32{bo | cl | late, bo | cl | portrayal.FeatTargetWord, bo | cl, bo} {
			o := base
			o.Drop, o.Embeddings = drop, emb
			grid = append(grid, o)
		}
	}
	return grid
}

func round4(v float64) float64 { return float64(int(v*10000+0.5)) / 10000 }
