// Package lexicon reads the public sentiment lexicons that several trainers
// build on (AFINN-165, VADER and Pattern's en-sentiment.xml, laid out as in
// ../shared/data/lexicons), so that every trainer reads the files the same
// way and keeps only its own choice of words and way of merging them.
//
// Words are returned as the files write them; polarities are scaled to
// [-1, 1] (AFINN's -5..5 by 5, VADER's -4..4 by 4; Pattern's are already).
package lexicon

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The files, relative to the lexicon directory.
const (
	AFINNFile   = "afinn/AFINN-en-165.txt"
	VADERFile   = "vader/vader_lexicon.txt"
	PatternFile = "pattern/en-sentiment.xml"
)

// Entry is one line (AFINN, VADER) or one word sense (Pattern) of a lexicon.
type Entry struct {
	Word     string
	Polarity float64
	// Subjectivity is Pattern's 0..1 subjectivity; NaN for the other
	// lexicons and for Pattern senses without one. Polarity is NaN for a
	// Pattern sense without one.
	Subjectivity float64
}

// AFINN reads AFINN-165 from dir.
func AFINN(dir string) ([]Entry, error) { return readTSV(filepath.Join(dir, AFINNFile), 5) }

// VADER reads VADER's lexicon (word, mean rating, ...) from dir.
func VADER(dir string) ([]Entry, error) { return readTSV(filepath.Join(dir, VADERFile), 4) }

// readTSV reads word<TAB>score lines, skipping lines without a numeric
// second field.
func readTSV(path string, scale float64) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		word, rest, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		score, _, _ := strings.Cut(rest, "\t")
		v, err := strconv.ParseFloat(strings.TrimSpace(score), 64)
		if err != nil {
			continue
		}
		out = append(out, Entry{Word: word, Polarity: v / scale, Subjectivity: math.NaN()})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lexicon %s: %w", path, err)
	}
	return out, nil
}

// Pattern reads Pattern's en-sentiment.xml from dir: one entry per <word>
// element, that is per sense of an adjective.
func Pattern(dir string) ([]Entry, error) {
	path := filepath.Join(dir, PatternFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	var out []Entry
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("lexicon %s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "word" {
			continue
		}
		e := Entry{Polarity: math.NaN(), Subjectivity: math.NaN()}
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "form":
				e.Word = a.Value
			case "polarity":
				if v, err := strconv.ParseFloat(a.Value, 64); err == nil {
					e.Polarity = v
				}
			case "subjectivity":
				if v, err := strconv.ParseFloat(a.Value, 64); err == nil {
					e.Subjectivity = v
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}
