package extract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/unicode/norm"
)

// decoded is raw input converted to UTF-8.
type decoded struct {
	text    string
	charset string // the input's charset, as an IANA-ish lower-case name
	notes   []string
}

// decodeBytes converts raw input to UTF-8. The charset is chosen in the order
// the HTML standard uses, with one change: a byte order mark, then the
// transport's charset (HTTP header, WARC, record), then, for content that is
// not valid UTF-8 as a whole, the page's own <meta> declaration, then a
// statistical guess. Valid UTF-8 wins over a <meta> declaration because
// pages often declare latin-1 while serving UTF-8, and a legacy-charset page
// whose high bytes all happen to form valid UTF-8 sequences is rare.
//
// The result is NFC-normalised and invalid sequences become U+FFFD, so the
// text layer only ever sees valid UTF-8.
func decodeBytes(b []byte, transport string, isHTML bool) decoded {
	ct := ""
	if transport != "" {
		ct = "text/html; charset=" + transport
	}
	var d decoded
	enc, name, certain := charset.DetermineEncoding(b, ct)
	valid := false // b is known to be valid UTF-8, and s is b
	switch {
	case certain:
		// BOM or transport charset.
	case utf8.Valid(b):
		enc, name = encoding.Nop, "utf-8"
		valid = true
	case isHTML && declaresCharset(b):
		// enc and name from the page's <meta>.
	default:
		enc, name = guessCharset(b)
		d.notes = append(d.notes, "charset "+name+" guessed from the bytes (none declared)")
	}
	d.charset = strings.ToLower(name)
	var s string
	if enc == encoding.Nop || d.charset == "utf-8" {
		s = strings.TrimPrefix(string(b), "\uFEFF")
	} else {
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			d.notes = append(d.notes, "charset "+name+": "+err.Error()+"; invalid bytes replaced")
			out = b
		}
		s = strings.TrimPrefix(string(out), "\uFEFF")
	}
	// valid: b was checked above, and a string copied from it, less a
	// leading BOM, is valid too
	if !valid && !utf8.ValidString(s) {
		d.notes = append(d.notes, "invalid UTF-8 replaced with U+FFFD")
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !isNFC(s) {
		s = norm.NFC.String(s)
	}
	d.text = s
	return d
}

// declaresCharset reports a charset declaration in the first KiB, where the
// HTML prescan looks for one.
func declaresCharset(b []byte) bool {
	if len(b) > 1024 {
		b = b[:1024]
	}
	return bytes.Contains(bytes.ToLower(b), []byte("charset"))
}

// guessCharset guesses an undeclared legacy charset with chardet, falling
// back to windows-1252 (what browsers assume for Western pages).
func guessCharset(b []byte) (encoding.Encoding, string) {
	sample := b
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	if r, err := chardet.NewTextDetector().DetectBest(sample); err == nil && r.Confidence >= 30 {
		if enc, name := charset.Lookup(r.Charset); enc != nil {
			return enc, name
		}
	}
	enc, name := charset.Lookup("windows-1252")
	return enc, name
}

// isNFC is norm.NFC.IsNormalString(s) for valid UTF-8, skipping runs of
// ASCII eight bytes at a time: pages are mostly ASCII markup and scripts,
// which the normaliser's own check steps through a byte at a time (it was
// ~1.5 % of the whole pipeline's CPU on HTML pages). An ASCII character is
// a starter that nothing composes with backwards, so normalisation never
// crosses it from behind: s is in NFC exactly when each piece of it cut
// just before an ASCII character is. Each piece checked starts at the
// ASCII character before a non-ASCII one (which may compose with what
// follows, as e with U+0301) and runs at least nfcChunk bytes on, to the
// next ASCII character. TestIsNFC and FuzzIsNFC compare it with the
// normaliser's check.
func isNFC(s string) bool {
	i := 0
	for {
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if w&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		for i < len(s) && s[i] < utf8.RuneSelf {
			i++
		}
		if i == len(s) {
			return true
		}
		start := max(i-1, 0)
		end := min(i+nfcChunk, len(s))
		for end < len(s) && s[end] >= utf8.RuneSelf {
			end++
		}
		if !norm.NFC.IsNormalString(s[start:end]) {
			return false
		}
		i = end
	}
}

// nfcChunk is the least number of bytes isNFC hands the normaliser at
// once, so that text dense in non-ASCII characters costs few calls.
const nfcChunk = 512
