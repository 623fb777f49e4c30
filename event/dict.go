package event

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Dictionary is a compiled verb-pattern dictionary: trigger lemmas with the
// words that may precede and follow them, each with a CAMEO code and a
// PLOVER type. It is read-only after Load.
type Dictionary struct {
	byTrigger map[string][]*pattern
	synsets   map[string][][]string // &name -> members, each a word sequence
	forms     map[string]string     // inflected form -> lemma
	known     map[string]bool       // every lemma the dictionary mentions
	// adjectives are trigger lemmas that are also adjectives ("direct",
	// "free"): their bare form is read as a verb only in a verb's context
	adjectives map[string]bool
	patterns   int
}

// pattern is one dictionary line: "pre *trigger post<TAB>code[<TAB>PLOVER]".
type pattern struct {
	trigger string
	pre     []string // elements before the trigger, nearest last
	post    []string // elements after the trigger, in order
	code    string   // CAMEO code
	plover  string   // PLOVER type
	order   int      // line order: earlier lines win ties
}

// LoadDictionary reads dictionary files in order; later files add to and,
// on identical patterns, override earlier ones. The format is documented
// in docs/format.md (## Events).
func LoadDictionary(files map[string]io.Reader, order []string) (*Dictionary, error) {
	d := &Dictionary{byTrigger: map[string][]*pattern{}, synsets: map[string][][]string{}, forms: map[string]string{}, known: map[string]bool{}, adjectives: map[string]bool{}}
	for w, l := range builtinForms {
		d.forms[w] = l
		d.known[l] = true
	}
	type rawPat struct {
		fields []string
		code   string
		plover string
		where  string
	}
	var raws []rawPat
	for _, name := range order {
		sc := bufio.NewScanner(files[name])
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		ln := 0
		for sc.Scan() {
			ln++
			line := sc.Text()
			if i := strings.Index(line, "#"); i >= 0 {
				line = line[:i]
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			where := fmt.Sprintf("%s:%d", name, ln)
			switch line[0] {
			case '&':
				f := strings.Fields(line)
				set := f[0][1:]
				for _, m := range f[1:] {
					ws := strings.Split(strings.ToLower(m), "_")
					d.synsets[set] = append(d.synsets[set], ws)
				}
			case '~':
				for _, w := range strings.Fields(strings.ToLower(line[1:])) {
					d.adjectives[w] = true
				}
			case '=':
				f := strings.Fields(strings.ToLower(line[1:]))
				if len(f) < 2 {
					return nil, fmt.Errorf("events dictionary %s: a forms line needs a lemma and forms", where)
				}
				d.known[f[0]] = true
				for _, x := range f[1:] {
					d.forms[x] = f[0]
				}
			default:
				cols := strings.Split(line, "\t")
				if len(cols) < 2 {
					return nil, fmt.Errorf("events dictionary %s: want PATTERN<TAB>CAMEO[<TAB>PLOVER], got %q", where, line)
				}
				r := rawPat{fields: strings.Fields(strings.ToLower(cols[0])), code: strings.TrimSpace(cols[1]), where: where}
				if len(cols) > 2 {
					r.plover = strings.ToUpper(strings.TrimSpace(cols[2]))
				}
				raws = append(raws, r)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("events dictionary %s: %w", name, err)
		}
	}
	// words of patterns are lemmatised with the forms table, so the
	// dictionary can say "carried out attacks" and still match "carry out attack".
	for _, r := range raws {
		for _, f := range r.fields {
			if !strings.HasPrefix(f, "&") {
				d.known[strings.TrimPrefix(f, "*")] = true
			}
		}
	}
	// synset members are compared with token lemmas, so lemmatise them once
	for name, ms := range d.synsets {
		for _, m := range ms {
			for k, w := range m {
				m[k] = d.Lemma(w)
			}
		}
		d.synsets[name] = ms
	}
	seen := map[string]*pattern{}
	for i, r := range raws {
		p := &pattern{code: r.code, plover: r.plover, order: i}
		star := -1
		for j, f := range r.fields {
			if strings.HasPrefix(f, "*") {
				star = j
			}
		}
		if star < 0 {
			star = 0
		}
		for j, f := range r.fields {
			f = strings.TrimPrefix(f, "*")
			if !strings.HasPrefix(f, "&") {
				f = d.Lemma(f)
			}
			switch {
			case j < star:
				p.pre = append(p.pre, f)
			case j == star:
				p.trigger = f
			default:
				p.post = append(p.post, f)
			}
		}
		if p.plover == "" {
			p.plover = PLOVER(p.code)
		}
		if p.plover == "-" {
			p.plover = "" // an explicit "no event" line (a discard)
		}
		key := strings.Join(append(append(append([]string{}, p.pre...), "*"+p.trigger), p.post...), " ")
		if old, ok := seen[key]; ok {
			*old = *p // a later file overrides an identical pattern
			old.order = i
			continue
		}
		seen[key] = p
		d.byTrigger[p.trigger] = append(d.byTrigger[p.trigger], p)
		d.patterns++
	}
	return d, nil
}

// Patterns returns the number of distinct patterns.
func (d *Dictionary) Patterns() int { return d.patterns }

// builtinForms are irregular forms the suffix rules cannot undo.
var builtinForms = map[string]string{
	"was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "being": "be", "am": "be",
	"has": "have", "had": "have", "did": "do", "does": "do", "done": "do",
	"said": "say", "says": "say", "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
	"went": "go", "gone": "go", "came": "come", "held": "hold", "met": "meet", "sent": "send", "sought": "seek",
	"fought": "fight", "struck": "strike", "shot": "shoot", "threw": "throw", "thrown": "throw", "led": "lead",
	"left": "leave", "won": "win", "lost": "lose", "told": "tell", "brought": "bring", "bought": "buy",
	"began": "begin", "begun": "begin", "broke": "break", "broken": "break", "spoke": "speak", "spoken": "speak",
	"stood": "stand", "kept": "keep", "put": "put", "set": "set", "cut": "cut", "hit": "hit", "beat": "beat",
	"beaten": "beat", "forbade": "forbid", "forbidden": "forbid", "froze": "freeze", "frozen": "freeze",
	"overran": "overrun", "withdrew": "withdraw", "withdrawn": "withdraw", "undertook": "undertake",
	"overthrew": "overthrow", "overthrown": "overthrow", "swore": "swear", "sworn": "swear", "paid": "pay",
	"laid": "lay", "fled": "flee", "bled": "bleed", "slew": "slay", "slain": "slay", "blew": "blow", "blown": "blow",
	"drew": "draw", "drawn": "draw", "rode": "ride", "stole": "steal", "stolen": "steal", "seized": "seize",
	"sold": "sell", "found": "find", "felt": "feel", "built": "build", "spent": "spend", "sank": "sink", "sunk": "sink",
	"shut": "shut", "let": "let", "hid": "hide", "hidden": "hide", "sprang": "spring", "arose": "arise",
	"men": "man", "women": "woman", "people": "people", "forces": "force", "children": "child",
}

// Lemma maps a lower-case word to the dictionary's lemma: irregular forms,
// then the first suffix-stripped candidate the dictionary knows (-s, -es,
// -ies, -ed, -d, -ied, doubled consonants, -ing). Unknown words come back
// with a plural -s removed, which is all the matcher needs of them.
func (d *Dictionary) Lemma(w string) string {
	if l, ok := d.forms[w]; ok {
		return l
	}
	// suffix candidates come first: the dictionary's own patterns contain
	// inflected words ("killed and in riot"), which must not stop "killed"
	// from becoming "kill".
	n := len(w)
	try := func(c string) bool { return len(c) > 1 && d.known[c] }
	suf := func(s string) bool { return strings.HasSuffix(w, s) && n > len(s)+1 }
	var cands []string
	switch {
	case suf("ies"):
		cands = append(cands, w[:n-3]+"y")
	case suf("ied"):
		cands = append(cands, w[:n-3]+"y")
	}
	if suf("es") {
		cands = append(cands, w[:n-2], w[:n-1])
	} else if suf("s") && !suf("ss") {
		cands = append(cands, w[:n-1])
	}
	if suf("ed") {
		b := w[:n-2]
		cands = append(cands, b, w[:n-1])
		if len(b) > 2 && b[len(b)-1] == b[len(b)-2] {
			cands = append(cands, b[:len(b)-1])
		}
	}
	if suf("ing") {
		b := w[:n-3]
		cands = append(cands, b, b+"e")
		if len(b) > 2 && b[len(b)-1] == b[len(b)-2] {
			cands = append(cands, b[:len(b)-1])
		}
	}
	for _, c := range cands {
		if try(c) {
			return c
		}
	}
	if d.known[w] {
		return w
	}
	if suf("s") && !suf("ss") {
		return w[:n-1]
	}
	return w
}

// rootPLOVER maps CAMEO root codes to PLOVER's 18 event types (the types
// of the PLOVER gold records). CAMEO 01 (public statement) has no PLOVER
// type; 02 (appeal) and 10 (demand) are both DEMAND.
var rootPLOVER = map[string]string{
	"02": "DEMAND", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE", "07": "AID",
	"08": "CONCEDE", "09": "INVESTIGATE", "10": "DEMAND", "11": "DISAPPROVE", "12": "REJECT", "13": "THREATEN",
	"14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "FIGHT", "20": "ASSAULT",
}

// codePLOVER holds the CAMEO codes whose PLOVER type differs from their
// root's (CAMEO2PLOVER-2021.txt).
var codePLOVER = map[string]string{
	"084": "RETREAT", "085": "RETREAT", "086": "RETREAT", "087": "RETREAT",
	"163": "COERCE", "175": "ASSAULT",
}

// PLOVER returns the PLOVER type of a CAMEO code, or "" when it has none.
func PLOVER(code string) string {
	for n := len(code); n >= 3; n-- {
		if t, ok := codePLOVER[code[:n]]; ok {
			return t
		}
	}
	if len(code) >= 2 {
		return rootPLOVER[code[:2]]
	}
	return ""
}
