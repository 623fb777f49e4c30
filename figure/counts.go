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
	"evacuated": Evacuated, "rescued": Evacuated, "relocated": Evacuated, "evacuate": Evacuated,
	"flee":      Displaced,
	"protested": Protesting, "protesting": Protesting, "marched": Protesting, "rallied": Protesting,
	"demonstrated": Protesting, "demonstrating": Protesting,
	"affected": Affected,
	"infected": Sick, "sickened": Sick, "ill": Sick, "sick": Sick, "hospitalised": Sick,
	"hospitalized": Sick, "poisoned": Sick, "diagnosed": Sick, "contracted": Sick,
	"paralysed": Sick, "paralyzed": Sick, "symptoms": Sick, "blinded": Wounded, "stricken": Sick,
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
	"hospitalizing": Sick, "blinded": Wounded, "blinding": Wounded, "injures": Wounded,
	"wounds": Wounded, "infects": Sick, "kidnaps": Kidnapped, "arrests": Arrested, "detains": Arrested,
	"evacuates": Evacuated, "displaces": Displaced, "abducts": Kidnapped,
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
	"sheep": "", "ducks": "", "poultry": "", "horses": "", "dogs": "", "buffalo": "", "goats": "",
	"camels": "", "livestock": "", "turkeys": "", "servicemen": "", "officials": "", "inmates": "",
	"doctors": "", "nurses": "", "teachers": "", "pupils": "", "relatives": "", "youths": "",
	"teens": "", "death": Killed, "lives": Killed, "veterans": "", "resident": "", "officer": "",
	"policeman": "", "worker": "", "student": "", "journalist": "", "passenger": "", "boy": "",
	"girl": "", "baby": "", "patient": Sick, "activists": "", "suspects": "", "schoolgirls": "",
	"schoolboys": "", "schoolchildren": "", "opponents": "", "dissidents": "", "bystanders": "",
	"shoppers": "", "motorists": "", "drivers": "", "peacekeepers": "", "medics": "", "firefighters": "",
	"rescuers": "", "hikers": "", "climbers": "", "fans": "", "spectators": "", "settlers": "", "pilgrim": "", "tourist": "", "fighter": "", "militant": "",
}

// eventNouns name the event itself, so they fix the count's type.
var eventNouns = map[string]bool{
	"deaths": true, "death": true, "fatalities": true, "bodies": true, "casualties": true, "injuries": true,
	"cases": true, "infections": true, "arrests": true, "lives": true, "dead": true,
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
	"could": true, "can": true, "should": true, "suspected": true, "to": true, "shown": true,
	"showed": true, "developed": true, "more": true,
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
	"reported": true, "recorded": true, "newly": true, "probable": true, "known": true,
	"total": true, "further": true, "extra": true, "these": true, "those": true, "registered": true,
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
	s.prevEnd, s.prevType = -1, ""
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
			s.prevEnd, s.prevType = s.tokenAt(a.End), a.Label
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
		if num.digits && s.isCap(i-1) && i-1 > 0 && !placePreps[prev] && !s.isMonth(i-1) && !countContext(prev) {
			if _, isObj := objectNouns[prev]; !isObj {
				return true
			}
		}
		if prev == "#" || prev == "+" || prev == "/" || prev == "-" && i > 1 && isDigitsToken(s.low[i-2]) {
			return true
		}
	}
	// "nine out of ten patients" is a proportion, not two counts
	if num.end+1 < len(s.toks) && s.low[num.end] == "out" && s.low[num.end+1] == "of" {
		return true
	}
	if i >= 3 && s.low[i-1] == "of" && s.low[i-2] == "out" {
		if _, ok := s.parseSimple(i - 3); ok {
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
	if j < n && s.low[j] == "of" && (num.approx == "vague" || j+1 < n && determiners[s.low[j+1]]) {
		j++
	}
	// the object: skip modifiers and demonyms ("25,000 Syrian civilians")
	obj := -1
	for k := j; k < n && k < j+4; k++ {
		w := s.low[k]
		if _, ok := objectNouns[w]; ok || s.isDemonymPlural(k) {
			obj = k
			// "children and women": take the first noun
			break
		}
		if modifiers[w] || (s.isCap(k) && k > 0 && isWordTok(w) && !s.isMonth(k) && !isWeekday(w)) {
			continue
		}
		if _, ok := preTypes[w]; ok {
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
		// "18 children's deaths": the possessed noun is the event
		if obj+2 < n && s.low[obj+1] == "'s" && eventNouns[s.low[obj+2]] {
			obj, last = obj+2, obj+2
			typ = objectNouns[s.low[obj]]
		}
		if eventNouns[s.low[obj]] {
			// "194 deaths", "2,335 cases": the noun is the type; a verb
			// further on belongs to another subject
			p = n
		}
		// "two deceased patients", "20 injured people"
		for k := j; k < obj; k++ {
			if t, ok := preTypes[s.low[k]]; ok {
				typ = t
			}
		}
		if s.low[obj] == "lives" && first0(s, num) > 0 && savedVerbs[s.low[first0(s, num)-1]] {
			return document.Annotation{}, false
		}
	}
	// a type word after the object: across auxiliaries only when the number
	// stands alone ("27 killed", "49 have died"); across a short stretch of
	// the clause when there is an object ("1,300 people in Mexico have been
	// hospitalized", "26 students and teachers might have been infected").
	wide := obj >= 0
	limit := p + 6
	if wide {
		limit = p + 10
	}
	far := false // the type word was found across non-auxiliary words
	for k := p; k < n && k < limit; k++ {
		w := s.low[k]
		// "... people and injured thousands more": a new predicate
		if w == "and" && k+1 < n {
			if _, ok := verbsBefore[s.low[k+1]]; ok {
				break
			}
		}
		// "remain in critical condition", "are recovering in hospital",
		// "under treatment": sick in a sentence about disease, else wounded
		if end := s.carePhrase(k); end > k {
			typ, last = s.careType(), end-1
			break
		}
		if t, ok := typeWords[w]; ok {
			if w == "held" && !(k+1 < n && (s.low[k+1] == "hostage" || s.low[k+1] == "captive")) && obj < 0 {
				break
			}
			if w == "fled" || w == "flee" || w == "evacuate" || w == "rescued" || w == "seized" || w == "held" {
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
		if (w == "took" || w == "take" || w == "taking") && k+2 < n && s.low[k+1] == "part" && s.low[k+2] == "in" {
			for m := k + 3; m < n && m < k+7; m++ {
				if protestNouns[s.low[m]] {
					typ, last = Protesting, m
					break
				}
			}
			if typ == Protesting {
				break
			}
		}
		if w == "(" && wide {
			// skip a parenthesis: "17 people in Congo (DRC) have died"
			m := k + 1
			for m < n && m < k+8 && s.low[m] != ")" {
				m++
			}
			if m < n && s.low[m] == ")" {
				limit += m - k
				k = m
				continue
			}
		}
		if w == "commit" || w == "committed" || w == "commits" {
			if k+1 < n && s.low[k+1] == "suicide" {
				typ, last = Killed, k+1
				break
			}
		}
		if auxWords[w] || len(w) > 4 && strings.HasSuffix(w, "ly") {
			continue
		}
		if !wide || clauseBreak[w] {
			break
		}
		far = true
		if w == "," || isDigitsToken(w) {
			// a list of subjects continues: "birds, sheep and goats were
			// slaughtered"; anything else after a comma is a new clause
			if k+1 < n {
				if _, ok := objectNouns[s.low[k+1]]; ok || w != "," {
					continue
				}
			}
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
	if typ == "" || far && !eventNouns[s.low[obj]] {
		// a verb right before the number beats a type word found far after
		// the object: "killed 2,000 people in the city, which was flooded"
		k := first - 1
		for k >= 0 && (s.low[k] == "the" || s.low[k] == "a" || s.low[k] == "an" || s.low[k] == "some" || s.low[k] == "another") {
			k--
		}
		if k >= 0 {
			v := s.low[k]
			// without an object, the number must end its phrase: "killed
			// seventeen and blinded a dozen", "killing more than 50 and"
			bare := obj < 0 && (num.end >= n || phraseEnd[s.low[num.end]])
			if t, ok := verbsBefore[v]; ok && (obj >= 0 || bare || num.end < n && s.low[num.end] == "of") {
				typ = t
				if far {
					last = obj
				}
			} else if v == "shot" && k > 0 && s.low[k-1] == "fatally" && (obj >= 0 || bare) {
				typ = Killed
			} else if v == "of" && k > 0 {
				// "the deaths of more than 500 people", "bodies of two students"
				if t, ok := nounsBeforeOf[s.low[k-1]]; ok && (obj >= 0 || bare) {
					typ = t
				} else if k > 1 && s.low[k-1] == "lives" && (s.low[k-2] == "the" || s.low[k-2] == "taken") && (obj >= 0 || bare) {
					typ = Killed
				}
			}
		}
	}
	// "among the dead were four men", "the 20 killed included four children"
	if typ == "" && obj >= 0 {
		typ = s.listedAmong(first)
	}
	// "four men and two women": the second of a pair takes the first's type
	if typ == "" && obj >= 0 && first > 0 && s.prevType != "" && s.low[obj] != "others" && (s.low[first-1] == "and" || s.low[first-1] == ",") && s.prevEnd == first-2 {
		typ = s.prevType
	}
	// "the death toll rose to 30", "a death toll of 30"
	if typ == "" {
		for k := first - 1; k >= 0 && k >= first-6; k-- {
			if s.low[k] == "toll" || s.low[k] == "tolls" || s.low[k] == "count" && k > 0 && s.low[k-1] == "death" {
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
	// "the number of people killed in the region has risen to 19"
	if typ == "" && obj < 0 {
		typ = s.numberOfSubject(first)
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

// first0 is the first token of a number with its approximation.
func first0(s *scan, num number) int {
	if _, k := s.approxBefore(num.first); k >= 0 {
		return k
	}
	return num.first
}

var savedVerbs = map[string]bool{"saved": true, "save": true, "saving": true, "saves": true, "spared": true}

var determiners = map[string]bool{"the": true, "these": true, "those": true, "them": true, "their": true, "its": true}

// preTypes are adjectives between a number and its object that type the
// count: "two deceased patients", "20 injured people".
var preTypes = map[string]string{
	"dead": Killed, "deceased": Killed, "injured": Wounded, "wounded": Wounded, "missing": Missing,
	"displaced": Displaced, "detained": Arrested, "infected": Sick, "sick": Sick, "trapped": Trapped,
	"kidnapped": Kidnapped, "abducted": Kidnapped, "evacuated": Evacuated, "arrested": Arrested,
}

// nounsBeforeOf type a count that follows "NOUN of": "the deaths of 500
// people", "the evacuation of 3,000 residents".
var nounsBeforeOf = map[string]string{
	"deaths": Killed, "death": Killed, "killing": Killed, "killings": Killed, "murder": Killed,
	"murders": Killed, "massacre": Killed, "slaughter": Killed, "sacrifice": Killed, "bodies": Killed,
	"culling": Killed, "execution": Killed, "executions": Killed,
	"injury": Wounded, "injuries": Wounded, "wounding": Wounded,
	"evacuation": Evacuated, "rescue": Evacuated, "arrest": Arrested, "arrests": Arrested,
	"detention": Arrested, "displacement": Displaced, "abduction": Kidnapped, "kidnapping": Kidnapped,
	"disappearance": Missing,
}

// phraseEnd are tokens after which a bare number has ended its phrase.
var phraseEnd = map[string]bool{
	"and": true, ",": true, ".": true, ";": true, ":": true, "in": true, "at": true, "on": true,
	"near": true, "across": true, "during": true, "since": true, "when": true, "after": true,
	"before": true, "while": true, "as": true, "including": true, "last": true, "this": true,
	"yesterday": true, "today": true, "-": true, ")": true, "(": true, "inside": true, "outside": true,
	"around": true, "over": true, "from": true, "with": true, "\"": true, "'": true, "so": true, "more": true,
}

// clauseBreak ends the search for a count's type word.
var clauseBreak = map[string]bool{
	".": true, ";": true, ":": true, "(": true, ")": true, "\"": true, "but": true, "while": true,
	"whereas": true, "although": true, "because": true, "if": true, "than": true, "-": true,
	"compared": true, "out": true, "said": true, "says": true,
}

// countContext reports whether a (capitalised, headline-style) word before
// a number is part of a count's phrase rather than a name: "Kills 20",
// "Infected Over 600".
func countContext(w string) bool {
	if _, ok := verbsBefore[w]; ok {
		return true
	}
	if _, ok := typeWords[w]; ok {
		return true
	}
	switch w {
	case "over", "about", "nearly", "almost", "around", "some", "than", "least", "and", "the", "of", "to", "by", "estimated":
		return true
	}
	return false
}

// tokenAt returns the index of the token ending at byte offset end.
func (s *scan) tokenAt(end int) int {
	for k := range s.toks {
		if s.toks[k].End == end {
			return k
		}
	}
	return -1
}

// listedAmong reads "among the dead were N", "the 20 killed included N":
// a type word shortly before a listing verb in front of the number.
func (s *scan) listedAmong(first int) string {
	k := first - 1
	if k < 1 {
		return ""
	}
	switch s.low[k] {
	case "were", "included", "include", "includes", "including", "are":
	default:
		return ""
	}
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		w := s.low[j]
		if t, ok := typeWords[w]; ok {
			return t
		}
		if w == "victims" || w == "casualties" {
			return Casualties
		}
	}
	return ""
}

var protestNouns = map[string]bool{
	"protest": true, "protests": true, "demonstration": true, "demonstrations": true, "rally": true,
	"rallies": true, "march": true, "marches": true, "walk-in": true, "walkout": true, "walk-out": true,
	"strike": true, "sit-in": true, "vigil": true,
}

// isDemonymPlural reports a capitalised plural people noun not in the word
// lists: "Californians", "Pakistanis", "Congolese".
func (s *scan) isDemonymPlural(k int) bool {
	w := s.low[k]
	if !s.isCap(k) || len(w) < 6 {
		return false
	}
	return strings.HasSuffix(w, "ians") || strings.HasSuffix(w, "ans") && !strings.HasSuffix(w, "lans") ||
		strings.HasSuffix(w, "ese") || strings.HasSuffix(w, "anis") || strings.HasSuffix(w, "aqis") ||
		strings.HasSuffix(w, "elis")
}

// carePhrase returns the end of a phrase at k saying people are being
// treated ("in critical condition", "in hospital", "under treatment",
// "recovering", "being treated"), or k.
func (s *scan) carePhrase(k int) int {
	n := len(s.toks)
	w := s.low[k]
	switch w {
	case "recovering", "treated", "hospitalised", "hospitalized":
		if w == "treated" && k+1 < n && s.low[k+1] == "and" { // "treated and released"
			return k
		}
		return k + 1
	case "in", "under":
		j := k + 1
		if j < n && (s.low[j] == "a" || s.low[j] == "the") {
			j++
		}
		if j < n && (s.low[j] == "hospital" || s.low[j] == "hospitals" || s.low[j] == "treatment" || s.low[j] == "intensive") {
			return j + 1
		}
		if j+1 < n && (s.low[j] == "critical" || s.low[j] == "serious" || s.low[j] == "grave" || s.low[j] == "stable") && s.low[j+1] == "condition" {
			return j + 2
		}
	}
	return k
}

var diseaseWords = map[string]bool{
	"outbreak": true, "virus": true, "disease": true, "flu": true, "influenza": true, "cholera": true,
	"ebola": true, "infection": true, "infected": true, "epidemic": true, "pandemic": true, "fever": true,
	"poisoning": true, "poisoned": true, "illness": true, "symptoms": true, "plague": true, "measles": true,
	"malaria": true, "typhoid": true, "hiv": true, "aids": true, "tuberculosis": true, "meningitis": true,
	"salmonella": true, "covid": true, "coronavirus": true, "cases": true, "sick": true, "ill": true,
}

var violenceWords = map[string]bool{
	"attack": true, "attacks": true, "bomb": true, "bombing": true, "shooting": true, "shot": true,
	"explosion": true, "blast": true, "clashes": true, "gunfire": true, "fighting": true, "airstrike": true,
	"airstrikes": true, "crash": true, "collision": true, "accident": true, "stabbing": true, "gunman": true,
	"shelling": true, "earthquake": true, "fire": true, "injured": true, "wounded": true, "injuries": true,
}

// careType is sick in an article about disease, wounded in one about
// violence or accidents ("in critical condition" means either).
func (s *scan) careType() string {
	if s.health {
		return Sick
	}
	return Wounded
}

// healthContext reports whether a text's words are more about disease
// than violence.
func healthContext(low []string) bool {
	d, v := 0, 0
	for _, w := range low {
		if diseaseWords[w] {
			d++
		} else if violenceWords[w] {
			v++
		}
	}
	return d > v
}

// numberOfSubject types a number that is the predicate of "the number of
// ..." or "the total of ...": "the number of people that have been killed
// ... has now increased to 19", "the number of inpatients taken into
// hospitals was 95". The number must follow a linking verb or "to"/"at".
func (s *scan) numberOfSubject(first int) string {
	if first == 0 {
		return ""
	}
	switch s.low[first-1] {
	case "was", "is", "were", "to", "at", "reached", "reaches", "hit", "hits", "stood", "stands", "of":
	default:
		return ""
	}
	start := -1
	for k := first - 2; k > 0 && k >= first-25; k-- {
		if s.low[k] == "." || s.low[k] == ";" {
			break
		}
		if s.low[k] == "of" && (s.low[k-1] == "number" || s.low[k-1] == "total" || s.low[k-1] == "tally") {
			start = k + 1
			break
		}
	}
	if start < 0 {
		return ""
	}
	for k := start; k < first-1; k++ {
		w := s.low[k]
		if end := s.carePhrase(k); end > k {
			return s.careType()
		}
		if w == "admitted" || w == "taken" {
			if k+2 < len(s.low) && (s.low[k+1] == "to" || s.low[k+1] == "into") && strings.HasPrefix(s.low[k+2], "hospital") {
				return s.careType()
			}
		}
		if t, ok := typeWords[w]; ok && w != "held" && w != "seized" {
			return t
		}
		if t := objectNouns[w]; t != "" {
			return t
		}
		if w == "," || w == "whereas" || w == "while" {
			return ""
		}
	}
	return ""
}
