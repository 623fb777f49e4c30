package eval

// This file ports the SemEval-2020 Task 11 scorers (persuasion techniques)
// from their description in ../shared/data/propaganda/README.md: span
// identification (SI) with partial credit by character overlap, and
// technique classification (TC) as micro-F1 over given gold spans. Offsets
// are PTC's: code points, start inclusive, end exclusive.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// TechSpan is one line of a PTC labels file. Technique is empty in SI files.
// Start and End count code points of the article's text.
type TechSpan struct {
	Article   string
	Technique string
	Start     int
	End       int
}

// TechniquesResult is what "newslens eval techniques --json" prints.
type TechniquesResult struct {
	Articles    int     `json:"articles"`
	SIPrecision float64 `json:"si_precision"`
	SIRecall    float64 `json:"si_recall"`
	SIF1        float64 `json:"si_f1"`
	// SIGold and SIPred are the numbers of merged gold and predicted spans.
	SIGold int `json:"si_gold_spans"`
	SIPred int `json:"si_pred_spans"`
	// TCMicroF1 equals TC accuracy, since every gold span gets one label.
	TCMicroF1    float64        `json:"tc_micro_f1"`
	TCInstances  int            `json:"tc_instances"`
	PerTechnique map[string]PRF `json:"per_technique"`
	// Folds is set by cross-validation runs.
	Folds int `json:"folds,omitempty"`
}

// ReadTechSpans parses a PTC labels file: "id\tstart\tend" (SI) or
// "id\ttechnique\tstart\tend" (TC) per line. name is used in errors.
func ReadTechSpans(r io.Reader, name string) ([]TechSpan, error) {
	var out []TechSpan
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Split(l, "\t")
		var s TechSpan
		var a, b string
		switch len(f) {
		case 3:
			s.Article, a, b = f[0], f[1], f[2]
		case 4:
			s.Article, s.Technique, a, b = f[0], f[1], f[2], f[3]
		default:
			return nil, fmt.Errorf("%s:%d: want 3 or 4 tab-separated fields, got %d", name, line, len(f))
		}
		var err1, err2 error
		s.Start, err1 = strconv.Atoi(strings.TrimSpace(a))
		s.End, err2 = strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || s.Start < 0 || s.End < s.Start {
			return nil, fmt.Errorf("%s:%d: bad offsets %q %q", name, line, a, b)
		}
		s.Article = strings.TrimPrefix(strings.TrimSpace(s.Article), "article")
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// ReadTechSpansPath reads a labels file, or every *.labels file of a
// directory (PTC's per-article layout).
func ReadTechSpansPath(path string) ([]TechSpan, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.labels"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no *.labels files", path)
		}
	}
	var out []TechSpan
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		s, err := ReadTechSpans(fh, f)
		fh.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

type techniquesIv struct{ s, e int }

// techniquesMerge groups spans by article and merges the ones sharing at
// least one character, as the official scorer does for gold spans (always)
// and for submissions (with -m). Touching spans are not merged.
func techniquesMerge(spans []TechSpan) map[string][]techniquesIv {
	by := map[string][]techniquesIv{}
	for _, s := range spans {
		if s.End <= s.Start {
			continue
		}
		by[s.Article] = append(by[s.Article], techniquesIv{s.Start, s.End})
	}
	for a, ivs := range by {
		sort.Slice(ivs, func(i, j int) bool { return ivs[i].s < ivs[j].s })
		out := ivs[:1]
		for _, iv := range ivs[1:] {
			last := &out[len(out)-1]
			if iv.s < last.e {
				if iv.e > last.e {
					last.e = iv.e
				}
				continue
			}
			out = append(out, iv)
		}
		by[a] = out
	}
	return by
}

// ScoreSI computes SI precision, recall and F1: for every pair of a
// predicted span s and a gold span t of the same article, |s∩t|/|s| adds to
// precision's sum and |s∩t|/|t| to recall's; the sums are divided by the
// numbers of predicted and gold spans over the whole set. Overlapping spans
// are merged on both sides first. Gold articles missing from pred still
// count in the gold total.
func ScoreSI(gold, pred []TechSpan) (p, r, f1 float64, nGold, nPred int) {
	g := techniquesMerge(gold)
	s := techniquesMerge(pred)
	var sumP, sumR float64
	// articles in order, so the float sums (and the printed figures) do
	// not depend on map iteration order
	arts := make([]string, 0, len(s))
	for a := range s {
		arts = append(arts, a)
	}
	sort.Strings(arts)
	for _, art := range arts {
		ps := s[art]
		nPred += len(ps)
		gs := g[art]
		for _, x := range ps {
			for _, t := range gs {
				lo, hi := max(x.s, t.s), min(x.e, t.e)
				if hi <= lo {
					continue
				}
				ov := float64(hi - lo)
				sumP += ov / float64(x.e-x.s)
				sumR += ov / float64(t.e-t.s)
			}
		}
	}
	for _, gs := range g {
		nGold += len(gs)
	}
	if nGold == 0 && nPred == 0 {
		return 1, 1, 1, 0, 0
	}
	if nPred > 0 {
		p = sumP / float64(nPred)
	}
	if nGold > 0 {
		r = sumR / float64(nGold)
	}
	if p > 0 && r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return p, r, f1, nGold, nPred
}

// ScoreTC computes TC micro-F1 (= accuracy) and per-technique P/R/F1. pred
// must carry exactly the spans of gold; where several gold instances share
// one span, pred's labels for it are paired with gold's to maximise
// agreement, as the official scorer does. techniques lists the labels to
// report per technique (every label seen is reported when it is nil).
func ScoreTC(gold, pred []TechSpan, techniques []string) (micro float64, per map[string]PRF, err error) {
	type key struct {
		art  string
		s, e int
	}
	gl := map[key][]string{}
	pl := map[key][]string{}
	for _, x := range gold {
		k := key{x.Article, x.Start, x.End}
		gl[k] = append(gl[k], x.Technique)
	}
	for _, x := range pred {
		k := key{x.Article, x.Start, x.End}
		pl[k] = append(pl[k], x.Technique)
	}
	if len(gold) != len(pred) {
		return 0, nil, fmt.Errorf("tc: %d predicted instances for %d gold instances", len(pred), len(gold))
	}
	for k, g := range gl {
		if len(pl[k]) != len(g) {
			return 0, nil, fmt.Errorf("tc: article %s span [%d,%d): %d gold labels, %d predicted", k.art, k.s, k.e, len(g), len(pl[k]))
		}
	}
	counts := map[string]*PRF{}
	for _, t := range techniques {
		counts[t] = &PRF{}
	}
	get := func(t string) *PRF {
		c := counts[t]
		if c == nil {
			c = &PRF{}
			counts[t] = c
		}
		return c
	}
	correct := 0
	for k, g := range gl {
		// pair equal labels first, then the rest in order: that maximises
		// the number of agreeing pairs.
		left := map[string]int{}
		for _, t := range pl[k] {
			left[t]++
		}
		var gRest []string
		for _, t := range g {
			if left[t] > 0 {
				left[t]--
				correct++
				get(t).TP++
				continue
			}
			gRest = append(gRest, t)
		}
		var pRest []string
		for _, t := range pl[k] {
			if left[t] > 0 {
				left[t]--
				pRest = append(pRest, t)
			}
		}
		for i := range gRest {
			get(gRest[i]).FN++
			get(pRest[i]).FP++
		}
	}
	per = map[string]PRF{}
	for t, c := range counts {
		if techniques != nil && !techniquesContains(techniques, t) {
			continue
		}
		per[t] = c.Finish()
	}
	if len(gold) > 0 {
		micro = float64(correct) / float64(len(gold))
	}
	return micro, per, nil
}

func techniquesContains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
