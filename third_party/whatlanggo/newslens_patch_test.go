package whatlanggo

import (
	"strings"
	"testing"
	"unicode"
)

// checkPackedAsUpstream checks that the packed counts and distances are
// upstream's count and calculateDistance for every language profile.
func checkPackedAsUpstream(t *testing.T, text string) {
	t.Helper()
	want := count(text)
	got := countPacked(text)
	n := got.n
	if got.zeros > 0 {
		n++
	}
	if n != len(want) {
		t.Fatalf("%q: %d distinct trigrams, upstream %d", text, n, len(want))
	}
	for tri, w := range want {
		rs := []rune(tri)
		if g := got.get(packTrigram(rs[0], rs[1], rs[2])); g != w {
			t.Fatalf("%q: trigram %q counted %d, upstream %d", text, tri, g, w)
		}
	}
	for _, pl := range []langProfileList{latinLangs, cyrillicLangs, devanagariLangs, hebrewLangs, ethiopicLangs, arabicLangs} {
		p := packProfiles(pl)
		dist, num := make([]int, len(p.langs)), make([]int, len(p.langs))
		p.distances(&got, dist, num)
		for k, lang := range p.langs {
			wd, wn := calculateDistance(pl[lang], want)
			gd, gn := calculatePackedDistance(p.trigrams[k], &got)
			if wd != gd || wn != gn {
				t.Fatalf("%q, %v: distance %d/%d, upstream %d/%d", text, lang, gd, gn, wd, wn)
			}
			if wd != dist[k] || wn != num[k] {
				t.Fatalf("%q, %v: distance from the postings %d/%d, upstream %d/%d", text, lang, dist[k], num[k], wd, wn)
			}
		}
	}
}

func TestPackedAsUpstream(t *testing.T) {
	long := strings.Repeat("The quick brown fox jumps over the lazy dog, said Мария in Москва. ", 300)
	for _, s := range []string{"", "a", " ", "ab c", "\x00\x00\x00 \x00", "\xff\xfe x", "Ünïcödé Text. 123",
		"Привет, как дела? Всё хорошо.", "नमस्ते दुनिया", "שלום עולם", "مرحبا بالعالم", "ሰላም ልዑል", long} {
		checkPackedAsUpstream(t, s)
	}
}

func FuzzPackedAsUpstream(f *testing.F) {
	f.Add("The quick brown fox")
	f.Add("Привет \x00\x00 мир")
	f.Fuzz(func(t *testing.T, s string) {
		checkPackedAsUpstream(t, s)
	})
}

// The ASCII path of DetectScript assumes that an ASCII character is in no
// script table but Latin, and in Latin exactly when it is a letter.
func TestASCIIScripts(t *testing.T) {
	checks := []func(rune) bool{isLatin, isCyrillic, isArabic, isDevanagari, isHiraganaKatakana, isEthiopic,
		isHebrew, isBengali, isGeorgian, isHan, isHangul, isGreek, isKannada, isTamil, isThai, isGujarati,
		isGurmukhi, isTelugu, isMalayalam, isOriya, isMyanmar, isSinhala, isKhmer}
	for r := rune(0); r < 0x80; r++ {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		for i, f := range checks {
			if want := i == 0 && letter; f(r) != want {
				t.Errorf("script %d of %q: %v", i, r, f(r))
			}
		}
	}
}

// detectScriptUpstream is DetectScript without the ASCII path.
func detectScriptUpstream(text string) *unicode.RangeTable {
	halfLen := len(text) / 2
	scriptCounter := []scriptCounter{
		{isLatin, unicode.Latin, 0}, {isCyrillic, unicode.Cyrillic, 0}, {isArabic, unicode.Arabic, 0},
		{isDevanagari, unicode.Devanagari, 0}, {isHiraganaKatakana, _HiraganaKatakana, 0},
		{isEthiopic, unicode.Ethiopic, 0}, {isHebrew, unicode.Hebrew, 0}, {isBengali, unicode.Bengali, 0},
		{isGeorgian, unicode.Georgian, 0}, {isHan, unicode.Han, 0}, {isHangul, unicode.Hangul, 0},
		{isGreek, unicode.Greek, 0}, {isKannada, unicode.Kannada, 0}, {isTamil, unicode.Tamil, 0},
		{isThai, unicode.Thai, 0}, {isGujarati, unicode.Gujarati, 0}, {isGurmukhi, unicode.Gurmukhi, 0},
		{isTelugu, unicode.Telugu, 0}, {isMalayalam, unicode.Malayalam, 0}, {isOriya, unicode.Oriya, 0},
		{isMyanmar, unicode.Myanmar, 0}, {isSinhala, unicode.Sinhala, 0}, {isKhmer, unicode.Khmer, 0},
	}
	for _, ch := range text {
		if isStopChar(ch) {
			continue
		}
		for i, sc := range scriptCounter {
			if sc.checkFunc(ch) {
				scriptCounter[i].count++
				if scriptCounter[i].count > halfLen {
					return sc.script
				}
				if i > 0 {
					scriptCounter[i], scriptCounter[i-1] = scriptCounter[i-1], scriptCounter[i]
				}
			}
		}
	}
	jpCount, max := 0, 0
	maxScript := &unicode.RangeTable{}
	for _, script := range scriptCounter {
		if script.count > max {
			max = script.count
			maxScript = script.script
			if script.script == _HiraganaKatakana {
				jpCount = max
			}
		}
	}
	switch {
	case max == 0:
		return nil
	case max != 0 && (maxScript == unicode.Han && jpCount > 0):
		return _HiraganaKatakana
	default:
		return maxScript
	}
}

func checkScriptAsUpstream(t *testing.T, s string) {
	t.Helper()
	got, want := DetectScript(s), detectScriptUpstream(s)
	if got != want && !(got != nil && want != nil && len(got.R16) == 0 && len(want.R16) == 0 && len(got.R32) == 0 && len(want.R32) == 0) {
		t.Fatalf("DetectScript(%q) = %p, upstream %p", s, got, want)
	}
}

func TestScriptAsUpstream(t *testing.T) {
	for _, s := range []string{"", "abc", "Привет abc", "abc Привет мир", "日本語 カタカナ abc", "a1 b2 ñ ç", "!!!", "ab αβγ δε"} {
		checkScriptAsUpstream(t, s)
	}
}

func FuzzScriptAsUpstream(f *testing.F) {
	f.Add("Привет abc")
	f.Add("日本語 カタカナ abc")
	f.Fuzz(func(t *testing.T, s string) {
		checkScriptAsUpstream(t, s)
	})
}

// BenchmarkDistances compares the profile distances from the postings with
// a look-up of every profile trigram, on about 6 KB of English.
func BenchmarkDistances(b *testing.B) {
	text := strings.Repeat("Officials said on Tuesday that the talks between the two governments would resume next week, "+
		"after a pause of several months in which both sides accused each other of bad faith. ", 35)
	counts := countPacked(text)
	p := packedLatin
	dist, num := make([]int, len(p.langs)), make([]int, len(p.langs))
	b.Run("postings", func(b *testing.B) {
		for range b.N {
			clear(dist)
			clear(num)
			p.distances(&counts, dist, num)
		}
	})
	b.Run("lookups", func(b *testing.B) {
		for range b.N {
			for k := range p.langs {
				dist[k], num[k] = calculatePackedDistance(p.trigrams[k], &counts)
			}
		}
	})
}

// BenchmarkCountPacked counts the trigrams of about 6 KB of English with a
// few non-ASCII letters, as Detect does for a page's text.
func BenchmarkCountPacked(b *testing.B) {
	text := strings.Repeat("Officials in Zürich said on Tuesday that the talks between the two governments would resume “next week”, "+
		"after a pause of several months in which both sides accused each other of bad faith. ", 30)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for range b.N {
		c := countPacked(text)
		if c.n == 0 {
			b.Fatal("no trigrams")
		}
	}
}
