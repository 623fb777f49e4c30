package geo

import (
	_ "embed"
	"strings"
)

// ambiguousList holds lower-case English words that are also place names in
// the gazetteer ("reading", "march", "hope", "china"). It is derived from
// SCOWL's wamerican word list (Debian package wamerican) intersected with
// the gazetteer's single-word keys; regenerate with
// NEWSLENS_GEN_AMBIGUOUS=/usr/share/dict/american-english go test -run TestGenerateAmbiguous ./geo/
//
//go:embed ambiguous.txt
var ambiguousList string

// ambiguous is the read-only set built from ambiguousList.
var ambiguous = func() map[string]bool {
	m := map[string]bool{}
	// Holidays and weekdays are capitalised, so the lower-case word list
	// misses them, yet "at Christmas" is no town in Florida.
	for _, w := range []string{"christmas", "easter", "thanksgiving", "halloween", "hanukkah", "passover", "ramadan",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		m[w] = true
	}
	for _, w := range strings.Fields(ambiguousList) {
		if !strings.HasPrefix(w, "#") {
			m[w] = true
		}
	}
	return m
}()
