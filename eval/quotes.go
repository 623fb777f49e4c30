package eval

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// QuoteSpan is a byte span of an attribution part; Start == End == 0 with
// Set false means the part is absent (PolNeAR's Attribution-no-source).
type QuoteSpan struct {
	Start, End int
	Set        bool
	// Frags are the fragments of a discontinuous gold span, as byte
	// ranges; nil when the span is continuous. Scoring uses the extent;
	// training uses the fragments.
	Frags [][2]int `json:"-"`
}

// QuoteAttr is one attribution relation: source, cue and content spans (byte
// offsets into the article text).
type QuoteAttr struct {
	Source, Cue, Content QuoteSpan
	// Direct reports whether the gold content is inside quote marks (for
	// per-type figures); predictions may leave it unset.
	Direct bool
}

// QuoteArticle is one PolNeAR article with the attributions of the chosen
// annotator.
type QuoteArticle struct {
	Name      string
	Annotator string
	Text      string
	Attrs     []QuoteAttr
}

// ReadPolNeAR reads a PolNeAR split directory (text/ and attributions/) and
// returns its articles sorted by name. For an article with several
// annotator files it takes the annotator whose id sorts first, so the
// choice is deterministic and independent of the system being scored.
// Offsets in the .ann files count code points of the .txt (checked against
// the covered text, which matches code points and not bytes); they are
// converted to bytes here. A discontinuous span ("s e;s e") becomes its
// extent, from the first start to the last end.
func ReadPolNeAR(dir string) ([]QuoteArticle, error) {
	anns, err := filepath.Glob(filepath.Join(dir, "attributions", "*.ann"))
	if err != nil {
		return nil, fmt.Errorf("polnear %s: %w", dir, err)
	}
	if len(anns) == 0 {
		return nil, fmt.Errorf("polnear %s: no attributions/*.ann files", dir)
	}
	chosen := map[string]string{} // article -> annotator
	for _, a := range anns {
		base := strings.TrimSuffix(filepath.Base(a), ".ann")
		i := strings.LastIndexByte(base, '_')
		if i < 0 {
			continue
		}
		art, who := base[:i], base[i+1:]
		if cur, ok := chosen[art]; !ok || who < cur {
			chosen[art] = who
		}
	}
	names := make([]string, 0, len(chosen))
	for n := range chosen {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]QuoteArticle, 0, len(names))
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(dir, "text", n+".txt"))
		if err != nil {
			return nil, fmt.Errorf("polnear %s: %w", n, err)
		}
		txt := strings.ToValidUTF8(string(raw), "\uFFFD")
		path := filepath.Join(dir, "attributions", n+"_"+chosen[n]+".ann")
		attrs, err := quotesReadAnn(path, txt)
		if err != nil {
			return nil, err
		}
		out = append(out, QuoteArticle{Name: n, Annotator: chosen[n], Text: txt, Attrs: attrs})
	}
	return out, nil
}

func quotesReadAnn(path, txt string) ([]QuoteAttr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("polnear: %w", err)
	}
	defer f.Close()
	offs := document.NewOffsets(txt)
	spans := map[string]QuoteSpan{}
	var events [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		switch {
		case quotesIsID(l, 'T'):
			parts := strings.SplitN(l, "\t", 3)
			if len(parts) < 2 {
				return nil, fmt.Errorf("%s:%d: malformed span line", path, line)
			}
			sp := strings.SplitN(parts[1], " ", 2)
			if len(sp) < 2 {
				return nil, fmt.Errorf("%s:%d: malformed span line", path, line)
			}
			start, end := -1, -1
			var frags [][2]int
			for _, frag := range strings.Split(sp[1], ";") {
				se := strings.Fields(frag)
				if len(se) != 2 {
					return nil, fmt.Errorf("%s:%d: malformed offsets %q", path, line, sp[1])
				}
				s, err1 := strconv.Atoi(se[0])
				e, err2 := strconv.Atoi(se[1])
				if err1 != nil || err2 != nil || e < s {
					return nil, fmt.Errorf("%s:%d: bad offsets %q", path, line, sp[1])
				}
				if start < 0 || s < start {
					start = s
				}
				if e > end {
					end = e
				}
				frags = append(frags, [2]int{offs.RuneToByte(s), offs.RuneToByte(e)})
			}
			if len(frags) == 1 {
				frags = nil
			}
			spans[parts[0]] = QuoteSpan{Start: offs.RuneToByte(start), End: offs.RuneToByte(end), Set: true, Frags: frags}
		case quotesIsID(l, 'E'):
			parts := strings.SplitN(l, "\t", 2)
			if len(parts) == 2 {
				events = append(events, strings.Fields(parts[1]))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []QuoteAttr
	for _, ev := range events {
		var a QuoteAttr
		for _, arg := range ev {
			role, id, ok := strings.Cut(arg, ":")
			if !ok {
				continue
			}
			s := spans[id]
			switch role {
			case "Source":
				a.Source = s
			case "Cue":
				a.Cue = s
			case "Content":
				a.Content = s
			}
		}
		if !a.Content.Set && !a.Cue.Set {
			continue
		}
		a.Direct = quotesIsDirect(txt, a.Content)
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Content.Start < out[j].Content.Start })
	return out, nil
}

// quotesIsDirect reports whether a content span is (mostly) a quotation:
// it starts or ends with a quote mark once edges are trimmed of other
// punctuation.
func quotesIsDirect(txt string, s QuoteSpan) bool {
	if !s.Set || s.End > len(txt) {
		return false
	}
	c := strings.TrimSpace(txt[s.Start:s.End])
	c = strings.TrimRight(c, ".,;: ")
	for _, q := range []string{"“", "\"", "”", "‘", "’", "«", "»"} {
		if strings.HasPrefix(c, q) || strings.HasSuffix(c, q) {
			return true
		}
	}
	return false
}

// quotesTrim normalises a span's edges for comparison: whitespace and
// punctuation (quote marks, commas, full stops...) at either end are
// dropped, on gold and predicted spans alike, as the metric asks.
func quotesTrim(txt string, s QuoteSpan) QuoteSpan {
	if !s.Set {
		return s
	}
	a, b := max(0, s.Start), min(len(txt), s.End)
	for a < b {
		r, size := utf8.DecodeRuneInString(txt[a:b])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		a += size
	}
	for b > a {
		r, size := utf8.DecodeLastRuneInString(txt[a:b])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		b -= size
	}
	if a >= b {
		return QuoteSpan{}
	}
	return QuoteSpan{Start: a, End: b, Set: true}
}

// QuotesPRF holds exact and overlap figures for one span type.
type QuotesPRF struct {
	Exact   PRF `json:"exact"`
	Overlap PRF `json:"overlap"`
}

// QuotesResult is what "newslens eval quotes --json" prints.
type QuotesResult struct {
	Data      string `json:"data"`
	Articles  int    `json:"articles"`
	Gold      int    `json:"gold_attributions"`
	Predicted int    `json:"predicted_attributions"`
	Selection string `json:"annotator_selection"`

	ContentOverlapF1 float64 `json:"content_overlap_f1"`
	ContentExactF1   float64 `json:"content_exact_f1"`
	SourceExactF1    float64 `json:"source_exact_f1"`
	SourceOverlapF1  float64 `json:"source_overlap_f1"`
	CueExactF1       float64 `json:"cue_exact_f1"`
	CueOverlapF1     float64 `json:"cue_overlap_f1"`
	AttributionF1    float64 `json:"attribution_f1"`

	Source      QuotesPRF `json:"source"`
	Cue         QuotesPRF `json:"cue"`
	Content     QuotesPRF `json:"content"`
	Attribution PRF       `json:"attribution"`
	// PerType splits content figures by direct (gold content in quote marks)
	// and indirect attributions; recall is per gold type, precision per
	// predicted type as the analyzer labelled it.
	PerType map[string]QuotesPRF `json:"per_type"`
	Errors  int                  `json:"errors"`
	Seconds float64              `json:"seconds"`
}

// QuotesPredict returns the attributions a system finds in an article.
type QuotesPredict func(ctx context.Context, name, text string) ([]QuoteAttr, error)

// ScoreQuotes runs predict on every article and scores it against the gold
// attributions: exact and overlap P/R/F1 for source, cue and content spans
// (Citron's scheme, edges normalised), and attribution-level F1 where a
// predicted attribution matches a gold one when their contents overlap and
// their sources overlap (or both have none). Each gold item is matched at
// most once.
func ScoreQuotes(ctx context.Context, arts []QuoteArticle, predict QuotesPredict) (QuotesResult, error) {
	res := QuotesResult{Articles: len(arts), PerType: map[string]QuotesPRF{},
		Selection: "one annotator per article: the .ann file whose annotator id sorts first"}
	var src, cue, con quotesAcc
	var att PRF
	per := map[string]*quotesAcc{"direct": {}, "indirect": {}}
	for _, a := range arts {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		pred, err := predict(ctx, a.Name, a.Text)
		if err != nil {
			res.Errors++
			pred = nil
		}
		res.Gold += len(a.Attrs)
		res.Predicted += len(pred)
		pick := func(as []QuoteAttr, f func(QuoteAttr) QuoteSpan) []QuoteSpan {
			var out []QuoteSpan
			for _, x := range as {
				if s := quotesTrim(a.Text, f(x)); s.Set {
					out = append(out, s)
				}
			}
			return out
		}
		getS := func(x QuoteAttr) QuoteSpan { return x.Source }
		getC := func(x QuoteAttr) QuoteSpan { return x.Cue }
		getQ := func(x QuoteAttr) QuoteSpan { return x.Content }
		quotesAddSpans(&src, pick(pred, getS), pick(a.Attrs, getS))
		quotesAddSpans(&cue, pick(pred, getC), pick(a.Attrs, getC))
		quotesAddSpans(&con, pick(pred, getQ), pick(a.Attrs, getQ))
		for _, typ := range []string{"direct", "indirect"} {
			want := typ == "direct"
			var p, g []QuoteAttr
			for _, x := range pred {
				if x.Direct == want {
					p = append(p, x)
				}
			}
			for _, x := range a.Attrs {
				if x.Direct == want {
					g = append(g, x)
				}
			}
			quotesAddSpans(per[typ], pick(p, getQ), pick(g, getQ))
		}
		att.Add(quotesMatchAttrs(a.Text, pred, a.Attrs))
	}
	res.Source, res.Cue, res.Content, res.Attribution = src.result(), cue.result(), con.result(), att.Finish()
	for k, v := range per {
		res.PerType[k] = v.result()
	}
	res.ContentOverlapF1 = res.Content.Overlap.F1
	res.ContentExactF1 = res.Content.Exact.F1
	res.SourceExactF1 = res.Source.Exact.F1
	res.SourceOverlapF1 = res.Source.Overlap.F1
	res.CueExactF1 = res.Cue.Exact.F1
	res.CueOverlapF1 = res.Cue.Overlap.F1
	res.AttributionF1 = res.Attribution.F1
	return res, nil
}

// quotesAcc accumulates one span type's counts over documents. Overlap
// precision counts predictions overlapping any gold span and overlap recall
// counts gold spans overlapped by any prediction (Citron's definition), so
// the two use different numerators.
type quotesAcc struct {
	exact          PRF
	pm, np, gm, ng float64
}

func (q *quotesAcc) result() QuotesPRF {
	o := PRF{TP: q.pm, FP: q.np - q.pm, FN: q.ng - q.gm}
	if q.np > 0 {
		o.Precision = q.pm / q.np
	}
	if q.ng > 0 {
		o.Recall = q.gm / q.ng
	}
	o.F1 = F1(o.Precision, o.Recall)
	return QuotesPRF{Exact: q.exact.Finish(), Overlap: o}
}

// quotesAddSpans adds one document's exact and overlap counts.
func quotesAddSpans(q *quotesAcc, pred, gold []QuoteSpan) {
	exact := map[[2]int]int{}
	for _, g := range gold {
		exact[[2]int{g.Start, g.End}]++
	}
	tp := 0
	for _, p := range pred {
		k := [2]int{p.Start, p.End}
		if exact[k] > 0 {
			exact[k]--
			tp++
		}
	}
	q.exact.Add(PRF{TP: float64(tp), FP: float64(len(pred) - tp), FN: float64(len(gold) - tp)})
	ov := func(a, b QuoteSpan) bool { return a.Start < b.End && b.Start < a.End }
	for _, p := range pred {
		for _, g := range gold {
			if ov(p, g) {
				q.pm++
				break
			}
		}
	}
	for _, g := range gold {
		for _, p := range pred {
			if ov(p, g) {
				q.gm++
				break
			}
		}
	}
	q.np += float64(len(pred))
	q.ng += float64(len(gold))
}

// quotesMatchAttrs matches predicted to gold attributions one to one.
func quotesMatchAttrs(txt string, pred, gold []QuoteAttr) PRF {
	used := make([]bool, len(gold))
	tp := 0
	ov := func(a, b QuoteSpan) bool { return a.Set && b.Set && a.Start < b.End && b.Start < a.End }
	for _, p := range pred {
		pc, ps := quotesTrim(txt, p.Content), quotesTrim(txt, p.Source)
		for j, g := range gold {
			if used[j] {
				continue
			}
			gc, gs := quotesTrim(txt, g.Content), quotesTrim(txt, g.Source)
			if !ov(pc, gc) {
				continue
			}
			if ov(ps, gs) || !ps.Set && !gs.Set {
				used[j] = true
				tp++
				break
			}
		}
	}
	return PRF{TP: float64(tp), FP: float64(len(pred) - tp), FN: float64(len(gold) - tp)}
}

// quotesIsID reports whether line l starts with an id like "T12\t": covered
// text may contain newlines, so continuation lines must not be taken for
// annotation lines.
func quotesIsID(l string, c byte) bool {
	if len(l) < 3 || l[0] != c {
		return false
	}
	i := 1
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 1 && i < len(l) && l[i] == '\t'
}
