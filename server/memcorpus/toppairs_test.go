package memcorpus

import (
	"reflect"
	"testing"

	"github.com/newslens/newslens/server"
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
