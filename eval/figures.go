package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
)

// FiguresArticle is one line of the figures gold set (JSON Lines): the
// article, identified by its path under ../shared (with "#N" for the N-th
// <text> element of an XML corpus, counted from 0), an optional
// publication date, and the hand annotations. Only offsets and values are
// stored, never the article text.
type FiguresArticle struct {
	Article   string       `json:"article"`
	Published string       `json:"published,omitempty"` // YYYY-MM-DD
	Topic     string       `json:"topic,omitempty"`     // conflict, disaster, economy, politics, health...
	Figures   []FiguresRef `json:"figures"`
}

// FiguresRef is one gold figure. Kind is "count", "amount" or "date"; Label
// is the count type, the amount's money|percent|quantity, or the date's
// date|range; Value is the number (counts, amounts); Currency the ISO code
// of money; ISO the resolved date (dates).
type FiguresRef struct {
	Kind     string  `json:"kind"`
	Start    int     `json:"start"`
	End      int     `json:"end"`
	Label    string  `json:"label"`
	Value    float64 `json:"value,omitempty"`
	Currency string  `json:"currency,omitempty"`
	ISO      string  `json:"iso,omitempty"`
}

// FiguresPredictFunc runs the figures analyzer on one article text.
type FiguresPredictFunc func(ctx context.Context, text string, published *time.Time) ([]document.Annotation, error)

// FiguresResult is what "newslens eval figures --json" prints.
type FiguresResult struct {
	Gold      string  `json:"gold"`
	Articles  int     `json:"articles"`
	CountsF1  float64 `json:"counts_f1"`
	AmountsF1 float64 `json:"amounts_f1"`
	DatesF1   float64 `json:"dates_f1"`
	Counts    PRF     `json:"counts"`
	Amounts   PRF     `json:"amounts"`
	Dates     PRF     `json:"dates"`
	// Errors lists false positives and negatives when asked for.
	Errors []FiguresError `json:"errors,omitempty"`
}

// FiguresError is one mismatch, for error analysis.
type FiguresError struct {
	Article string `json:"article"`
	Type    string `json:"type"` // "fp" or "fn"
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Key     string `json:"key"`
	Start   int    `json:"start"`
}

// ReadFiguresGold reads a gold JSON Lines file.
func ReadFiguresGold(path string) ([]FiguresArticle, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("figures gold: %w", err)
	}
	var out []FiguresArticle
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		var a FiguresArticle
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			return nil, fmt.Errorf("figures gold %s:%d: %w", path, line, err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

// FiguresText loads an article of the gold set from the shared data root.
func FiguresText(shared, article string) (string, error) {
	p, frag, _ := strings.Cut(article, "#")
	b, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(p)))
	if err != nil {
		return "", fmt.Errorf("figures article %s: %w", article, err)
	}
	if frag == "" {
		return string(b), nil
	}
	n, err := strconv.Atoi(frag)
	if err != nil {
		return "", fmt.Errorf("figures article %s: bad record number", article)
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	k := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return "", fmt.Errorf("figures article %s: no record %d", article, n)
		}
		if err != nil {
			return "", fmt.Errorf("figures article %s: %w", article, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "text" {
			continue
		}
		if k == n {
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				return "", fmt.Errorf("figures article %s: %w", article, err)
			}
			return s, nil
		}
		k++
	}
}

// figuresKey is what must agree for a match: kind, label and value.
func figuresKey(kind, label string, value float64, currency, iso string) string {
	switch kind {
	case "date":
		return kind + "|" + label + "|" + iso
	case "amount":
		return kind + "|" + label + "|" + strconv.FormatFloat(roundSig(value), 'g', -1, 64) + "|" + currency
	}
	return kind + "|" + label + "|" + strconv.FormatFloat(roundSig(value), 'g', -1, 64)
}

// roundSig keeps 9 significant digits so 1.5e9 from "1.5bn" and
// 1500000000 compare equal.
func roundSig(v float64) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	p, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 9, 64), 64)
	return p
}

type figuresItem struct {
	kind, key string
	span      document.Span
	matched   bool
}

// predictedKey gives an annotation's key, or "" for what is not scored
// (durations and times of day).
func predictedKey(a document.Annotation) string {
	num := func(k string) float64 {
		switch v := a.Attrs[k].(type) {
		case float64:
			return v
		case int:
			return float64(v)
		}
		return 0
	}
	str := func(k string) string { s, _ := a.Attrs[k].(string); return s }
	switch a.Kind {
	case "count":
		return figuresKey(a.Kind, a.Label, num("value"), "", "")
	case "amount":
		return figuresKey(a.Kind, a.Label, num("value"), str("currency"), "")
	case "date":
		if a.Label == "duration" || a.Label == "time" {
			return "" // not scored: the gold set marks dates only
		}
		return figuresKey(a.Kind, a.Label, 0, "", str("iso"))
	}
	return ""
}

// ScoreFigures runs predict on every gold article and scores counts,
// amounts and dates. A prediction matches a gold figure when their spans
// overlap and kind, label and value agree (money also the currency; dates
// the resolved ISO value, which carries the resolution); each gold figure
// matches at most once.
func ScoreFigures(ctx context.Context, shared string, gold []FiguresArticle, predict FiguresPredictFunc, withErrors bool) (FiguresResult, error) {
	var res FiguresResult
	prf := map[string]*PRF{"count": &res.Counts, "amount": &res.Amounts, "date": &res.Dates}
	for _, art := range gold {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		txt, err := FiguresText(shared, art.Article)
		if err != nil {
			return res, err
		}
		var pub *time.Time
		if art.Published != "" {
			t, err := time.Parse("2006-01-02", art.Published)
			if err != nil {
				return res, fmt.Errorf("figures gold %s: published: %w", art.Article, err)
			}
			pub = &t
		}
		preds, err := predict(ctx, txt, pub)
		if err != nil {
			return res, fmt.Errorf("figures %s: %w", art.Article, err)
		}
		var gs, ps []*figuresItem
		for _, g := range art.Figures {
			if g.Start < 0 || g.End > len(txt) || g.Start >= g.End {
				return res, fmt.Errorf("figures gold %s: span [%d,%d) outside text of %d bytes", art.Article, g.Start, g.End, len(txt))
			}
			gs = append(gs, &figuresItem{kind: g.Kind, key: figuresKey(g.Kind, g.Label, g.Value, g.Currency, g.ISO),
				span: document.Span{Start: g.Start, End: g.End}})
		}
		for _, p := range preds {
			if k := predictedKey(p); k != "" {
				ps = append(ps, &figuresItem{kind: p.Kind, key: k, span: p.Span})
			}
		}
		res.Articles++
		for _, p := range ps {
			for _, g := range gs {
				if !g.matched && g.key == p.key && g.span.Overlaps(p.span) {
					g.matched, p.matched = true, true
					break
				}
			}
		}
		note := func(typ string, it *figuresItem) {
			if withErrors {
				res.Errors = append(res.Errors, FiguresError{Article: art.Article, Type: typ, Kind: it.kind,
					Text: txt[it.span.Start:it.span.End], Key: it.key, Start: it.span.Start})
			}
		}
		for _, p := range ps {
			if c := prf[p.kind]; c != nil {
				if p.matched {
					c.TP++
				} else {
					c.FP++
					note("fp", p)
				}
			}
		}
		for _, g := range gs {
			if c := prf[g.kind]; c != nil && !g.matched {
				c.FN++
				note("fn", g)
			}
		}
	}
	res.Counts, res.Amounts, res.Dates = res.Counts.Finish(), res.Amounts.Finish(), res.Dates.Finish()
	res.CountsF1, res.AmountsF1, res.DatesF1 = res.Counts.F1, res.Amounts.F1, res.Dates.F1
	return res, nil
}
