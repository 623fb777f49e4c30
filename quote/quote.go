// Package quote is newslens's "quotes" analyzer: it finds attributions
// (who said what), their speakers, and the publications an article cites.
//
// # Attributions
//
// An averaged-perceptron tagger (trained on PolNeAR, embedded in
// model/tagger.bin.gz, rebuilt by "newslens train quotes") labels the
// tokens of each paragraph as source, cue or content. Rules then group the
// chunks into attributions (each cue takes the nearest content and source),
// widen content to the quote marks it starts or ends in, and carry a
// speaker over to quotations that follow without a cue of their own. Quote
// marks of every style are paired by [findQuotes]; short quoted phrases
// with no cue ("scare quotes") are never attributions on their own. Last,
// a span reranker (see rerank.go; model/rerank.bin.gz, rebuilt by
// "newslens train quotes-rerank") re-draws the edges of every source and
// cue to PolNeAR's conventions, learnt from the tagger's out-of-fold errors,
// and, first, drops attributions its keep/drop filter (keep.go) scores as
// not attributions at all.
//
// # Speakers and citations
//
// A source span is resolved to a speaker: the name it contains, an
// appositive name, or, for pronouns and nominals ("he", "the president"),
// the most salient compatible earlier name. Entities from the "entities"
// analyzer are used when present. Parenthetical citations ("Title", Outlet,
// Date), "(Ibid)", verbal ones ("reported by the Guardian", "told RT") and
// links to other sites become "citation" annotations.
package quote

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

//go:embed model/*.bin.gz
var modelFS embed.FS

// ModelPath is the embedded model's path, relative to this package.
const ModelPath = "model/tagger.bin.gz"

// Analyzer is the "quotes" analyzer. It is safe for concurrent use.
type Analyzer struct {
	m *model
	// rr picks the extents of sources and cues, when loaded (see rerank.go)
	rr *Reranker
	// scratch pools the tagger's per-document buffers (*tagScratch), so a
	// stream of documents does not reallocate them
	scratch sync.Pool
}

// tagScratch is the tagger's buffers for one document at a time.
type tagScratch struct {
	decode decodeScratch
	prep   prepScratch
}

// New returns the analyzer with its embedded tagger and span reranker.
func New() (*Analyzer, error) {
	a, err := NewFromFS(modelFS, ModelPath)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(modelFS, RerankPath); err != nil {
		return a, nil // no reranker shipped: the tagger's extents stand
	}
	r, err := LoadReranker(modelFS, RerankPath)
	if err != nil {
		return nil, err
	}
	return a.WithReranker(r), nil
}

// WithReranker returns an analyzer with a's tagger and the span reranker r
// (nil: none), for evaluating a retrained reranker.
func (a *Analyzer) WithReranker(r *Reranker) *Analyzer { return &Analyzer{m: a.m, rr: r} }

// NewFromFS loads the tagger model name from fsys, without a span reranker
// (see WithReranker).
func NewFromFS(fsys fs.FS, name string) (*Analyzer, error) {
	m, err := readModel(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("quotes: %w", err)
	}
	return &Analyzer{m: m}, nil
}

// Name implements pipeline.Analyzer.
func (a *Analyzer) Name() string { return "quotes" }

// Version implements pipeline.Analyzer. 2: tagger retrained (15 epochs),
// cue-less reported clauses dropped. 3: span reranker for sources and cues,
// a continued quotation in the paragraph joined to the speaker's quote.
// 4: tagger with a wider window and sentence features, keep/drop filter.
// 5: a participle after a comma shares the source of the attribution
// before it; reranker retrained.
func (a *Analyzer) Version() string { return "5" }

// Requires implements pipeline.Analyzer: speakers are linked to the
// entities analyzer's entities. Without them (a document analysed by this
// analyzer alone) capitalised name sequences stand in.
func (a *Analyzer) Requires() []string { return []string{"entities"} }

// attribution is one found attribution before it becomes an annotation.
type attribution struct {
	content, cue, source document.Span
	hasCue, hasSource    bool
	label                string
	conf                 float64
	inherited            int // index of the attribution whose speaker this one continues, or -1
	// pattern marks an attribution a rule found by its own pattern ("a
	// Syrian media source that …"): its confidence is the rule's, not
	// the cue lexicon's
	pattern bool
	// cueMargin is the tagger's margin for the cue chunk (see chunk)
	cueMargin float32

	c1, c2   int           // chunk indexes of the content parts (grouping only)
	content2 document.Span // second part of an interrupted quote, when c2 >= 0

	speaker       string
	speakerEntity string
	sourceType    string
	speakerConf   float64
	citation      int // index into the citations, or -1
}

// overlapsContent reports whether [a,b) overlaps the content or, for an
// interrupted quote, its second part.
func (q *attribution) overlapsContent(a, b int) bool {
	if q.content.Start < b && a < q.content.End {
		return true
	}
	return q.c2 >= 0 && q.content2.Start < b && a < q.content2.End
}

// minConfidence is the least confidence of a reported (not direct)
// attribution that is kept.
const minConfidence = 0.36

// maxAttributions bounds the attributions of one document.
const maxAttributions = 5000

// Analyze implements pipeline.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, doc *document.Document) error {
	s := doc.Text
	if s == "" {
		return nil
	}
	toks := doc.Tokens
	if toks == nil {
		toks = text.Tokenize(s)
	}
	qs := findQuotes(s)
	sents := doc.Sentences
	if doc.Tokens == nil || sents == nil {
		sents = text.Sentences(s, toks)
	}
	var marg []uint8
	if a.rr != nil {
		marg = make([]uint8, 2*len(toks))
	}
	sentOf := sentIndex(toks, sents)
	attrs, err := a.attributions(ctx, s, toks, sents, sentOf, qs, marg)
	if err != nil {
		return err
	}
	ments := findMentions(doc, s, toks)
	subjectSources(s, toks, sentOf, ments, attrs)
	shareSubjects(s, toks, sentOf, attrs)
	tidySources(s, toks, sentOf, attrs)
	if a.rr != nil {
		d, sc := &rrDoc{s: s, toks: toks, sentOf: sentOf, ments: ments, marg: marg}, &rrScratch{}
		attrs = a.rr.keep(d, attrs, sc)
		a.rr.rerank(d, attrs, sc)
	}
	attrs = dropAttrs(attrs, func(q *attribution) bool {
		return q.label != "direct" && (q.conf < minConfidence || passiveCue(s, toks, q))
	})
	attrs = joinContinued(s, attrs)
	resolveSpeakers(s, toks, attrs, ments)
	cits := findCitations(doc, s, toks, attrs)
	cutAtCitations(s, cits, attrs)
	for i := range attrs {
		if attrs[i].c2 < 0 && attrs[i].label == "mixed" {
			attrs[i].label = labelOf(s, qs, attrs[i].content)
		}
	}
	linkCitations(s, attrs, cits)
	for i := range cits {
		c := &cits[i]
		attrsMap := map[string]any{"outlet": c.outlet}
		if c.title != "" {
			attrsMap["title"] = c.title
		}
		if len(c.authors) > 0 {
			attrsMap["authors"] = c.authors
		}
		if c.date != "" {
			attrsMap["date"] = c.date
		}
		if c.domain != "" {
			attrsMap["domain"] = c.domain
		}
		if c.url != "" {
			attrsMap["url"] = c.url
		}
		if c.ibid {
			attrsMap["ibid"] = true
		}
		id, err := doc.Add(document.Annotation{Kind: "citation", Span: c.span, Label: c.label, Attrs: attrsMap,
			Confidence: c.conf, Analyzer: a.Name(), Version: a.Version()})
		if err != nil {
			return fmt.Errorf("quotes: %w", err)
		}
		c.id = id
	}
	for i := range attrs {
		q := &attrs[i]
		parts := map[string]document.Span{"content": q.content}
		if q.c2 >= 0 {
			parts["content_1"] = q.content
			parts["content_2"] = q.content2
			parts["content"] = union(q.content, q.content2)
		}
		span := parts["content"]
		if q.hasCue {
			parts["cue"] = q.cue
			span = union(span, q.cue)
		}
		if q.hasSource {
			parts["source"] = q.source
			span = union(span, q.source)
		}
		am := map[string]any{}
		if q.speaker != "" {
			am["speaker"] = q.speaker
		}
		if q.speakerEntity != "" {
			am["speaker_entity"] = q.speakerEntity
		}
		if q.sourceType != "" {
			am["source_type"] = q.sourceType
		}
		if q.speakerConf > 0 {
			am["speaker_confidence"] = round2(q.speakerConf)
		}
		if q.citation >= 0 && cits[q.citation].id != "" {
			am["citation"] = cits[q.citation].id
		}
		if _, err := doc.Add(document.Annotation{Kind: "quote", Span: span, Label: q.label, Parts: parts, Attrs: am,
			Confidence: round2(q.conf), Analyzer: a.Name(), Version: a.Version()}); err != nil {
			return fmt.Errorf("quotes: %w", err)
		}
	}
	return nil
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

func union(a, b document.Span) document.Span {
	return document.Span{Start: min(a.Start, b.Start), End: max(a.End, b.End)}
}

// chunk is a run of tokens with one role.
type chunk struct {
	role   int // 1 source, 2 cue, 3 content
	t0, t1 int // token indexes [t0, t1) within the document
	used   bool
	// margin is the mean emission score of the chunk's tags over the
	// outside tag: how sure the tagger is of it
	margin float32
}

// attributions tags every paragraph and groups the chunks. sentOf maps
// each token to its sentence (sentIndex), computed once by the caller.
//
// When marg is not nil (2 per token), it receives each token's margin
// codes for the source and cue roles (see marginCode), which the span
// reranker reads.
func (a *Analyzer) attributions(ctx context.Context, s string, toks []document.Token, sents []document.Sentence, sentOf []int, qs []qspan, marg []uint8) ([]attribution, error) {
	inq := inQuoteTokens(s, toks, qs)
	ts, _ := a.scratch.Get().(*tagScratch)
	if ts == nil {
		ts = &tagScratch{}
	}
	defer a.scratch.Put(ts)
	var out []attribution
	last := -1 // the last attribution with a speaker source, for continuations
	lastPara := -10
	for pi, p := range paragraphs(s, toks) {
		if pi%32 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(out) >= maxAttributions {
			break
		}
		sq := prepareBuf(s, toks[p[0]:p[1]], inq[p[0]:p[1]], a.m.lex, &ts.prep, true)
		tags := a.m.decodeBuf(sq, &ts.decode)
		if marg != nil {
			for i := range tags {
				row := ts.decode.score[i*numTags : (i+1)*numTags]
				k := 2 * (p[0] + i)
				marg[k] = marginCode(max(row[tagBS], row[tagIS]) - row[tagO])
				marg[k+1] = marginCode(max(row[tagBC], row[tagIC]) - row[tagO])
			}
		}
		var chunks []chunk
		for i, t := range tags {
			role := tagRole(t)
			if role == 0 {
				continue
			}
			if tagBegin(t) || len(chunks) == 0 || chunks[len(chunks)-1].role != role || chunks[len(chunks)-1].t1 != p[0]+i {
				chunks = append(chunks, chunk{role: role, t0: p[0] + i, t1: p[0] + i + 1})
			} else {
				chunks[len(chunks)-1].t1 = p[0] + i + 1
			}
		}
		trimChunks(s, toks, chunks)
		for k := range chunks {
			c := &chunks[k]
			var sum float32
			for t := c.t0; t < c.t1; t++ {
				row := ts.decode.score[(t-p[0])*numTags : (t-p[0]+1)*numTags]
				sum += row[tags[t-p[0]]] - row[tagO]
			}
			c.margin = sum / float32(c.t1-c.t0)
		}
		paraAttrs := group(s, toks, sentOf, chunks)
		for k := range paraAttrs {
			switch paraAttrs[k].inherited {
			case -3: // an earlier cue in this paragraph: fixInherited finds it
				paraAttrs[k].inherited = 0
			case -2:
				paraAttrs[k].inherited = -1
				if last >= 0 && pi-lastPara <= 2 {
					paraAttrs[k].inherited = last
				}
			}
		}
		if len(paraAttrs) > 0 {
			sort.SliceStable(paraAttrs, func(i, j int) bool { return paraAttrs[i].content.Start < paraAttrs[j].content.Start })
			// fix inherited indexes into this paragraph after sorting: they
			// are resolved through the content span instead
			out = append(out, paraAttrs...)
			last = len(out) - 1
			lastPara = pi
		}
	}
	out = fixInherited(out)
	out = widenToQuotes(s, toks, qs, out)
	out = splitAtQuotedSentence(s, toks, sents, qs, out)
	out = colonQuotes(s, toks, qs, a.m.cues, out)
	out = namedQuotes(s, toks, sentOf, qs, out)
	out = anonymousSources(s, toks, sentOf, out)
	out = accordingTo(s, toks, sentOf, out)
	out = addUncoveredQuotes(s, toks, qs, out)
	for i := range out {
		out[i].label = labelOf(s, qs, out[i].content)
		if out[i].c2 >= 0 && out[i].label != labelOf(s, qs, out[i].content2) {
			out[i].label = "mixed"
		}
		if out[i].label == "direct" {
			out[i].conf += 0.15
		} else if out[i].hasCue && !out[i].pattern {
			// a cue word the training data rarely saw as a cue makes a
			// weak attribution ("the doors are slamming on …")
			out[i].conf = out[i].conf - 0.3 + 0.4*a.cueStrength(s, toks, out[i].cue)
			// half of it is how sure the tagger was of the cue: on the
			// held-out tenth of train, reported attributions whose cue
			// margin maps under 0.4 here are right 32% of the time, over
			// 0.6 84-93%
			sure := min(max(0.3+float64(out[i].cueMargin)/2000, 0), 1)
			out[i].conf = 0.5*out[i].conf + 0.5*sure
		}
		if out[i].conf > 0.95 {
			out[i].conf = 0.95
		}
	}
	out = dropWeak(out)
	return out, nil
}

// joinContinued makes a quotation that continues the previous speaker in
// the same paragraph ("“A,” he said, noting that …. “B.”") the second
// part of that speaker's direct quotation, as PolNeAR annotates it: one
// attribution whose content is the two quoted parts. Quotations after an
// indirect attribution ("X told RT that … “…”") stay separate.
func joinContinued(s string, as []attribution) []attribution {
	joined := make([]bool, len(as))
	some := false
	for i := range as {
		q := &as[i]
		if q.inherited < 0 || q.hasCue || q.hasSource || q.label != "direct" || q.c2 >= 0 {
			continue
		}
		// the speaker's quotation is the nearest direct one with a cue
		// before it in the paragraph, past any reported clause between
		// ("…,” he said, noting that …. “…”")
		t := -1
		for j := i - 1; j >= 0; j-- {
			p := &as[j]
			if p.content.End > q.content.Start || strings.Contains(s[p.content.End:q.content.Start], "\n") {
				break
			}
			if p.label == "direct" && p.hasCue {
				t = j
				break
			}
		}
		if t < 0 {
			continue
		}
		p := &as[t]
		if p.c2 >= 0 || joined[t] {
			continue
		}
		p.content2, p.c2 = q.content, 1
		joined[i], some = true, true
	}
	if !some {
		return as
	}
	drop := map[*attribution]bool{}
	for i := range as {
		if joined[i] {
			drop[&as[i]] = true
		}
	}
	return dropAttrs(as, func(q *attribution) bool { return drop[q] })
}

// dropWeak removes reported clauses with nothing that marks them as
// speech: a content chunk outside quote marks with no cue of its own. Such
// chunks continue the last speaker when they are quotations, but a bare
// clause is more often narrative the tagger spilled over (on a held-out
// tenth of PolNeAR train, under half of them overlap a gold content, and
// dropping them raised attribution F1 from 0.626 to 0.641).
func dropWeak(as []attribution) []attribution {
	return dropAttrs(as, func(q *attribution) bool { return q.label == "indirect" && !q.hasCue })
}

// dropAttrs removes the attributions drop selects and remaps the
// inherited indexes of the rest; a continuation of a removed attribution
// loses its speaker link.
func dropAttrs(as []attribution, drop func(q *attribution) bool) []attribution {
	n := 0
	for i := range as {
		if drop(&as[i]) {
			n++
		}
	}
	if n == 0 {
		return as
	}
	remap := make([]int, len(as))
	kept := make([]attribution, 0, len(as)-n)
	for i := range as {
		remap[i] = -1
		if !drop(&as[i]) {
			remap[i] = len(kept)
			kept = append(kept, as[i])
		}
	}
	if len(kept) == len(as) {
		return as
	}
	for i := range kept {
		if kept[i].inherited >= 0 {
			kept[i].inherited = remap[kept[i].inherited]
		}
	}
	return kept
}

// cueStrength is the highest cue rate of the cue's words in the learned lexicon.
func (a *Analyzer) cueStrength(s string, toks []document.Token, cue document.Span) float64 {
	best := float32(0)
	for _, t := range toksIn(toks, cue) {
		w := lowerWord(s[t.Start:t.End])
		if r := a.m.cues[w]; r > best {
			best = r
		}
		if reporting[w] && best < 0.6 {
			best = 0.6
		}
	}
	return float64(best)
}

func toksIn(toks []document.Token, sp document.Span) []document.Token {
	i := sort.Search(len(toks), func(k int) bool { return toks[k].Start >= sp.Start })
	j := i
	for j < len(toks) && toks[j].End <= sp.End {
		j++
	}
	return toks[i:j]
}

// sentIndex maps each token to its sentence's index.
func sentIndex(toks []document.Token, sents []document.Sentence) []int {
	sentOf := make([]int, len(toks))
	for i, st := range sents {
		for k := st.FirstToken; k < st.EndToken && k < len(sentOf); k++ {
			sentOf[k] = i
		}
	}
	return sentOf
}

// fixInherited points every cue-less attribution at the nearest earlier
// attribution that has a cue, after paragraph-level sorting.
func fixInherited(as []attribution) []attribution {
	lastCue := -1
	for i := range as {
		if as[i].hasCue {
			lastCue = i
			continue
		}
		if as[i].inherited >= 0 {
			as[i].inherited = lastCue
		}
	}
	return as
}

// trimChunks drops punctuation other than quote marks from chunk edges:
// "Zeid Ra’ad al-Hussein," is the source, not its comma.
func trimChunks(s string, toks []document.Token, chunks []chunk) {
	role := 0
	punct := func(i int) bool {
		t := toks[i]
		if t.Kind != document.TokPunct {
			return false
		}
		r, _ := utf8.DecodeRuneInString(s[t.Start:t.End])
		return !isQuoteRune(r) || role != 3
	}
	word := func(i int) string { return lowerWord(s[toks[i].Start:toks[i].End]) }
	for k := range chunks {
		c := &chunks[k]
		role = c.role
		for c.t1-c.t0 > 1 && punct(c.t0) {
			c.t0++
		}
		for c.t1-c.t0 > 1 && punct(c.t1-1) {
			c.t1--
		}
		if role != 1 {
			continue
		}
		// a speaker is a noun phrase: not the adverb after it ("Manafort
		// politely"), nor the reporting words before it ("Said Dorothy
		// Poynter", "According to HuffPo")
		for c.t1-c.t0 > 1 && isAdverb(word(c.t1-1)) && unicode.IsLower(firstRune(s[toks[c.t1-1].Start:toks[c.t1-1].End])) {
			c.t1--
		}
		for c.t1-c.t0 > 1 {
			w := word(c.t0)
			if w == "according" && c.t1-c.t0 > 2 && word(c.t0+1) == "to" {
				c.t0 += 2
				continue
			}
			if !reporting[w] || c.t0+1 >= c.t1 || punct(c.t0+1) {
				break
			}
			c.t0++
		}
		for c.t1-c.t0 > 1 && punct(c.t1-1) {
			c.t1--
		}
	}
}

// passiveCue reports a reported attribution whose cue is a passive verb
// with its agent after it ("the camp was attacked by militiamen"): the
// subject before it is what the verb was done to, not a speaker.
func passiveCue(s string, toks []document.Token, q *attribution) bool {
	if !q.hasCue || q.source.End == 0 || q.source.Start >= q.cue.Start {
		return false
	}
	ct := toksIn(toks, q.cue)
	if len(ct) < 2 {
		return false
	}
	switch lowerWord(s[ct[0].Start:ct[0].End]) {
	case "was", "were", "is", "are", "been", "being", "be":
	default:
		return false
	}
	last := ct[len(ct)-1]
	for i := range toks {
		if toks[i].Start >= last.End {
			return lowerWord(s[toks[i].Start:toks[i].End]) == "by"
		}
	}
	return false
}

// adjunctStarts open the phrases that trail a reporting verb without being
// what was said: "the ministry said on Tuesday", "Obama said in a speech".
// A "that" clause or a quotation never opens with them.
var adjunctStarts = map[string]bool{"on": true, "in": true, "at": true, "during": true, "after": true,
	"before": true, "late": true, "earlier": true, "last": true, "this": true, "yesterday": true, "today": true,
	"tonight": true, "friday": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"saturday": true, "sunday": true, "via": true, "through": true, "while": true, "when": true}

// maxAdjunct is the longest trailing phrase (in tokens) read as an adjunct.
const maxAdjunct = 6

// sentenceAdverbs are adverbs that often follow a speaker's name.
var sentenceAdverbs = map[string]bool{"however": true, "also": true, "too": true, "still": true, "then": true,
	"now": true, "again": true, "later": true, "meanwhile": true, "once": true, "previously": true, "often": true}

// isAdverb reports whether w is a manner or sentence adverb: an -ly word
// ("politely", "constantly") or one of sentenceAdverbs.
func isAdverb(w string) bool {
	if sentenceAdverbs[w] {
		return true
	}
	if len(w) < 5 || !strings.HasSuffix(w, "ly") {
		return false
	}
	switch w {
	case "family", "italy", "july", "rally", "ally", "assembly", "supply", "reply", "daily", "weekly", "monthly", "only", "early", "elderly", "lily", "billy", "kelly", "emily", "holly", "sally", "molly", "wholly", "bully", "anomaly", "monopoly", "majority":
		return false
	}
	return true
}

// group pairs cue chunks with content and source chunks. Pairs are made
// greedily by distance in tokens, never across sentences (a content chunk
// may spill into the next sentence only when it touches the cue), so two
// attributions in one paragraph do not swap their parts.
func group(s string, toks []document.Token, sentOf []int, chunks []chunk) []attribution {
	type pair struct{ cue, other, gap int }
	var pairs []pair
	gapOf := func(c, o chunk) int {
		if o.t0 >= c.t1 {
			return 2 * (o.t0 - c.t1)
		}
		return 2*(c.t0-o.t1) + 1 // a following chunk wins a tie
	}
	for ci, c := range chunks {
		if c.role != 2 {
			continue
		}
		for k, o := range chunks {
			if o.role == 1 || o.role == 3 {
				g := gapOf(c, o)
				sc := sentOf[c.t0]
				same := sentOf[o.t0] <= sc && sc <= sentOf[o.t1-1]
				near := g <= 6 && sentOf[o.t0]-1 <= sc && sc <= sentOf[o.t1-1]+1
				limit := 120
				if o.role == 1 {
					limit = 60
				}
				if (same || near) && g <= limit {
					pairs = append(pairs, pair{ci, k, g})
				}
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].gap < pairs[j].gap })
	content := map[int]int{}
	source := map[int]int{}
	used := make([]bool, len(chunks))
	for _, p := range pairs {
		role := chunks[p.other].role
		m := content
		if role == 1 {
			m = source
		}
		if _, done := m[p.cue]; done || used[p.other] {
			continue
		}
		m[p.cue] = p.other
		used[p.other] = true
	}
	var out []attribution
	for ci, c := range chunks {
		if c.role != 2 {
			continue
		}
		k, ok := content[ci]
		var q attribution
		if ok {
			q = attribution{cue: spanOf(toks, c.t0, c.t1), hasCue: true, inherited: -1, citation: -1, conf: 0.75, cueMargin: c.margin,
				content: spanOf(toks, chunks[k].t0, chunks[k].t1), c1: k, c2: -1}
		} else {
			// the tagger found the cue but no content of its own: the
			// clause after it (or before it) in the sentence stands in
			// for the content, so the cue and its source are not lost
			sp, found := clauseNear(s, toks, sentOf, chunks, c)
			// a content chunk another cue took, when it is this cue's
			// nearest: "…would have consequences, Carter said." after a
			// spurious cue inside the clause
			bestGap := 13
			for _, p := range pairs {
				if p.cue == ci && chunks[p.other].role == 3 && p.gap < bestGap {
					bestGap = p.gap
					sp, found = spanOf(toks, chunks[p.other].t0, chunks[p.other].t1), true
				}
			}
			if !found {
				continue
			}
			q = attribution{cue: spanOf(toks, c.t0, c.t1), hasCue: true, inherited: -1, citation: -1, conf: 0.55, cueMargin: c.margin,
				content: sp, c1: -1, c2: -1}
		}
		if k2, ok := source[ci]; ok {
			q.source = spanOf(toks, chunks[k2].t0, chunks[k2].t1)
			q.hasSource = true
		} else {
			q.conf -= 0.15
		}
		out = append(out, q)
	}
	// content with no cue of its own: the second half of an interrupted
	// quote ("…," he said, "…"), or a quotation continuing the last speaker.
	for k, c := range chunks {
		if c.role != 3 || used[k] {
			continue
		}
		sp := spanOf(toks, c.t0, c.t1)
		merged := false
		for i := range out {
			q := &out[i]
			if q.c2 >= 0 {
				continue
			}
			// "“…,” the mayor said, “…”" where the cue took the second
			// fragment: this chunk is the first
			head := q.cue.Start
			if q.hasSource {
				head = min(head, q.source.Start)
			}
			if q.content.Start > q.cue.End && sp.End <= head && head-sp.End <= 8 && countWords(toks, sp.End, head) == 0 {
				q.content2, q.content = q.content, sp
				q.c2 = k
				merged = true
				break
			}
			if q.content.End > q.cue.Start || sp.Start < q.cue.End {
				continue
			}
			end := q.cue.End
			if q.hasSource {
				end = max(end, q.source.End)
			}
			if sp.Start >= end && countWords(toks, end, sp.Start) == 0 && sp.Start-end <= 8 {
				q.c2 = k
				q.content2 = sp
				merged = true
				break
			}
		}
		if merged {
			continue
		}
		q := attribution{content: sp, inherited: -2, citation: -1, conf: 0.5, c1: k, c2: -1}
		for i := len(out) - 1; i >= 0; i-- {
			if out[i].hasCue && out[i].content.End <= sp.Start {
				q.inherited = -3 // resolved by fixInherited to the previous cue in text order
				break
			}
		}
		out = append(out, q)
	}
	return out
}

// clauseNear returns the words after cue chunk c up to the end of its
// sentence, or else those before it (and before its source, when the
// source sits between) from the sentence start, stopping at any other
// chunk; it needs at least two words. A short time or place phrase after
// the cue ("said on Tuesday", "said in a speech") is not what was said: the
// clause before is taken instead ("Prices rose, the ministry said on
// Tuesday").
func clauseNear(s string, toks []document.Token, sentOf []int, chunks []chunk, c chunk) (document.Span, bool) {
	taken := func(i int) bool {
		for _, o := range chunks {
			if o.role != 0 && o.t0 <= i && i < o.t1 {
				return true
			}
		}
		return false
	}
	words := func(a, b int) int {
		n := 0
		for i := a; i < b; i++ {
			if toks[i].Kind == document.TokWord || toks[i].Kind == document.TokNumber {
				n++
			}
		}
		return n
	}
	sent := sentOf[c.t0]
	e := c.t1
	for e < len(toks) && sentOf[e] == sent && !taken(e) && e-c.t1 < 80 {
		e++
	}
	for e > c.t1 && toks[e-1].Kind == document.TokPunct {
		e--
	}
	adjunct := e > c.t1 && e-c.t1 <= maxAdjunct && adjunctStarts[lowerWord(s[toks[c.t1].Start:toks[c.t1].End])]
	if words(c.t1, e) >= 2 && !adjunct {
		return spanOf(toks, c.t1, e), true
	}
	start := c.t0
	for _, o := range chunks {
		if o.role == 1 && o.t1 == start && sentOf[o.t0] == sent {
			start = o.t0 // "…, the ministry said": skip the source
		}
	}
	b := start
	for b > 0 && sentOf[b-1] == sent && !taken(b-1) && start-b < 80 {
		b--
	}
	for b < start && toks[b].Kind == document.TokPunct {
		b++
	}
	end := start
	for end > b && toks[end-1].Kind == document.TokPunct {
		end--
	}
	if words(b, end) >= 2 {
		return spanOf(toks, b, end), true
	}
	return document.Span{}, false
}

func spanOf(toks []document.Token, t0, t1 int) document.Span {
	return document.Span{Start: toks[t0].Start, End: toks[t1-1].End}
}

// widenToQuotes extends content that starts or ends inside an outermost
// quotation to the quotation's marks, so a direct quote is whole.
func widenToQuotes(s string, toks []document.Token, qs []qspan, as []attribution) []attribution {
	for i := range as {
		c := &as[i].content
		for _, q := range qs {
			if q.depth != 0 {
				continue
			}
			a, b := q.outer()
			if a >= c.End {
				break
			}
			if b <= c.Start {
				continue
			}
			if c.Start > a && c.Start <= a+q.openLen+3 || c.Start > a && q.paras == 1 && c.End >= b-q.closeLen {
				c.Start = a
			}
			if c.End < b && c.End >= b-q.closeLen-2 || c.End < b && c.Start <= a && q.paras == 1 {
				c.End = b
			}
		}
	}
	return as
}

// minQuoteWords is the least number of words a quotation needs to be
// treated as speech without a cue: shorter quoted phrases are names, titles
// or scare quotes ("the ‘liberation’ of Raqqa").
const minQuoteWords = 6

// addUncoveredQuotes turns long quotations that no attribution covers into
// attributions that continue the most recent speaker within two paragraphs.
func addUncoveredQuotes(s string, toks []document.Token, qs []qspan, as []attribution) []attribution {
	var add []attribution
	k := 0
	for _, q := range qs {
		if q.depth != 0 {
			continue
		}
		a, b := q.outer()
		covered := false
		for _, x := range as {
			if x.overlapsContent(a, b) {
				covered = true
				break
			}
		}
		if covered || countWords(toks, a, b) < minQuoteWords {
			continue
		}
		// the nearest earlier attribution with a cue, within ~2 paragraphs
		for k < len(as) && as[k].content.Start < a {
			k++
		}
		prev := -1
		for j := k - 1; j >= 0; j-- {
			if as[j].hasCue || as[j].inherited >= 0 {
				prev = j
				break
			}
		}
		if prev < 0 || strings.Count(s[as[prev].content.End:a], "\n") > 4 {
			continue
		}
		add = append(add, attribution{content: document.Span{Start: a, End: b}, inherited: prev, citation: -1, c1: -1, c2: -1, conf: 0.55})
	}
	return insertSorted(as, add)
}

func countWords(toks []document.Token, a, b int) int {
	i := sort.Search(len(toks), func(k int) bool { return toks[k].Start >= a })
	n := 0
	for ; i < len(toks) && toks[i].End <= b; i++ {
		if toks[i].Kind == document.TokWord || toks[i].Kind == document.TokNumber {
			n++
		}
	}
	return n
}

// labelOf says whether content is a direct quotation (all inside one pair
// of marks), mixed (a reported clause with a quoted fragment) or indirect.
func labelOf(s string, qs []qspan, c document.Span) string {
	t0, t1 := trimSpan(s, c.Start, c.End)
	hasQuote := false
	for _, q := range qs {
		if q.depth != 0 {
			continue
		}
		a, b := q.outer()
		if a >= c.End {
			break
		}
		if b <= c.Start {
			continue
		}
		ia, ib := q.inner()
		if a <= t0+1 && b >= t1-1 || ia <= t0 && ib >= t1 {
			return "direct"
		}
		if ib-ia > 0 {
			hasQuote = true
		}
	}
	if hasQuote {
		return "mixed"
	}
	return "indirect"
}

// trimSpan drops spaces and non-quote punctuation at both ends.
func trimSpan(s string, a, b int) (int, int) {
	for a < b {
		r, size := utf8.DecodeRuneInString(s[a:b])
		if !(unicode.IsSpace(r) || unicode.IsPunct(r) && !isQuoteRune(r)) {
			break
		}
		a += size
	}
	for b > a {
		r, size := utf8.DecodeLastRuneInString(s[a:b])
		if !(unicode.IsSpace(r) || unicode.IsPunct(r) && !isQuoteRune(r)) {
			break
		}
		b -= size
	}
	return a, b
}
