package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/newslens/newslens/store/sqlite"
	"github.com/newslens/newslens/store/storetest"
)

// TestStatsEventsPortrayal runs `stats --json` for the event and portrayal
// aggregations on a store holding the conformance suite's event corpus.
func TestStatsEventsPortrayal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(context.Background(), storetest.EventsCorpus()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	tests := []struct {
		args []string
		want []map[string]any
	}{
		{[]string{"--limit", "2", "events"}, []map[string]any{{"event_type": "ASSAULT", "count": 2.0}, {"event_type": "FIGHT", "count": 2.0}}},
		{[]string{"--actor", "Q1063404", "events"}, []map[string]any{
			{"event_type": "ASSAULT", "count": 2.0}, {"event_type": "AGREE", "count": 1.0}, {"event_type": "FIGHT", "count": 1.0}}},
		{[]string{"--portrayal", "Q44329:negative", "--event", "ASSAULT", "events"}, []map[string]any{{"event_type": "ASSAULT", "count": 2.0}}},
		{[]string{"--event", "AGREE", "--target", "Q239", "events"}, nil},
		{[]string{"--outlet", "Example News", "event-actors"}, []map[string]any{
			{"event_type": "AGREE", "role": "source", "entity_id": "Q1063404", "name": "Syrian Arab Army", "count": 1.0},
			{"event_type": "FIGHT", "role": "source", "entity_id": "Q1063404", "name": "Syrian Arab Army", "count": 1.0},
			{"event_type": "FIGHT", "role": "target", "entity_id": "Q239", "name": "Deir Ezzor", "count": 1.0}}},
		{[]string{"--limit", "1", "portrayal-by-outlet"}, []map[string]any{
			{"outlet": "Example News", "entity_id": "Q1063404", "name": "Syrian Arab Army", "portrayal": "positive", "count": 1.0},
			{"outlet": "Other Daily", "entity_id": "Q1063404", "name": "Syrian Arab Army", "portrayal": "positive", "count": 1.0}}},
	}
	for _, tc := range tests {
		args := append([]string{"stats", "--db", path, "--json"}, tc.args...)
		stdout, stderr, err := runCLI(t, "", args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		var got struct {
			Aggregation string
			Rows        []map[string]any
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v: %v in %q", args, err, stdout)
		}
		if !reflect.DeepEqual(got.Rows, tc.want) {
			t.Errorf("%v: got %v, want %v", args, got.Rows, tc.want)
		}
	}
}
