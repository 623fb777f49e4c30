package quote

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
)

// Both quote models (the tagger and the span reranker) are gzip streams
// that start with a magic string naming their format and version, so a
// file of the wrong kind or version is refused before any weight is read.

// openModelFile opens name in fsys, checks its magic and returns a reader
// positioned after it, with the function that closes the file.
func openModelFile(fsys fs.FS, name, magic string) (*bufio.Reader, func() error, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("model %s: %w", name, err)
	}
	br := bufio.NewReader(zr)
	got := make([]byte, len(magic))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != magic {
		f.Close()
		return nil, nil, fmt.Errorf("model %s: not a %q model file", name, magic)
	}
	return br, f.Close, nil
}

// createModelFile starts a model stream on w with magic; finish flushes
// the buffer and closes the gzip stream (not w).
func createModelFile(w io.Writer, magic string) (bw *bufio.Writer, finish func() error, err error) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	bw = bufio.NewWriter(zw)
	bw.WriteString(magic)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		return zw.Close()
	}, nil
}
