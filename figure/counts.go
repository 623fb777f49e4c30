package figure

import (
	"strings"

	"github.com/newslens/newslens/document"
)

// Count types (Label of kind "count"); docs/format.md maps them to GDELT.
const (
	Killed     = "killed"
	Wounded    = "wounded"
	Casualties = "casualties" // killed or wounded, not told apart
	Trapped    = "trapped"
	Missing    = "missing"
	Displaced  = "displaced"
	Arrested   = "arrested"
	Kidnapped  = "kidnapped"
	Evacuated  = "evacuated"
	Protesting = "protesting"
	Affected   = "affected"
	Sick       = "sick"
)

// typeWords are the words that give a count its type when they follow the
// counted object ("27 civilians were killed") or the number ("27 killed").
var typeWords = map[string]string{
	"killed": Killed, "dead": Killed, "died": Killed, "die": Killed, "perished": Killed,
	"drowned": Killed, "executed": Killed, "murdered": Killed, "slain": Killed, "massacred": Killed,
	"slaughtered": Killed, "culled": Killed, "beheaded": Killed, "lynched": Killed,
	"injured": Wounded, "wounded": Wounded, "hurt": Wounded, "maimed": Wounded,
	"trapped": Trapped, "besieged": Trapped, "stranded": Trapped, "stuck": Trapped,
	"missing": Missing, "unaccounted": Missing,
	"displaced": Displaced, "fled": Displaced, "homeless": Displaced, "uprooted": Displaced,
	"arrested": Arrested, "detained": Arrested, "jailed": Arrested, "imprisoned": Arrested,
	"apprehended": Arrested, "rounded": Arrested, "held": Arrested,
	"kidnapped": Kidnapped, "abducted": Kidnapped, "kidnaped": Kidnapped, "seized": Kidnapped,
	"evacuated": Evacuated, "rescued": Evacuated, "relocated": Evacuated,
	"protested": Protesting, "protesting": Protesting, "marched": Protesting, "rallied": Protesting,
	"demonstrated": Protesting, "demonstrating": Protesting,
	"affected": Affected,
	"infected": Sick, "sickened": Sick, "ill": Sick, "sick": Sick, "hospitalised": Sick,
	"hospitalized": Sick, "poisoned": Sick, "diagnosed": Sick, "contracted": Sick,
}

// verbsBefore type a count from the verb in front of its number:
// "killing 27 people", "arrested at least 12".
var verbsBefore = map[string]string{
	"killing": Killed, "killed": Killed, "kill": Killed, "kills": Killed, "claimed": Killed,
	"claiming": Killed, "executed": Killed, "executing": Killed, "massacred": Killed,
	"culling": Killed, "culled": Killed, "slaughtering": Killed, "slaughtered": Killed,
	"injuring": Wounded, "injured": Wounded, "wounding": Wounded, "wounded": Wounded, "injure": Wounded,
	"trapping":   Trapped,
	"displacing": Displaced, "displaced": Displaced, "displace": Displaced, "uprooted": Displaced,
	"arrested": Arrested, "arresting": Arrested, "arrest": Arrested, "detained": Arrested,
	"detaining": Arrested, "detain": Arrested, "jailed": Arrested,
	"kidnapped": Kidnapped, "kidnapping": Kidnapped, "abducted": Kidnapped, "abducting": Kidnapped,
	"evacuated": Evacuated, "evacuating": Evacuated, "evacuate": Evacuated, "rescued": Evacuated,
	"affecting": Affected, "affected": Affected, "affects": Affected,
	"infecting": Sick, "infected": Sick, "sickening": Sick, "sickened": Sick, "hospitalising": Sick,
	"hospitalizing": Sick,
}

// objectNouns are the things counted, with the type they imply when no
// verb says otherwise ("" = none).
var objectNouns = map[string]string{
	"people": "", "persons": "", "person": "", "civilians": "", "civilian": "", "soldiers": "",
	"soldier": "", "troops": "", "fighters": "", "militants": "", "children": "", "child": "",
	"kids": "", "women": "", "men": "", "man": "", "woman": "", "residents": "", "villagers": "",
	"workers": "", "students": "", "police": "", "policemen": "", "officers": "", "journalists": "",
	"passengers": "", "members": "", "individuals": "", "adults": "", "infants": "", "babies": "",
	"girls": "", "boys": "", "teenagers": "", "inhabitants": "", "families": "", "households": "",
	"rebels": "", "insurgents": "", "terrorists": "", "jihadists": "", "combatants": "",
	"personnel": "", "staff": "", "employees": "", "miners": "", "pilgrims": "", "tourists": "",
	"citizens": "", "nationals": "", "americans": "", "palestinians": "", "israelis": "",
	"syrians": "", "iraqis": "", "afghans": "", "muslims": "", "christians": "", "others": "",
	"crew": "", "sailors": "", "marines": "", "guards": "", "farmers": "", "fishermen": "",
	"worshippers": "", "protesters": Protesting, "demonstrators": Protesting, "marchers": Protesting,
	"protestors": Protesting, "rioters": Protesting,
	"refugees": Displaced, "evacuees": Evacuated, "hostages": Kidnapped, "captives": Kidnapped,
	"detainees": Arrested, "prisoners": Arrested, "arrests": Arrested,
	"deaths": Killed, "fatalities": Killed, "bodies": Killed, "dead": Killed,
	"casualties": Casualties, "injuries": Wounded,
	"patients": Sick, "cases": Sick, "infections": Sick,
	"victims": "", "survivors": "", "migrants": "", "immigrants": "", "asylum-seekers": Displaced,
	"hogs": "", "pigs": "", "birds": "", "chickens": "", "cattle": "", "animals": "", "cows": "",
	"sheep": "", "ducks": "", "poultry": "", "horses": "", "dogs": "",
}

// auxWords may stand between the object and its type word:
// "27 civilians were reportedly killed", "25,000 people remain trapped".
var auxWords = map[string]bool{
	"were": true, "was": true, "have": true, "has": true, "had": true, "been": true, "are": true,
	"is": true, "be": true, "being": true, "reportedly": true, "also": true, "now": true, "still": true,
	"all": true, "feared": true, "believed": true, "confirmed": true, "remain": true, "remained": true,
	"remains": true, "left": true, "later": true, "allegedly": true, "who": true, "that": true,
	"got": true, "get": true, "became": true, "become": true, "reported": true, "presumed": true,
	"seriously": true, "critically": true, "badly": true, "severely": true, "fatally": true,
	"either": true, "both": true, "already": true, "were.": true, "will": true, "would": true,
	"may": true, "might": true, "so": true, "far": true, "'ve": true, "of": true, "them": true, "whom": true,
	"having": true, "lie": true, "lay": true, "shot": true, "found": true, "newly": true,
}

// modifiers may stand between the number and the object: "27 more
// civilians", "25,000 Syrian civilians", "3 other people".
var modifiers = map[string]bool{
	"more": true, "other": true, "additional": true, "innocent": true, "unarmed": true,
	"young": true, "foreign": true, "local": true, "armed": true, "more.": true, "elderly": true,
	"suspected": true, "alleged": true, "civilian": true, "police": true, "army": true, "security": true,
	"government": true, "pro-government": true, "opposition": true, "rebel": true, "islamist": true,
	"farm": true, "health": true, "aid": true, "medical": true, "school": true, "of": true, "the": true,
	"u.s.": true, "u.n.": true, "un": true, "new": true, "confirmed": true, "human": true,
}

var rateWords = map[string]string{
	"day": "day", "daily": "day", "week": "week", "weekly": "week", "month": "month",
	"monthly": "month", "year": "year", "annually": "year", "hour": "hour", "night": "night",
}

var placePreps = map[string]bool{
	"in": true, "at": true, "near": true, "across": true, "throughout": true, "outside": true,
	"inside": true, "around": true,
}

// identifierHeads precede numbers that name things rather than count them.
var identifierHeads = map[string]bool{
	"no": true, "no.": true, "number": true, "route": true, "flight": true, "room": true,
	"page": true, "article": true, "resolution": true, "highway": true, "line": true,
	"chapter": true, "section": true, "brigade": true, "division": true, "battalion": true,
	"regiment": true, "unit": true, "level": true, "phase": true, "grade": true, "bus": true,
	"channel": true, "apartment": true, "building": true, "block": true, "gate": true, "platform": true,
	"terminal": true, "code": true, "version": true, "model": true, "district": true,
}

func (s *scan) findCounts() []document.Annotation {
	var out []document.Annotation
	n := len(s.toks)
	for i := 0; i < n; i++ {
		if s.used[i] {
			continue
		}
		num, ok := s.parseNumber(i)
		if !ok || num.end > n {
			continue
		}
		if s.usedIn(i, num.end) || s.notACount(i, num) {
			continue
		}
		if a, ok := s.count(num); ok {
			out = append(out, a)
			for k := num.first; k < num.end; k++ {
				s.used[k] = true
			}
			i = num.end - 1
		}
	}
	return out
}

func (s *scan) usedIn(i, j int) bool {
	for k := i; k < j && k < len(s.used); k++ {
		if s.used[k] {
			return true
		}
	}
	return false
}

// notACount rejects identifiers ("Brigade 137", "Resolution 2254"), phone
// numbers and number lists, and numbers glued to a unit or symbol.
func (s *scan) notACount(i int, num number) bool {
	if i > 0 {
		prev := s.low[i-1]
		if identifierHeads[prev] {
			return true
		}
		// a capitalised word right before a digit number names it
		// ("Brigade 137", "Highway 61"), unless it starts the sentence.
		if num.digits && s.isCap(i-1) && i-1 > 0 && !placePreps[prev] && !s.isMonth(i-1) {
			if _, isObj := objectNouns[prev]; !isObj {
				return true
			}
		}
		if prev == "#" || prev == "+" || prev == "/" || prev == "-" && i > 1 && isDigitsToken(s.low[i-2]) {
			return true
		}
	}
	if num.end < len(s.toks) {
		next := s.low[num.end]
		if isDigitsToken(next) || next == "%" || next == "-" && num.end+1 < len(s.toks) && isDigitsToken(s.low[num.end+1]) {
			return true
		}
		if next == "per" && num.end+1 < len(s.toks) && (s.low[num.end+1] == "cent" || s.low[num.end+1] == "percent") {
			return true
		}
	}
	return false
}

func (s *scan) count(num number) (document.Annotation, bool) {
	n := len(s.toks)
	j := num.end
	if j < n && s.low[j] == "of" && (num.approx == "vague" || j+1 < n && s.low[j+1] == "the") {
		j++
	}
	// the object: skip modifiers and demonyms ("25,000 Syrian civilians")
	obj := -1
	for k := j; k < n && k < j+4; k++ {
		w := s.low[k]
		if _, ok := objectNouns[w]; ok {
			obj = k
			// "children and women": take the first noun
			break
		}
		if modifiers[w] || (s.isCap(k) && k > 0 && isWordTok(w) && !s.isMonth(k)) {
			continue
		}
		break
	}
	typ := ""
	last := num.end - 1
	p := j
	if obj >= 0 {
		p = obj + 1
		last = obj
		typ = objectNouns[s.low[obj]]
	}
	// a type word after the object, across auxiliaries
	for k := p; k < n && k < p+5; k++ {
		w := s.low[k]
		if t, ok := typeWords[w]; ok {
			if w == "held" && !(k+1 < n && (s.low[k+1] == "hostage" || s.low[k+1] == "captive")) && obj < 0 {
				break
			}
			if t == Killed && w == "die" && k > 0 && s.low[k-1] != "to" {
				break
			}
			if w == "fled" || w == "rescued" || w == "seized" || w == "held" {
				if obj < 0 {
					break
				}
			}
			typ = t
			last = k
			break
		}
		if w == "lost" && k+2 < n && s.low[k+1] == "their" && (s.low[k+2] == "lives" || s.low[k+2] == "homes") {
			typ, last = Killed, k+2
			if s.low[k+2] == "homes" {
				typ = Displaced
			}
			break
		}
		if w == "taken" && k+1 < n && (s.low[k+1] == "hostage" || s.low[k+1] == "captive") {
			typ, last = Kidnapped, k+1
			break
		}
		if w == "went" && k+1 < n && s.low[k+1] == "missing" {
			typ, last = Missing, k+1
			break
		}
		if w == "took" && k+2 < n && s.low[k+1] == "to" && s.low[k+2] == "the" {
			typ, last = Protesting, k
			break
		}
		if !auxWords[w] && !(w == "," && obj >= 0) {
			break
		}
	}
	// a verb before the number: "killing at least 27 people"
	first := num.first
	approx := num.approx
	if a, k := s.approxBefore(num.first); k >= 0 && approx == "" {
		approx, first = a, k
	} else if k >= 0 {
		first = k
	}
	if typ == "" && (obj >= 0 || num.end < n && s.low[num.end] == "of") {
		k := first - 1
		for k >= 0 && (s.low[k] == "the" || s.low[k] == "a" || s.low[k] == "an" || s.low[k] == "some") {
			k--
		}
		if k >= 0 {
			if t, ok := verbsBefore[s.low[k]]; ok {
				typ = t
			}
		}
	}
	// "the death toll rose to 30", "a death toll of 30"
	if typ == "" {
		for k := first - 1; k >= 0 && k >= first-6; k-- {
			if s.low[k] == "toll" || s.low[k] == "tolls" {
				typ = Killed
				if k > 0 && (s.low[k-1] == "injury" || s.low[k-1] == "casualty") {
					typ = Casualties
				}
				break
			}
			if s.low[k] == "." || s.low[k] == ";" {
				break
			}
		}
	}
	if typ == "" {
		return document.Annotation{}, false
	}
	// a number must count something: reject "the 2014 killed" shapes and
	// lone years or fractions
	if num.value != float64(int64(num.value)) || num.year && obj < 0 {
		return document.Annotation{}, false
	}
	attrs := map[string]any{"value": num.value}
	parts := map[string]document.Span{"number": s.span(num.first, num.end)}
	if num.max > 0 {
		attrs["max"] = num.max
	}
	if approx != "" {
		attrs["approx"] = approx
	}
	if obj >= 0 {
		attrs["object"] = s.low[obj]
		parts["object"] = s.span(obj, obj+1)
	}
	// "on average 27 killed every day"
	for k := last + 1; k < n && k < last+5; k++ {
		w := s.low[k]
		if r, ok := rateWords[w]; ok {
			prev := ""
			if k > 0 {
				prev = s.low[k-1]
			}
			if prev == "every" || prev == "each" || prev == "a" || prev == "per" || prev == "an" || w == "daily" || w == "weekly" || w == "monthly" || w == "annually" {
				attrs["rate"] = r
				if w == "daily" || w == "weekly" || w == "monthly" || w == "annually" {
					last = k
				} else {
					last = k
				}
			}
			break
		}
		if w == "," || w == "." || w == ";" {
			break
		}
	}
	if first >= 2 && s.low[first-2] == "on" && s.low[first-1] == "average" {
		first -= 2
		if _, ok := attrs["rate"]; !ok {
			attrs["rate"] = "average"
		}
	}
	if pl := s.placeAfter(last+1, 8); pl != "" {
		attrs["place"] = pl
	}
	conf := 0.75
	if obj >= 0 {
		conf = 0.85
	}
	return document.Annotation{
		Kind: "count", Span: s.span(first, last+1), Label: typ, Parts: parts, Attrs: attrs,
		Confidence: conf, Analyzer: Name, Version: Version,
	}, true
}

// placeAfter returns the capitalised name after a locative preposition in
// the same clause ("trapped in Raqqa"), or "".
func (s *scan) placeAfter(k, window int) string {
	n := len(s.toks)
	for ; k < n && window > 0; k, window = k+1, window-1 {
		w := s.low[k]
		if w == "," || w == ";" || w == "." || w == "and" || w == "but" {
			return ""
		}
		if !placePreps[w] {
			continue
		}
		j := k + 1
		if j < n && s.low[j] == "the" {
			j++
		}
		start := j
		for j < n && s.isCap(j) && isWordTok(s.low[j]) && !s.isMonth(j) && !isWeekday(s.low[j]) {
			j++
		}
		if j > start {
			return s.src[s.toks[start].Start:s.toks[j-1].End]
		}
		return ""
	}
	return ""
}

func isWordTok(w string) bool {
	if w == "" {
		return false
	}
	c := w[0]
	return c >= 'a' && c <= 'z' || c >= 0x80 && !strings.ContainsAny(w[:1], "0123456789")
}
