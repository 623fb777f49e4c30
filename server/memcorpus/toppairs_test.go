package memcorpus

import (
	"context"
	"reflect"
	"testing"

	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
)

// topPairs orders by count, then actor and target ids, keeps n, and names
// both ends.
func TestTopPairs(t *testing.T) {
	pairs := map[[2]string]int{{"b", "x"}: 2, {"a", "y"}: 2, {"a", "x"}: 5, {"c", "x"}: 1}
	names := map[string]string{"a": "A", "x": "X"}
	got := topPairs(pairs, names, 3)
	want := []server.EventPair{
		{Actor: "a", ActorName: "A", Target: "x", TargetName: "X", Count: 5},
		{Actor: "a", ActorName: "A", Target: "y", Count: 2},
		{Actor: "b", Target: "x", TargetName: "X", Count: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := topPairs(nil, nil, 3); len(got) != 0 {
		t.Errorf("no pairs: %+v", got)
	}
}

// Unfiltered statistics are cached until the next write; filtered ones are
// computed each time.
func TestAnalyticsCacheInvalidation(t *testing.T) {
	ctx := context.Background()
	c := New()
	docs := servertest.Docs()
	for _, d := range docs {
		if err := c.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	q := server.StatsRequest{By: "month"}
	ev1, err := c.EventStats(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	pt1, err := c.PortrayalStats(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if ev2, _ := c.EventStats(ctx, q); ev2 != ev1 {
		t.Error("unfiltered event stats recomputed without a write")
	}
	// A second copy of d1 (one event, one positive portrayal) under a new id.
	d := *docs[0]
	d.ID = "d1-copy"
	if err := c.Put(ctx, &d); err != nil {
		t.Fatal(err)
	}
	ev3, err := c.EventStats(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if ev3.Events != ev1.Events+1 {
		t.Errorf("after a write: %d events, want %d", ev3.Events, ev1.Events+1)
	}
	pt3, err := c.PortrayalStats(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if pt3.Documents != pt1.Documents+1 {
		t.Errorf("after a write: portrayal over %d documents, want %d", pt3.Documents, pt1.Documents+1)
	}
	f := server.StatsRequest{By: "month", Filter: server.Filter{Outlet: "Syria Times"}}
	a, _ := c.EventStats(ctx, f)
	b, _ := c.EventStats(ctx, f)
	if a == b {
		t.Error("filtered event stats were cached")
	}
}
