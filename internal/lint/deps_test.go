// Package lint holds tests that enforce newslens's architecture.
package lint

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Deps       []string
	Imports    []string
	Name       string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps,Imports,Name", "github.com/newslens/newslens/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestLayering checks the dependency rules of docs/architecture.md: the
// document model imports nothing of ours; analyzers and the text layer never
// reach the store, the server or net/http; nothing in the main module
// imports Apache Beam.
func TestLayering(t *testing.T) {
	const mod = "github.com/newslens/newslens"
	analysis := []string{"/document", "/text", "/names", "/ner", "/entity", "/geo", "/gazetteer", "/quote", "/figure", "/tone", "/technique", "/portrayal", "/event", "/pipeline"}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, d := range p.Deps {
			if strings.Contains(d, "apache/beam") {
				t.Errorf("%s imports %s: Beam belongs in the nested beam/ module", p.ImportPath, d)
			}
		}
		if rel == "/document" {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, mod) {
					t.Errorf("document imports %s; the model must import only the standard library", d)
				}
			}
		}
		for _, a := range analysis {
			if rel != a && !strings.HasPrefix(rel, a+"/") {
				continue
			}
			for _, d := range p.Deps {
				if strings.HasPrefix(d, mod+"/store") || strings.HasPrefix(d, mod+"/server") || strings.HasPrefix(d, mod+"/ingest") {
					t.Errorf("%s depends on %s; analyzers must not reach storage or serving", p.ImportPath, d)
				}
			}
			// net/http arrives transitively through the WARC library that
			// input uses for records; analyzers themselves must not speak HTTP.
			for _, d := range p.Imports {
				if d == "net/http" || d == "net" {
					t.Errorf("%s imports %s; analyzers must not reach the network", p.ImportPath, d)
				}
			}
		}
	}
}
