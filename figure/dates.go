package figure

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
)

var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

func isWeekday(w string) bool { _, ok := weekdays[w]; return ok }

// datePreps introduce a bare month or year as a date ("in July", "since 2014").
var datePreps = map[string]string{
	"in": "", "since": "since", "by": "by", "until": "until", "till": "until", "from": "from",
	"during": "", "before": "before", "after": "after", "early": "", "late": "", "mid": "",
	"of": "", "on": "", "last": "", "this": "", "next": "", "through": "until", "throughout": "",
	"between": "", "to": "", "and": "", "or": "", "end": "", "beginning": "", "around": "", "in.": "", "for": "",
}

// date kinds before resolution.
const (
	dAbs      = iota // y (and m, d) written
	dYearless        // m (and d) written, year missing
	dOffset          // relative to the anchor by days, months or years
	dWeekday         // "on Sunday"
)

// dateFig is a date found in the text, resolved after the whole text is
// read (the anchor may be a later date).
type dateFig struct {
	span    document.Span
	kind    int
	y, m, d int // written parts (0 = absent)
	res     string
	unit    string // for dOffset: "day", "week", "month", "year"
	off     int    // for dOffset
	wd      time.Weekday
	future  bool
	// textAnchor: the anchor is the latest date written in the text, a
	// lower bound of the publication date, so a bare weekday may lie after it
	textAnchor bool
	relation   string
	label      string // "date", "range", "duration"
	end        *dateFig
	duration   string
	conf       float64
}

func (s *scan) isMonth(i int) bool {
	_, ok := s.monthAt(i)
	return ok
}

// monthAt reports the month named by token i. Ambiguous words ("May",
// "March", abbreviations) must be capitalised.
func (s *scan) monthAt(i int) (int, bool) {
	m, ok := monthNames[s.low[i]]
	if !ok || !s.isCap(i) {
		return 0, false
	}
	return m, true
}

// dayAt reads a day of month: "31", "31st".
func (s *scan) dayAt(i int) (int, bool) {
	if i >= len(s.toks) {
		return 0, false
	}
	w := s.low[i]
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	if len(w) == 0 || len(w) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(w)
	if err != nil || d < 1 || d > 31 {
		return 0, false
	}
	return d, true
}

// yearAt reads a four-digit year 1000..2100.
func (s *scan) yearAt(i int) (int, bool) {
	if i >= len(s.toks) || len(s.low[i]) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s.low[i])
	if err != nil || y < 1000 || y > 2100 {
		return 0, false
	}
	return y, true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d // rejects 31/02
}

func (s *scan) findDates() []dateFig {
	var out []dateFig
	n := len(s.toks)
	for i := 0; i < n; i++ {
		if s.used[i] {
			continue
		}
		f, end, ok := s.dateAt(i)
		if !ok {
			continue
		}
		// ranges: "from July to August", "between 2014 and 2016", "Sept. 19 to 22"
		conn := end
		if conn+1 < n && s.low[conn] == "," && s.low[conn+1] == "and" {
			conn++
		}
		if f.label == "" && f.d != 0 && conn+1 < n && (s.low[conn] == "to" || s.low[conn] == "-" || s.low[conn] == "until") {
			if d2, ok := s.dayAt(conn + 1); ok && d2 > f.d && !(conn+2 < n && s.isMonth(conn+2)) && validDate(2000, f.m, d2) {
				g := f
				g.d, g.label = d2, "date"
				f.end, f.label = &g, "range"
				f.span.End = s.toks[conn+1].End
				end = conn + 2
			}
		}
		if f.label == "" {
			f.label = "date"
		}
		if conn+1 < n && (s.low[conn] == "to" || s.low[conn] == "-" || s.low[conn] == "until" || s.low[conn] == "and" && i > 0 && s.low[i-1] == "between") {
			if g, end2, ok := s.dateAt(conn + 1); ok && f.label == "date" && g.label == "" && (g.kind == dAbs || g.kind == dYearless) && (f.kind == dAbs || f.kind == dYearless) {
				if f.y == 0 && g.y != 0 && f.kind == dYearless {
					f.y, f.kind = g.y, dAbs
				}
				f.label = "range"
				g.label = "date"
				f.end = &g
				f.span.End = g.span.End
				end = end2
			}
		}
		if f.relation == "" && i > 0 {
			if r := datePreps[s.low[i-1]]; r != "" && r != "from" {
				f.relation = r
			}
		}
		// "Elections will be held on 5 November": the next one
		if f.kind == dYearless && s.futureNear(i) {
			f.future = true
		}
		// "by the end of March" in a sentence about what will or would
		// happen is the next March
		if f.kind == dYearless && (f.relation == "by" || f.relation == "until" || s.deadlineBefore(i)) && s.modalContext() {
			f.future = true
		}
		out = append(out, f)
		for k := i; k < end; k++ {
			s.used[k] = true
		}
		i = end - 1
	}
	return out
}

// dateWords start relative dates or times.
var dateWords = map[string]bool{
	"yesterday": true, "today": true, "tonight": true, "tomorrow": true, "last": true, "next": true,
	"this": true, "past": true, "noon": true, "midday": true, "midnight": true,
}

// dateCandidate is a cheap test run on every token before dateAt's
// patterns: most tokens cannot start a date.
func dateCandidate(w string) bool {
	if w == "" {
		return false
	}
	if c := w[0]; c >= '0' && c <= '9' {
		return true
	}
	if _, ok := monthNames[w]; ok {
		return true
	}
	if _, ok := weekdays[w]; ok {
		return true
	}
	if dateWords[w] || smallNumbers[w] > 0 {
		return true
	}
	if a, _, ok := strings.Cut(w, "-"); ok {
		_, month := monthNames[a]
		return month || a == "mid" || a == "early" || a == "late"
	}
	return false
}

// dateAt reads one date expression at token i.
func (s *scan) dateAt(i int) (dateFig, int, bool) {
	n := len(s.toks)
	w := s.low[i]
	if !dateCandidate(w) {
		return dateFig{}, 0, false
	}
	sp := func(j int) document.Span { return s.span(i, j) }
	// times of day: "8:30 p.m.", "5 p.m.", "10am", "14:30", "at noon"
	if hm, end, ok := s.timeAt(i); ok {
		return dateFig{span: sp(end), label: "time", duration: hm, conf: 0.85, kind: -1}, end, true
	}
	// numeric: 26/08/2017, 2017-08-26, 26.08.2017
	if f, ok := numericDate(w); ok {
		f.span = sp(i + 1)
		return f, i + 1, true
	}
	// "1-3 September 2017"
	if d1, d2, ok := dayRange(w); ok && i+1 < n {
		if m, ok := s.monthAt(i + 1); ok && validDate(2000, m, d1) && validDate(2000, m, d2) {
			f := dateFig{kind: dYearless, m: m, d: d1, res: "day", conf: 0.9}
			end := i + 2
			if y, ok := s.yearAt(end); ok {
				f.kind, f.y, end = dAbs, y, end+1
			}
			g := f
			g.d, g.label = d2, "date"
			f.end, f.label, f.span = &g, "range", sp(end)
			return f, end, true
		}
	}
	// "July-September"
	if a, b, ok := strings.Cut(w, "-"); ok && s.isCap(i) {
		m1, ok1 := monthNames[a]
		m2, ok2 := monthNames[b]
		if ok1 && ok2 && len(a) > 2 && len(b) > 2 && m1 != m2 {
			g := dateFig{kind: dYearless, m: m2, res: "month", label: "date"}
			return dateFig{span: sp(i + 1), kind: dYearless, m: m1, res: "month", end: &g, label: "range", conf: 0.85}, i + 1, true
		}
	}
	// "mid-September", "early-July"
	if pre, mon, ok := strings.Cut(w, "-"); ok && (pre == "mid" || pre == "early" || pre == "late") {
		if m, ok := monthNames[mon]; ok && len(mon) > 3 {
			return dateFig{span: sp(i + 1), kind: dYearless, m: m, res: "month", conf: 0.85}, i + 1, true
		}
	}
	// "1 September 2017", "31st August"
	if d, ok := s.dayAt(i); ok && i+1 < n {
		j := i + 1
		if s.low[j] == "of" && j+1 < n {
			j++
		}
		// "1-3 September": the day range is one token "1-3"
		if m, ok := s.monthAt(j); ok {
			j++
			if j < n && s.low[j] == "." {
				j++
			}
			if y, ok := s.yearAt(j); ok {
				if !validDate(y, m, d) {
					return dateFig{}, 0, false
				}
				return dateFig{span: sp(j + 1), kind: dAbs, y: y, m: m, d: d, res: "day", conf: 0.95}, j + 1, true
			}
			if j+1 < n && s.low[j] == "," {
				if y, ok := s.yearAt(j + 1); ok && validDate(y, m, d) {
					return dateFig{span: sp(j + 2), kind: dAbs, y: y, m: m, d: d, res: "day", conf: 0.95}, j + 2, true
				}
			}
			if !validDate(2000, m, d) {
				return dateFig{}, 0, false
			}
			end := i + 2
			if s.low[i+1] == "of" {
				end = i + 3
			}
			return dateFig{span: sp(end), kind: dYearless, m: m, d: d, res: "day", conf: 0.9}, end, true
		}
	}
	if m, ok := s.monthAt(i); ok {
		j := i + 1
		if j < n && s.low[j] == "." {
			j++
		}
		// "May 13-15": a day range in one token
		if j < n {
			if d1, d2, ok := dayRange(s.low[j]); ok && validDate(2000, m, d1) && validDate(2000, m, d2) {
				f := dateFig{kind: dYearless, m: m, d: d1, res: "day", conf: 0.9}
				end := j + 1
				if y, ok := s.yearAt(end); ok {
					f.kind, f.y, end = dAbs, y, end+1
				} else if end+1 < n && s.low[end] == "," {
					if y, ok := s.yearAt(end + 1); ok {
						f.kind, f.y, end = dAbs, y, end+2
					}
				}
				g := f
				g.d, g.label = d2, "date"
				f.end, f.label, f.span = &g, "range", sp(end)
				return f, end, true
			}
		}
		// "Aug. 31", "September 1, 2017", "September 1st"
		if d, ok := s.dayAt(j); ok {
			k := j + 1
			if _, isYear := s.yearAt(j); !isYear {
				if k+1 < n && s.low[k] == "," {
					if y, ok := s.yearAt(k + 1); ok {
						if !validDate(y, m, d) {
							return dateFig{}, 0, false
						}
						return dateFig{span: sp(k + 2), kind: dAbs, y: y, m: m, d: d, res: "day", conf: 0.95}, k + 2, true
					}
				}
				if y, ok := s.yearAt(k); ok && validDate(y, m, d) {
					return dateFig{span: sp(k + 1), kind: dAbs, y: y, m: m, d: d, res: "day", conf: 0.95}, k + 1, true
				}
				if !validDate(2000, m, d) {
					return dateFig{}, 0, false
				}
				// "May 5" only when capitalised May is not the verb: a day follows, fine
				return dateFig{span: sp(k), kind: dYearless, m: m, d: d, res: "day", conf: 0.9}, k, true
			}
		}
		// "August of 2008", "September of last year"
		if j+1 < n && s.low[j] == "of" {
			if y, ok := s.yearAt(j + 1); ok {
				return dateFig{span: sp(j + 2), kind: dAbs, y: y, m: m, res: "month", conf: 0.9}, j + 2, true
			}
			if j+2 < n && s.low[j+2] == "year" {
				if off, ok := map[string]int{"last": -1, "this": 0, "next": 1}[s.low[j+1]]; ok {
					return dateFig{span: sp(j + 3), kind: dOffset, unit: "monthofyear", m: m, off: off, res: "month", conf: 0.9}, j + 3, true
				}
			}
		}
		// "July 2017", "July, 2017"
		if y, ok := s.yearAt(j); ok {
			return dateFig{span: sp(j + 1), kind: dAbs, y: y, m: m, res: "month", conf: 0.95}, j + 1, true
		}
		if j+1 < n && s.low[j] == "," {
			if y, ok := s.yearAt(j + 1); ok {
				return dateFig{span: sp(j + 2), kind: dAbs, y: y, m: m, res: "month", conf: 0.9}, j + 2, true
			}
		}
		// bare month: only after a date preposition ("In July", "since March");
		// "May" and "March" only mid-sentence, where the capital marks the month
		if i > 0 && (len(s.low[i]) > 3 && m != 3 || s.low[i] == "june" || s.low[i] == "july" || s.low[i] == "may" || m == 3) {
			if i > 0 {
				if _, ok := datePreps[s.low[i-1]]; ok {
					if (m == 5 || m == 3) && s.low[i-1] == "or" {
						return dateFig{}, 0, false
					}
					f := dateFig{span: sp(i + 1), kind: dYearless, m: m, res: "month", conf: 0.85}
					if s.low[i-1] == "last" || s.low[i-1] == "next" || s.low[i-1] == "this" {
						f.span.Start = s.toks[i-1].Start
						f.future = s.low[i-1] == "next"
					}
					return f, i + 1, true
				}
			}
		}
		return dateFig{}, 0, false
	}
	// years: "in 2014", "since 2014", "the 2014 election"
	if y, ok := s.yearAt(i); ok {
		if s.yearIsNotDate(i) {
			return dateFig{}, 0, false
		}
		f := dateFig{span: sp(i + 1), kind: dAbs, y: y, res: "year", conf: 0.85}
		if i > 0 {
			if _, ok := datePreps[s.low[i-1]]; ok {
				f.conf = 0.95
			}
		}
		return f, i + 1, true
	}
	if lo, hi, ok := strings.Cut(w, "-"); ok && len(lo) == 4 && (len(hi) == 4 || len(hi) == 2) {
		// "2014-2016", "2014-16"
		y1, e1 := strconv.Atoi(lo)
		y2, e2 := strconv.Atoi(hi)
		if e1 == nil && e2 == nil && len(hi) == 2 {
			y2 += y1 / 100 * 100
		}
		if e1 == nil && e2 == nil && y1 >= 1000 && y2 > y1 && y2 <= 2100 {
			g := dateFig{kind: dAbs, y: y2, res: "year", label: "date"}
			return dateFig{span: sp(i + 1), kind: dAbs, y: y1, res: "year", end: &g, label: "range", conf: 0.9}, i + 1, true
		}
	}
	// relative days
	switch w {
	case "yesterday", "today", "tonight", "tomorrow":
		if s.inName(i) || s.nounUse(i) {
			return dateFig{}, 0, false
		}
		off := map[string]int{"yesterday": -1, "tomorrow": 1}[w]
		return dateFig{span: sp(i + 1), kind: dOffset, unit: "day", off: off, res: "day", conf: 0.85}, i + 1, true
	case "last", "next", "this", "past":
		if i+1 < n {
			u := s.low[i+1]
			off := map[string]int{"last": -1, "past": -1, "next": 1, "this": 0}[w]
			if w == "this" || w == "last" {
				switch u {
				case "morning", "afternoon", "evening", "night":
					off := 0
					if w == "last" {
						if u != "night" {
							return dateFig{}, 0, false
						}
						off = -1
					}
					return dateFig{span: sp(i + 2), kind: dOffset, unit: "day", off: off, res: "day", conf: 0.85}, i + 2, true
				}
			}
			if u == "weekend" && w != "past" {
				off := map[string]int{"last": -1, "next": 1, "this": 0}[w]
				return dateFig{span: sp(i + 2), kind: dOffset, unit: "week", off: off, res: "week", conf: 0.8}, i + 2, true
			}
			switch u {
			case "week", "month", "year":
				if w == "past" {
					return dateFig{}, 0, false
				}
				res := u
				if u == "week" {
					res = "week"
				}
				return dateFig{span: sp(i + 2), kind: dOffset, unit: u, off: off, res: res, conf: 0.85}, i + 2, true
			case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
				if w == "past" {
					return dateFig{}, 0, false
				}
				f := dateFig{span: sp(i + 2), kind: dWeekday, wd: weekdays[u], res: "day", conf: 0.85, future: w == "next"}
				return f, i + 2, true
			}
		}
	}
	if wd, ok := weekdays[w]; ok && s.isCap(i) {
		f := dateFig{span: sp(i + 1), kind: dWeekday, wd: wd, res: "day", conf: 0.8}
		f.future = s.futureNear(i)
		// "Sunday, 3 September 2017", "Monday November 1" are one date:
		// the written day wins
		k := i + 1
		if k < n && s.low[k] == "," {
			k++
		}
		if k < n {
			if g, end, ok := s.dateAt(k); ok && (g.kind == dAbs || g.kind == dYearless) && g.res == "day" && g.label == "" {
				g.span.Start = s.toks[i].Start
				return g, end, true
			}
		}
		return f, i + 1, true
	}
	// "two weeks ago", "3 days ago"; "for three weeks" (duration)
	if num, ok := s.parseSimple(i); ok && num.end+1 <= n && num.value == float64(int(num.value)) && num.value < 10000 {
		j := num.end
		if j < n {
			u := strings.TrimSuffix(s.low[j], "s")
			if u == "day" || u == "week" || u == "month" || u == "year" || u == "decade" {
				if j+1 < n && s.low[j+1] == "ago" && u != "decade" {
					v := int(num.value)
					res := "day"
					switch u {
					case "month":
						res = "month"
					case "year":
						res = "year"
					}
					return dateFig{span: sp(j + 2), kind: dOffset, unit: u, off: -v, res: res, conf: 0.85}, j + 2, true
				}
				if i > 0 && (s.low[i-1] == "for" || s.low[i-1] == "after" || s.low[i-1] == "within" || s.low[i-1] == "over") && !num.year {
					code := map[string]string{"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "Y"}[u]
					v := int(num.value)
					if u == "decade" {
						v *= 10
					}
					return dateFig{span: sp(j + 1), label: "duration", duration: fmt.Sprintf("P%d%s", v, code), conf: 0.8, kind: -1}, j + 1, true
				}
			}
		}
	}
	return dateFig{}, 0, false
}

// yearIsNotDate rejects four-digit numbers that are counts or amounts
// ("2000 people", "1500 km", "£2000").
func (s *scan) yearIsNotDate(i int) bool {
	if s.currencyBefore(i) {
		return true
	}
	if i+1 < len(s.toks) {
		next := s.low[i+1]
		if _, ok := objectNouns[next]; ok {
			return true
		}
		if _, ok := units[next]; ok {
			return true
		}
		if _, ok := currencyWords[next]; ok || next == "%" || next == "per" || next == "percent" {
			return true
		}
		if next == "of" || next == "more" || next == "other" {
			return true
		}
		// a bare number before these is a quantity ("1500 or more are
		// hospitalised"); after a date preposition it stays a year ("in
		// 2014 were", "from 2001 to 2014")
		prep := false
		if i > 0 {
			_, prep = datePreps[s.low[i-1]]
		}
		switch next {
		case "or", "are", "were", "have", "had", "out":
			if !prep {
				return true
			}
		case "to", "-":
			if _, isYear := s.yearAt(i + 2); !prep && !isYear {
				return true
			}
		}
		if _, ok := typeWords[next]; ok {
			return true
		}
	}
	if i > 0 {
		if _, ok := approxPhrasesLast[s.low[i-1]]; ok {
			return true
		}
		if identifierHeads[s.low[i-1]] || s.low[i-1] == "#" {
			return true
		}
		// "FR 1497", "SR 2100": a road or form code
		if p := s.raw(i - 1); len(p) >= 2 && len(p) <= 4 && strings.ToUpper(p) == p && strings.ToLower(p) != p {
			return true
		}
	}
	return false
}

// approxPhrasesLast are words that end an approximation ("about 2000"):
// a year is never approximate in that way.
var approxPhrasesLast = map[string]bool{
	"about": true, "nearly": true, "than": true, "least": true, "roughly": true, "approximately": true,
	"almost": true, "estimated": true, "some": true, "around": false,
}

// futureContext reports whether the sentence is about the future, which
// sends a bare weekday forward instead of back.
func (s *scan) futureContext() bool {
	for _, w := range s.low {
		switch w {
		case "will", "'ll", "shall", "upcoming", "scheduled", "expected", "expect", "expects", "plans", "planned":
			return true
		}
	}
	return false
}

// numericDate parses 26/08/2017, 8/26/2017, 2017-08-26 and 26.08.2017.
// Day-first is assumed unless the first part cannot be a month day pair.
func numericDate(w string) (dateFig, bool) {
	var parts []string
	for _, sep := range []string{"/", "-", "."} {
		if strings.Count(w, sep) == 2 {
			parts = strings.Split(w, sep)
			break
		}
	}
	if len(parts) != 3 {
		return dateFig{}, false
	}
	var v [3]int
	for k, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return dateFig{}, false
		}
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return dateFig{}, false
		}
		v[k] = x
	}
	var y, m, d int
	switch {
	case len(parts[0]) == 4: // ISO
		y, m, d = v[0], v[1], v[2]
	case len(parts[2]) == 4:
		y, m, d = v[2], v[1], v[0]
		if v[1] > 12 && v[0] <= 12 { // US 8/26/2017
			m, d = v[0], v[1]
		}
	case len(parts[2]) == 2 && strings.Contains(w, "/"):
		y, m, d = 2000+v[2], v[1], v[0]
		if v[1] > 12 && v[0] <= 12 {
			m, d = v[0], v[1]
		}
	default:
		return dateFig{}, false
	}
	if y < 1000 || y > 2100 || !validDate(y, m, d) {
		return dateFig{}, false
	}
	return dateFig{kind: dAbs, y: y, m: m, d: d, res: "day", conf: 0.9}, true
}

// resolveDates fixes every date on the timeline against the publication
// date, or else the latest full date written in the text, and returns the
// annotations.
func resolveDates(figs []dateFig, published *time.Time) []document.Annotation {
	var anchor time.Time
	anchorName := ""
	if published != nil && !published.IsZero() {
		anchor = time.Date(published.Year(), published.Month(), published.Day(), 0, 0, 0, 0, time.UTC)
		anchorName = "published"
	} else {
		for _, f := range figs {
			for _, g := range []*dateFig{&f, f.end} {
				if g != nil && g.kind == dAbs && g.res == "day" {
					t := time.Date(g.y, time.Month(g.m), g.d, 0, 0, 0, 0, time.UTC)
					if t.After(anchor) {
						anchor = t
					}
				}
			}
		}
		if !anchor.IsZero() {
			anchorName = "latest_date_in_text"
		}
	}
	out := make([]document.Annotation, 0, len(figs))
	for _, f := range figs {
		attrs := map[string]any{}
		if f.label == "time" {
			attrs["time"], attrs["resolution"] = f.duration, "time"
			out = append(out, document.Annotation{Kind: "date", Span: f.span, Label: "time", Attrs: attrs,
				Confidence: f.conf, Analyzer: Name, Version: Version})
			continue
		}
		if f.label == "duration" {
			attrs["duration"] = f.duration
			out = append(out, document.Annotation{Kind: "date", Span: f.span, Label: "duration", Attrs: attrs,
				Confidence: f.conf, Analyzer: Name, Version: Version})
			continue
		}
		if anchorName == "latest_date_in_text" {
			f.textAnchor = true
		}
		iso, res, used := resolveOne(f, anchor)
		if f.end != nil {
			g := *f.end
			if g.kind == dYearless && f.kind == dAbs {
				g.y, g.kind = f.y, dAbs
			}
			eiso, _, used2 := resolveOne(g, anchor)
			used = used || used2
			attrs["start"], attrs["end"] = iso, eiso
			if iso != "" && eiso != "" {
				iso = iso + "/" + eiso
			} else {
				iso = ""
			}
		}
		if iso != "" {
			attrs["iso"] = iso
		} else {
			attrs["unresolved"] = true
		}
		attrs["resolution"] = res
		if used && anchorName != "" {
			attrs["anchor"] = anchorName
			attrs["anchor_date"] = anchor.Format("2006-01-02")
		}
		if f.relation != "" {
			attrs["relation"] = f.relation
		}
		out = append(out, document.Annotation{Kind: "date", Span: f.span, Label: f.label, Attrs: attrs,
			Confidence: f.conf, Analyzer: Name, Version: Version})
	}
	return out
}

// resolveOne returns the ISO form of f, its resolution and whether the
// anchor was needed.
func resolveOne(f dateFig, anchor time.Time) (string, string, bool) {
	switch f.kind {
	case dAbs:
		return isoOf(f.y, f.m, f.d, f.res), f.res, false
	case dYearless:
		if anchor.IsZero() {
			return "", f.res, true
		}
		d := f.d
		if d == 0 {
			d = 1
		}
		y := anchor.Year()
		c := time.Date(y, time.Month(f.m), d, 0, 0, 0, 0, time.UTC)
		switch {
		case f.future && !c.After(anchor):
			y++
		case !f.future && c.Sub(anchor) > 62*24*time.Hour:
			// a month more than two months ahead is last year's ("in
			// December" in a January article)
			y--
		}
		if f.d != 0 && !validDate(y, f.m, f.d) { // 29 February
			return "", f.res, true
		}
		return isoOf(y, f.m, f.d, f.res), f.res, true
	case dWeekday:
		if anchor.IsZero() {
			return "", "day", true
		}
		delta := int(f.wd) - int(anchor.Weekday())
		if f.textAnchor && !f.future {
			// nearest such day, ties to the past
			if delta > 3 {
				delta -= 7
			} else if delta < -3 {
				delta += 7
			}
			t := anchor.AddDate(0, 0, delta)
			return t.Format("2006-01-02"), "day", true
		}
		if f.future {
			if delta <= 0 {
				delta += 7
			}
		} else if delta > 0 {
			delta -= 7
		}
		t := anchor.AddDate(0, 0, delta)
		return t.Format("2006-01-02"), "day", true
	case dOffset:
		if anchor.IsZero() {
			return "", f.res, true
		}
		switch f.unit {
		case "day":
			return anchor.AddDate(0, 0, f.off).Format("2006-01-02"), "day", true
		case "week":
			t := anchor.AddDate(0, 0, 7*f.off)
			if f.res == "day" {
				return t.Format("2006-01-02"), "day", true
			}
			y, w := t.ISOWeek()
			return fmt.Sprintf("%04d-W%02d", y, w), "week", true
		case "month":
			t := time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, f.off, 0)
			return t.Format("2006-01"), "month", true
		case "year":
			return strconv.Itoa(anchor.Year() + f.off), "year", true
		case "monthofyear":
			return fmt.Sprintf("%04d-%02d", anchor.Year()+f.off, f.m), "month", true
		}
	}
	return "", f.res, false
}

func isoOf(y, m, d int, res string) string {
	switch res {
	case "year":
		return fmt.Sprintf("%04d", y)
	case "month":
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// dayRange parses a day range token: "13-15".
func dayRange(w string) (int, int, bool) {
	a, b, ok := strings.Cut(w, "-")
	if !ok || len(a) == 0 || len(a) > 2 || len(b) == 0 || len(b) > 2 {
		return 0, 0, false
	}
	d1, e1 := strconv.Atoi(a)
	d2, e2 := strconv.Atoi(b)
	if e1 != nil || e2 != nil || d1 < 1 || d2 > 31 || d2 <= d1 {
		return 0, 0, false
	}
	return d1, d2, true
}

// inName reports whether token i is part of a capitalised name ("USA
// TODAY", "Good Morning America Today") rather than a date word.
func (s *scan) inName(i int) bool {
	if !s.isCap(i) || i == 0 {
		return false
	}
	prev := s.raw(i - 1)
	r := []rune(prev)
	return len(r) > 0 && s.isCap(i-1) && (len(r) > 1 && strings.ToUpper(prev) == prev || s.isCap(i-1) && !datePrepCap(s.low[i-1]))
}

func datePrepCap(w string) bool {
	_, ok := datePreps[w]
	return ok || w == "." || w == "said" || w == "but" || w == "and"
}

// nounUse reports a relative day word used as a noun ("a brighter
// tomorrow", "the world of today"), not as a date.
func (s *scan) nounUse(i int) bool {
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		switch s.low[k] {
		case "a", "the", "our", "their", "your", "whose", "of":
			return true
		}
	}
	return false
}

// deadlineBefore reports "by the end of" / "by the start of" before token i.
func (s *scan) deadlineBefore(i int) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if s.low[k] == "by" || s.low[k] == "until" || s.low[k] == "before" {
			return true
		}
	}
	return false
}

// modalContext reports a sentence about the future or a plan, including
// reported plans ("would").
func (s *scan) modalContext() bool {
	if s.futureContext() {
		return true
	}
	for _, w := range s.low {
		if w == "would" || w == "intends" || w == "intend" || w == "aims" {
			return true
		}
	}
	return false
}

// timeAt reads a time of day at token i and returns it as "HH:MM".
func (s *scan) timeAt(i int) (string, int, bool) {
	n := len(s.toks)
	w := s.low[i]
	meridiem := func(k int) (string, bool) {
		if k >= n {
			return "", false
		}
		switch s.low[k] {
		case "a.m.", "am", "a.m":
			return "am", true
		case "p.m.", "pm", "p.m":
			return "pm", true
		}
		return "", false
	}
	clock := func(h, m int, mer string) (string, bool) {
		if m < 0 || m > 59 {
			return "", false
		}
		switch mer {
		case "am", "pm":
			if h < 1 || h > 12 {
				return "", false
			}
			h %= 12
			if mer == "pm" {
				h += 12
			}
		default:
			if h < 0 || h > 23 {
				return "", false
			}
		}
		return fmt.Sprintf("%02d:%02d", h, m), true
	}
	switch w {
	case "noon", "midday", "midnight":
		if i > 0 {
			switch s.low[i-1] {
			case "at", "before", "after", "around", "by", "until", "till", "past", "about":
				if w == "midnight" {
					return "00:00", i + 1, true
				}
				return "12:00", i + 1, true
			}
		}
		return "", 0, false
	}
	// "10am", "5pm"
	for _, suf := range []string{"am", "pm"} {
		if strings.HasSuffix(w, suf) && len(w) > 2 && len(w) <= 4 {
			if h, err := strconv.Atoi(w[:len(w)-2]); err == nil {
				if hm, ok := clock(h, 0, suf); ok {
					return hm, i + 1, true
				}
			}
		}
	}
	hs, ms, colon := strings.Cut(w, ":")
	if colon && (len(hs) == 1 || len(hs) == 2) && len(ms) == 2 {
		h, e1 := strconv.Atoi(hs)
		m, e2 := strconv.Atoi(ms)
		if e1 != nil || e2 != nil {
			return "", 0, false
		}
		mer, ok := meridiem(i + 1)
		end := i + 1
		if ok {
			end++
		} else if !(i > 0 && (s.low[i-1] == "at" || s.low[i-1] == "by" || s.low[i-1] == "around" || s.low[i-1] == "until")) &&
			!(i+1 < n && (s.low[i+1] == "gmt" || s.low[i+1] == "utc" || s.low[i+1] == "local" || s.low[i+1] == "hours")) {
			return "", 0, false // "3:1" scores and ratios
		}
		if hm, ok := clock(h, m, mer); ok {
			return hm, end, true
		}
		return "", 0, false
	}
	if len(w) <= 2 {
		if h, err := strconv.Atoi(w); err == nil {
			if mer, ok := meridiem(i + 1); ok {
				if hm, ok := clock(h, 0, mer); ok {
					return hm, i + 2, true
				}
			}
		}
	}
	return "", 0, false
}

// futureNear reports a future marker in the six tokens before token i, in
// the same clause: "will be held on 5 November", "is scheduled for Friday".
// A marker further away usually governs another verb ("will expand by 1.6
// percent, less than forecast in July").
func (s *scan) futureNear(i int) bool {
	for k := i - 1; k >= 0 && k >= i-6; k-- {
		switch s.low[k] {
		case "will", "'ll", "shall", "upcoming", "scheduled", "expected", "expect", "expects", "due", "planned", "plans", "set":
			return true
		case ",", ";", ".", "but", "than":
			return false
		}
	}
	return false
}
