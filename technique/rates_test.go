package technique

import (
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

func TestRates(t *testing.T) {
	const s = "The vile traitors lie. The vile traitors lie again. The weather is mild."
	doc := &document.Document{Text: s}
	text.Segment(doc)
	p := prepare(doc, nil)
	// gold: "vile traitors" both times
	var spans []document.Span
	for i, n := 0, 0; n < 2; n++ {
		j := i + strings.Index(s[i:], "vile traitors")
		spans = append(spans, document.Span{Start: j, End: j + len("vile traitors")})
		i = j + 1
	}
	rt := countRates([]*prepared{p}, [][]uint8{goldTags(p, spans)})
	dec, err := decodeRates(rt.encode())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		word     string
		wantRate func(uint8) bool
		wantN    uint8
	}{
		{"vile", func(r uint8) bool { return r >= 8 }, 1},          // always inside, seen twice
		{"the", func(r uint8) bool { return r >= 1 && r <= 4 }, 1}, // never inside, seen three times
		{"mild", func(r uint8) bool { return r >= 1 && r <= 5 }, 0},
		{"unseen", func(r uint8) bool { return r == 0 }, 0},
	}
	for _, tc := range tests {
		for name, table := range map[string]*rateTable{"counted": rt, "decoded": dec} {
			r, n := table.bucket(table.byHash[hashString(tc.word)])
			if !tc.wantRate(r) || n != tc.wantN {
				t.Errorf("%s %q: rate bucket %d, count bucket %d", name, tc.word, r, n)
			}
		}
	}
	if rt.prior != dec.prior || len(rt.words) != len(dec.words) {
		t.Errorf("decoded table differs: prior %g vs %g, %d vs %d words", dec.prior, rt.prior, len(dec.words), len(rt.words))
	}
	for _, bad := range []string{"x", "1 2 1 1\nword 3 2 1 1\n", "1 2 1 1\nword a 2 1 1\n", "1 2 1 1\nword 1 2 2 1\n"} {
		if _, err := decodeRates(bad); err == nil {
			t.Errorf("decodeRates(%q) accepted", bad)
		}
	}
}

func TestPlanes(t *testing.T) {
	q := []int16{0, 1, -1, 32767, -32768, 255, -256, 12345}
	got, err := fromPlanes(toPlanes(q), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range q {
		if got[i] != q[i] {
			t.Errorf("weight %d: %d, want %d", i, got[i], q[i])
		}
	}
	if legacy, _ := fromPlanes(nil, q); &legacy[0] != &q[0] {
		t.Error("an empty plane does not fall back to the int16 slice")
	}
	if _, err := fromPlanes([]byte{1, 2, 3}, nil); err == nil {
		t.Error("odd planes accepted")
	}
}
