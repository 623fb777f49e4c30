package technique

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	lexfile "github.com/newslens/newslens/internal/lexicon"
)

// lexEntry is what the features use of the sentiment lexicons: a polarity
// bucket (-3..3) and a subjectivity bucket (0..2).
type lexEntry struct {
	pol, subj int8
}

// lexicon maps lower-case words to their entry. It is built by the trainer
// from ../shared/data/lexicons (AFINN-165, VADER, Pattern) and stored in the
// model, so the analyzer reads no files.
type lexicon struct {
	m map[string]lexEntry
	// cl maps lower-case words to distributional clusters (coarse, middle,
	// fine) learned from unlabelled news text, so that a word never seen in
	// a PTC span shares evidence with seen words of similar use.
	cl map[string][3]uint16
	// wn maps lower-case lemmas to WordNet class bits (see wordnet.go).
	wn map[string]uint8
	// wnRel is the WordNet neighbour graph (wnrates.go), used in training
	// only: the model stores the neighbour counts, not the graph.
	wnRel wnGraph
	// fact holds the facts of every word of the tables above (facts.go);
	// empty until buildFacts.
	fact factTable
	// rated is the rate table folded into fact (foldRates); nil when the
	// facts carry no span rates.
	rated *rateTable
}

// noCluster marks a word outside the cluster table.
const noCluster = 0xffff

func (l *lexicon) cluster(w string) [3]uint16 {
	if l != nil {
		if c, ok := l.cl[w]; ok {
			return c
		}
	}
	return [3]uint16{noCluster, noCluster, noCluster}
}

// setClusters lower-cases a cluster table keyed by word form; a lower-case
// form wins over capitalised ones.
func (l *lexicon) setClusters(cl map[string][3]uint16) {
	l.cl = make(map[string][3]uint16, len(cl))
	forms := make([]string, 0, len(cl))
	for w := range cl {
		forms = append(forms, w)
	}
	sort.Strings(forms)
	for _, w := range forms {
		lw := strings.ToLower(w)
		if _, ok := l.cl[lw]; ok && lw != w {
			continue
		}
		l.cl[lw] = cl[w]
	}
}

// encodeClusters writes the cluster table as sorted "word c0 c1 c2" lines.
func (l *lexicon) encodeClusters() string {
	ws := make([]string, 0, len(l.cl))
	for w := range l.cl {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	var b strings.Builder
	for _, w := range ws {
		c := l.cl[w]
		fmt.Fprintf(&b, "%s %d %d %d\n", w, c[0], c[1], c[2])
	}
	return b.String()
}

func (l *lexicon) decodeClusters(s string) error {
	if s == "" {
		return nil
	}
	l.cl = map[string][3]uint16{}
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return fmt.Errorf("cluster line %d: %q", i+1, line)
		}
		var c [3]uint16
		for k := 0; k < 3; k++ {
			v, err := strconv.Atoi(f[k+1])
			if err != nil || v < 0 || v >= noCluster {
				return fmt.Errorf("cluster line %d: %q", i+1, line)
			}
			c[k] = uint16(v)
		}
		l.cl[f[0]] = c
	}
	return nil
}

func (l *lexicon) lookup(w string) (lexEntry, bool) {
	if l == nil {
		return lexEntry{}, false
	}
	e, ok := l.m[w]
	return e, ok
}

// loadLexicons reads the three lexicons of dir and merges them: polarity is
// the mean of each source's score scaled to [-1,1]; subjectivity comes from
// Pattern, or from the strength of the polarity when Pattern lacks the word.
func loadLexicons(dir string) (*lexicon, []string, error) {
	pol := map[string][]float64{}
	subj := map[string][]float64{}
	afinn, err := lexfile.AFINN(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range afinn {
		if !strings.Contains(e.Word, " ") {
			pol[e.Word] = append(pol[e.Word], e.Polarity)
		}
	}
	vader, err := lexfile.VADER(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range vader {
		if isWordy(e.Word) {
			pol[e.Word] = append(pol[e.Word], e.Polarity)
		}
	}
	pattern, err := lexfile.Pattern(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range pattern {
		if !isWordy(e.Word) || math.IsNaN(e.Polarity) || math.IsNaN(e.Subjectivity) {
			continue
		}
		w := strings.ToLower(e.Word)
		pol[w] = append(pol[w], e.Polarity)
		subj[w] = append(subj[w], e.Subjectivity)
	}
	files := []string{filepath.Join(dir, lexfile.AFINNFile), filepath.Join(dir, lexfile.VADERFile), filepath.Join(dir, lexfile.PatternFile)}
	lex := &lexicon{m: make(map[string]lexEntry, len(pol))}
	for w, ps := range pol {
		p := mean(ps)
		e := lexEntry{pol: polBucket(p)}
		if ss, ok := subj[w]; ok {
			s := mean(ss)
			switch {
			case s >= 0.7:
				e.subj = 2
			case s >= 0.3:
				e.subj = 1
			}
		} else if math.Abs(p) >= 0.4 {
			e.subj = 2
		} else if p != 0 {
			e.subj = 1
		}
		lex.m[strings.ToLower(w)] = e
	}
	return lex, files, nil
}

func isWordy(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '\'') {
			return false
		}
	}
	return s != ""
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func polBucket(p float64) int8 {
	a := math.Abs(p)
	var b int8
	switch {
	case a >= 0.6:
		b = 3
	case a >= 0.35:
		b = 2
	case a >= 0.1:
		b = 1
	}
	if p < 0 {
		b = -b
	}
	return b
}

// encode writes the lexicon as sorted "word pol subj" lines for the model file.
func (l *lexicon) encode() string {
	ws := make([]string, 0, len(l.m))
	for w := range l.m {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	var b strings.Builder
	for _, w := range ws {
		e := l.m[w]
		fmt.Fprintf(&b, "%s %d %d\n", w, e.pol, e.subj)
	}
	return b.String()
}

func decodeLexicon(s string) (*lexicon, error) {
	l := &lexicon{m: map[string]lexEntry{}}
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("lexicon line %d: %q", i+1, line)
		}
		p, err1 := strconv.Atoi(f[1])
		q, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("lexicon line %d: %q", i+1, line)
		}
		l.m[f[0]] = lexEntry{pol: int8(p), subj: int8(q)}
	}
	return l, nil
}
