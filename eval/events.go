package eval

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// EventPred is one predicted event, as byte spans into the text analysed.
// A missing source or target has zero length.
type EventPred struct {
	Type    string // PLOVER type
	Cameo   string // CAMEO code
	Trigger [2]int
	Source  [2]int
	Target  [2]int
	Mode    string
}

// EventsResult is what "newslens eval events --json" prints.
type EventsResult struct {
	Format       string  `json:"format"`
	Data         string  `json:"data"`
	Records      int     `json:"records"`
	Trigger      PRF     `json:"trigger"`
	TriggerF1    float64 `json:"trigger_f1"`
	TypeAccuracy float64 `json:"type_accuracy"`
	// TypeAnyAccuracy counts a record right when any predicted event of the
	// sentence has the gold type (PLOVER).
	TypeAnyAccuracy float64        `json:"type_any_accuracy,omitempty"`
	TriggerClass    PRF            `json:"trigger_classification"`
	Source          *PRF           `json:"source,omitempty"`
	SourceF1        *float64       `json:"source_f1,omitempty"`
	Target          *PRF           `json:"target,omitempty"`
	TargetF1        *float64       `json:"target_f1,omitempty"`
	Argument        *PRF           `json:"argument,omitempty"`
	ArgumentF1      *float64       `json:"argument_f1,omitempty"`
	PerType         map[string]PRF `json:"per_type,omitempty"`
	Seconds         float64        `json:"seconds"`
}

// EventsAnalyze runs the events analyzer on a text.
type EventsAnalyze func(ctx context.Context, name, text string) ([]EventPred, error)

// PloverRecord is one PLOVER gold-standard record.
type PloverRecord struct {
	ID        string   `json:"id"`
	Event     string   `json:"event"`
	EventText string   `json:"eventText"`
	Text      string   `json:"text"`
	Sources   []string `json:"-"`
	Targets   []string `json:"-"`
}

// ReadPLOVER reads PLOVER_GSR_CAMEO.json, skipping the DOCUMENT header.
func ReadPLOVER(path string) ([]PloverRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plover: %w", err)
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("plover %s: %w", path, err)
	}
	actors := func(m json.RawMessage) []string {
		var as []struct {
			ActorText string `json:"actorText"`
		}
		if json.Unmarshal(m, &as) != nil {
			return nil
		}
		var out []string
		for _, a := range as {
			if a.ActorText != "" {
				out = append(out, a.ActorText)
			}
		}
		return out
	}
	var out []PloverRecord
	for _, r := range raw {
		var rec PloverRecord
		for k, dst := range map[string]*string{"id": &rec.ID, "event": &rec.Event, "eventText": &rec.EventText, "text": &rec.Text} {
			if v, ok := r[k]; ok {
				_ = json.Unmarshal(v, dst)
			}
		}
		if rec.Event == "" || rec.Text == "" || rec.Event == "DOCUMENT" {
			continue
		}
		rec.Sources = actors(r["source"])
		rec.Targets = actors(r["target"])
		out = append(out, rec)
	}
	return out, nil
}

// eventsActorMatch says whether a predicted actor text matches a gold actor
// text: one contains the other, ignoring case ("Tokyo" vs "Tokyo";
// "APEC forum" vs "Asia-Pacific Economic Cooperation" does not).
func eventsActorMatch(pred string, gold []string) bool {
	p := strings.ToLower(strings.TrimSpace(pred))
	if p == "" {
		return false
	}
	for _, g := range gold {
		g = strings.ToLower(g)
		if strings.Contains(g, p) || strings.Contains(p, g) {
			return true
		}
	}
	return false
}

// ScorePLOVER scores the first event of each sentence (in text order)
// against the record's event type, trigger words, source and target.
func ScorePLOVER(ctx context.Context, recs []PloverRecord, analyze EventsAnalyze) (EventsResult, error) {
	res := EventsResult{Format: "plover", Records: len(recs), PerType: map[string]PRF{}}
	var trig, cls, src, tgt PRF
	right, anyRight := 0, 0
	for _, r := range recs {
		evs, err := analyze(ctx, r.ID, r.Text)
		if err != nil {
			return res, err
		}
		gt := res.PerType[r.Event]
		gt.FN++ // taken back below when right
		res.PerType[r.Event] = gt
		if len(evs) == 0 {
			trig.FN++
			cls.FN++
			if len(r.Sources) > 0 {
				src.FN++
			}
			if len(r.Targets) > 0 {
				tgt.FN++
			}
			continue
		}
		for _, e := range evs {
			if e.Type == r.Event {
				anyRight++
				break
			}
		}
		e := evs[0]
		words := strings.Fields(strings.ToLower(r.EventText))
		tw := strings.ToLower(firstWord(r.Text[e.Trigger[0]:e.Trigger[1]]))
		trigOK := false
		for _, w := range words {
			if w == tw {
				trigOK = true
			}
		}
		if trigOK {
			trig.TP++
		} else {
			trig.FP++
			trig.FN++
		}
		if e.Type == r.Event {
			right++
			cls.TP++
			gt := res.PerType[r.Event]
			gt.FN--
			gt.TP++
			res.PerType[r.Event] = gt
		} else {
			cls.FP++
			cls.FN++
			pt := res.PerType[e.Type]
			pt.FP++
			res.PerType[e.Type] = pt
		}
		scoreActor := func(p *PRF, span [2]int, gold []string) {
			has := span[1] > span[0]
			switch {
			case has && eventsActorMatch(r.Text[span[0]:span[1]], gold):
				p.TP++
			case has:
				p.FP++
				if len(gold) > 0 {
					p.FN++
				}
			case len(gold) > 0:
				p.FN++
			}
		}
		scoreActor(&src, e.Source, r.Sources)
		scoreActor(&tgt, e.Target, r.Targets)
	}
	res.Trigger = trig.Finish()
	res.TriggerF1 = res.Trigger.F1
	res.TriggerClass = cls.Finish()
	if len(recs) > 0 {
		res.TypeAccuracy = float64(right) / float64(len(recs))
		res.TypeAnyAccuracy = float64(anyRight) / float64(len(recs))
	}
	s, t := src.Finish(), tgt.Finish()
	res.Source, res.Target = &s, &t
	res.SourceF1, res.TargetF1 = &s.F1, &t.F1
	for k, v := range res.PerType {
		res.PerType[k] = v.Finish()
	}
	return res, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// KAIROSToPLOVER maps WikiEvents (KAIROS) event types to the PLOVER types
// that fit them; a type maps by its longest listed prefix. Types with no
// entry (statements, movement, transactions, disease...) have no PLOVER
// counterpart. An attack or a death may be coded ASSAULT or FIGHT, so both
// count. The table is also in docs/format.md (## Events).
var KAIROSToPLOVER = map[string][]string{
	"Conflict.Attack":                                 {"ASSAULT", "FIGHT"},
	"Life.Die":                                        {"ASSAULT", "FIGHT"},
	"Life.Injure":                                     {"ASSAULT", "FIGHT"},
	"Conflict.Demonstrate":                            {"PROTEST"},
	"Contact.Contact.Meet":                            {"CONSULT"},
	"Contact.RequestCommand":                          {"DEMAND"},
	"Contact.ThreatenCoerce":                          {"THREATEN", "COERCE"},
	"Justice.ArrestJailDetain":                        {"COERCE"},
	"Justice.ChargeIndict":                            {"COERCE"},
	"Justice.TrialHearing":                            {"COERCE"},
	"Justice.Convict":                                 {"COERCE", "DISAPPROVE"},
	"Justice.Sentence":                                {"COERCE"},
	"Justice.InvestigateCrime":                        {"INVESTIGATE"},
	"Justice.ReleaseParole":                           {"RETREAT"},
	"ArtifactExistence.DamageDestroyDisableDismantle": {"ASSAULT", "FIGHT", "COERCE"},
	"Control.ImpedeInterfereWith":                     {"COERCE", "PROTEST"},
	"Medical.Intervention":                            {"AID"},
}

// KAIROSPLOVER returns the PLOVER types that fit a KAIROS type.
func KAIROSPLOVER(t string) []string {
	for k := t; k != ""; {
		if v, ok := KAIROSToPLOVER[k]; ok {
			return v
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return nil
}

type wikiDoc struct {
	DocID          string            `json:"doc_id"`
	RawSents       []json.RawMessage `json:"sentences"`
	EntityMentions []struct {
		ID    string `json:"id"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	} `json:"entity_mentions"`
	EventMentions []struct {
		EventType string `json:"event_type"`
		Trigger   struct {
			Start int `json:"start"`
			End   int `json:"end"`
		} `json:"trigger"`
		Arguments []struct {
			EntityID string `json:"entity_id"`
			Role     string `json:"role"`
		} `json:"arguments"`
	} `json:"event_mentions"`
}

// ScoreWikiEvents runs analyze on each WikiEvents document (its sentences
// joined by newlines) and scores trigger identification (the predicted
// trigger's first word overlaps a gold trigger), classification (its PLOVER
// type fits the gold KAIROS type), and argument identification (a
// predicted source or target of a matched event overlaps a gold argument's
// mention).
func ScoreWikiEvents(ctx context.Context, path string, analyze EventsAnalyze) (EventsResult, error) {
	res := EventsResult{Format: "wikievents", Data: path}
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("wikievents: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return res, fmt.Errorf("wikievents %s: %w", path, err)
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var trig, cls, arg PRF
	typed, typedRight := 0, 0
	for sc.Scan() {
		var d wikiDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return res, fmt.Errorf("wikievents %s: %w", path, err)
		}
		res.Records++
		// rebuild the text and each token's byte span
		var sb strings.Builder
		var spans [][2]int
		for _, raw := range d.RawSents {
			var s []json.RawMessage
			if err := json.Unmarshal(raw, &s); err != nil || len(s) < 2 {
				return res, fmt.Errorf("wikievents %s %s: bad sentence", path, d.DocID)
			}
			var toks [][]any
			var txt string
			_ = json.Unmarshal(s[0], &toks)
			_ = json.Unmarshal(s[1], &txt)
			if sb.Len() > 0 {
				sb.WriteByte('\n')
			}
			base := sb.Len()
			// character offsets to byte offsets
			c2b := make([]int, 0, len(txt)+1)
			for i := range txt {
				c2b = append(c2b, i)
			}
			c2b = append(c2b, len(txt))
			// token offsets are character offsets into the document's
			// text; the sentence text starts at its first token
			s0 := 0
			if len(toks) > 0 && len(toks[0]) >= 3 {
				f, _ := toks[0][1].(float64)
				s0 = int(f)
			}
			for _, t := range toks {
				if len(t) < 3 {
					continue
				}
				a, _ := t[1].(float64)
				b, _ := t[2].(float64)
				ai, bi := int(a)-s0, int(b)-s0
				if ai < 0 || bi >= len(c2b) || ai > bi {
					// keep the token count aligned with the document's tokens
					spans = append(spans, [2]int{base, base})
					continue
				}
				spans = append(spans, [2]int{base + c2b[ai], base + c2b[bi]})
			}
			sb.WriteString(txt)
		}
		text := sb.String()
		if !utf8.ValidString(text) {
			return res, fmt.Errorf("wikievents %s %s: invalid UTF-8", path, d.DocID)
		}
		tokSpan := func(s, e int) [2]int {
			if s < 0 || e > len(spans) || s >= e {
				return [2]int{0, 0}
			}
			return [2]int{spans[s][0], spans[e-1][1]}
		}
		ments := map[string][2]int{}
		for _, m := range d.EntityMentions {
			ments[m.ID] = tokSpan(m.Start, m.End)
		}
		preds, err := analyze(ctx, d.DocID, text)
		if err != nil {
			return res, err
		}
		used := make([]bool, len(d.EventMentions))
		for _, p := range preds {
			head := [2]int{p.Trigger[0], p.Trigger[0] + len(firstWord(text[p.Trigger[0]:p.Trigger[1]]))}
			gi := -1
			for i, g := range d.EventMentions {
				gs := tokSpan(g.Trigger.Start, g.Trigger.End)
				if !used[i] && head[0] < gs[1] && gs[0] < head[1] {
					gi = i
					break
				}
			}
			if gi < 0 {
				trig.FP++
				cls.FP++
				for _, sp := range [][2]int{p.Source, p.Target} {
					if sp[1] > sp[0] {
						arg.FP++
					}
				}
				continue
			}
			used[gi] = true
			trig.TP++
			g := d.EventMentions[gi]
			fits := KAIROSPLOVER(g.EventType)
			ok := false
			for _, t := range fits {
				if t == p.Type {
					ok = true
				}
			}
			if len(fits) > 0 {
				typed++
				if ok {
					typedRight++
				}
			}
			if ok {
				cls.TP++
			} else {
				cls.FP++
				cls.FN++
			}
			// arguments of a matched, correctly typed event
			gold := map[string]bool{}
			for _, a := range g.Arguments {
				gold[a.EntityID] = false
			}
			for _, sp := range [][2]int{p.Source, p.Target} {
				if sp[1] <= sp[0] {
					continue
				}
				hit := false
				for id, done := range gold {
					ms := ments[id]
					if !done && ok && sp[0] < ms[1] && ms[0] < sp[1] {
						gold[id] = true
						hit = true
						break
					}
				}
				if hit {
					arg.TP++
				} else {
					arg.FP++
				}
			}
			for _, done := range gold {
				if !done {
					arg.FN++
				}
			}
		}
		for i, g := range d.EventMentions {
			if !used[i] {
				trig.FN++
				cls.FN++
				arg.FN += float64(len(g.Arguments))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("wikievents %s: %w", path, err)
	}
	res.Trigger = trig.Finish()
	res.TriggerF1 = res.Trigger.F1
	res.TriggerClass = cls.Finish()
	if typed > 0 {
		res.TypeAccuracy = float64(typedRight) / float64(typed)
	}
	a := arg.Finish()
	res.Argument, res.ArgumentF1 = &a, &a.F1
	return res, nil
}

// petrarchRecord is one PETRARCH unit-test sentence.
type petrarchRecord struct {
	ID      string `xml:"id,attr"`
	Codings []struct {
		Event    string `xml:"eventcode,attr"`
		NoEvents string `xml:"noevents,attr"`
	} `xml:"EventCoding"`
	Text string `xml:"Text"`
}

// ScorePETRARCH scores CAMEO root codes on the PETRARCH unit-test records
// (PETR.UnitTest.records.xml[.gz]): per record, the set of predicted root
// codes against the set of expected ones, micro P/R/F1 over the sets
// (reported as trigger), and the share of records whose root-code set is
// exactly right (type_accuracy). The records' actor codes need PETRARCH's
// validation actor dictionaries, which are not here, so sources and
// targets are not scored.
func ScorePETRARCH(ctx context.Context, path string, analyze EventsAnalyze) (EventsResult, error) {
	res := EventsResult{Format: "petrarch", Data: path}
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("petrarch: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return res, fmt.Errorf("petrarch %s: %w", path, err)
		}
		r = zr
	}
	dec := xml.NewDecoder(r)
	dec.Strict = false
	var p PRF
	exact := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, fmt.Errorf("petrarch %s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Sentence" {
			continue
		}
		var rec petrarchRecord
		if err := dec.DecodeElement(&rec, &se); err != nil {
			return res, fmt.Errorf("petrarch %s: %w", path, err)
		}
		txt := strings.Join(strings.Fields(rec.Text), " ")
		if txt == "" {
			continue
		}
		res.Records++
		gold := map[string]bool{}
		for _, c := range rec.Codings {
			if c.Event != "" && c.NoEvents == "" && len(c.Event) >= 2 {
				gold[c.Event[:2]] = true
			}
		}
		preds, err := analyze(ctx, rec.ID, txt)
		if err != nil {
			return res, err
		}
		pred := map[string]bool{}
		for _, e := range preds {
			if len(e.Cameo) >= 2 {
				pred[e.Cameo[:2]] = true
			}
		}
		same := len(gold) == len(pred)
		for c := range pred {
			if gold[c] {
				p.TP++
			} else {
				p.FP++
				same = false
			}
		}
		for c := range gold {
			if !pred[c] {
				p.FN++
			}
		}
		if same {
			exact++
		}
	}
	res.Trigger = p.Finish()
	res.TriggerF1 = res.Trigger.F1
	res.TriggerClass = res.Trigger
	if res.Records > 0 {
		res.TypeAccuracy = float64(exact) / float64(res.Records)
	}
	return res, nil
}
