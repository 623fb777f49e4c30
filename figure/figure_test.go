package figure

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// run analyses txt (published may be nil) and returns its annotations.
func run(t testing.TB, txt string, published *time.Time) []document.Annotation {
	t.Helper()
	doc := &document.Document{Text: txt, Published: published}
	text.Segment(doc)
	if err := New().Analyze(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	return doc.Annotations
}

// describe renders an annotation as "kind label value/iso" for comparison.
func describe(a document.Annotation) string {
	switch a.Kind {
	case "date":
		if a.Label == "duration" {
			return fmt.Sprintf("date duration %v", a.Attrs["duration"])
		}
		if a.Label == "time" {
			return fmt.Sprintf("date time %v", a.Attrs["time"])
		}
		iso, _ := a.Attrs["iso"].(string)
		if iso == "" {
			iso = "?"
		}
		return fmt.Sprintf("date %s %s", a.Label, iso)
	case "amount":
		s := fmt.Sprintf("amount %s %g", a.Label, a.Attrs["value"])
		if c, ok := a.Attrs["currency"]; ok {
			s += " " + c.(string)
		}
		if u, ok := a.Attrs["unit"]; ok {
			s += " " + u.(string)
		}
		return s
	}
	return fmt.Sprintf("%s %s %g", a.Kind, a.Label, a.Attrs["value"])
}

func has(as []document.Annotation, want string) bool {
	for _, a := range as {
		if describe(a) == want {
			return true
		}
	}
	return false
}

func day(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestFigures(t *testing.T) {
	pub := day("2017-09-06") // a Wednesday
	tests := []struct {
		name, text string
		published  *time.Time
		want       []string // each must be found
		not        []string // substrings of describe() that must not appear
	}{
		{"count with approximation and place", "The UN says there are about 25,000 civilians trapped in Raqqa.", nil,
			[]string{"count trapped 25000"}, nil},
		{"rate", "Officials say on average 27 killed every day in the city.", nil, []string{"count killed 27"}, nil},
		{"verb before", "The bomb exploded on Thursday, killing at least 20 people.", pub, []string{"count killed 20", "date date 2017-08-31"}, nil},
		{"number words", "Twenty-nine people were injured tonight.", pub, []string{"count wounded 29", "date date 2017-09-06"}, nil},
		{"vague", "Hundreds of protesters marched; tens of thousands of people were displaced.", nil,
			[]string{"count protesting 200", "count displaced 20000"}, nil},
		{"hundreds of thousands", "It left hundreds of thousands of people displaced.", nil, []string{"count displaced 200000"}, nil},
		{"event noun", "There have been 163 deaths and 2,335 cases.", nil, []string{"count killed 163", "count sick 2335"}, nil},
		{"range", "Between 10 and 20 soldiers were killed.", nil, []string{"count killed 10"}, nil},
		{"identifier", "They reunited with Brigade 137, pinned down since 2014.", nil, []string{"date date 2014"}, []string{"count"}},
		{"headline", "Car Bomb Kills 20 in Baghdad", nil, []string{"count killed 20"}, nil},
		{"age and ordinal", "Smith, 45, was the 3rd person to speak; a 30-year-old man was arrested.", nil, nil, []string{"count"}},
		{"phone", "Call 800-273-8255 or 555 1234 for help.", nil, nil, []string{"count", "amount"}},
		{"lives saved", "The vaccine saved 300 lives.", nil, nil, []string{"count"}},
		{"pounds sterling", "the £200m aid money the government has been donating", nil, []string{"amount money 2e+08 GBP"}, nil},
		{"dollars bn", "a $1.5bn loan and €3 million in aid and 200 million dollars", nil,
			[]string{"amount money 1.5e+09 USD", "amount money 3e+06 EUR", "amount money 2e+08 USD"}, nil},
		{"US dollars glued", "donations hit $1billion; US$5m more", nil, []string{"amount money 1e+09 USD", "amount money 5e+06 USD"}, nil},
		{"200m race is not money", "He won the 200m race.", nil, nil, []string{"amount money"}},
		{"percent", "Growth was 1.6 percent, down 0.2 percentage points; 25% said no; 3 per cent", nil,
			[]string{"amount percent 1.6", "amount percent 0.2", "amount percent 25", "amount percent 3"}, nil},
		{"quantity", "It is 70 km from Johannesburg; winds of 155 mph and 125-mph gusts.", nil,
			[]string{"amount quantity 70 km", "amount quantity 155 mph", "amount quantity 125 mph"}, nil},
		{"absolute dates", "On 1 September 2017, Aug. 31, 2017, 26/08/2017 and 2017-08-17.", nil,
			[]string{"date date 2017-09-01", "date date 2017-08-31", "date date 2017-08-26", "date date 2017-08-17"}, nil},
		{"partial dates resolve to the anchor's year", "In July they fought; then, in August, more. (RT, 2 September 2017)", nil,
			[]string{"date date 2017-07", "date date 2017-08"}, nil},
		{"month a year back", "In December the talks began.", day("2017-02-01"), []string{"date date 2016-12"}, nil},
		{"relative", "Yesterday, last week, last month, last year and two weeks ago.", pub,
			[]string{"date date 2017-09-05", "date date 2017-W35", "date date 2017-08", "date date 2016", "date date 2017-08-23"}, nil},
		{"weekday past and future", "He spoke on Monday. They will vote on Friday.", pub,
			[]string{"date date 2017-09-04", "date date 2017-09-08"}, nil},
		{"no anchor", "The outbreak began on Monday.", nil, []string{"date date ?"}, nil},
		{"ranges", "The poll ran September 16-19 and Sept. 19 to 22; from 2001 to 2014.", pub,
			[]string{"date range 2017-09-16/2017-09-19", "date range 2017-09-19/2017-09-22", "date range 2001/2014"}, nil},
		{"month of year", "It began in August of 2008 and spread since August of last year.", pub,
			[]string{"date date 2008-08", "date date 2016-08"}, nil},
		{"duration", "The siege lasted for three weeks.", pub, []string{"date duration P3W"}, nil},
		{"invalid date", "It happened on 31/02/2017.", nil, nil, []string{"date"}},
		{"newspaper name", "a USA TODAY analysis", pub, nil, []string{"date"}},
		{"figurative tomorrow", "hoping for a brighter tomorrow", pub, nil, []string{"date"}},
		{"critical condition after a blast", "The blast killed two. Three others remain in critical condition.", nil,
			[]string{"count wounded 3", "count killed 2"}, nil},
		{"in hospital with a disease", "The cholera outbreak has spread. Twelve are recovering in hospital.", nil,
			[]string{"count sick 12"}, nil},
		{"times", "It went off around 8:30 p.m.; talks at noon, 10am and 14:30 GMT; the score was 3:1.", nil,
			[]string{"date time 20:30", "date time 12:00", "date time 10:00", "date time 14:30"}, []string{"03:01"}},
		{"died and injured", "At least 12 people died and 30 were injured.", nil, []string{"count killed 12", "count wounded 30"}, nil},
		{"left dead and wounded", "The attack left 20 dead and 50 wounded.", nil, []string{"count killed 20", "count wounded 50"}, nil},
		{"verb before beats a later predicate", "The quake killed more than 2,000 people and injured thousands more.", nil,
			[]string{"count killed 2000", "count wounded 2000"}, nil},
		{"abducted", "Gunmen abducted 110 schoolgirls from a school in Dapchi.", nil, []string{"count kidnapped 110"}, nil},
		{"forced to evacuate", "The fire forced 5,000 residents to evacuate.", nil, []string{"count evacuated 5000"}, nil},
		{"drowned", "In 2015, 3,771 migrants drowned in the Mediterranean.", nil, []string{"count killed 3771", "date date 2015"}, nil},
		{"rupees and km/h", "He was fined Rs 5,000; winds reached 150 km/h.", nil,
			[]string{"amount money 5000 INR", "amount quantity 150 km/h"}, nil},
		{"future yearless date", "Elections will be held on 5 November.", pub, []string{"date date 2017-11-05"}, nil},
		{"past yearless date", "The law took effect on Jan. 1.", pub, []string{"date date 2017-01-01"}, nil},
		{"last weekend", "The summit, held last weekend, ended without a deal.", pub, []string{"date date 2017-W35"}, nil},
		{"number of as subject", "The number of people killed in the region has now increased to 19.", nil, []string{"count killed 19"}, nil},
		{"number of displaced", "The number of refugees has reached 1.2 million.", nil, []string{"count displaced 1.2e+06"}, nil},
		{"number of without type", "The number of schools in the area was 95.", nil, nil, []string{"count"}},
		{"proportion", "Nine out of ten patients were struck.", nil, nil, []string{"count"}},
		{"demonym plural", "Eight Californians contracted a rare infection.", nil, []string{"count sick 8"}, nil},
		{"possessive event noun", "It caused 18 children's deaths.", nil, []string{"count killed 18"}, nil},
		{"protest by taking part", "More than 100,000 people took part in a nationwide walk-in.", nil, []string{"count protesting 100000"}, nil},
		{"parenthesis", "Seventeen people in Congo (DRC) have died.", nil, []string{"count killed 17"}, nil},
		{"month ranges", "During the monsoon (July-September), and between May and July.", pub,
			[]string{"date range 2017-07/2017-09", "date range 2017-05/2017-07"}, nil},
		{"road code and quantity are not years", "north on FR 1497; 1500 or more are ill", nil, nil, []string{"date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := run(t, tt.text, tt.published)
			var got []string
			for _, a := range as {
				got = append(got, describe(a))
			}
			for _, w := range tt.want {
				if !has(as, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, n := range tt.not {
				for _, g := range got {
					if strings.Contains(g, n) {
						t.Errorf("unexpected %q in %q", g, got)
					}
				}
			}
		})
	}
}

func TestCountAttrs(t *testing.T) {
	as := run(t, "The United Nations says there are about 25,000 civilians trapped in Raqqa, with on average 27 killed every day.", nil)
	var counts []document.Annotation
	for _, a := range as {
		if a.Kind == "count" {
			counts = append(counts, a)
		}
	}
	if len(counts) != 2 {
		t.Fatalf("counts = %v", counts)
	}
	c := counts[0]
	if c.Attrs["object"] != "civilians" || c.Attrs["approx"] != "about" || c.Attrs["place"] != "Raqqa" {
		t.Errorf("attrs %v", c.Attrs)
	}
	if c.Parts["number"].Len() == 0 || c.Parts["object"].Len() == 0 {
		t.Errorf("parts %v", c.Parts)
	}
	if counts[1].Attrs["rate"] != "day" || counts[1].Label != Killed {
		t.Errorf("rate count %v", counts[1])
	}
}

// TestBadNumbers: hostile numbers are rejected or bounded, never overflow.
func TestBadNumbers(t *testing.T) {
	long := strings.Repeat("9", 500)
	for _, in := range []string{
		long + " people were killed",
		"1e308 people were killed and $1e308",
		"$" + long + " in aid",
		"٢٥٬٠٠٠ civilians were trapped",
		"99,999,999,999,999,999 people died",
		"31/02/2017 and 29/02/2017 and 00/00/0000",
	} {
		for _, a := range run(t, in, nil) {
			if v, ok := a.Attrs["value"].(float64); ok && (math.IsInf(v, 0) || math.IsNaN(v) || v > maxValue) {
				t.Errorf("%q: value %v", in, v)
			}
			if a.Kind == "date" {
				t.Errorf("%q: invalid date accepted: %v", in, a.Attrs)
			}
		}
	}
	// Arabic-Indic digits are read, not dropped
	if !has(run(t, "٢٥٠٠٠ civilians were trapped", nil), "count trapped 25000") {
		t.Error("Arabic-Indic digits not read")
	}
}

func TestParseDigits(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"25,000", 25000, true}, {"1.5", 1.5, true}, {"1,234.5", 1234.5, true}, {"12,34", 0, false},
		{"١٢٣", 123, true}, {"1.2.3", 0, false}, {strings.Repeat("1", 17), 0, false}, {"", 0, false},
	} {
		got, ok := parseDigits(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseDigits(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDump prints the figures of a file (FIGDUMP=path), for error analysis.
func TestDump(t *testing.T) {
	p := os.Getenv("FIGDUMP")
	if p == "" {
		t.Skip("set FIGDUMP=path to print a file's figures")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range run(t, string(b), nil) {
		fmt.Printf("%d\t%s\t%s\t%q\t%v\n", a.Start, a.Kind, a.Label, a.Text, a.Attrs)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"The United Nations says there are about 25,000 civilians trapped in Raqqa, with on average 27 killed every day.",
		"£200m aid money; $1.5bn; €3 million; 200 million dollars; 3.5%; 40 km",
		"1 September 2017, 26/08/2017, Aug. 31, In July, since 2014, last year, yesterday, on Sunday, two weeks ago",
		"Brigade 137 " + strings.Repeat("9", 500) + " 1e308 ٢٥ 31/02/2017 May 13-15 between 2014 and 2016",
		"hundreds of thousands of people killed 12-15 Sept. 19 to 22 mid-September $1B 125-mph",
	} {
		f.Add(s)
	}
	an := New()
	f.Fuzz(func(t *testing.T, s string) {
		// documents hold valid UTF-8 (extraction guarantees it)
		s = strings.ToValidUTF8(s, "\uFFFD")
		doc := &document.Document{Text: s}
		text.Segment(doc)
		if err := an.Analyze(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, a := range doc.Annotations {
			if v, ok := a.Attrs["value"].(float64); ok && (math.IsInf(v, 0) || math.IsNaN(v) || v < 0 || v > maxValue) {
				t.Fatalf("value %v in %q", v, a.Text)
			}
			if iso, ok := a.Attrs["iso"].(string); ok && iso == "" {
				t.Fatalf("empty iso in %q", a.Text)
			}
		}
	})
}
