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

// FuzzParsePortrayal: the parsed entity id and label always give back the
// input, and only a known label is split off.
func FuzzParsePortrayal(f *testing.F) {
	for _, s := range []string{"Q44329:negative", "per:bashar-al-assad:positive", "per:x", "", ":", "Q1:neutral:", "a:neutral"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := ParsePortrayal(s)
		switch p.Label {
		case "":
			if p.EntityID != s {
				t.Fatalf("%q: entity %q without a label", s, p.EntityID)
			}
		case "negative", "neutral", "positive":
			if p.EntityID+":"+p.Label != s {
				t.Fatalf("%q: parsed as %+v", s, p)
			}
		default:
			t.Fatalf("%q: unknown label %q", s, p.Label)
		}
	})
}
