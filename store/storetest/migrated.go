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
// (LOC Suburbs, 3 mentions), analysed by figures 1 and entities 2.1
// (doc_analyzers rows), published in February 2020: the document reads
// back, migration 0003 ranked its entities and counted it into the rollups,
// and migration 0006 moved its analyzer versions into the documents row.
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
	for _, c := range []struct {
		want  map[string]string
		stale int
	}{
		{map[string]string{"figures": "1", "entities": "2.1"}, 0},
		{map[string]string{"figures": "1"}, 0},
		{map[string]string{"entities": "2"}, 1},
		{map[string]string{"figures": "1", "quotes": "1"}, 1},
	} {
		ids, err := s.Stale(ctx, c.want, "", 10)
		if err != nil || len(ids) != c.stale {
			t.Errorf("Stale(%v) after migration = %v, %v; want %d ids", c.want, ids, err, c.stale)
		}
	}
	if _, err := db.ExecContext(ctx, `SELECT 1 FROM doc_analyzers`); err == nil {
		t.Errorf("doc_analyzers still exists after migration 0006")
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
