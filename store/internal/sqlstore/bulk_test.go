package sqlstore

import (
	"reflect"
	"strings"
	"testing"
)

func TestUnnestInsert(t *testing.T) {
	one, two := int64(1), int64(2)
	x, f := "x", 1.5
	tests := []struct {
		name      string
		head, ph  string
		rows      [][]any
		wantQ     string
		wantArgs  []any
		wantNotOK bool
	}{
		{
			name: "types, NULLs and casts",
			head: `INSERT INTO t (a, b, c, d) VALUES `, ph: "(?, ?, ?, ?::jsonb)",
			rows: [][]any{{1, "x", nil, nil}, {int64(2), nil, 1.5, nil}},
			wantQ: `INSERT INTO t (a, b, c, d) SELECT u.c1, u.c2, u.c3, NULL::jsonb FROM unnest(?::bigint[], ?::text[], ?::float8[]) AS u(c1, c2, c3)` +
				` ON CONFLICT DO NOTHING`,
			wantArgs: []any{[]*int64{&one, &two}, []*string{&x, nil}, []*float64{nil, &f}},
		},
		{
			name: "mixed types fall back to VALUES",
			head: `INSERT INTO t (a) VALUES `, ph: "(?)",
			rows:      [][]any{{1}, {"one"}},
			wantNotOK: true,
		},
		{
			name: "placeholders do not match the columns",
			head: `INSERT INTO t (a, b) VALUES `, ph: "(?)",
			rows:      [][]any{{1, 2}},
			wantNotOK: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, args, ok := unnestInsert(tc.head, tc.ph, " ON CONFLICT DO NOTHING", tc.rows)
			if ok == tc.wantNotOK {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			if q != tc.wantQ {
				t.Errorf("query\n got %s\nwant %s", q, tc.wantQ)
			}
			if !reflect.DeepEqual(args, tc.wantArgs) {
				t.Errorf("args = %#v, want %#v", args, tc.wantArgs)
			}
		})
	}
}

func TestAnalyzerSet(t *testing.T) {
	set := analyzerSet(map[string]string{"tone": "2", "entities": "1.0", "odd|name": "a=b"})
	if want := "|entities=1.0|odd%7Cname=a%3Db|tone=2|"; set != want {
		t.Fatalf("analyzerSet = %q, want %q", set, want)
	}
	for _, c := range []struct {
		name, version string
		in            bool
	}{{"tone", "2", true}, {"tone", "1", false}, {"entities", "1", false}, {"odd|name", "a=b", true}, {"name", "a=b", false}} {
		if got := strings.Contains(set, analyzerKey(c.name, c.version)); got != c.in {
			t.Errorf("%s@%s in %q = %v", c.name, c.version, set, got)
		}
	}
	if analyzerSet(nil) != "" {
		t.Errorf("no analyzers should give an empty set")
	}
}
