package main

import (
	"fmt"
	"strings"
	"time"
	"bytes"

	"golang.org/x/net/html"
)

func main() {
	for _, n := range []int{10000, 20000, 100000} {
		s := "<html><body>" + strings.Repeat("<div>", n) + "x" + strings.Repeat("</div>", n)
		t := time.Now()
		doc, err := html.Parse(bytes.NewReader([]byte(s)))
		d := 0
		for c := doc; c != nil; c = c.LastChild { d++ }
		fmt.Println(n, time.Since(t), err, d)
	}
}
