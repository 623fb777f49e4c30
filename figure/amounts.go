package figure

import (
	"strings"

	"github.com/newslens/newslens/document"
)

// currencySymbols map a symbol, with an optional letter prefix glued in
// front by the tokenizer ("US", "A", "C", "HK"), to ISO 4217.
var currencySymbols = map[string]string{
	"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "₽": "RUB", "₺": "TRY", "₪": "ILS",
}

var symbolPrefixes = map[string]string{
	"us": "USD", "a": "AUD", "au": "AUD", "c": "CAD", "ca": "CAD", "hk": "HKD", "nz": "NZD", "s": "SGD",
}

var currencyCodes = map[string]bool{
	"USD": true, "EUR": true, "GBP": true, "JPY": true, "CNY": true, "INR": true, "RUB": true,
	"CHF": true, "CAD": true, "AUD": true, "SAR": true, "TRY": true, "ILS": true, "EGP": true,
	"NGN": true, "ZAR": true, "KES": true, "PKR": true, "BRL": true, "MXN": true, "HKD": true,
}

var currencyWords = map[string]string{
	"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "pound": "GBP",
	"sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "rupee": "INR",
	"roubles": "RUB", "rubles": "RUB", "francs": "CHF", "riyals": "SAR", "shekels": "ILS", "lira": "TRY",
	"liras": "TRY", "naira": "NGN", "rand": "ZAR", "pesos": "MXN", "reais": "BRL",
}

// units of quantities, by lower-case surface form → canonical unit.
var units = map[string]string{
	"km": "km", "kms": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
	"miles": "mi", "mile": "mi", "metres": "m", "meters": "m", "metre": "m", "meter": "m",
	"feet": "ft", "ft": "ft", "foot": "ft", "inches": "in", "cm": "cm", "centimetres": "cm",
	"centimeters": "cm", "mm": "mm", "millimetres": "mm", "millimeters": "mm",
	"kg": "kg", "kilograms": "kg", "kilogrammes": "kg", "kilos": "kg", "tonnes": "t", "tons": "t",
	"tonne": "t", "ton": "t", "lbs": "lb", "lb": "lb", "grams": "g", "ounces": "oz",
	"litres": "l", "liters": "l", "gallons": "gal", "barrels": "bbl", "bpd": "bbl/d",
	"hectares": "ha", "acres": "acre", "degrees": "deg", "mph": "mph", "km/h": "km/h", "kph": "km/h",
	"megawatts": "MW", "mw": "MW", "gigawatts": "GW", "gw": "GW", "kwh": "kWh",
}

var amountStop = map[string]bool{
	"the": true, "a": true, "an": true, "to": true, "for": true, "from": true, "that": true, "which": true,
	"was": true, "is": true, "has": true, "had": true, "have": true, "were": true, "are": true, "be": true,
	"will": true, "would": true, "this": true, "last": true, "next": true, "per": true, "and": true,
	"or": true, "by": true, "on": true, "at": true, "with": true, "over": true, "into": true, "it": true,
	"its": true, "their": true, "his": true, "her": true, "they": true, "he": true, "she": true, "we": true,
	"since": true, "after": true, "before": true, "than": true, "as": true, "each": true, "every": true,
	"year": true, "years": true, "month": true, "months": true, "week": true, "day": true, "of": true,
	"in": true, "but": true, "so": true, "not": true, "more": true, "less": true, "up": true, "down": true,
	"annually": true, "annual": true, "said": true, "says": true, "being": true, "been": true,
}

func (s *scan) currencyBefore(i int) bool {
	if i == 0 {
		return false
	}
	p := s.raw(i - 1)
	_, ok := currencySymbols[p]
	return ok || currencyCodes[p]
}

func (s *scan) findAmounts() []document.Annotation {
	var out []document.Annotation
	n := len(s.toks)
	for i := 0; i < n; i++ {
		if s.used[i] {
			continue
		}
		var a document.Annotation
		var end int
		var ok bool
		raw := s.raw(i)
		if cur, isSym := currencySymbols[raw]; isSym || currencyCodes[raw] || raw == "Rs" {
			k := i + 1
			switch {
			case raw == "Rs": // "Rs 5,000", "Rs. 5,000"
				cur = "INR"
				if k < n && s.low[k] == "." {
					k++
				}
			case !isSym:
				cur = raw
			}
			a, end, ok = s.money(i, k, cur)
		} else if isDigitsToken(s.low[i]) || s.low[i] == "a" || s.low[i] == "an" || smallNumbers[s.low[i]] > 0 || vagueNumbers[s.low[i]] > 0 {
			a, end, ok = s.numberAmount(i)
			if !ok {
				a, end, ok = s.unitCompound(i)
			}
		}
		if !ok {
			continue
		}
		out = append(out, a)
		for k := i; k < end; k++ {
			s.used[k] = true
		}
		i = end - 1
	}
	return out
}

// money reads a number at token k preceded by the currency marker at sym.
func (s *scan) money(sym, k int, cur string) (document.Annotation, int, bool) {
	n := len(s.toks)
	if k >= n || s.used[k] {
		return document.Annotation{}, 0, false
	}
	num, ok := s.parseNumber(k)
	if !ok {
		return document.Annotation{}, 0, false
	}
	first := sym
	if sym > 0 && s.toks[sym-1].End == s.toks[sym].Start && cur == "USD" {
		if c, ok := symbolPrefixes[s.low[sym-1]]; ok {
			cur, first = c, sym-1
		}
	}
	end := num.end
	// "$5 billion dollars", "£3 million sterling"
	if end < n {
		if _, ok := currencyWords[s.low[end]]; ok {
			end++
		}
	}
	approx, k0 := s.approxBefore(first)
	if k0 >= 0 {
		first = k0
	}
	return s.moneyAnnotation(first, end, num, cur, approx), end, true
}

// numberAmount reads an amount that starts with its number: "200 million
// dollars", "3.5%", "40 km".
func (s *scan) numberAmount(i int) (document.Annotation, int, bool) {
	n := len(s.toks)
	num, ok := s.parseNumber(i)
	if !ok || num.end >= n || s.usedIn(i, num.end) {
		return document.Annotation{}, 0, false
	}
	next := s.low[num.end]
	if num.approx == "vague" {
		// only "millions of dollars", "billions of euros"
		if next != "of" || num.end+1 >= n {
			return document.Annotation{}, 0, false
		}
		cur, ok := currencyWords[s.low[num.end+1]]
		if !ok {
			return document.Annotation{}, 0, false
		}
		return s.moneyAnnotation(i, num.end+2, num, cur, "vague"), num.end + 2, true
	}
	first := i
	approx, k0 := s.approxBefore(i)
	if k0 >= 0 {
		first = k0
	}
	if cur, ok := currencyWords[next]; ok {
		// "pounds of" is a weight
		if next == "pounds" && num.end+1 < n && s.low[num.end+1] == "of" && num.value < 1e6 {
			return s.quantity(first, num, num.end+1, "lb", approx), num.end + 1, true
		}
		return s.moneyAnnotation(first, num.end+1, num, cur, approx), num.end + 1, true
	}
	if code := s.raw(num.end); currencyCodes[code] {
		return s.moneyAnnotation(first, num.end+1, num, code, approx), num.end + 1, true
	}
	points := next == "percentage" && num.end+1 < n && (s.low[num.end+1] == "points" || s.low[num.end+1] == "point")
	if next == "%" || next == "percent" || points || next == "per" && num.end+1 < n && s.low[num.end+1] == "cent" {
		end := num.end + 1
		if next == "per" || points {
			end++
		}
		attrs := map[string]any{"value": num.value}
		if num.max > 0 {
			attrs["max"] = num.max
		}
		if approx != "" {
			attrs["approx"] = approx
		}
		if num.digits || num.value > 0 {
			return document.Annotation{Kind: "amount", Span: s.span(first, end), Label: "percent",
				Parts: map[string]document.Span{"number": s.span(num.first, num.end)}, Attrs: attrs,
				Confidence: 0.95, Analyzer: Name, Version: Version}, end, true
		}
	}
	if u, ok := units[next]; ok && num.digits {
		end := num.end + 1
		// "150 km/h"
		if end+1 < n && s.low[end] == "/" && s.low[end+1] == "h" && (u == "km" || u == "m") {
			u += "/h"
			end += 2
		}
		// "square kilometres" is one unit
		return s.quantity(first, num, end, u, approx), end, true
	}
	if next == "square" && num.end+1 < n {
		if u, ok := units[s.low[num.end+1]]; ok {
			return s.quantity(first, num, num.end+2, "sq "+u, approx), num.end + 2, true
		}
	}
	return document.Annotation{}, 0, false
}

func (s *scan) quantity(first int, num number, end int, unit, approx string) document.Annotation {
	attrs := map[string]any{"value": num.value, "unit": unit}
	if num.max > 0 {
		attrs["max"] = num.max
	}
	if approx != "" {
		attrs["approx"] = approx
	}
	if obj := s.amountObject(end); obj != "" {
		attrs["object"] = obj
	}
	return document.Annotation{Kind: "amount", Span: s.span(first, end), Label: "quantity",
		Parts: map[string]document.Span{"number": s.span(num.first, num.end)}, Attrs: attrs,
		Confidence: 0.85, Analyzer: Name, Version: Version}
}

func (s *scan) moneyAnnotation(first, end int, num number, cur, approx string) document.Annotation {
	attrs := map[string]any{"value": num.value, "currency": cur}
	if num.max > 0 {
		attrs["max"] = num.max
	}
	if approx != "" {
		attrs["approx"] = approx
	}
	if obj := s.amountObject(end); obj != "" {
		attrs["object"] = obj
	}
	return document.Annotation{Kind: "amount", Span: s.span(first, end), Label: "money",
		Parts: map[string]document.Span{"number": s.span(num.first, num.end)}, Attrs: attrs,
		Confidence: 0.95, Analyzer: Name, Version: Version}
}

// amountObject reads what an amount is of, where it is clear: up to two
// lower-case nouns right after it ("£200m aid money"), or after "of"/"in"
// ("$1.5bn in aid", "£3m worth of weapons").
func (s *scan) amountObject(k int) string {
	n := len(s.toks)
	if k < n && s.low[k] == "worth" {
		k++
	}
	if k < n && (s.low[k] == "of" || s.low[k] == "in") {
		k++
	}
	start := k
	for k < n && k < start+2 && isWordTok(s.low[k]) && !s.isCap(k) && !amountStop[s.low[k]] && !isVerbLike(s.low[k]) {
		k++
	}
	if k == start {
		return ""
	}
	return s.src[s.toks[start].Start:s.toks[k-1].End]
}

// isVerbLike catches participles and adverbs that follow amounts ("£200m
// donated", "$5m spent"), which are not objects.
func isVerbLike(w string) bool {
	n := len(w)
	return n > 4 && (w[n-2:] == "ed" || w[n-2:] == "ly" || w[n-3:] == "ing")
}

// unitCompound reads a number glued to its unit by a hyphen: "125-mph",
// "40-km".
func (s *scan) unitCompound(i int) (document.Annotation, int, bool) {
	num, u, ok := strings.Cut(s.low[i], "-")
	if !ok {
		return document.Annotation{}, 0, false
	}
	unit, ok := units[u]
	if !ok {
		return document.Annotation{}, 0, false
	}
	v, ok := parseDigits(num)
	if !ok {
		return document.Annotation{}, 0, false
	}
	n := number{first: i, end: i + 1, value: v, digits: true, approxTok: -1}
	first := i
	approx, k0 := s.approxBefore(i)
	if k0 >= 0 {
		first = k0
	}
	return s.quantity(first, n, i+1, unit, approx), i + 1, true
}
