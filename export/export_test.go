package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
)

func testDoc(t *testing.T) *document.Document {
	t.Helper()
	text := "Café owners in Aleppo said 12 people were killed.\tOn 5 September 2017 the Syrian Arab Army, led by Bashar al-Assad, " +
		"reported \"the siege is broken\", said Ahmad Khalil. Aid worth $2.5 million arrived, Reuters reported."
	pub := time.Date(2017, 9, 6, 8, 30, 0, 0, time.UTC)
	d := &document.Document{ID: "abc", URL: "https://ex.org/a", Outlet: "ex.org", Title: "T", Text: text, Published: &pub}
	add := func(kind, label, surface string, attrs map[string]any, parts map[string]string) {
		i := strings.Index(text, surface)
		if i < 0 {
			t.Fatalf("%q not in text", surface)
		}
		a := document.Annotation{Kind: kind, Label: label, Span: document.Span{Start: i, End: i + len(surface)}, Attrs: attrs}
		for name, p := range parts {
			j := strings.Index(text, p)
			a.Parts = map[string]document.Span{}
			a.Parts[name] = document.Span{Start: j, End: j + len(p)}
		}
		if _, err := d.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	add("place", "LOC", "Aleppo", map[string]any{"geonameid": "170063", "name": "Aleppo", "country": "SY", "admin1": "09", "lat": 36.2, "lon": 37.16, "feature_code": "PPLA"}, nil)
	add("count", "killed", "12 people were killed", map[string]any{"value": 12.0, "object": "people"}, nil)
	add("date", "date", "5 September 2017", map[string]any{"iso": "2017-09-05", "resolution": "day"}, nil)
	add("entity", "ORG", "Syrian Arab Army", map[string]any{"entity_id": "Q1"}, nil)
	add("entity", "PER", "Bashar al-Assad", map[string]any{"entity_id": "Q2"}, nil)
	add("entity", "PER", "Ahmad Khalil", map[string]any{"entity_id": "Q3"}, nil)
	add("quote", "direct", "\"the siege is broken\", said Ahmad Khalil", map[string]any{"speaker": "Ahmad Khalil"}, map[string]string{"content": "the siege is broken"})
	add("amount", "money", "$2.5 million", map[string]any{"value": 2500000.0, "currency": "USD"}, nil)
	add("citation", "verbal", "Reuters reported", map[string]any{"outlet": "Reuters", "title": "A <b> & c"}, nil)
	d.Entities = []document.Entity{{ID: "Q1", Type: "ORG", Name: "Syrian Arab Army"}, {ID: "Q2", Type: "PER", Name: "Bashar al-Assad"}, {ID: "Q3", Type: "PER", Name: "Ahmad Khalil"}}
	d.SetSummary("tone", map[string]any{"tone": -2.5, "positive": 1.0, "negative": 3.5, "polarity": 4.5, "activity": 2.0, "self_group": 0.5, "word_count": 34.0})
	return d
}

// The codebook's field shapes, one pattern per block of a multi-block field.
var gkgFormats = map[int]struct {
	sep   string
	block *regexp.Regexp
}{
	0:  {"", regexp.MustCompile(`^\d{14}-T?\d+$`)},
	1:  {"", regexp.MustCompile(`^(\d{14}|0)$`)},
	2:  {"", regexp.MustCompile(`^[1-6]$`)},
	5:  {";", regexp.MustCompile(`^[A-Z_]+#\d+(\.\d+)?#[^#;]*(#[^#;]*){7}$`)},
	6:  {";", regexp.MustCompile(`^[A-Z_]+#\d+(\.\d+)?#[^#;]*(#[^#;]*){7}#\d+$`)},
	9:  {";", regexp.MustCompile(`^[1-5]#[^#;]+#[A-Z]{2}#[^#;]*#-?[\d.]+#-?[\d.]+#[^#;]*$`)},
	10: {";", regexp.MustCompile(`^[1-5]#[^#;]+#[A-Z]{2}#[^#;]*#[^#;]*#-?[\d.]+#-?[\d.]+#[^#;]*#\d+$`)},
	11: {";", regexp.MustCompile(`^[^;,]+$`)},
	12: {";", regexp.MustCompile(`^[^;,]+,\d+$`)},
	13: {";", regexp.MustCompile(`^[^;,]+$`)},
	14: {";", regexp.MustCompile(`^[^;,]+,\d+$`)},
	15: {"", regexp.MustCompile(`^-?[\d.]+(,-?[\d.]+){6}$`)},
	16: {";", regexp.MustCompile(`^[1-4],\d{1,2},\d{1,2},\d{4},\d+$`)},
	17: {",", regexp.MustCompile(`^[a-z][\w.]*:[\d.]+$`)},
	22: {"#", regexp.MustCompile(`^\d+\|\d+\|[^|#]*\|[^|#]+$`)},
	23: {";", regexp.MustCompile(`^[^;,]+,\d+$`)},
	24: {";", regexp.MustCompile(`^\d+(\.\d+)?,[^;,]*,\d+$`)},
}

func TestGKGRoundTrip(t *testing.T) {
	d := testDoc(t)
	var buf bytes.Buffer
	w, err := New("gkg", &buf)
	if err != nil {
		t.Fatal(err)
	}
	info := store.DocInfo{Ingested: time.Date(2017, 9, 6, 10, 7, 0, 0, time.UTC)}
	for i := 0; i < 2; i++ {
		if err := w.Write(d, info); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	for li, line := range lines {
		cols := strings.Split(line, "\t")
		if len(cols) != 27 {
			t.Fatalf("line %d: %d columns, want 27", li, len(cols))
		}
		for i, f := range gkgFormats {
			if cols[i] == "" {
				t.Errorf("column %d (%s) empty", i+1, GKGColumns[i])
				continue
			}
			blocks := []string{cols[i]}
			if f.sep != "" {
				blocks = strings.Split(cols[i], f.sep)
			}
			for _, b := range blocks {
				if !f.block.MatchString(b) {
					t.Errorf("column %d (%s): block %q does not match %s", i+1, GKGColumns[i], b, f.block)
				}
			}
		}
	}
	cols := strings.Split(lines[1], "\t")
	want := map[int]string{
		0:  "20170906100000-2",
		1:  "20170906083000",
		2:  "1",
		3:  "ex.org",
		4:  "https://ex.org/a",
		5:  "KILL#12#people#4#Aleppo#SY#09#36.2#37.16#170063",
		11: "Ahmad Khalil;Bashar al-Assad",
		13: "Syrian Arab Army",
		15: "-2.5,1,3.5,4.5,2,0.5,34",
		16: "3,9,5,2017,53",
		24: "12,people,27;2500000,USD,177",
		7:  "",
		25: "",
	}
	for i, v := range want {
		if cols[i] != v {
			t.Errorf("column %d (%s) = %q, want %q", i+1, GKGColumns[i], cols[i], v)
		}
	}
	// Offsets are characters: "Café" puts every later byte offset one ahead.
	if !strings.HasSuffix(cols[6], "#27") {
		t.Errorf("V2Counts offset %q, want character offset 27", cols[6])
	}
	if !strings.Contains(cols[22], "|19||the siege is broken") {
		t.Errorf("quotation %q", cols[22])
	}
	if !strings.Contains(cols[26], "<TITLE>A &lt;b&gt; &amp; c</TITLE>") {
		t.Errorf("extras %q", cols[26])
	}
}

func TestCSVAndJSONL(t *testing.T) {
	d := testDoc(t)
	var buf bytes.Buffer
	w, _ := New("csv", &buf)
	w.Write(d, store.DocInfo{Version: 1, ClusterID: "c"})
	w.Write(&document.Document{ID: "empty", Text: "x"}, store.DocInfo{})
	w.Close()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(d.Annotations)+1 || len(rows[0]) != len(CSVHeader) {
		t.Fatalf("%d rows of %d columns", len(rows), len(rows[0]))
	}
	if rows[2][8] != "count" || rows[2][12] != "12 people were killed" {
		t.Errorf("row %q", rows[2])
	}
	buf.Reset()
	w, _ = New("jsonl", &buf)
	w.Write(d, store.DocInfo{})
	w.Close()
	var back document.Document
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.Text != d.Text || len(back.Annotations) != len(d.Annotations) {
		t.Errorf("JSONL round trip: %v", err)
	}
	if _, err := New("xml", &buf); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestEventsTable(t *testing.T) {
	d := testDoc(t)
	sent := "On 5 September 2017 the Syrian Arab Army, led by Bashar al-Assad, reported \"the siege is broken\", said Ahmad Khalil."
	i := strings.Index(d.Text, sent)
	span := func(s string) document.Span {
		j := strings.Index(d.Text, s)
		return document.Span{Start: j, End: j + len(s)}
	}
	if _, err := d.Add(document.Annotation{Kind: "event", Label: "CONSULT", Span: document.Span{Start: i, End: i + len(sent)},
		Parts:      map[string]document.Span{"trigger": span("reported"), "source": span("Syrian Arab Army")},
		Attrs:      map[string]any{"cameo": "010", "source_entity": "Q1", "mode": "asserted", "date": "2017-09-05", "place": map[string]any{"geonameid": 170063, "name": "Aleppo"}},
		Confidence: 0.6, Analyzer: "events", Version: "1"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := New("events", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(d, store.DocInfo{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("want header and one event row, got %d rows", len(rows))
	}
	got := map[string]string{}
	for k, h := range EventsHeader {
		got[h] = rows[1][k]
	}
	want := map[string]string{"doc_id": "abc", "plover_type": "CONSULT", "cameo": "010", "trigger": "reported",
		"source": "Syrian Arab Army", "source_entity": "Q1", "place_geonameid": "170063", "place_name": "Aleppo",
		"date": "2017-09-05", "mode": "asserted", "evidence": sent}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if s := got["trigger_start"]; s != fmt.Sprint(strings.Index(d.Text, "reported")) {
		t.Errorf("trigger_start %s", s)
	}
}
