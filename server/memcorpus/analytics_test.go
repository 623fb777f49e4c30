package memcorpus_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/newslens/newslens/server"
)

func TestEventAndPortrayalFilters(t *testing.T) {
	ctx := context.Background()
	c := load(t)
	tests := []struct {
		f    server.Filter
		want []string
	}{
		{server.Filter{Event: "CONSULT"}, []string{"d1"}},
		{server.Filter{Event: "ASSAULT"}, nil},
		{server.Filter{Actor: "per:bashar-al-assad"}, []string{"d1"}},
		{server.Filter{Event: "CONSULT", Actor: "per:bashar-al-assad"}, []string{"d1"}},
		{server.Filter{Target: "per:bashar-al-assad"}, nil},
		// From the analyzer's summary (d1) and from the mentions alone (d3).
		{server.Filter{Portrayal: "per:bashar-al-assad:positive"}, []string{"d1"}},
		{server.Filter{Portrayal: "per:bashar-al-assad:negative"}, []string{"d3"}},
		{server.Filter{Portrayal: "per:bashar-al-assad:neutral"}, nil},
		// A bare entity id (entity ids contain colons): any portrayal of it.
		{server.Filter{Portrayal: "per:bashar-al-assad"}, []string{"d3", "d1"}},
		{server.Filter{Portrayal: "per:bashar-al-assad:negative", Outlet: "Syria Times"}, nil},
	}
	for _, tt := range tests {
		for _, q := range []string{"", "Assad"} {
			res, err := c.Search(ctx, server.SearchRequest{Query: q, Filter: tt.f})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%+v q=%q: got %v, want %v", tt.f, q, got, tt.want)
			}
		}
	}
	res, err := c.Search(ctx, server.SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]server.FacetCount{
		server.FacetEvent:  {{Value: "CONSULT", Count: 1}},
		server.FacetActor:  {{Value: "per:bashar-al-assad", Label: "Bashar al-Assad", Count: 1}},
		server.FacetTarget: {},
		server.FacetPortrayal: {
			{Value: "per:bashar-al-assad:negative", Label: "Bashar al-Assad: negative", Count: 1},
			{Value: "per:bashar-al-assad:positive", Label: "Bashar al-Assad: positive", Count: 1}},
	}
	for k, v := range want {
		if !reflect.DeepEqual(res.Facets[k], v) {
			t.Errorf("facet %s = %+v, want %+v", k, res.Facets[k], v)
		}
	}
}

func TestEventStats(t *testing.T) {
	c := load(t)
	st, err := c.EventStats(context.Background(), server.StatsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(st)
	// The event's own date (2017-09-04, a Monday) names its week.
	want := `{"by":"week","documents":4,"events":1,"by_type":[{"value":"CONSULT","count":1}],"by_mode":[{"value":"asserted","count":1}],` +
		`"by_place":[{"value":"170794","label":"Deir ez-Zor","count":1}],"by_date":[{"value":"2017-09-04","count":1}],` +
		`"type_by_date":[{"row":"2017-09-04","col":"CONSULT","count":1}],"top_actors":[{"value":"per:bashar-al-assad","label":"Bashar al-Assad","count":1}],"top_targets":[]}`
	if string(got) != want {
		t.Errorf("event stats\n got %s\nwant %s", got, want)
	}
	st, err = c.EventStats(context.Background(), server.StatsRequest{By: "month", Filter: server.Filter{Outlet: "Daily Planet"}})
	if err != nil || st.Events != 0 || st.Documents != 2 {
		t.Errorf("Daily Planet: %+v %v", st, err)
	}
	if _, err := c.EventStats(context.Background(), server.StatsRequest{By: "year"}); err == nil {
		t.Error("by=year accepted")
	}
}

func TestPortrayalStats(t *testing.T) {
	c := load(t)
	st, err := c.PortrayalStats(context.Background(), server.StatsRequest{By: "month"})
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []server.PortrayalRow{
		{Period: "2017-09", Outlet: "Syria Times", Entity: "per:bashar-al-assad", Name: "Bashar al-Assad", PortrayalCounts: server.PortrayalCounts{Positive: 1}},
		{Period: "2017-10", Outlet: "Daily Planet", Entity: "per:bashar-al-assad", Name: "Bashar al-Assad", PortrayalCounts: server.PortrayalCounts{Negative: 1}},
	}
	if !reflect.DeepEqual(st.Rows, wantRows) {
		t.Errorf("rows %+v", st.Rows)
	}
	if len(st.Totals) != 2 || st.Totals[0].Outlet != "Daily Planet" || st.Totals[0].Negative != 1 {
		t.Errorf("totals %+v", st.Totals)
	}
	if len(st.Entities) != 1 || st.Entities[0].Count != 2 {
		t.Errorf("entities %+v", st.Entities)
	}
	// Narrowed to a query.
	st, err = c.PortrayalStats(context.Background(), server.StatsRequest{Query: "geneva"})
	if err != nil || len(st.Rows) != 1 || st.Rows[0].Negative != 1 || st.Rows[0].Period != "2017-10-02" {
		t.Errorf("geneva: %+v %v", st, err)
	}
}

func TestEntityPortrayal(t *testing.T) {
	c := load(t)
	d, err := c.Entity(context.Background(), "per:bashar-al-assad")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Portrayal) != 2 || d.Portrayal[0].Period != "2017-09-04" || d.Portrayal[0].Positive != 1 || d.Portrayal[1].Negative != 1 {
		t.Errorf("portrayal per week: %+v", d.Portrayal)
	}
	if len(d.PortrayalEvidence) != 2 {
		t.Fatalf("evidence: %+v", d.PortrayalEvidence)
	}
	ev := d.PortrayalEvidence[0] // newest document first
	if ev.ID != "d3" || ev.Label != "negative" || ev.Mention != "Bashar al-Assad" || ev.Voice != "author" ||
		ev.Context != "Diplomats met in Geneva while Bashar al-Assad stayed home. Reuters reported the meeting." {
		t.Errorf("evidence %+v", ev)
	}
	if len(d.EventsAsActor) != 1 || d.EventsAsActor[0].Value != "CONSULT" || len(d.EventsAsTarget) != 0 {
		t.Errorf("events: %+v / %+v", d.EventsAsActor, d.EventsAsTarget)
	}
}
