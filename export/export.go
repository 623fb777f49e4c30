// Package export writes stored documents out as JSON Lines (the full
// newslens document), CSV (one row per annotation) or GDELT GKG 2.1 TSV
// rows (see docs/format.md, "Corpus and exports", for the mapping).
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
)

// Writer writes documents in one format. Close flushes.
type Writer interface {
	Write(doc *document.Document, info store.DocInfo) error
	Close() error
}

// Formats lists the supported formats.
var Formats = []string{"jsonl", "csv", "gkg", "events"}

// New returns a Writer for format ("jsonl", "csv", "gkg" or "events").
func New(format string, w io.Writer) (Writer, error) {
	switch format {
	case "jsonl", "json":
		bw := bufio.NewWriterSize(w, 256<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &jsonlWriter{bw: bw, enc: enc}, nil
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(CSVHeader); err != nil {
			return nil, err
		}
		return &csvWriter{w: cw}, nil
	case "gkg":
		return &GKGWriter{w: bufio.NewWriterSize(w, 256<<10)}, nil
	case "events":
		cw := csv.NewWriter(w)
		if err := cw.Write(EventsHeader); err != nil {
			return nil, err
		}
		return &eventsWriter{w: cw}, nil
	}
	return nil, fmt.Errorf("export: unknown format %q (jsonl, csv, gkg or events)", format)
}

type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func (j *jsonlWriter) Write(doc *document.Document, _ store.DocInfo) error { return j.enc.Encode(doc) }
func (j *jsonlWriter) Close() error                                        { return j.bw.Flush() }

// CSVHeader is the CSV export's header row: document columns, then the
// annotation's. A document without annotations has one row with empty
// annotation columns.
var CSVHeader = []string{"doc_id", "url", "outlet", "published", "title", "version", "cluster_id",
	"annotation_id", "kind", "label", "start", "end", "text", "confidence", "analyzer", "analyzer_version", "attrs"}

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) Write(doc *document.Document, info store.DocInfo) error {
	pub := ""
	if doc.Published != nil {
		pub = doc.Published.UTC().Format(time.RFC3339)
	}
	head := []string{doc.ID, doc.URL, doc.Outlet, pub, doc.Title, strconv.Itoa(info.Version), info.ClusterID}
	if len(doc.Annotations) == 0 {
		return c.w.Write(append(head, make([]string, len(CSVHeader)-len(head))...))
	}
	for _, a := range doc.Annotations {
		attrs := ""
		if len(a.Attrs) > 0 {
			b, _ := json.Marshal(a.Attrs)
			attrs = string(b)
		}
		row := append(append([]string(nil), head...), a.ID, a.Kind, a.Label, strconv.Itoa(a.Start), strconv.Itoa(a.End), a.Text,
			strconv.FormatFloat(a.Confidence, 'f', -1, 64), a.Analyzer, a.Version, attrs)
		if err := c.w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) Close() error { c.w.Flush(); return c.w.Error() }

// EventsHeader is the event table's header: one row per "event" annotation,
// in the spirit of GDELT's event table but with the evidence sentence and
// the byte spans of the trigger and actors in the document's text.
var EventsHeader = []string{"doc_id", "url", "outlet", "published", "event_id", "plover_type", "cameo",
	"trigger", "trigger_start", "trigger_end", "source", "source_entity", "target", "target_entity",
	"place_geonameid", "place_name", "date", "mode", "reported_by", "confidence", "evidence_start", "evidence_end", "evidence"}

type eventsWriter struct{ w *csv.Writer }

func (e *eventsWriter) Write(doc *document.Document, _ store.DocInfo) error {
	pub := ""
	if doc.Published != nil {
		pub = doc.Published.UTC().Format(time.RFC3339)
	}
	part := func(a document.Annotation, name string) (text string, start, end string) {
		p, ok := a.Parts[name]
		if !ok {
			return "", "", ""
		}
		return doc.Slice(p), strconv.Itoa(p.Start), strconv.Itoa(p.End)
	}
	for _, a := range doc.Annotations {
		if a.Kind != "event" {
			continue
		}
		trig, ts, te := part(a, "trigger")
		src, _, _ := part(a, "source")
		tgt, _, _ := part(a, "target")
		var gid, pname string
		if pl, ok := a.Attrs["place"].(map[string]any); ok {
			gid, pname = fmt.Sprint(pl["geonameid"]), fmt.Sprint(pl["name"])
		}
		row := []string{doc.ID, doc.URL, doc.Outlet, pub, a.ID, a.Label, attrStr(a.Attrs, "cameo"),
			trig, ts, te, src, attrStr(a.Attrs, "source_entity"), tgt, attrStr(a.Attrs, "target_entity"),
			gid, pname, attrStr(a.Attrs, "date"), attrStr(a.Attrs, "mode"), attrStr(a.Attrs, "reported_by"),
			strconv.FormatFloat(a.Confidence, 'f', -1, 64), strconv.Itoa(a.Start), strconv.Itoa(a.End), a.Text}
		if err := e.w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (e *eventsWriter) Close() error { e.w.Flush(); return e.w.Error() }

// GKGColumns are the 27 GKG 2.1 columns in order (the codebook's names
// without their version prefixes; GKG files carry no header row).
var GKGColumns = []string{"GKGRECORDID", "DATE", "SourceCollectionIdentifier", "SourceCommonName", "DocumentIdentifier",
	"Counts", "V2Counts", "Themes", "V2Themes", "Locations", "V2Locations", "Persons", "V2Persons", "Organizations",
	"V2Organizations", "V2Tone", "Dates", "GCAM", "SharingImage", "RelatedImages", "SocialImageEmbeds", "SocialVideoEmbeds",
	"Quotations", "AllNames", "Amounts", "TranslationInfo", "Extras"}

// GKGWriter writes GKG 2.1 rows. Row ids are the ingestion time's
// 15-minute batch plus a running number, as in GDELT's files.
type GKGWriter struct {
	w *bufio.Writer
	n int
}

// Write writes one row.
func (g *GKGWriter) Write(doc *document.Document, info store.DocInfo) error {
	g.n++
	_, err := g.w.WriteString(strings.Join(GKGRow(doc, info, g.n), "\t") + "\n")
	return err
}

// Close flushes.
func (g *GKGWriter) Close() error { return g.w.Flush() }

// gkgCountTypes maps newslens count labels to GDELT's count types; other
// labels are upper-cased.
var gkgCountTypes = map[string]string{
	"killed": "KILL", "dead": "KILL", "died": "KILL", "wounded": "WOUND", "injured": "WOUND", "arrested": "ARREST",
	"detained": "ARREST", "kidnapped": "KIDNAP", "abducted": "KIDNAP", "protesters": "PROTEST", "protested": "PROTEST",
	"displaced": "DISPLACED", "evacuated": "EVACUATE", "affected": "AFFECT", "missing": "MISSING", "sickened": "SICKENED",
	"seized": "SEIZE", "refugees": "REFUGEES",
}

// clean makes free text safe inside a GKG field: no tabs or newlines, and
// none of the delimiters the field's structure uses.
func clean(s string, delims string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || strings.ContainsRune(delims, r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func ts(t time.Time) string { return t.UTC().Format("20060102150405") }

func attrStr(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case json.Number:
		return v.String()
	}
	return ""
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// gkgLocation renders a place annotation as "Type#FullName#Country#ADM1"
// plus, for V2, an ADM2 field; lat, lon and feature id follow.
func gkgLocation(a document.Annotation, v2 bool) string {
	typ := "4" // world city or landmark
	fc := attrStr(a.Attrs, "feature_code")
	country := attrStr(a.Attrs, "country")
	switch {
	case strings.HasPrefix(fc, "PCL"):
		typ = "1"
	case fc == "ADM1" && country == "US":
		typ = "2"
	case fc == "ADM1":
		typ = "5"
	case country == "US":
		typ = "3"
	}
	name := attrStr(a.Attrs, "name")
	if name == "" {
		name = a.Text
	}
	parts := []string{typ, clean(name, "#;,"), country, attrStr(a.Attrs, "admin1")}
	if v2 {
		parts = append(parts, "")
	}
	parts = append(parts, attrStr(a.Attrs, "lat"), attrStr(a.Attrs, "lon"), attrStr(a.Attrs, "geonameid"))
	return strings.Join(parts, "#")
}

// GKGRow maps one document to the 27 GKG 2.1 fields. Offsets are in
// characters (code points), as GDELT's are.
func GKGRow(doc *document.Document, info store.DocInfo, n int) []string {
	row := make([]string, len(GKGColumns))
	off := document.NewOffsets(doc.Text)
	co := func(b int) string { return strconv.Itoa(off.ByteToRune(b)) }
	batch := info.Ingested
	if batch.IsZero() {
		batch = time.Now()
	}
	batch = batch.UTC().Truncate(15 * time.Minute)
	row[0] = fmt.Sprintf("%s-%d", ts(batch), n)
	row[1] = "0"
	if doc.Published != nil {
		row[1] = ts(*doc.Published)
	}
	if doc.URL != "" {
		row[2], row[4] = "1", clean(doc.URL, "")
	} else {
		row[2], row[4] = "2", clean("newslens:"+doc.ID+" "+doc.Title, "")
	}
	row[3] = clean(doc.Outlet, "")

	places := doc.Of("place")
	nearestPlace := func(pos int) *document.Annotation {
		var best *document.Annotation
		bestD := 400 // bytes: a place further away is not the count's
		for i := range places {
			d := places[i].Start - pos
			if d < 0 {
				d = -d
			}
			if d < bestD {
				best, bestD = &places[i], d
			}
		}
		return best
	}
	var v1c, v2c []string
	for _, a := range doc.Of("count") {
		typ := gkgCountTypes[strings.ToLower(a.Label)]
		if typ == "" {
			typ = strings.ToUpper(clean(a.Label, "#;, "))
		}
		loc := strings.Repeat("#", 6) // seven empty location fields
		if p := nearestPlace(a.Start); p != nil {
			loc = gkgLocation(*p, false)
		}
		base := strings.Join([]string{typ, attrStr(a.Attrs, "value"), clean(attrStr(a.Attrs, "object"), "#;,")}, "#") + "#" + loc
		v1c = append(v1c, base)
		v2c = append(v2c, base+"#"+co(a.Start))
	}
	row[5], row[6] = strings.Join(v1c, ";"), strings.Join(v2c, ";")
	// Themes (7, 8): newslens has no GKG theme taxonomy; left empty.
	var v1l, v2l []string
	seenLoc := map[string]bool{}
	for _, p := range places {
		l := gkgLocation(p, false)
		if !seenLoc[l] {
			seenLoc[l] = true
			v1l = append(v1l, l)
		}
		v2l = append(v2l, gkgLocation(p, true)+"#"+co(p.Start))
	}
	row[9], row[10] = strings.Join(v1l, ";"), strings.Join(v2l, ";")
	names := func(label string) (v1, v2 string) {
		var a1, a2 []string
		seen := map[string]bool{}
		for _, e := range doc.Entities {
			if e.Type == label && !seen[e.Name] {
				seen[e.Name] = true
				a1 = append(a1, clean(e.Name, ";,"))
			}
		}
		for _, a := range doc.Of("entity") {
			if a.Label != label {
				continue
			}
			if !seen[a.Text] && len(doc.Entities) == 0 {
				seen[a.Text] = true
				a1 = append(a1, clean(a.Text, ";,"))
			}
			a2 = append(a2, clean(a.Text, ";,")+","+co(a.Start))
		}
		sort.Strings(a1)
		return strings.Join(a1, ";"), strings.Join(a2, ";")
	}
	row[11], row[12] = names("PER")
	row[13], row[14] = names("ORG")
	if t, ok := doc.Summaries["tone"].(map[string]any); ok {
		f := func(k string) string {
			v, _ := t[k].(float64)
			return fnum(v)
		}
		row[15] = strings.Join([]string{f("tone"), f("positive"), f("negative"), f("polarity"), f("activity"), f("self_group"), f("word_count")}, ",")
	}
	var dates []string
	for _, a := range doc.Of("date") {
		if d := gkgDate(a); d != "" {
			dates = append(dates, d+","+co(a.Start))
		}
	}
	row[16] = strings.Join(dates, ";")
	wc := 0
	for _, t := range doc.Tokens {
		if t.Kind == document.TokWord || t.Kind == document.TokNumber {
			wc++
		}
	}
	if wc == 0 {
		wc = len(strings.Fields(doc.Text))
	}
	row[17] = "wc:" + strconv.Itoa(wc)
	var related, social, video []string
	for _, e := range doc.Embeds {
		if e.URL == "" {
			continue
		}
		switch e.Kind {
		case "image":
			related = append(related, clean(e.URL, ";"))
		case "social":
			social = append(social, clean(e.URL, ";"))
		case "video":
			video = append(video, clean(e.URL, ";"))
		}
	}
	row[19], row[20], row[21] = strings.Join(related, ";"), strings.Join(social, ";"), strings.Join(video, ";")
	var quotes []string
	for _, a := range doc.Of("quote") {
		content := a.Span
		if c, ok := a.Parts["content"]; ok {
			content = c
		}
		verb := ""
		if c, ok := a.Parts["cue"]; ok {
			verb = clean(doc.Slice(c), "|#")
		}
		s, e := off.SpanToRunes(content)
		quotes = append(quotes, strings.Join([]string{strconv.Itoa(s), strconv.Itoa(e - s), verb, clean(doc.Slice(content), "|#")}, "|"))
	}
	row[22] = strings.Join(quotes, "#")
	var all []string
	for _, a := range doc.Of("entity") {
		all = append(all, clean(a.Text, ";,")+","+co(a.Start))
	}
	row[23] = strings.Join(all, ";")
	var amounts []string
	for _, a := range doc.Annotations {
		if a.Kind != "amount" && a.Kind != "count" {
			continue
		}
		if a.Label == "percent" || attrStr(a.Attrs, "unit") == "%" {
			continue // the codebook excludes percentages
		}
		v := attrStr(a.Attrs, "value")
		if v == "" {
			continue
		}
		obj := attrStr(a.Attrs, "object")
		if obj == "" {
			obj = attrStr(a.Attrs, "currency")
		}
		amounts = append(amounts, v+","+clean(obj, ";,")+","+co(a.Start))
	}
	row[24] = strings.Join(amounts, ";")
	if cites := doc.Of("citation"); len(cites) > 0 {
		var b strings.Builder
		b.WriteString("<CITEDREFERENCESLIST>")
		for _, c := range cites {
			b.WriteString("<CITATION>")
			if au := attrStr(c.Attrs, "authors"); au != "" {
				b.WriteString("<AUTHORS>" + xmlEscape(au) + "</AUTHORS>")
			}
			if t := attrStr(c.Attrs, "title"); t != "" {
				b.WriteString("<TITLE>" + xmlEscape(t) + "</TITLE>")
			}
			if o := attrStr(c.Attrs, "outlet"); o != "" {
				b.WriteString("<PUBLICATION>" + xmlEscape(o) + "</PUBLICATION>")
			}
			if d := attrStr(c.Attrs, "date"); d != "" {
				b.WriteString("<YEAR>" + xmlEscape(d) + "</YEAR>")
			}
			b.WriteString("</CITATION>")
		}
		b.WriteString("</CITEDREFERENCESLIST>")
		row[26] = clean(b.String(), "")
	}
	return row
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// gkgDate renders a date annotation as "Resolution,Month,Day,Year":
// 1 year only, 2 month and year, 3 full date, 4 month and day without a
// year. Ranges use their start; durations and unresolved dates are skipped.
func gkgDate(a document.Annotation) string {
	if a.Label == "duration" {
		return ""
	}
	iso := attrStr(a.Attrs, "iso")
	if s := attrStr(a.Attrs, "start"); s != "" {
		iso = s
	}
	iso, _, _ = strings.Cut(iso, "/")
	if strings.Contains(iso, "W") {
		if t, err := time.Parse("2006-01-02", weekStart(iso)); err == nil {
			return fmt.Sprintf("3,%d,%d,%d", int(t.Month()), t.Day(), t.Year())
		}
		return ""
	}
	p := strings.Split(iso, "-")
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch {
	case len(p) == 1 && len(p[0]) == 4:
		return fmt.Sprintf("1,0,0,%d", atoi(p[0]))
	case len(p) == 2:
		return fmt.Sprintf("2,%d,0,%d", atoi(p[1]), atoi(p[0]))
	case len(p) == 3:
		return fmt.Sprintf("3,%d,%d,%d", atoi(p[1]), atoi(p[2]), atoi(p[0]))
	}
	return ""
}

// weekStart turns "2017-W36" into its Monday, "2017-09-04".
func weekStart(iso string) string {
	y, w, ok := strings.Cut(iso, "-W")
	if !ok {
		return ""
	}
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if err1 != nil || err2 != nil {
		return ""
	}
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(week-1)*7)
	return monday.Format("2006-01-02")
}
