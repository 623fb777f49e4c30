package newslens_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/pipeline"
)

// fuzzPipeline is built once per test binary: loading every model takes
// longer than thousands of fuzz executions.
var fuzzPipeline = sync.OnceValues(func() (*pipeline.Pipeline, error) {
	return newslens.NewPipeline(newslens.Options{Workers: 1})
})

// FuzzAnalyze feeds outside text through the whole default pipeline, as
// plain text and as HTML: every analyzer together must give a valid
// document (spans inside the text, parts inside their annotation's text,
// JSON that encodes) or a clear error, and never panic or run away.
// Each analyzer has its own fuzz test; this one catches what only their
// combination does (one analyzer reading another's odd output).
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"",
		"   \n\n\t",
		"Boris Johnson said: “He has to go.” Officials in Damascus denied it (‘Title’, RT, 1 September 2017).",
		"<html><body><article><h1>Flood</h1><p>About 200 people were evacuated from Dhaka on Monday, officials said.</p></article></body></html>",
		"<p>“Unclosed quote, said the mayor<p>«nested ‘marks” » „x“",
		"$1.5bn 25,000 civilians 27 killed 1 September 2017 – 3 weeks ago",
		"Victory to the Syrian president, government, army and people!",
		"\x00\xff\xfe<\x80>&#0;&#x110000;&amp",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, asHTML bool) {
		p, err := fuzzPipeline()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var doc interface {
			Validate() error
		}
		if asHTML {
			d, err := newslens.AnalyzeHTML(ctx, p, "https://example.com/fuzz", []byte(in))
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("the pipeline ran for over 20 s on %d bytes of HTML", len(in))
				}
				return // a clear error is an allowed outcome
			}
			doc = d
		} else {
			d, err := newslens.AnalyzeText(ctx, p, "fuzz.txt", in)
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("the pipeline ran for over 20 s on %d bytes of text", len(in))
				}
				return
			}
			doc = d
		}
		if err := doc.Validate(); err != nil {
			t.Fatalf("invalid document: %v", err)
		}
		if _, err := json.Marshal(doc); err != nil {
			t.Fatalf("document does not encode: %v", err)
		}
	})
}
