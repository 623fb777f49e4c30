package eval

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// PortrayalLabels are the polarity classes, in the order the scorer indexes them.
var PortrayalLabels = [3]string{"negative", "neutral", "positive"}

// PortrayalSpan is a byte range of a sentence or document.
type PortrayalSpan struct{ Start, End int }

// PortrayalTarget is one NewsMTSC instance: a marked mention in a sentence.
type PortrayalTarget struct {
	ID       string
	Sentence string
	Span     PortrayalSpan
	Others   []PortrayalSpan // the sentence's other targets
	Label    int             // index into PortrayalLabels
}

// ReadNewsMTSC reads a NewsMTSC JSON Lines file (gzip'ed if it ends in .gz),
// one instance per target, with code-point offsets converted to bytes.
func ReadNewsMTSC(path string) ([]PortrayalTarget, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("newsmtsc: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("newsmtsc %s: %w", path, err)
		}
		r = zr
	}
	type tgt struct {
		GID      string  `json:"Input.gid"`
		From     int     `json:"from"`
		To       int     `json:"to"`
		Polarity float64 `json:"polarity"`
	}
	var out []PortrayalTarget
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		var rec struct {
			Sentence string `json:"sentence_normalized"`
			Targets  []tgt  `json:"targets"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("newsmtsc %s:%d: %w", path, line, err)
		}
		cp := portrayalCPToByte(rec.Sentence)
		spans := make([]PortrayalSpan, len(rec.Targets))
		for i, t := range rec.Targets {
			if t.From < 0 || t.To < t.From || t.To >= len(cp) {
				return nil, fmt.Errorf("newsmtsc %s:%d: target %d-%d out of range", path, line, t.From, t.To)
			}
			spans[i] = PortrayalSpan{cp[t.From], cp[t.To]}
		}
		for i, t := range rec.Targets {
			var lab int
			switch t.Polarity {
			case 2:
				lab = 0
			case 4:
				lab = 1
			case 6:
				lab = 2
			default:
				return nil, fmt.Errorf("newsmtsc %s:%d: polarity %v", path, line, t.Polarity)
			}
			var others []PortrayalSpan
			for j, s := range spans {
				if j != i {
					others = append(others, s)
				}
			}
			out = append(out, PortrayalTarget{ID: t.GID, Sentence: rec.Sentence, Span: spans[i], Others: others, Label: lab})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("newsmtsc %s: %w", path, err)
	}
	return out, nil
}

// portrayalCPToByte maps each code-point index (and the end) to its byte offset.
func portrayalCPToByte(s string) []int {
	m := make([]int, 0, len(s)+1)
	for i := range s {
		m = append(m, i)
	}
	return append(m, len(s))
}

// PortrayalDoc is one PerSenT document with its target entity's mentions.
type PortrayalDoc struct {
	ID       string
	Entity   string
	Text     string
	Mentions []PortrayalSpan // where MASKED_DOCUMENT had [TGT]
	Label    int
	// Paragraphs are the document's lines (byte spans of Text) with their
	// labels (index into PortrayalLabels, -1 when unlabelled).
	Paragraphs []PortrayalParagraph
}

// PortrayalParagraph is one PerSenT paragraph and its label.
type PortrayalParagraph struct {
	Span  PortrayalSpan
	Label int
}

// ReadPerSenT reads a PerSenT CSV (gzip'ed if it ends in .gz). The text is
// MASKED_DOCUMENT with each [TGT] replaced by the entity's name, so the
// mentions are known exactly.
func ReadPerSenT(path string) ([]PortrayalDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("persent: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("persent %s: %w", path, err)
		}
		r = zr
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("persent %s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"DOCUMENT_INDEX", "TARGET_ENTITY", "MASKED_DOCUMENT", "TRUE_SENTIMENT"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("persent %s: no column %s", path, need)
		}
	}
	var out []PortrayalDoc
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("persent %s: %w", path, err)
		}
		d := PortrayalDoc{ID: rec[col["DOCUMENT_INDEX"]], Entity: rec[col["TARGET_ENTITY"]]}
		switch strings.ToLower(strings.TrimSpace(rec[col["TRUE_SENTIMENT"]])) {
		case "negative":
			d.Label = 0
		case "neutral":
			d.Label = 1
		case "positive":
			d.Label = 2
		default:
			continue
		}
		masked := rec[col["MASKED_DOCUMENT"]]
		var b strings.Builder
		for {
			i := strings.Index(masked, "[TGT]")
			if i < 0 {
				b.WriteString(masked)
				break
			}
			b.WriteString(masked[:i])
			s := b.Len()
			b.WriteString(d.Entity)
			d.Mentions = append(d.Mentions, PortrayalSpan{s, b.Len()})
			masked = masked[i+5:]
		}
		d.Text = b.String()
		d.Text = portrayalValidUTF8(d.Text)
		start := 0
		for i, line := range strings.Split(d.Text, "\n") {
			lab := -1
			if c, ok := col[fmt.Sprintf("Paragraph%d", i)]; ok && c < len(rec) {
				switch strings.ToLower(strings.TrimSpace(rec[c])) {
				case "negative":
					lab = 0
				case "neutral":
					lab = 1
				case "positive":
					lab = 2
				}
			}
			d.Paragraphs = append(d.Paragraphs, PortrayalParagraph{Span: PortrayalSpan{start, start + len(line)}, Label: lab})
			start += len(line) + 1
		}
		out = append(out, d)
	}
	return out, nil
}

// PortrayalResult is what "newslens eval portrayal --json" prints.
type PortrayalResult struct {
	Format    string         `json:"format"`
	File      string         `json:"file"`
	Instances int            `json:"instances"`
	Accuracy  float64        `json:"accuracy"`
	MacroF1   float64        `json:"macro_f1"`
	Classes   map[string]PRF `json:"classes"`
	// Confusion[gold][pred] in PortrayalLabels order.
	Confusion [3][3]int `json:"confusion"`
	// ECE is the expected calibration error of the predicted class's
	// confidence over 10 equal-width bins (0 when no confidences are given).
	ECE     float64 `json:"ece"`
	Seconds float64 `json:"seconds"`
}

// ScorePortrayal compares predicted to gold class indices; conf, if not nil,
// holds the confidence of each prediction.
func ScorePortrayal(gold, pred []int, conf []float64) PortrayalResult {
	res := PortrayalResult{Instances: len(gold), Classes: map[string]PRF{}}
	correct := 0
	for i := range gold {
		res.Confusion[gold[i]][pred[i]]++
		if gold[i] == pred[i] {
			correct++
		}
	}
	if len(gold) > 0 {
		res.Accuracy = float64(correct) / float64(len(gold))
	}
	var sum float64
	for c, name := range PortrayalLabels {
		var tp, fp, fn float64
		for o := 0; o < 3; o++ {
			if o == c {
				tp = float64(res.Confusion[c][c])
				continue
			}
			fn += float64(res.Confusion[c][o])
			fp += float64(res.Confusion[o][c])
		}
		p := Counts(tp, fp, fn)
		res.Classes[name] = p
		sum += p.F1
	}
	res.MacroF1 = sum / 3
	if len(conf) == len(gold) && len(gold) > 0 {
		var n, acc, cs [10]float64
		for i := range gold {
			b := min(int(conf[i]*10), 9)
			n[b]++
			cs[b] += conf[i]
			if gold[i] == pred[i] {
				acc[b]++
			}
		}
		for b := range n {
			if n[b] > 0 {
				d := acc[b]/n[b] - cs[b]/n[b]
				if d < 0 {
					d = -d
				}
				res.ECE += n[b] / float64(len(gold)) * d
			}
		}
	}
	return res
}

// portrayalValidUTF8 replaces each invalid byte with '?', keeping byte
// offsets (of the mentions) right.
func portrayalValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			b[i] = '?'
		}
		i += n
	}
	return string(b)
}
