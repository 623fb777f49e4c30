package lexicon

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

// TestFormats reads small files in each layout.
func TestFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(AFINNFile, "abandon\t-2\ncashing in\t-2\nbroken line\nbad\tx\n")
	write(VADERFile, "$:\t-1.5\t0.80623\t[-1, -1, -1, -1, -3, -1, -3, -1, -2, -1]\ngood\t1.9\t0.9434\t[2, 1]\n")
	write(PatternFile, `<?xml version="1.0" encoding="utf-8"?>
<sentiment>
<word form="vile" wordnet_id="a-1" pos="JJ" sense="" polarity="-1.0" subjectivity="1.0" intensity="1.0" confidence="0.9" />
<word form="odd" pos="JJ" subjectivity="0.5" />
</sentiment>`)

	tests := []struct {
		name string
		read func(string) ([]Entry, error)
		want []Entry
	}{
		{"afinn", AFINN, []Entry{{"abandon", -0.4, math.NaN()}, {"cashing in", -0.4, math.NaN()}}},
		{"vader", VADER, []Entry{{"$:", -0.375, math.NaN()}, {"good", 0.475, math.NaN()}}},
		{"pattern", Pattern, []Entry{{"vile", -1, 1}, {"odd", math.NaN(), 0.5}}},
	}
	for _, tc := range tests {
		got, err := tc.read(dir)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d entries %+v, want %d", tc.name, len(got), got, len(tc.want))
		}
		for i, w := range tc.want {
			g := got[i]
			if g.Word != w.Word || !same(g.Polarity, w.Polarity) || !same(g.Subjectivity, w.Subjectivity) {
				t.Errorf("%s[%d] = %+v, want %+v", tc.name, i, g, w)
			}
		}
	}
}

func same(a, b float64) bool {
	return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-9
}

func TestMissingFile(t *testing.T) {
	if _, err := AFINN(t.TempDir()); err == nil {
		t.Fatal("no error for a missing lexicon")
	}
}

// TestShared reads the real lexicons.
func TestShared(t *testing.T) {
	dir := testenv.Shared(t, "data", "lexicons")
	for name, read := range map[string]func(string) ([]Entry, error){"afinn": AFINN, "vader": VADER, "pattern": Pattern} {
		got, err := read(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 2000 {
			t.Errorf("%s: only %d entries", name, len(got))
		}
		for _, e := range got {
			if e.Polarity < -1 || e.Polarity > 1 {
				t.Errorf("%s: %q polarity %v outside [-1, 1]", name, e.Word, e.Polarity)
				break
			}
		}
	}
}
