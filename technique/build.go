package technique

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/newslens/newslens/ner"
	"github.com/newslens/newslens/text"
)

// featureNames documents the feature templates for the manifest.
var featureNames = []string{
	"si: word, lower-cased, at -2..+2; bigrams -1/0 and 0/+1; prefix and suffix of 3; word shape at -1..+1",
	"si: sentiment-lexicon polarity bucket at -1..+1 and subjectivity (AFINN-165, VADER, Pattern merged)",
	"si: inside quotation marks (and word in quotes); quote marks in the sentence",
	"si: capitalisation (Title, ALLCAPS) off sentence start; hyphenated word; punctuation mark",
	"si: repetition of the word and of the bigram in the document",
	"si: position in the sentence, clause position (tokens since , ; : - or parenthesis), sentence length, headline",
	"si: sentence has ! or ?, sentence polarity sum",
	"si: stacked sentence classifier (logistic regression over the sentence's words, bigrams, lexicon counts, quotes, ! and ?, length, headline): its probability bucketed, with position and with polarity, and the document's mean; out-of-fold (4 folds) in training",
	"si: word clusters (60k word forms seen at least twice, 50/250/1000 clusters; PPMI context vectors + k-means, learned by ner.LearnClusters from unlabelled Reuters-21578 and the PTC article text) of the word at three levels, of the neighbours, with polarity, and the cluster bigram -1/0",
	"tc: bag of words, bigrams and 3-letter suffixes of the span, first and last word and first word's shape, whole span text (<= 6 tokens)",
	"tc: three words before and after, adjacent punctuation",
	"tc: span length, word count, share of the sentence covered, sentence start/end, headline",
	"tc: repetition: spans with the same text in the document, occurrences of the n-gram and whether an earlier one exists, max word repetition",
	"tc: nesting: inside another given span, or holding one",
	"tc: bag of the span words' middle and fine clusters",
	"tc: polarity min/max, subjectivity, ALLCAPS words, quotes and scare quotes, ! and ?, hyphenated words",
	"si: WordNet 3.0 word class (noun naming a person in its first two senses, adjective, adverb, noun; plural through morphy's noun rules; hyphens dropped) of the word, with polarity, with the previous word's class, and with whether the word is outside the cluster table; in a short quotation (scare quotes) or just before one",
	"tc: bag of the span words' WordNet classes, the last word's class by word count, a person noun with the span's lowest polarity, a scare quotation inside",
	"si: span rates learned from the training spans (rates.go): smoothed log-odds, against the prior, that the word is inside a span, starts one and ends one, and that its six-letter stem is inside one, each bucketed with how often it was seen; the neighbours' inside rates; the previous word's end rate with this word's start rate; words of the sentence with a high rate (out-of-fold, 4 folds, in training)",
	"si: back-off span rates (wnrates.go): the smoothed log-odds that a training token is inside a span when its lemma is a WordNet 3.0 neighbour of the word (synonyms, similar, see-also, derivation, pertainym and hypernym synsets of its first three senses; never the word itself), with the neighbours' count and with the word's own count; the same over the other training forms of the word's middle and of its fine cluster",
}

// BuildConfig says where the data are and where the model goes.
type BuildConfig struct {
	// Data is ../shared/data (it holds propaganda/ptc and lexicons).
	Data string
	// Out is the directory the model and manifest are written to
	// (technique/model); empty writes nothing.
	Out     string
	Options Options
	// CVOnly runs cross-validation and trains no final model.
	CVOnly bool
	// NoClusters leaves out the word-cluster features; ClustersCache, when
	// set, is a file the learned cluster table is read from if it exists
	// and written to otherwise (it saves minutes between experiments).
	NoClusters    bool
	ClustersCache string
	// WordNet is the WordNet 3.0 database directory (Debian's wordnet-base
	// puts it in /usr/share/wordnet); empty leaves out the WordNet features.
	WordNet string
	Logger  *slog.Logger
}

// reutersPath is the unlabelled news text the clusters are learned from.
const reutersPath = "ner/unlabelled/reuters21578.txt.gz"

// learnClusters learns distributional word clusters (the ner package's
// PPMI + k-means method) from unlabelled Reuters news and the PTC article
// text (no labels), or reads them from cache.
func learnClusters(ctx context.Context, data, cache string, arts []*Article, log *slog.Logger) (map[string][3]uint16, error) {
	if cache != "" {
		if c, err := ner.ReadClustersFile(cache); err == nil {
			log.Info("word clusters from cache", "file", cache, "words", len(c))
			return c, nil
		}
	}
	docs := make([]ner.Doc, 0, len(arts))
	for _, a := range arts {
		var d ner.Doc
		for _, line := range strings.Split(a.Doc.Text, "\n") {
			ts := text.Tokenize(line)
			if len(ts) == 0 {
				continue
			}
			ws := make([]string, len(ts))
			for i, t := range ts {
				ws[i] = line[t.Start:t.End]
			}
			d.Sentences = append(d.Sentences, ner.Sentence{Words: ws})
		}
		docs = append(docs, d)
	}
	src, err := ner.ReutersSentences(filepath.Join(data, reutersPath), docs)
	if err != nil {
		return nil, fmt.Errorf("clusters: %w", err)
	}
	log.Info("learning word clusters")
	cl, err := ner.LearnClusters(ctx, src, ner.ClusterConfig{Seed: 1, Vocab: 60000, MinCount: 2, Contexts: 1000, Dim: 120, K: [3]int{50, 250, 1000}, Iter: 10})
	if err != nil {
		return nil, fmt.Errorf("clusters: %w", err)
	}
	if cache != "" {
		var b bytes.Buffer
		if err := ner.WriteClusters(&b, cl); err != nil {
			return nil, err
		}
		if err := os.WriteFile(cache, b.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("clusters cache: %w", err)
		}
	}
	return cl, nil
}

// Build cross-validates on the PTC train split (choosing the decoding
// offsets and fitting the calibration), then trains on all of it and writes
// the model and its manifest. It returns the cross-validation result.
func Build(ctx context.Context, cfg BuildConfig) (*CVResult, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := cfg.Options
	opts.EnsureDefaults()
	ptc := filepath.Join(cfg.Data, "propaganda", "ptc")
	arts, err := LoadPTC(ptc)
	if err != nil {
		return nil, err
	}
	lex, lexFiles, err := loadLexicons(filepath.Join(cfg.Data, "lexicons"))
	if err != nil {
		return nil, err
	}
	if !cfg.NoClusters {
		cl, err := learnClusters(ctx, cfg.Data, cfg.ClustersCache, arts, log)
		if err != nil {
			return nil, err
		}
		lex.setClusters(cl)
	}
	var wnFiles []string
	if cfg.WordNet != "" {
		wn, files, err := loadWordNet(cfg.WordNet)
		if err != nil {
			return nil, fmt.Errorf("%w (install the Debian package wordnet-base, or train without --wordnet)", err)
		}
		lex.wn, wnFiles = wn, files
		log.Info("wordnet classes", "words", len(wn))
		if !opts.NoNeighbours {
			if lex.wnRel, err = loadWordNetGraph(cfg.WordNet); err != nil {
				return nil, err
			}
			log.Info("wordnet neighbour graph", "lemmas", len(lex.wnRel))
		}
	}
	lex.buildFacts()
	t0 := time.Now()
	log.Info("cross-validating", "articles", len(arts), "folds", opts.Folds)
	cv, err := CrossValidate(ctx, arts, lex, opts)
	if err != nil {
		return nil, err
	}
	log.Info("cross-validated", "si_f1", cv.SIF1, "tc_micro_f1", cv.TCMicroF1, "took", time.Since(t0).Round(time.Second))
	if cfg.CVOnly {
		return cv, nil
	}
	m, err := Train(ctx, arts, lex, opts)
	if err != nil {
		return nil, err
	}
	m.si.OBias, m.si.BBias = cv.OBias, cv.BBias
	m.cal = cv.Cal
	if opts.Rescore {
		// the rescorer learns from the fold models' out-of-fold candidates
		m.rs = trainRS(cv.rsEx, opts.RSBits, opts.RSEpochs, opts.RSL2, opts.RSRate, opts.Seed)
		m.rs.Sel = selection{Base: cv.rsBase, Thr: cv.RSThreshold, Other: cv.RSOther, Beta: cv.RSBeta}
		m.rs.Configs = opts.grid()
	}
	if cfg.Out == "" {
		return cv, nil
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	h, err := hashFiles(filepath.Join(ptc, "train-articles"), "*.txt")
	if err != nil {
		return nil, err
	}
	hashes["propaganda/ptc/train-articles/*.txt"] = h
	srcs := append([]string{filepath.Join(ptc, "train-task2-TC.labels")}, lexFiles...)
	if !cfg.NoClusters {
		srcs = append(srcs, filepath.Join(cfg.Data, reutersPath))
	}
	for _, f := range srcs {
		h, err := hashFiles(filepath.Dir(f), filepath.Base(f))
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(cfg.Data, f)
		hashes[filepath.ToSlash(rel)] = h
	}
	for _, f := range wnFiles {
		h, err := hashFiles(filepath.Dir(f), filepath.Base(f))
		if err != nil {
			return nil, err
		}
		hashes["wordnet-3.0/"+filepath.Base(f)] = h
	}
	man := Manifest{
		Model:     "SI: averaged structured perceptron, BIO, first-order Viterbi with O/B score offsets chosen by CV (reported F1 uses nested selection), stacked on a sentence classifier; TC: multinomial logistic regression (AdaGrad, L2, Polyak averaging); Platt calibration on out-of-fold predictions",
		Trained:   time.Now().UTC().Format("2006-01-02"),
		Data:      hashes,
		Features:  featureNames,
		Params:    opts,
		Validated: cv,
		Bytes:     buf.Len(),
	}
	man.Params.Budget = 0
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, filepath.Base(ModelFile)), buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	mb, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, filepath.Base(ManifestFile)), append(mb, '\n'), 0o644); err != nil {
		return nil, err
	}
	log.Info("model written", "dir", cfg.Out, "bytes", buf.Len())
	return cv, nil
}

// hashFiles hashes the files of dir matching pattern, in name order.
func hashFiles(dir, pattern string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("%s: no files match %s", dir, pattern)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", f, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
