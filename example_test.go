package newslens_test

import (
	"context"
	"fmt"

	"github.com/newslens/newslens"
)

// Analyse one plain-text article and read its structure. Every block and
// annotation is a byte span into doc.Text.
func Example() {
	p, err := newslens.NewPipeline(newslens.Options{ExtractOnly: true})
	if err != nil {
		panic(err)
	}
	doc, err := newslens.AnalyzeText(context.Background(), p, "example.txt",
		"Floods hit the coast\n\nAbout 200 people were evacuated on Monday. Officials said more rain is due.")
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Title)
	fmt.Println(len(doc.Sentences), "sentences")
	s := doc.Sentences[1]
	fmt.Printf("[%d,%d) %q\n", s.Start, s.End, doc.Text[s.Start:s.End])
	// Output:
	// Floods hit the coast
	// 3 sentences
	// [22,64) "About 200 people were evacuated on Monday."
}
