package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/input"
)

type fakeExtractor struct{}

func (fakeExtractor) Extract(_ context.Context, rec input.Record) (*document.Document, error) {
	if strings.Contains(string(rec.Content), "BAD") {
		return nil, fmt.Errorf("%s: bad content", rec.Name)
	}
	return &document.Document{Text: string(rec.Content)}, nil
}

type wordAnalyzer struct {
	name  string
	reqs  []string
	delay func(*document.Document) time.Duration
	panic bool
}

func (a wordAnalyzer) Name() string       { return a.name }
func (a wordAnalyzer) Version() string    { return "1" }
func (a wordAnalyzer) Requires() []string { return a.reqs }
func (a wordAnalyzer) Analyze(_ context.Context, doc *document.Document) error {
	if a.panic && strings.Contains(doc.Text, "PANIC") {
		panic("boom")
	}
	if a.delay != nil {
		time.Sleep(a.delay(doc))
	}
	for _, r := range a.reqs {
		if _, ok := doc.Analyzers[r]; !ok {
			return fmt.Errorf("%s ran before %s", a.name, r)
		}
	}
	for _, t := range doc.Tokens {
		if _, err := doc.Add(document.Annotation{Kind: a.name, Span: t.Span, Analyzer: a.name, Version: "1"}); err != nil {
			return err
		}
	}
	return nil
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name    string
		as      []Analyzer
		want    string
		wantErr string
	}{
		{"deps first", []Analyzer{wordAnalyzer{name: "c", reqs: []string{"b"}}, wordAnalyzer{name: "b", reqs: []string{"a"}}, wordAnalyzer{name: "a"}}, "a,b,c", ""},
		{"missing", []Analyzer{wordAnalyzer{name: "b", reqs: []string{"a"}}}, "", "not configured"},
		{"cycle", []Analyzer{wordAnalyzer{name: "a", reqs: []string{"b"}}, wordAnalyzer{name: "b", reqs: []string{"a"}}}, "", "cycle"},
		{"duplicate", []Analyzer{wordAnalyzer{name: "a"}, wordAnalyzer{name: "a"}}, "", "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(Config{Analyzers: tt.as})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range p.Analyzers() {
				names = append(names, a.Name())
			}
			if got := strings.Join(names, ","); got != tt.want {
				t.Errorf("order = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestRunOrderedConcurrent runs many documents with random delays on several
// workers (run it with -race) and checks output order, errors and panics.
func TestRunOrderedConcurrent(t *testing.T) {
	p, err := New(Config{
		Extractor: fakeExtractor{},
		Analyzers: []Analyzer{
			wordAnalyzer{name: "b", reqs: []string{"a"}, panic: true},
			wordAnalyzer{name: "a", delay: func(d *document.Document) time.Duration { return time.Duration(len(d.Text)%7) * time.Millisecond }},
		},
		Workers: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan input.Item)
	const n = 200
	go func() {
		defer close(in)
		for i := 0; i < n; i++ {
			content := fmt.Sprintf("doc %d %s", i, strings.Repeat("x ", i%5))
			switch {
			case i%50 == 7:
				content = "BAD " + content
			case i%50 == 9:
				content = "PANIC " + content
			}
			if i%50 == 11 {
				in <- input.Item{Err: &input.Error{Name: fmt.Sprint("item", i), Err: errors.New("unreadable")}}
				continue
			}
			in <- input.Item{Record: input.Record{Name: fmt.Sprint("item", i), Content: []byte(content)}}
		}
	}()
	next, failed := 0, 0
	err = p.Run(context.Background(), in, func(r Result) error {
		if r.Seq != next {
			t.Fatalf("result %d out of order, want %d", r.Seq, next)
		}
		next++
		if r.Err != nil {
			failed++
			return nil
		}
		if err := r.Doc.Validate(); err != nil {
			t.Error(err)
		}
		if !strings.HasPrefix(r.Doc.Text, fmt.Sprintf("doc %d ", r.Seq)) {
			t.Errorf("result %d has text %q", r.Seq, r.Doc.Text)
		}
		if len(r.Doc.Of("a")) == 0 || len(r.Doc.Of("a")) != len(r.Doc.Of("b")) {
			t.Errorf("result %d: analyzers did not both run", r.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != n || failed != 12 {
		t.Errorf("got %d results with %d failures, want %d with 12", next, failed, n)
	}
}

func TestRunStopsOnEmitError(t *testing.T) {
	p, _ := New(Config{Extractor: fakeExtractor{}, Workers: 2})
	in := make(chan input.Item)
	go func() {
		defer close(in)
		for i := 0; i < 1000; i++ {
			in <- input.Item{Record: input.Record{Name: "x", Content: []byte("a b")}}
		}
	}()
	stop := errors.New("stop")
	count := 0
	err := p.Run(context.Background(), in, func(Result) error {
		count++
		if count == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || count != 3 {
		t.Fatalf("err = %v after %d results", err, count)
	}
}
