package sqlstore

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestTally checks one document's rollup contributions, that the rows
// come in the rollups' key order, and that subtracting a document undoes
// adding it.
func TestTally(t *testing.T) {
	pub := time.Date(2019, 3, 4, 12, 0, 0, 0, time.UTC)
	f := docFacts{
		outlet:    "Rep",
		published: &pub,
		ann: []annFact{
			{kind: "place", key: "170063", name: "Aleppo", n: 2},
			{kind: "quote", key: "Q9", name: "Ahmad Khalil", n: 3},
			{kind: "technique", label: "Loaded_Language", n: 1},
			{kind: "count", label: "killed", n: 2}, // not in any rollup
		},
		ents:   []entFact{{entity: "Q9", rnk: 0, portrayal: "negative"}, {entity: "Q1", rnk: 1}, {entity: "Q7", rnk: 9}},
		events: []eventFact{{typ: "FIGHT", source: "Q1", target: "Q9", n: 2}},
	}
	tl := newTally(1)
	tl.add(&f, 1)
	month := fmt.Sprint(monthDay(pub))
	day := fmt.Sprint(pub.Unix() / 86400)
	want := map[string]int64{}
	for _, p := range []int{0, 2019} {
		for k, n := range map[string]int64{
			"volume||" + day: 1, "volume-outlet|Rep|" + day: 1,
			"places||170063": 2, "speakers|Rep|Ahmad Khalil": 3, "quoted-entities|Rep|Q9": 3,
			"outlet-technique|Rep|Loaded_Language": 1,
			"entities||Q9":                         1, "entities||Q1": 1, "entities||Q7": 1,
			"portrayal||Q9\tnegative": 1, "portrayed||Q9": 1, "portrayal-by-outlet|Rep|Q9\tnegative": 1,
			"events||FIGHT": 2, "event-actors|source\tFIGHT|Q1": 2, "event-actors|target\tFIGHT|Q9": 2,
			"cooccurrence||Q1\tQ9": 1,
		} {
			want[fmt.Sprintf("%s|%d", k, p)] = n
		}
	}
	want["portrayal-by-time|Q9|negative\t"+month+"|0"] = 1
	want["events-by-time||FIGHT\t"+month+"|0"] = 2
	rows := tl.rows()
	got := map[string]int64{}
	for _, r := range rows {
		got[fmt.Sprintf("%s|%s|%s|%d", r.agg, r.k1, r.k2, r.period)] = r.n
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
	if !sort.SliceIsSorted(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		return strings.Join([]string{a.agg, fmt.Sprintf("%08d", a.period), a.k1, a.k2}, "\x00") <
			strings.Join([]string{b.agg, fmt.Sprintf("%08d", b.period), b.k1, b.k2}, "\x00")
	}) {
		t.Error("rows not in key order")
	}
	tl.add(&f, -1)
	if rows := tl.rows(); len(rows) != 0 {
		t.Errorf("after subtracting: %d rows, first %+v", len(rows), rows[0])
	}
}
