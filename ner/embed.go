package ner

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"
)

//go:embed model/ner.bin.gz model/manifest.json
var modelFS embed.FS

// ModelFS is the embedded model directory: ner.bin.gz and manifest.json.
func ModelFS() fs.FS { return modelFS }

// LoadFS loads a model file from fsys.
func LoadFS(fsys fs.FS, name string) (*Model, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("ner model %s: %w", name, err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("ner model %s: %w", name, err)
	}
	return m, nil
}

// Default returns the embedded model, loaded on first use and shared: the
// model is read-only, so one copy serves every analyzer and goroutine.
var Default = sync.OnceValues(func() (*Model, error) {
	m, err := LoadFS(modelFS, "model/ner.bin.gz")
	if err != nil {
		return nil, err
	}
	raw, err := modelFS.ReadFile("model/manifest.json")
	if err != nil {
		return nil, fmt.Errorf("ner manifest: %w", err)
	}
	var man Manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		return nil, fmt.Errorf("ner manifest: %w", err)
	}
	if c := man.Calibration; c != nil {
		m.SetCalibration(c.A, c.B)
	}
	return m, nil
})
