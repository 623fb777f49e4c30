package tone

import (
	"os"
	"testing"
)

// TestRebuildLexicon rewrites the embedded lexicon when NEWSLENS_REBUILD_TONE
// is set (the same as "newslens train tone").
func TestRebuildLexicon(t *testing.T) {
	if os.Getenv("NEWSLENS_REBUILD_TONE") == "" {
		t.Skip("set NEWSLENS_REBUILD_TONE=1 to rebuild lexicon.tsv.gz")
	}
	b, err := BuildLexicon("../../shared/data/lexicons")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(LexiconFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
