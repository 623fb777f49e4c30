package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// maxSentenceTokens bounds a sentence so that one 100,000-character run-on
// cannot make analyzers that work per sentence slow; longer runs are cut at a
// token boundary.
const maxSentenceTokens = 800

// abbreviations that end with a dot and rarely end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "col": true, "lt": true,
	"sgt": true, "capt": true, "cpl": true, "maj": true, "adm": true, "gov": true, "sen": true, "rep": true,
	"rev": true, "st": true, "mt": true, "ft": true, "jr": true, "sr": true, "inc": true, "ltd": true,
	"co": true, "corp": true, "vs": true, "etc": true, "no": true, "nos": true, "vol": true, "fig": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "dept": true, "est": true,
	"pres": true, "supt": true, "insp": true, "cmdr": true, "brig": true, "hon": true, "messrs": true,
	"al": true, "op": true, "cf": true, "ie": true, "eg": true, "pp": true,
}

// Segment fills doc.Tokens and doc.Sentences from doc.Text. Block boundaries
// (line breaks) always end a sentence.
func Segment(doc *document.Document) {
	doc.Tokens = Tokenize(doc.Text)
	doc.Sentences = Sentences(doc.Text, doc.Tokens)
}

// Sentences groups tokens of s into sentences.
func Sentences(s string, toks []document.Token) []document.Sentence {
	var out []document.Sentence
	first := 0
	flush := func(end int) {
		if end <= first {
			return
		}
		out = append(out, document.Sentence{
			Span:       document.Span{Start: toks[first].Start, End: toks[end-1].End},
			FirstToken: first, EndToken: end,
		})
		first = end
	}
	for i := 0; i < len(toks); i++ {
		if i > first && strings.IndexByte(s[toks[i-1].End:toks[i].Start], '\n') >= 0 {
			flush(i)
		}
		if i-first >= maxSentenceTokens {
			flush(i)
		}
		t := s[toks[i].Start:toks[i].End]
		if !isTerminator(t) {
			continue
		}
		// absorb closing quotes and brackets directly after the terminator
		j := i + 1
		for j < len(toks) && toks[j].Start == toks[j-1].End && isCloser(s[toks[j].Start:toks[j].End], s, toks[j]) {
			j++
		}
		if j >= len(toks) {
			i = j - 1
			continue
		}
		if t == "." && i > first && isAbbrev(s, toks[i-1], toks[i]) {
			continue
		}
		if !startsSentence(s, toks, j) {
			continue
		}
		flush(j)
		i = j - 1
	}
	flush(len(toks))
	return out
}

func isTerminator(t string) bool {
	switch t {
	case ".", "!", "?", "...", "…", "?!", "!?":
		return true
	}
	return strings.Trim(t, "!?") == "" && t != ""
}

func isCloser(t, s string, tok document.Token) bool {
	switch t {
	case "”", "’", "»", ")", "]", "'":
		return true
	case "\"":
		// a straight quote right after a terminator closes unless a word follows it directly
		return tok.End >= len(s) || !isWordStart(s[tok.End:])
	}
	return false
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isAbbrev(s string, prev, dot document.Token) bool {
	if prev.End != dot.Start {
		return false
	}
	w := s[prev.Start:prev.End]
	if abbreviations[strings.ToLower(w)] {
		return true
	}
	// a single capital letter is an initial ("John F. Kennedy")
	r, size := utf8.DecodeRuneInString(w)
	return size == len(w) && unicode.IsUpper(r)
}

func startsSentence(s string, toks []document.Token, j int) bool {
	t := s[toks[j].Start:toks[j].End]
	r, _ := utf8.DecodeRuneInString(t)
	switch {
	case unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.IsTitle(r):
		return true
	case strings.ContainsRune("“‘\"'«(„[-–—•*", r):
		return true
	case unicode.IsLetter(r) && !unicode.IsLower(r):
		return true // scripts without case
	}
	return false
}
