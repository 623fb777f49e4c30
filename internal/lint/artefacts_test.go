package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

// TestArtefactManifest checks docs/artefacts.json against the tree: every
// listed artefact exists with the recorded size and hash, every shipped
// compressed or binary artefact is listed, and the total stays compact.
func TestArtefactManifest(t *testing.T) {
	root := testenv.ModuleRoot()
	b, err := os.ReadFile(filepath.Join(root, "docs", "artefacts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Artefacts []struct {
			Path    string   `json:"path"`
			Bytes   int      `json:"bytes"`
			SHA256  string   `json:"sha256"`
			Rebuild string   `json:"rebuild"`
			Sources []string `json:"sources"`
		} `json:"artefacts"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	total := 0
	for _, a := range m.Artefacts {
		listed[a.Path] = true
		data, err := os.ReadFile(filepath.Join(root, a.Path))
		if err != nil {
			t.Errorf("%s: %v", a.Path, err)
			continue
		}
		total += len(data)
		sum := sha256.Sum256(data)
		if len(data) != a.Bytes || hex.EncodeToString(sum[:]) != a.SHA256 {
			t.Errorf("%s changed (%d bytes); update docs/artefacts.json after rebuilding with %q", a.Path, len(data), a.Rebuild)
		}
		if a.Rebuild == "" || len(a.Sources) == 0 {
			t.Errorf("%s: the manifest must name its rebuild command and sources", a.Path)
		}
	}
	if total > 40<<20 {
		t.Errorf("shipped artefacts total %d MiB; keep them compact", total>>20)
	}
	out, err := exec.Command("git", "-C", root, "ls-files").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.Contains(f, "/testdata/") {
			continue
		}
		ext := filepath.Ext(f)
		if (ext == ".gz" || ext == ".bin" || ext == ".gob") && !listed[f] {
			t.Errorf("%s is a shipped artefact missing from docs/artefacts.json", f)
		}
	}
}
