package tone

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/newslens/newslens/internal/lexicon"
)

// BuildLexicon merges AFINN-165, the VADER lexicon and Pattern's
// en-sentiment.xml from dir (../shared/data/lexicons) into the compact
// embedded lexicon: gzip'ed "word<TAB>score" lines, score an integer in
// −100..100. Each source is scaled to −1..1 (AFINN ÷5, VADER ÷4, Pattern's
// polarity averaged over a word's senses) and the merged score is the mean
// of the sources that have the word. Multi-word entries and emoticons are
// dropped: the analyzer matches single word tokens.
func BuildLexicon(dir string) ([]byte, error) {
	scores := map[string][]float64{}
	add := func(w string, v float64) {
		w = strings.ToLower(strings.TrimSpace(w))
		if !isLexWord(w) {
			return
		}
		scores[w] = append(scores[w], v)
	}
	for _, read := range []func(string) ([]lexicon.Entry, error){lexicon.AFINN, lexicon.VADER} {
		entries, err := read(dir)
		if err != nil {
			return nil, fmt.Errorf("tone lexicon: %w", err)
		}
		for _, e := range entries {
			add(e.Word, e.Polarity)
		}
	}
	// Pattern lists adjectives per sense: a form counts once, with the mean
	// polarity of its senses (a sense without one counts as 0).
	pat, err := lexicon.Pattern(dir)
	if err != nil {
		return nil, fmt.Errorf("tone lexicon: %w", err)
	}
	sum, n := map[string]float64{}, map[string]int{}
	for _, e := range pat {
		if !math.IsNaN(e.Polarity) {
			sum[e.Word] += e.Polarity
		}
		n[e.Word]++
	}
	for w, s := range sum {
		if v := s / float64(n[w]); v != 0 {
			add(w, v)
		}
	}
	words := make([]string, 0, len(scores))
	for w := range scores {
		words = append(words, w)
	}
	sort.Strings(words)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	for _, w := range words {
		sum := 0.0
		for _, v := range scores[w] {
			sum += v
		}
		v := int(math.Round(100 * sum / float64(len(scores[w]))))
		if v > -5 && v < 5 { // neutral: not worth a line
			continue
		}
		fmt.Fprintf(bw, "%s\t%d\n", w, v)
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func isLexWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r == '\'' || r == '-') {
			return false
		}
	}
	return true
}
