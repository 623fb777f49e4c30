package portrayal_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/portrayal"
)

// TestConcurrentReuse runs one analyzer over the sample from several
// goroutines at once, many times, and checks every result against a first
// run: Analyze recycles its working buffers between documents through a
// pool, and no call may see another's (or a previous document's) state.
func TestConcurrentReuse(t *testing.T) {
	doc := analyzeSample(t)
	base := withoutPortrayal(doc)
	// another article in between, so a recycled buffer has held another
	// document's data (shorter, with other words and tokens)
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"portrayal"}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// the sample's halves swapped: the same words at other token indexes
	half := strings.Index(doc.Text[len(doc.Text)/2:], "\n") + len(doc.Text)/2
	other := analyzeText(t, p, doc.Text[half+1:]+"\n"+doc.Text[:half])
	otherBase := withoutPortrayal(other)
	a, err := portrayal.New()
	if err != nil {
		t.Fatal(err)
	}
	run := func() *document.Document {
		d := *doc
		d.Annotations = append([]document.Annotation(nil), base...)
		d.Summaries = nil
		if err := a.Analyze(context.Background(), &d); err != nil {
			t.Error(err)
		}
		return &d
	}
	want := run()
	if n := len(want.Of("portrayal")); n == 0 {
		t.Fatal("no portrayal annotations on the sample")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				if (g+i)%2 == 0 {
					s := *other
					s.Annotations = append([]document.Annotation(nil), otherBase...)
					s.Summaries = nil
					if err := a.Analyze(context.Background(), &s); err != nil {
						t.Error(err)
					}
				}
				got := run()
				if !reflect.DeepEqual(got.Of("portrayal"), want.Of("portrayal")) ||
					!reflect.DeepEqual(got.Summaries[portrayal.Name], want.Summaries[portrayal.Name]) {
					t.Errorf("goroutine %d run %d: result differs from the first run", g, i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func withoutPortrayal(doc *document.Document) []document.Annotation {
	var base []document.Annotation
	for _, a := range doc.Annotations {
		if a.Kind != "portrayal" {
			base = append(base, a)
		}
	}
	return base
}
