package store

import "testing"

func TestParsePortrayal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Portrayal
	}{
		{"Q44329:negative", Portrayal{"Q44329", "negative"}},
		{"Q44329", Portrayal{"Q44329", ""}},
		{"per:bashar-al-assad:positive", Portrayal{"per:bashar-al-assad", "positive"}},
		{"per:bashar-al-assad", Portrayal{"per:bashar-al-assad", ""}},
		{"Q1:neutral", Portrayal{"Q1", "neutral"}},
		{"Q1:", Portrayal{"Q1:", ""}},
	} {
		if got := ParsePortrayal(c.in); got != c.want {
			t.Errorf("ParsePortrayal(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
