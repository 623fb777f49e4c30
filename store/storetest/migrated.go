package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/newslens/newslens/store"
)

// CheckMigrated0001 checks a store opened on a database written by the
// 0001 schema, holding document "d1" with text, title "Shelling", one date
// annotation ("Tuesday") and the entities Q1 (ORG Rebels, 1 mention) and Q2
// (LOC Suburbs, 3 mentions), published in February 2020: the document reads
// back, migration 0003 ranked its entities and counted it into the rollups.
// Both dialects' migration tests write that document their own way and
// share these checks.
func CheckMigrated0001(t *testing.T, s store.Store, db *sql.DB, text string) {
	t.Helper()
	ctx := context.Background()
	d, err := s.Get(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Text != text || d.Title != "Shelling" || len(d.Annotations) != 1 || d.Annotations[0].Text != "Tuesday" {
		t.Errorf("migrated document = %q %q %+v", d.Title, d.Text, d.Annotations)
	}
	var rnk int
	if err := db.QueryRowContext(ctx, `SELECT rnk FROM doc_entities WHERE entity = 'Q2'`).Scan(&rnk); err != nil || rnk != 0 {
		t.Errorf("rank of the most mentioned entity = %d, %v", rnk, err)
	}
	for agg, want := range map[store.Aggregation]string{
		store.AggEntities:     "Q1|ORG|Rebels=1 Q2|LOC|Suburbs=1",
		store.AggCooccurrence: "Q1|Q2=1",
		store.AggVolume:       "2020-02=1",
	} {
		rows, err := s.Aggregate(ctx, store.AggQuery{Agg: agg}, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s=%d", strings.Join(r.Keys, "|"), r.Count))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s after migration = %q, want %q", agg, got, want)
		}
	}
}
