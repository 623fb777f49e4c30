// Package demo holds the demo corpus of `newslens serve --demo`: Wikinews
// articles (CC BY 2.5, Wikinews contributors) taken from the GeoVirus corpus
// (Gritta et al., ACL 2018) and stored as gzip JSON Lines of raw articles.
// Rebuild it with `go run ./demo/build`.
package demo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"

	"github.com/newslens/newslens/input"
)

//go:embed geovirus.jsonl.gz
var corpus []byte

// Attribution is shown wherever the demo corpus is.
const Attribution = "Demo articles: text from Wikinews (https://en.wikinews.org), CC BY 2.5, via the GeoVirus corpus (Gritta et al. 2018)."

// Records returns the demo articles as input records, ready for the pipeline.
func Records() ([]input.Record, error) {
	zr, err := gzip.NewReader(bytes.NewReader(corpus))
	if err != nil {
		return nil, fmt.Errorf("demo corpus: %w", err)
	}
	defer zr.Close()
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	var out []input.Record
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		rec, err := input.ParseJSONRecord(fmt.Sprintf("demo:%d", line), sc.Bytes())
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("demo corpus: %w", err)
	}
	return out, nil
}
