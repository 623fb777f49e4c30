package technique

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCrossValidateExplore(t *testing.T) {
	if os.Getenv("NEWSLENS_TECH_CV") == "" {
		t.Skip("set NEWSLENS_TECH_CV=1")
	}
	root := filepath.Join("..", "..", "shared", "data")
	arts, err := LoadPTC(filepath.Join(root, "propaganda", "ptc"))
	if err != nil {
		t.Fatal(err)
	}
	lex, _, err := loadLexicons(filepath.Join(root, "lexicons"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	res, err := CrossValidate(context.Background(), arts, lex, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(res, "", " ")
	t.Logf("%s\n%v", b, time.Since(t0))
}
