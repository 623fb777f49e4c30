package names

import (
	"strings"
	"testing"
)

func TestKeySame(t *testing.T) {
	groups := [][]string{
		{"Deir Ezzor", "Deir Azzor", "Dayr az Zawr", "Deir ez-Zor", "Deir al-Zour", "Dair Ez Zor", "DEIR EZ-ZOR", "Deir el-Zor"},
		{"Hussein", "Husayn", "Hussain"},
		{"Mohammed", "Muhammad", "Mohamad"},
		{"Zeid Ra'ad al-Hussein", "Zeid Ra’ad Al Hussein", "Zeid Raad al-Hussein"},
		{"al-Qaeda", "Al Qaida", "al-Qa'ida", "Al-Qaeda"},
		{"Raqqa", "Raqqah", "ar-Raqqah", "Al-Raqqa"},
		{"Hama", "Hamah"},
		{"Musa al Khalifa", "Musa al-Khalifa", "Mousa al-Khalifa"},
		{"Saad al-Hariri", "Saad Hariri", "Sa'ad al-Hariri"},
		{"Erdoğan", "Erdogan"},
		{"Sayyid", "Said"},
		{"Jabhat al-Nusra", "Jabhat an-Nusra", "Jabhat al Nusrah"},
	}
	for _, g := range groups {
		want := Key(g[0])
		if want == "" {
			t.Errorf("Key(%q) is empty", g[0])
		}
		for _, s := range g[1:] {
			if got := Key(s); got != want {
				t.Errorf("Key(%q) = %q, want %q (as Key(%q))", s, got, want, g[0])
			}
		}
	}
}

func TestKeyDifferent(t *testing.T) {
	pairs := [][2]string{
		{"Damascus", "Aleppo"},
		{"Boris Johnson", "Boris Yeltsin"},
		{"Homs", "Hama"},
		{"Assad", "Sad"}, // a first word is never stripped of an attached article
		{"Syria", "Serbia"},
	}
	for _, p := range pairs {
		if Key(p[0]) == Key(p[1]) {
			t.Errorf("Key(%q) == Key(%q) = %q", p[0], p[1], Key(p[0]))
		}
	}
}

func TestKeyEdge(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"al", "al"},
		{"   ", ""},
		{"al-", "al"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b  string
		close bool
	}{
		{"Akerbat", "Uqayribat", true},
		{"Deir Ezzor", "Dayr az Zawr", true},
		{"Mayadin", "Al-Mayadeen", true},
		{"Palmyra", "Tadmur", false},
		{"Aleppo", "Idlib", false},
		{"Trump", "Truman", false},
		{"Assad", "Asad", true},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := Close(tt.a, tt.b); got != tt.close {
			t.Errorf("Close(%q, %q) = %v, want %v (keys %q %q, similarity %.3f)", tt.a, tt.b, got, tt.close,
				Key(tt.a), Key(tt.b), Similarity(tt.a, tt.b))
		}
	}
	if s := Similarity("Akerbat", "Uqayribat"); s < 0.85 || s >= 1 {
		t.Errorf("Similarity(Akerbat, Uqayribat) = %.3f, want in [0.85,1)", s)
	}
	if s := Similarity("Homs", "Homs"); s != 1 {
		t.Errorf("Similarity of equal names = %v", s)
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Deir ez-Zor", "al-", "Ezzor", "ʿAyn al-ʿArab", "\xff\xfe", "aaaaaaaaaaaa", "Q"} {
		f.Add(s, "Dayr az Zawr")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		k := Key(a)
		if Key(k) != Key(Key(k)) {
			t.Errorf("Key not stable on its own output for %q", a)
		}
		s := Similarity(a, b)
		if s < 0 || s > 1 {
			t.Errorf("Similarity(%q,%q) = %v out of [0,1]", a, b, s)
		}
		if s2 := Similarity(b, a); s2 != s {
			t.Errorf("Similarity not symmetric: %v vs %v", s, s2)
		}
	})
}

func TestKeyShortForms(t *testing.T) {
	// the last word of a full name keys like the name on its own, so short
	// forms can be matched word by word
	tests := [][2]string{{"Bashar al-Assad", "Assad"}, {"Bashar Assad", "Assad"}, {"Prince Albert", "Albert"}}
	for _, tt := range tests {
		full := Key(tt[0])
		if !strings.HasSuffix(full, " "+Key(tt[1])) {
			t.Errorf("Key(%q) = %q does not end with Key(%q) = %q", tt[0], full, tt[1], Key(tt[1]))
		}
	}
}

// appendPairs must rewrite as the Replacer does.
func FuzzAppendPairs(f *testing.F) {
	for _, s := range []string{"", "q", "ph", "phph", "dj", "ckq", "pph", "cck", "djj", "Mohammed", "qaddafi", "x\xffph"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := string(appendPairs(nil, w)), pairs.Replace(w); got != want {
			t.Fatalf("appendPairs(%q) = %q, Replacer %q", w, got, want)
		}
	})
}
