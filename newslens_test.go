package newslens_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/newslens/newslens"
)

const samplePath = "../shared/samples/syria-2017-opinion.txt"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("docs", "schema", "document.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("document.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("document.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOutputMatchesSchema runs the whole default pipeline on the sample
// article and on a small HTML page and validates the JSON against the
// published schema and the span invariants.
func TestOutputMatchesSchema(t *testing.T) {
	schema := compileSchema(t)
	p, err := newslens.NewPipeline(newslens.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatalf("the sample article is needed beside the repo: %v", err)
	}
	ctx := context.Background()
	textDoc, err := newslens.AnalyzeText(ctx, p, samplePath, string(sample))
	if err != nil {
		t.Fatal(err)
	}
	html := `<html><head><title>Flood &amp; fire</title></head><body><article><h1>Flood &amp; fire</h1>
<p>About 200 people were evacuated from Dhaka on Monday, officials said. “We are doing all we can,” the mayor told reporters.</p>
<p>Aid groups asked for $1.5bn, according to <a href="https://www.reuters.com/x">Reuters</a>.</p></article></body></html>`
	htmlDoc, err := newslens.AnalyzeHTML(ctx, p, "https://example.com/flood", []byte(html))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []any{textDoc, htmlDoc} {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("output does not match docs/schema/document.schema.json: %v", err)
		}
	}
	for _, d := range []interface{ Validate() error }{textDoc, htmlDoc} {
		if err := d.Validate(); err != nil {
			t.Error(err)
		}
	}
}
