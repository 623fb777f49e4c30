package main

import (
	"compress/gzip"
	"fmt"
	"os"
	"bytes"
	"io"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

func main() {
	f, _ := os.Open(os.Args[1])
	zr, _ := gzip.NewReader(f)
	b, _ := io.ReadAll(zr)
	res, err := trafilatura.Extract(bytes.NewReader(b), trafilatura.Options{EnableFallback: true, ExcludeComments: true, IncludeImages: true, IncludeLinks: true})
	if err != nil { panic(err) }
	var buf bytes.Buffer
	html.Render(&buf, res.ContentNode)
	fmt.Println(buf.String())
}
