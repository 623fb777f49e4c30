package technique

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// TestWordFactsMatch checks that the precomputed word facts give the same
// prepared tokens as computing every word's facts from the tables.
func TestWordFactsMatch(t *testing.T) {
	m := newAnalyzer(t).Model()
	if m.lex.fact.n == 0 {
		t.Fatal("the decoded model has no word facts table")
	}
	slow := *m.lex
	slow.fact = factTable{}
	short, err := os.ReadFile(filepath.Join("testdata", "short.txt"))
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{
		"short": string(short),
		// derived WordNet classes (plurals, -ish, compounds), capitalised
		// nationality adjectives, words in no table, non-ASCII
		"derived": "Oafish thugs and cut-throats, war-mongers and Stooges! The Turkish and Polish PRESIDENTS " +
			"met zxqvwords, café owners and naïve ‘liberators’ in Aleppo; 12,000 men.",
	}
	for name, s := range texts {
		t.Run(name, func(t *testing.T) {
			doc := &document.Document{Text: s}
			text.Segment(doc)
			fast, want := prepare(doc, m.lex), prepare(doc, &slow)
			if len(fast.toks) == 0 {
				t.Fatal("no tokens")
			}
			for i := range want.toks {
				if !reflect.DeepEqual(fast.toks[i], want.toks[i]) {
					t.Errorf("token %q: table gives %+v, tables %+v", want.toks[i].lower, fast.toks[i], want.toks[i])
				}
			}
		})
	}
}

// TestFoldedRatesMatch checks that the span rates read with the word facts
// (foldRates) equal those setRates computes from the rate table.
func TestFoldedRatesMatch(t *testing.T) {
	m := newAnalyzer(t).Model()
	if m.rates == nil {
		t.Skip("the model has no span rates")
	}
	if m.lex.rated != m.rates {
		t.Fatal("the decoded model's rates are not folded into its word facts")
	}
	plain := *m.lex
	plain.rated = nil
	plain.buildFacts()
	doc := &document.Document{Text: "Oafish thugs and cut-throats, war-mongers and Stooges! The terrorists' stooges " +
		"met zxqvwords and terrorismo-lovers, café owners and naïve ‘liberators’ in Aleppo; 12,000 men.\n\nNever again!"}
	text.Segment(doc)
	fast := m.prepare(doc)
	want := prepare(doc, &plain)
	if m.sent != nil {
		want.setSentProbs(m.sent)
	}
	want.setRates(m.rates)
	if !reflect.DeepEqual(fast, want) {
		for i := range want.toks {
			if fast.toks[i] != want.toks[i] {
				t.Errorf("token %q: folded %+v, computed %+v", want.toks[i].lower, fast.toks[i], want.toks[i])
			}
		}
		t.Error("folded rates give another prepared document")
	}
	rated := 0
	for _, k := range fast.toks {
		if k.rate != 0 {
			rated++
		}
	}
	if rated < len(fast.toks)/2 {
		t.Errorf("only %d of %d tokens have a span rate", rated, len(fast.toks))
	}
}

// TestHashCounts checks the document counter against a map, with keys
// that share their low bits (long probe runs) and a full table.
func TestHashCounts(t *testing.T) {
	const n = 300
	c := newHashCounts(n)
	want := map[uint64]int{}
	for i := 0; i < 3*n; i++ {
		h := uint64(i%n) << 40 // same low bits: every key probes from one slot
		if i%n%7 == 0 {
			h = mix(uint64(i%n), 1)
		}
		c.add(h)
		want[h]++
	}
	if len(want) > n {
		t.Fatalf("test keys: %d distinct, more than %d", len(want), n)
	}
	for h, k := range want {
		if got := c.get(h); got != k {
			t.Errorf("count of %x = %d, want %d", h, got, k)
		}
	}
	for _, h := range []uint64{0, 1, 1 << 63} {
		if got := c.get(h); got != want[h] {
			t.Errorf("count of absent %x = %d, want %d", h, got, want[h])
		}
	}
}

// TestConcurrentReuse runs one analyzer over texts of different lengths
// from four goroutines at once (Predict's buffers are pooled) and checks
// every result against a first, sequential run.
func TestConcurrentReuse(t *testing.T) {
	a := newAnalyzer(t)
	short, err := os.ReadFile(filepath.Join("testdata", "short.txt"))
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		string(short),
		"The corrupt elites betrayed our great nation, and the cowardly traitors lied again! Nobody believes these shameless puppets.",
		strings.Repeat("They want to destroy everything we love, the vile thugs. ", 40),
		"",
		string(short) + "\n\n" + string(short),
	}
	spans := func(s string) []string {
		doc := &document.Document{Text: s}
		text.Segment(doc)
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Error(err)
			return nil
		}
		var out []string
		for _, x := range doc.Annotations {
			out = append(out, fmt.Sprintf("%d-%d %s %.4f", x.Span.Start, x.Span.End, x.Label, x.Confidence))
		}
		return out
	}
	want := make([][]string, len(texts))
	for i, s := range texts {
		want[i] = spans(s)
	}
	if len(want[0]) == 0 {
		t.Fatal("no spans in the short text")
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 5; r++ {
				for i := range texts {
					k := (i + g + r) % len(texts)
					if got := spans(texts[k]); !reflect.DeepEqual(got, want[k]) {
						t.Errorf("goroutine %d, text %d: %v, want %v", g, k, got, want[k])
					}
				}
			}
		}()
	}
	wg.Wait()
}
