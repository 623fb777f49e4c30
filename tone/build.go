package tone

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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
	if err := readTSV(filepath.Join(dir, "afinn", "AFINN-en-165.txt"), func(f []string) {
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			add(f[0], v/5)
		}
	}); err != nil {
		return nil, err
	}
	if err := readTSV(filepath.Join(dir, "vader", "vader_lexicon.txt"), func(f []string) {
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			add(f[0], v/4)
		}
	}); err != nil {
		return nil, err
	}
	pat, err := readPattern(filepath.Join(dir, "pattern", "en-sentiment.xml"))
	if err != nil {
		return nil, err
	}
	for w, v := range pat {
		add(w, v)
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

func readTSV(path string, fn func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tone lexicon: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) >= 2 {
			fn(fields)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("tone lexicon %s: %w", path, err)
	}
	return nil
}

// readPattern averages the polarity of each form over its senses.
func readPattern(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tone lexicon: %w", err)
	}
	defer f.Close()
	sum := map[string]float64{}
	n := map[string]int{}
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tone lexicon %s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "word" {
			continue
		}
		var form string
		var pol float64
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "form":
				form = a.Value
			case "polarity":
				pol, _ = strconv.ParseFloat(a.Value, 64)
			}
		}
		sum[form] += pol
		n[form]++
	}
	out := make(map[string]float64, len(sum))
	for w, s := range sum {
		if v := s / float64(n[w]); v != 0 {
			out[w] = v
		}
	}
	return out, nil
}
