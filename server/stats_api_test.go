package server_test

import (
	"encoding/json"
	"testing"

	"github.com/newslens/newslens/server"
)

func TestStatsAPI(t *testing.T) {
	s, _ := newServer(t, nil)
	h := s.Handler()
	var ev server.EventStats
	w := get(t, h, "/api/v1/stats/events?by=month&actor=per:bashar-al-assad")
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ev) != nil {
		t.Fatalf("events: %d %s", w.Code, clipBody(w.Body.String()))
	}
	if ev.By != "month" || ev.Events != 1 || len(ev.ByDate) != 1 || ev.ByDate[0].Value != "2017-09" || ev.ByPlace[0].Label != "Deir ez-Zor" {
		t.Errorf("events: %+v", ev)
	}
	var pt server.PortrayalStats
	w = get(t, h, "/api/v1/stats/portrayal?entity=per:bashar-al-assad&outlet=Daily+Planet")
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &pt) != nil {
		t.Fatalf("portrayal: %d %s", w.Code, clipBody(w.Body.String()))
	}
	if pt.By != "week" || len(pt.Rows) != 1 || pt.Rows[0].Negative != 1 || pt.Rows[0].Outlet != "Daily Planet" || pt.Rows[0].Period != "2017-10-02" {
		t.Errorf("portrayal: %+v", pt)
	}
	for _, path := range []string{"/api/v1/stats/events?by=year", "/api/v1/stats/portrayal?limit=0", "/api/v1/stats/portrayal?portrayal=x"} {
		if w := get(t, h, path); w.Code != 400 {
			t.Errorf("%s: %d, want 400", path, w.Code)
		} else {
			checkAPIError(t, w, "bad_request")
		}
	}
}
