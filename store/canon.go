package store

import (
	"crypto/sha256"
	"encoding/hex"
	"math/bits"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
)

// trackingParams are query parameters that never change an article's
// content; dropping them makes shared links of one article compare equal.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"igshid": true, "ref": true, "ref_src": true, "cmpid": true, "ocid": true, "smid": true, "ito": true,
}

// CanonicalURL normalises an article URL so that the forms one article is
// shared under compare equal: scheme and host lower-cased, http upgraded to
// https, "www." and default ports dropped, fragment and tracking parameters
// (utm_*, fbclid, ...) removed, remaining parameters sorted, and a trailing
// slash removed. A string that does not parse as an absolute URL is
// returned trimmed, unchanged.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return raw
	}
	u.Scheme = "https"
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	u.RawQuery = b.String()
	u.ForceQuery = false
	if len(u.Path) > 1 {
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
	}
	if u.Path == "/" {
		u.Path = ""
	}
	return u.String()
}

// TextHash is the content hash half of a document's identity: hex SHA-256
// of the text, first 16 bytes.
func TextHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:16])
}

// SimHashBands is how a 64-bit SimHash is split for candidate lookup: two
// fingerprints within NearDuplicateDistance bits share at least one band
// (pigeonhole), so an exact band match finds every candidate.
const SimHashBands = 4

// NearDuplicateDistance is the largest Hamming distance between SimHashes
// of two texts treated as copies of one story.
const NearDuplicateDistance = 3

// minShingles is the fewest word shingles a text needs for a meaningful
// fingerprint; shorter texts are never clustered with others.
const minShingles = 12

// SimHash returns a 64-bit SimHash of the text's lower-cased words and
// word pairs, and false when the text is too short to fingerprint.
func SimHash(text string) (uint64, bool) {
	// Hash each word once (FNV-1a over its lower-cased runes) and combine
	// three word hashes per shingle, so no string is allocated per word.
	words := make([]uint64, 0, len(text)/5)
	const offset, prime = 14695981039346656037, 1099511628211
	h, in := uint64(offset), false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			r = unicode.ToLower(r)
			for ; r > 0; r >>= 8 {
				h ^= uint64(r & 0xff)
				h *= prime
			}
			in = true
			continue
		}
		if in {
			words = append(words, h)
			h, in = offset, false
		}
	}
	if in {
		words = append(words, h)
	}
	if len(words) < minShingles+2 {
		return 0, false
	}
	// Features are words and word pairs: words keep the fingerprint stable
	// under small edits (a byline, one changed word), pairs keep unrelated
	// texts on the same topic apart.
	var v [64]int32
	add := func(x uint64, w int32) {
		for b := 0; b < 64; b++ {
			v[b] += (int32(x>>uint(b)&1)*2 - 1) * w
		}
	}
	for i, w := range words {
		add(mix64(w), 4)
		if i+1 < len(words) {
			add(mix64(w*31^mix64(words[i+1])), 1)
		}
	}
	var out uint64
	for b := 0; b < 64; b++ {
		if v[b] > 0 {
			out |= 1 << uint(b)
		}
	}
	return out, true
}

// mix64 is the SplitMix64 finaliser: it spreads every input bit over the
// output, so shingle fingerprints are uniform.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Bands splits a SimHash into SimHashBands 16-bit bands.
func Bands(h uint64) [SimHashBands]int64 {
	var b [SimHashBands]int64
	for i := range b {
		b[i] = int64((h >> (16 * uint(i))) & 0xffff)
	}
	return b
}

// Hamming returns the number of differing bits.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Outlet returns a display outlet name for a URL: its host without "www.".
func Outlet(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// QueryTerms splits a search query into positive terms and phrases
// (lower-cased word lists) and negated words, the grammar of Filter.Query.
func QueryTerms(q string) (pos [][]string, neg []string) {
	for len(q) > 0 {
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
		if q == "" {
			break
		}
		negate := false
		if q[0] == '-' {
			negate = true
			q = q[1:]
		}
		var chunk string
		if strings.HasPrefix(q, `"`) {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				chunk, q = q[1:], ""
			} else {
				chunk, q = q[1:end+1], q[end+2:]
			}
		} else {
			end := strings.IndexFunc(q, unicode.IsSpace)
			if end < 0 {
				end = len(q)
			}
			chunk, q = q[:end], q[end:]
		}
		words := Words(chunk)
		if len(words) == 0 {
			continue
		}
		if negate {
			neg = append(neg, words...)
		} else {
			pos = append(pos, words)
		}
	}
	return pos, neg
}

// Words returns the lower-cased letter/digit runs of s.
func Words(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		}
		if !w && start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// Snippets finds the query's terms in text and returns up to max passages of
// about width bytes around the first matches, with every match inside a
// passage listed. Matching is by lower-cased word with a loose stem (a
// shared prefix of at least 4 letters covering all but 2 of the shorter
// word), close to what the full-text engines' stemmers accept.
func Snippets(text, query string, max, width int) []Snippet {
	pos, _ := QueryTerms(query)
	if len(pos) == 0 || text == "" {
		return nil
	}
	terms := map[string]bool{}
	for _, p := range pos {
		for _, w := range p {
			terms[w] = true
		}
	}
	var matches []document.Span
	start := -1
	check := func(i, j int) {
		w := strings.ToLower(text[i:j])
		for t := range terms {
			if stemMatch(w, t) {
				matches = append(matches, document.Span{Start: i, End: j})
				return
			}
		}
	}
	for i, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && start < 0 {
			start = i
		}
		if !w && start >= 0 {
			check(start, i)
			start = -1
		}
	}
	if start >= 0 {
		check(start, len(text))
	}
	var out []Snippet
	for _, m := range matches {
		if len(out) > 0 && m.Start < out[len(out)-1].End {
			continue
		}
		if len(out) == max {
			break
		}
		s := max0(m.Start - width/3)
		e := m.Start + width*2/3
		if e > len(text) {
			e = len(text)
		}
		s, e = wordAlign(text, s, e)
		sn := Snippet{Span: document.Span{Start: s, End: e}, Text: text[s:e]}
		out = append(out, sn)
	}
	for i := range out {
		for _, m := range matches {
			if out[i].Span.Contains(m) {
				out[i].Matches = append(out[i].Matches, m)
			}
		}
	}
	return out
}

func stemMatch(w, t string) bool {
	if w == t {
		return true
	}
	n := len(w)
	if len(t) < n {
		n = len(t)
	}
	if n < 4 {
		return false
	}
	need := n - 2
	if need < 4 {
		need = 4
	}
	return len(w) >= need && len(t) >= need && w[:need] == t[:need] && abs(len(w)-len(t)) <= 3
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func max0(x int) int {
	if x < 0 {
		return 0
	}
	return x
}

// wordAlign moves s forward and e back to whitespace (and rune boundaries)
// so a snippet does not start or end inside a word.
func wordAlign(text string, s, e int) (int, int) {
	for s > 0 && s < len(text) && !utf8.RuneStart(text[s]) {
		s++
	}
	if s > 0 {
		if k := strings.IndexAny(text[s:e], " \n\t"); k >= 0 && k < 30 {
			s += k + 1
		}
	}
	for e < len(text) && !utf8.RuneStart(text[e]) {
		e--
	}
	if e < len(text) {
		if k := strings.LastIndexAny(text[s:e], " \n\t"); k >= 0 && e-(s+k) < 30 {
			e = s + k
		}
	}
	if e < s {
		e = s
	}
	return s, e
}
