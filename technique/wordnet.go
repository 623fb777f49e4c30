package technique

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Word classes from WordNet 3.0 (Princeton; the Debian package wordnet-base
// installs it under /usr/share/wordnet). They let the model generalise to
// words it never saw in a PTC span: an unseen noun that names a kind of
// person ("shyster", "stooge", "cutthroat") behaves like the seen ones
// ("thug", "traitor"), which Name_Calling is about, and adjectives and
// adverbs separate Loaded_Language and hedges from nouns. Only the class
// bits of single-word lemmas are kept, so the table is small.
const (
	wnPerson    = 1 << iota // one of the first two noun senses is in noun.person
	wnAdj                   // has an adjective sense
	wnAdv                   // has an adverb sense
	wnNoun                  // has a noun sense (stored only beside another bit)
	wnPlural                // found through a plural rule (set at lookup, never stored)
	wnPersonish             // an -ish adjective made from a person noun ("oafish", "loutish"; set at lookup)
)

// wnLexPerson is the lexicographer file number of noun.person.
const wnLexPerson = 18

// loadWordNet reads the WordNet database in dir into a word → class-bits
// table. Only words with a person, adjective or adverb bit are kept.
func loadWordNet(dir string) (map[string]uint8, []string, error) {
	var files []string
	lexfile := map[int]int{}
	dataNoun := filepath.Join(dir, "data.noun")
	err := wnScan(dataNoun, func(f []string) {
		off, err1 := strconv.Atoi(f[0])
		lf, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil {
			lexfile[off] = lf
		}
	})
	if err != nil {
		return nil, nil, err
	}
	files = append(files, dataNoun)
	out := map[string]uint8{}
	nouns := map[string]bool{}
	for _, pos := range []string{"noun", "adj", "adv"} {
		p := filepath.Join(dir, "index."+pos)
		err := wnScan(p, func(f []string) {
			w := f[0]
			if strings.ContainsAny(w, "_.") || len(f) < 4 {
				return
			}
			switch pos {
			case "adj":
				out[w] |= wnAdj
			case "adv":
				out[w] |= wnAdv
			case "noun":
				nouns[w] = true
				// lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets...
				np, err := strconv.Atoi(f[3])
				if err != nil || 4+np+2 >= len(f) {
					return
				}
				offs := f[4+np+2:]
				for k := 0; k < len(offs) && k < 2; k++ {
					o, err := strconv.Atoi(offs[k])
					if err != nil {
						continue
					}
					if lexfile[o] == wnLexPerson {
						out[w] |= wnPerson
					}
				}
			}
		})
		if err != nil {
			return nil, nil, err
		}
		files = append(files, p)
	}
	for w := range out {
		if nouns[w] {
			out[w] |= wnNoun
		}
	}
	return out, files, nil
}

func wnScan(path string, each func(fields []string)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("wordnet %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue // licence header
		}
		each(strings.Fields(line))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("wordnet %s: %w", path, err)
	}
	return nil
}

// wordClass returns the WordNet class bits of lower-case word w, trying the
// word, then noun plural rules (WordNet's morphy suffixes), and for a
// hyphenated word the word without hyphens and its last part.
func (l *lexicon) wordClass(w string) uint8 {
	if l == nil || len(l.wn) == 0 || len(w) < 3 {
		return 0
	}
	c := l.baseClass(w)
	if len(w) > 5 && strings.HasSuffix(w, "ish") {
		// denominal adjectives: "oafish" from "oaf", "thuggish" from
		// "thug", "prudish" from "prude"
		b := w[:len(w)-3]
		for _, x := range []string{b, b + "e", b[:len(b)-1]} {
			if len(x) > 2 && l.wn[x]&wnPerson != 0 {
				c |= wnPersonish
				break
			}
		}
	}
	return c
}

// baseClass is wordClass without the -ish derivation.
func (l *lexicon) baseClass(w string) uint8 {
	if c, ok := l.wn[w]; ok {
		return c
	}
	if h := strings.LastIndexByte(w, '-'); h > 0 {
		// "cut-throats" as "cutthroats", else the head of a compound
		// ("war-mongers" as "mongers")
		if c := l.baseClass(strings.ReplaceAll(w, "-", "")); c != 0 {
			return c
		}
		return l.baseClass(w[h+1:])
	}
	for _, r := range wnPluralRules {
		if len(w) > len(r[0])+1 && strings.HasSuffix(w, r[0]) {
			if c, ok := l.wn[w[:len(w)-len(r[0])]+r[1]]; ok && c&wnNoun != 0 {
				return c | wnPlural
			}
		}
	}
	return 0
}

// wnPluralRules are WordNet's noun detachment rules (suffix, replacement).
var wnPluralRules = [][2]string{{"ies", "y"}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"s", ""}}

// encodeWordNet writes the class table as sorted "word bits" lines.
func (l *lexicon) encodeWordNet() string {
	ws := make([]string, 0, len(l.wn))
	for w := range l.wn {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "%s %d\n", w, l.wn[w])
	}
	return b.String()
}

func (l *lexicon) decodeWordNet(s string) error {
	if s == "" {
		return nil
	}
	l.wn = map[string]uint8{}
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		w, v, ok := strings.Cut(line, " ")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n >= wnPlural {
			return fmt.Errorf("wordnet line %d: %q", i+1, line)
		}
		l.wn[w] = uint8(n)
	}
	return nil
}
