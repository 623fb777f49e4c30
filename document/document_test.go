package document

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAddChecksSpans(t *testing.T) {
	d := &Document{Text: "Zeid Ra’ad al-Hussein said"}
	tests := []struct {
		name    string
		span    Span
		parts   map[string]Span
		wantErr string
	}{
		{"ok", Span{0, 4}, nil, ""},
		{"reversed", Span{4, 2}, nil, "outside"},
		{"past end", Span{0, 99}, nil, "outside"},
		{"inside rune", Span{8, 10}, nil, "UTF-8"},
		{"bad part", Span{0, 4}, map[string]Span{"cue": {-1, 2}}, "part cue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := d.Add(Annotation{Kind: "x", Span: tt.span, Parts: tt.parts})
			if tt.wantErr == "" {
				if err != nil || id == "" {
					t.Fatalf("Add = %q, %v", id, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestIDsUniqueAfterDecode(t *testing.T) {
	d := &Document{Text: "one two three"}
	d.Add(Annotation{Kind: "w", Span: Span{0, 3}})
	d.Add(Annotation{Kind: "w", Span: Span{4, 7}})
	b, _ := json.Marshal(d)
	var d2 Document
	if err := json.Unmarshal(b, &d2); err != nil {
		t.Fatal(err)
	}
	id, err := d2.Add(Annotation{Kind: "w", Span: Span{8, 13}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range d2.Annotations {
		if seen[a.ID] {
			t.Fatalf("duplicate id %s", a.ID)
		}
		seen[a.ID] = true
	}
	if a, ok := d2.Annotation(id); !ok || a.Text != "three" {
		t.Fatalf("Annotation(%s) = %+v", id, a)
	}
}

func TestOffsets(t *testing.T) {
	text := "a’b😀c\u00e9d"
	o := NewOffsets(text)
	// byte offsets of each rune start, with expected rune and UTF-16 offsets
	tests := []struct{ b, r, u int }{
		{0, 0, 0}, {1, 1, 1}, {4, 2, 2}, {5, 3, 3}, {9, 4, 5}, {10, 5, 6}, {12, 6, 7}, {13, 7, 8},
	}
	for _, tt := range tests {
		if got := o.ByteToRune(tt.b); got != tt.r {
			t.Errorf("ByteToRune(%d) = %d, want %d", tt.b, got, tt.r)
		}
		if got := o.ByteToUTF16(tt.b); got != tt.u {
			t.Errorf("ByteToUTF16(%d) = %d, want %d", tt.b, got, tt.u)
		}
		if got := o.RuneToByte(tt.r); got != tt.b {
			t.Errorf("RuneToByte(%d) = %d, want %d", tt.r, got, tt.b)
		}
		if got := o.UTF16ToByte(tt.u); got != tt.b {
			t.Errorf("UTF16ToByte(%d) = %d, want %d", tt.u, got, tt.b)
		}
	}
}

func FuzzOffsets(f *testing.F) {
	f.Add("plain ascii")
	f.Add("Ra’ad al-Hussein 😀 é \xff")
	f.Fuzz(func(t *testing.T, s string) {
		o := NewOffsets(s)
		r, u := 0, 0
		for i, c := range s {
			if got := o.ByteToRune(i); got != r {
				t.Fatalf("ByteToRune(%d) = %d, want %d", i, got, r)
			}
			if got := o.ByteToUTF16(i); got != u {
				t.Fatalf("ByteToUTF16(%d) = %d, want %d", i, got, u)
			}
			if got := o.RuneToByte(r); got != i {
				t.Fatalf("RuneToByte(%d) = %d, want %d", r, got, i)
			}
			if got := o.UTF16ToByte(u); got != i {
				t.Fatalf("UTF16ToByte(%d) = %d, want %d", u, got, i)
			}
			r++
			u++
			if c >= 0x10000 {
				u++
			}
		}
		if o.ByteToRune(len(s)) != r || o.RuneToByte(r) != len(s) || o.UTF16ToByte(u) != len(s) {
			t.Fatal("end offsets do not round-trip")
		}
	})
}
