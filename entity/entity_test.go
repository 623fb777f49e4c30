package entity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/extract"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/text"
)

// sharedDir finds ../shared from the module root (two levels up from this
// package).
func sharedDir(t testing.TB) string {
	t.Helper()
	return testenv.Shared(t)
}

func newAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func analyzeText(t testing.TB, a *Analyzer, s string) *document.Document {
	t.Helper()
	doc := &document.Document{Text: s}
	text.Segment(doc)
	if err := a.Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// entityOf returns the entity that has a mention with exactly this text.
func entityOf(doc *document.Document, surface string) *document.Entity {
	ids := map[string]bool{}
	for _, an := range doc.Annotations {
		if an.Kind == "entity" && an.Text == surface {
			ids[an.ID] = true
		}
	}
	for i := range doc.Entities {
		for _, m := range doc.Entities[i].Mentions {
			if ids[m] {
				return &doc.Entities[i]
			}
		}
	}
	return nil
}

func TestSampleArticle(t *testing.T) {
	sh := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join(sh, "samples", "syria-2017-opinion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Config{Extractor: extract.New(extract.Options{}), Analyzers: []pipeline.Analyzer{newAnalyzer(t)}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := p.Process(context.Background(), input.Record{Name: "syria-2017-opinion.txt", Format: input.FormatText, Content: raw})
	if err != nil {
		t.Fatal(err)
	}
	same := [][]string{
		{"Daesh", "Islamic State", "Isil", "Isis"},
		{"SAA", "Syrian Arab Army"},
		{"FSA", "Free Syrian Army"},
		{"SNC", "Syrian National Coalition"},
		{"Assad", "President Assad"},
	}
	for _, g := range same {
		var first *document.Entity
		for _, s := range g {
			e := entityOf(doc, s)
			if e == nil && s == "President Assad" {
				// the tagger keeps titles out of names (as CoNLL does):
				// "President" must then be the person's title
				e = entityOf(doc, "Assad")
				if e == nil || !hasTitle(e, "President") {
					t.Errorf("Assad has no title President: %+v", e)
				}
			}
			if e == nil {
				t.Errorf("%q: no entity mention", s)
				continue
			}
			if first == nil {
				first = e
			} else if e.ID != first.ID {
				t.Errorf("%q is %s (%s), want %s (%s)", s, e.ID, e.Name, first.ID, first.Name)
			}
		}
	}
	types := map[string]string{
		"Boris Johnson": "PER", "Staffan de Mistura": "PER", "Zeid Ra’ad al-Hussein": "PER",
		"Musa al Khalifa": "PER", "Saad al-Hariri": "PER", "Erdogan": "PER", "Trump": "PER",
		"RT": "ORG", "Times": "ORG", "Guardian": "ORG", "Off-Guardian": "ORG",
		"Deir Ezzor": "LOC", // gazetteer "Deir ez-Zor" by names.Key settles the tagger's mixed types
	}
	for s, want := range types {
		e := entityOf(doc, s)
		if e == nil && (s == "Times" || s == "Guardian") {
			e = entityOf(doc, "The "+s)
			if e == nil {
				e = entityOf(doc, "the "+s)
			}
		}
		if e == nil {
			t.Errorf("%q: no entity", s)
			continue
		}
		if e.Type != want {
			t.Errorf("%q: type %s, want %s", s, e.Type, want)
		}
	}
	for _, s := range []string{"RT", "Off-Guardian"} {
		if e := entityOf(doc, s); e != nil && e.Attrs["outlet"] != true {
			t.Errorf("%q: not marked as an outlet: %v", s, e.Attrs)
		}
	}
	if e := entityOf(doc, "Mother Teresa"); e == nil {
		t.Errorf("Mother Teresa: no entity")
	} else if len(e.Mentions) != 1 {
		t.Errorf("Mother Teresa merged with %v", e.Aliases)
	}
	if e := entityOf(doc, "Staffan de Mistura"); e != nil && !hasTitle(e, "UN special envoy to Syria") {
		t.Errorf("de Mistura titles = %v", e.Attrs["titles"])
	}
	checkWellFormed(t, doc)
}

func hasTitle(e *document.Entity, t string) bool {
	ts, _ := e.Attrs["titles"].([]string)
	for _, x := range ts {
		if strings.Contains(x, t) {
			return true
		}
	}
	return false
}

// checkWellFormed asserts the analyzer's invariants: spans in bounds,
// known labels, every mention in exactly one entity, entity ids on
// annotations matching their entity.
func checkWellFormed(t testing.TB, doc *document.Document) {
	t.Helper()
	owner := map[string]string{}
	for _, e := range doc.Entities {
		switch e.Type {
		case "PER", "ORG", "LOC", "MISC":
		default:
			t.Errorf("entity %s has type %q", e.ID, e.Type)
		}
		if !strings.HasPrefix(e.ID, "e") || len(e.ID) != 17 {
			t.Errorf("entity id %q", e.ID)
		}
		for _, m := range e.Mentions {
			if _, dup := owner[m]; dup {
				t.Errorf("mention %s in two entities", m)
			}
			owner[m] = e.ID
		}
	}
	for _, a := range doc.Annotations {
		if a.Kind != "entity" {
			continue
		}
		if !a.Span.Valid(len(doc.Text)) || a.Start >= a.End || !utf8.ValidString(a.Text) {
			t.Errorf("bad span %+v", a.Span)
		}
		if owner[a.ID] == "" || owner[a.ID] != a.Attrs["entity_id"] {
			t.Errorf("annotation %s entity_id %v, owner %s", a.ID, a.Attrs["entity_id"], owner[a.ID])
		}
		if a.Confidence <= 0 || a.Confidence > 1 {
			t.Errorf("annotation %s confidence %v", a.ID, a.Confidence)
		}
	}
}

func TestMerging(t *testing.T) {
	a := newAnalyzer(t)
	tests := []struct {
		name       string
		text       string
		same, diff [][2]string
	}{
		{
			name: "surname short form",
			text: "Boris Johnson spoke in London on Monday. Later, Johnson said the talks had failed.",
			same: [][2]string{{"Boris Johnson", "Johnson"}},
		},
		{
			name: "two people share a surname",
			text: "Boris Johnson met Lyndon Johnson's biographer in London. Boris Johnson said nothing. Lyndon Johnson was president in 1964. Johnson signed the act.",
			diff: [][2]string{{"Boris Johnson", "Lyndon Johnson"}},
		},
		{
			name: "acronym defined in parentheses",
			text: "The Kurdistan Democratic Party (KDP) won the vote. A KDP official said the result was clear.",
			same: [][2]string{{"Kurdistan Democratic Party", "KDP"}},
		},
		{
			name: "alias table",
			text: "Fighters of Jabhat al-Nusra attacked the town. The Nusra Front denied it. ISIL and Daesh were not involved.",
			same: [][2]string{{"Jabhat al-Nusra", "Nusra Front"}, {"ISIL", "Daesh"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := analyzeText(t, a, tt.text)
			checkWellFormed(t, doc)
			for _, p := range tt.same {
				x, y := entityOf(doc, p[0]), entityOf(doc, p[1])
				if x == nil || y == nil || x.ID != y.ID {
					t.Errorf("%q and %q not one entity: %v / %v", p[0], p[1], x, y)
				}
			}
			for _, p := range tt.diff {
				x, y := entityOf(doc, p[0]), entityOf(doc, p[1])
				if x == nil || y == nil {
					t.Errorf("%q or %q missing", p[0], p[1])
				} else if x.ID == y.ID {
					t.Errorf("%q and %q merged", p[0], p[1])
				}
			}
		})
	}
}

func TestEntityIDStable(t *testing.T) {
	a := newAnalyzer(t)
	d1 := analyzeText(t, a, "Daesh fighters left the city.")
	d2 := analyzeText(t, a, "The Islamic State claimed the attack, ISIS said.")
	e1, e2 := entityOf(d1, "Daesh"), entityOf(d2, "ISIS")
	if e1 == nil || e2 == nil || e1.ID != e2.ID {
		t.Fatalf("ids differ across documents: %v %v", e1, e2)
	}
	if e1.ID != EntityID("ORG", "islamic-state") {
		t.Errorf("id %s is not EntityID(ORG, islamic-state)", e1.ID)
	}
}

func TestBadInput(t *testing.T) {
	a := newAnalyzer(t)
	inputs := map[string]string{
		"long token": strings.Repeat("A", 10000) + " said " + strings.Repeat("b", 10000),
		"no spaces":  strings.Repeat("SyriaDamascusAleppo", 600),
		"all caps":   strings.Repeat("PRESIDENT ASSAD MET VLADIMIR PUTIN IN MOSCOW . ", 200),
		"mixed":      "Путин встретился с Асадом في دمشق 和 Erdoğan in İstanbul (ISIL) ( ) (( ",
		"empty":      "",
		"parens":     strings.Repeat("( ( SAA ) ", 500),
	}
	for name, s := range inputs {
		t.Run(name, func(t *testing.T) {
			doc := analyzeText(t, a, s)
			checkWellFormed(t, doc)
		})
	}
}

func FuzzAnalyze(f *testing.F) {
	a, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"The Syrian Arab Army (SAA) entered Deir Ezzor.",
		"Daesh (‘Islamic State’) and Isil.",
		"President Assad met Boris Johnson. Johnson left.",
		"RT, The Times and the Guardian reported it.",
		"(", "((SAA", "A.B.C.D.E.F.G (ABCDEFG)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		doc := &document.Document{Text: s}
		text.Segment(doc)
		if err := a.Analyze(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		checkWellFormed(t, doc)
	})
}

func TestParseAliasesErrors(t *testing.T) {
	bad := []string{
		"x\tPER\n",
		"x\tTHING\tX\tY\n",
	}
	for _, s := range bad {
		if _, err := ParseAliases(strings.NewReader(s), "test"); err == nil {
			t.Errorf("ParseAliases(%q) gave no error", s)
		}
	}
	al, err := ParseAliases(strings.NewReader("# c\nfoo\tORG\tFoo Group\tFoo|~Fu\toutlet=true\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	if act := al.Lookup("the Foo Group"); act == nil || act.ID != "foo" || act.Attrs["outlet"] != true {
		t.Errorf("Lookup = %+v", act)
	}
	if act := al.Lookup("Fu"); act == nil {
		t.Errorf("lookup-only alias not found")
	}
}
