package technique

import (
	"os"
	"testing"
)

func TestWordClass(t *testing.T) {
	l := &lexicon{wn: map[string]uint8{
		"stooge":     wnPerson | wnNoun,
		"cutthroat":  wnPerson | wnNoun | wnAdj,
		"party":      wnNoun | wnAdj,
		"oafish":     wnAdj,
		"oaf":        wnPerson | wnNoun,
		"thug":       wnPerson | wnNoun,
		"fool":       wnPerson | wnNoun,
		"supposedly": wnAdv,
	}}
	tests := []struct {
		w    string
		want uint8
	}{
		{"stooge", wnPerson | wnNoun},
		{"stooges", wnPerson | wnNoun | wnPlural},
		{"cut-throats", wnPerson | wnNoun | wnAdj | wnPlural},
		{"parties", wnNoun | wnAdj | wnPlural},
		{"oafish", wnAdj | wnPersonish},
		{"thuggish", wnPersonish},
		{"foolish", wnPersonish},
		{"english", 0},
		{"oafishs", 0}, // plural rules apply to nouns only
		{"supposedly", wnAdv},
		{"unknown", 0},
		{"a", 0},
	}
	for _, tt := range tests {
		if got := l.wordClass(tt.w); got != tt.want {
			t.Errorf("wordClass(%q) = %b, want %b", tt.w, got, tt.want)
		}
	}
	var nilLex *lexicon
	if nilLex.wordClass("stooge") != 0 {
		t.Error("nil lexicon has classes")
	}
	back := &lexicon{}
	if err := back.decodeWordNet(l.encodeWordNet()); err != nil {
		t.Fatal(err)
	}
	if len(back.wn) != len(l.wn) || back.wn["cutthroat"] != l.wn["cutthroat"] {
		t.Errorf("round trip: %v", back.wn)
	}
	if err := back.decodeWordNet("x 99\n"); err == nil {
		t.Error("bad bits accepted")
	}
}

// TestLoadWordNet reads the Debian wordnet-base database when it is
// installed (it is not shared data; the trainer needs it, the tests do not).
func TestLoadWordNet(t *testing.T) {
	const dir = "/usr/share/wordnet"
	if _, err := os.Stat(dir + "/index.noun"); err != nil {
		t.Skip("wordnet-base not installed")
	}
	wn, files, err := loadWordNet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 || len(wn) < 20000 {
		t.Fatalf("%d files, %d words", len(files), len(wn))
	}
	l := &lexicon{wn: wn}
	for _, c := range []struct {
		w    string
		want uint8
	}{{"traitors", wnPerson}, {"quickly", wnAdv}, {"vile", wnAdj}} {
		if got := l.wordClass(c.w); got&c.want == 0 {
			t.Errorf("%s: %b lacks %b", c.w, got, c.want)
		}
	}
	if c := l.wordClass("table"); c&wnPerson != 0 {
		t.Errorf("table: class %b", c)
	}
}
