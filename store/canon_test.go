package store

import (
	"bufio"
	"compress/gzip"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

// sharedData finds ../shared/data from the module root (it exists in CI).
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	return testenv.Shared(t, "data", rel)
}

// TestSimHashReuters checks near-duplicate detection on real wire stories:
// a lightly edited copy (one word changed, a byline added) must stay
// within NearDuplicateDistance, and different stories must not.
func TestSimHashReuters(t *testing.T) {
	f, err := os.Open(sharedData(t, "ner/unlabelled/reuters21578.txt.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	var arts []string
	var cur []string
	for sc.Scan() && len(arts) < 400 {
		if strings.TrimSpace(sc.Text()) == "" {
			if a := strings.Join(cur, "\n\n"); len(strings.Fields(a)) >= 150 {
				arts = append(arts, a)
			}
			cur = nil
			continue
		}
		cur = append(cur, sc.Text())
	}
	near, falsePos := 0, 0
	for i, a := range arts {
		b := strings.Replace(a, " the ", " a ", 1) + "\n\n(Reporting by John Smith; Editing by Jane Doe)"
		x, _ := SimHash(a)
		y, _ := SimHash(b)
		if Hamming(x, y) <= NearDuplicateDistance {
			near++
		}
		for _, j := range []int{1, 7, 101} {
			z, _ := SimHash(arts[(i+j)%len(arts)])
			// Reuters-21578 holds re-filed copies of some stories; a match
			// is false only when the texts share under half their shingles.
			if other := arts[(i+j)%len(arts)]; Hamming(x, z) <= NearDuplicateDistance && jaccard(a, other) < 0.5 {
				falsePos++
				t.Logf("false match:\n%.200s\n--\n%.200s", a, other)
			}
		}
	}
	t.Logf("%d stories: %d edited copies found, %d false matches in %d pairs", len(arts), near, falsePos, 3*len(arts))
	if near < len(arts)*8/10 {
		t.Errorf("only %d of %d edited copies within %d bits", near, len(arts), NearDuplicateDistance)
	}
	if falsePos > 0 {
		t.Errorf("%d different stories matched", falsePos)
	}
}

func TestCanonicalURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://WWW.Example.com:80/a/b/?utm_source=x&b=2&a=1#frag": "https://example.com/a/b?a=1&b=2",
		"https://example.com/":                "https://example.com",
		"https://example.com:8443/x?fbclid=1": "https://example.com:8443/x",
		"not a url":                           "not a url",
		"":                                    "",
	} {
		if got := CanonicalURL(in); got != want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQueryTermsAndSnippets(t *testing.T) {
	pos, neg := QueryTerms(`Siege "Deir Ezzor" -Aleppo  broken`)
	if !reflect.DeepEqual(pos, [][]string{{"siege"}, {"deir", "ezzor"}, {"broken"}}) || !reflect.DeepEqual(neg, []string{"aleppo"}) {
		t.Errorf("QueryTerms = %q, %q", pos, neg)
	}
	text := "The sieges of Deir Ezzor ended. Nothing else happened for a long while, and then the siege was broken."
	sn := Snippets(text, "siege broken", 2, 60)
	if len(sn) == 0 {
		t.Fatal("no snippets")
	}
	var got []string
	for _, s := range sn {
		if text[s.Start:s.End] != s.Text {
			t.Errorf("snippet span mismatch")
		}
		for _, m := range s.Matches {
			got = append(got, text[m.Start:m.End])
		}
	}
	if !reflect.DeepEqual(got, []string{"sieges", "siege", "broken"}) {
		t.Errorf("matches %q", got)
	}
}

func FuzzSnippets(f *testing.F) {
	f.Add("The siege is broken, said the général.", `siege "is broken" -x`)
	f.Fuzz(func(t *testing.T, text, q string) {
		for _, s := range Snippets(text, q, 3, 80) {
			if s.Start < 0 || s.End > len(text) || s.Start > s.End || text[s.Start:s.End] != s.Text {
				t.Fatalf("bad snippet span [%d,%d)", s.Start, s.End)
			}
			for _, m := range s.Matches {
				if !s.Span.Contains(m) {
					t.Fatalf("match outside its snippet")
				}
			}
		}
		CanonicalURL(text)
		SimHash(text)
	})
}

func jaccard(a, b string) float64 {
	sh := func(s string) map[string]bool {
		w := Words(s)
		m := map[string]bool{}
		for i := 0; i+3 <= len(w); i++ {
			m[strings.Join(w[i:i+3], " ")] = true
		}
		return m
	}
	x, y := sh(a), sh(b)
	inter := 0
	for k := range x {
		if y[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}
