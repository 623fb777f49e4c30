package portrayal

import (
	"context"
	"strings"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// docWith segments s and marks each (name, entity id, type) as entity
// mentions wherever the name occurs.
func docWith(t *testing.T, s string, ents ...[3]string) *document.Document {
	t.Helper()
	doc := &document.Document{Text: s}
	text.Segment(doc)
	for _, e := range ents {
		ent := document.Entity{ID: e[1], Name: e[0], Type: e[2]}
		for off := 0; ; {
			i := strings.Index(s[off:], e[0])
			if i < 0 {
				break
			}
			id, err := doc.Add(document.Annotation{Kind: "entity", Span: document.Span{Start: off + i, End: off + i + len(e[0])}, Label: e[2], Attrs: map[string]any{"entity_id": e[1]}})
			if err != nil {
				t.Fatal(err)
			}
			ent.Mentions = append(ent.Mentions, id)
			off += i + len(e[0])
		}
		doc.Entities = append(doc.Entities, ent)
	}
	return doc
}

// TestNominalsVoiceAttached checks the nominal linking, the voice of a
// judged object and the attached evaluative words on small texts.
func TestNominalsVoiceAttached(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		text string
		ents [][3]string
		// nominal text -> entity id linked ("" = none expected)
		nominals map[string]string
		// entity id -> voice of its first mention
		voices map[string]string
		// entity id -> attached words
		attached map[string][]string
		// entities with no attached words
		noAttached []string
	}{
		{name: "role after possessive", text: "Take John Smith. Britain's oafish foreign secretary was demanding more.",
			ents: [][3]string{{"John Smith", "smith", "PER"}}, nominals: map[string]string{"foreign secretary": "smith"},
			attached: map[string][]string{}},
		{name: "title before a name is not a nominal", text: "Mary Jones met President Obama.",
			ents: [][3]string{{"Mary Jones", "jones", "PER"}, {"Obama", "obama", "PER"}}, nominals: map[string]string{}},
		{name: "no person before", text: "The president spoke.", nominals: map[string]string{}},
		{name: "one-word person is no antecedent", text: "Victory to Smith. The president spoke.",
			ents: [][3]string{{"Smith", "smith", "PER"}}, nominals: map[string]string{}},
		{name: "judged object is the judge's view", text: "Donald Trump denounced Hezbollah as a menace.",
			ents:   [][3]string{{"Donald Trump", "trump", "PER"}, {"Hezbollah", "hzb", "ORG"}},
			voices: map[string]string{"hzb": "trump", "trump": VoiceAuthor}},
		{name: "appositive", text: "They met Saad Hariri, a corrupt liar, in Beirut.",
			ents:     [][3]string{{"Saad Hariri", "hariri", "PER"}},
			attached: map[string][]string{"hariri": {"corrupt", "liar"}}},
		{name: "a preposition ends the modifiers", text: "They took terrible action with Hezbollah.",
			ents:     [][3]string{{"Hezbollah", "hzb", "ORG"}},
			attached: map[string][]string{}, noAttached: []string{"hzb"}},
		{name: "predicate and parenthesis", text: "The Free Army (FA) terrorists attacked.",
			ents:     [][3]string{{"Free Army", "fa", "ORG"}},
			attached: map[string][]string{"fa": {"terrorists"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := docWith(t, tc.text, tc.ents...)
			if err := a.Analyze(context.Background(), doc); err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			voice := map[string]string{}
			for _, an := range doc.Of("portrayal") {
				id := an.Attrs["entity_id"].(string)
				if an.Attrs["nominal"] == true {
					got[an.Text] = id
				}
				if _, ok := voice[id]; !ok {
					voice[id] = an.Attrs["voice"].(string)
				}
			}
			if tc.nominals != nil && len(got) != len(tc.nominals) {
				t.Errorf("nominals %v, want %v", got, tc.nominals)
			}
			for k, v := range tc.nominals {
				if got[k] != v {
					t.Errorf("nominal %q -> %q, want %q", k, got[k], v)
				}
			}
			for k, v := range tc.voices {
				if voice[k] != v {
					t.Errorf("voice of %s = %q, want %q", k, voice[k], v)
				}
			}
			sum := doc.Summaries[Name].(Summary)
			for _, id := range tc.noAttached {
				for _, e := range sum.Entities {
					if e.EntityID == id && len(e.Attached) > 0 {
						t.Errorf("%s attached %v, want none", id, e.Attached)
					}
				}
			}
			for id, want := range tc.attached {
				var words []string
				for _, e := range sum.Entities {
					if e.EntityID == id {
						for _, ev := range e.Attached {
							words = append(words, ev.Text)
						}
					}
				}
				for _, w := range want {
					if !strings.Contains(strings.Join(words, " "), w) {
						t.Errorf("%s attached %v, want %q among them", id, words, w)
					}
				}
			}
		})
	}
}

// TestFitAggregator: with nothing to learn beyond the model's own
// probabilities the fit stays near them, and an informative extra feature
// gets a weight of the right sign.
func TestFitAggregator(t *testing.T) {
	var x [][NumFeatures]float64
	var y []int
	for i := range 300 {
		c := i % 3
		p := [3]float64{0.2, 0.2, 0.2}
		p[c] = 0.6
		f := MentionFeatures(p, nil, nil)
		// techniques aimed at negative targets only
		if c == 0 && i%2 == 0 {
			f[FeatTechNeg] = 0.5
		}
		x, y = append(x, f), append(y, c)
	}
	a := FitAggregator(x, y, AggregateOptions{Use: []int{FeatLogNeg, FeatLogNeu, FeatLogPos, FeatTechNeg}, L2: 0.01})
	if a.W[0][FeatTechNeg] <= a.W[2][FeatTechNeg] {
		t.Errorf("technique weight negative %v <= positive %v", a.W[0][FeatTechNeg], a.W[2][FeatTechNeg])
	}
	for i := range x {
		if got := Argmax(a.Probs(x[i])); got != y[i] {
			t.Fatalf("example %d: predicted %d, gold %d", i, got, y[i])
		}
	}
	id := FitAggregator(x, y, AggregateOptions{Use: []int{}, Iterations: -1})
	if !id.Identity() || a.Identity() {
		t.Errorf("Identity: %v for the prior, %v for the fitted combiner", id.Identity(), a.Identity())
	}
	p := id.Probs(x[0])
	if p[0] < 0.59 || p[0] > 0.61 {
		t.Errorf("identity combiner changed the probabilities: %v", p)
	}
}

// TestQuoteMarks: the per-sentence quote-mark offsets give the same answer
// as scanning the sentence, and the shipped combiner is the identity (so
// Analyze may skip it).
func TestQuoteMarks(t *testing.T) {
	for _, s := range []string{`He said "Smith is «bad»" and “Jones” too`, `no marks`, `"unclosed Smith`, `“a” “b” c`} {
		var q quoteMarks
		q.build(s)
		for i := range len(s) + 1 {
			if i < len(s) && !utf8RuneStart(s[i]) {
				continue
			}
			if got, want := q.inQuote(i), inQuoteMarks(s, i); got != want {
				t.Errorf("%q at %d: %v, want %v", s, i, got, want)
			}
		}
	}
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if !a.agg.Identity() {
		t.Log("the shipped combiner is not the identity")
	}
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
