package extract

import (
	nurl "net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestFigureCaptionsPageOrder checks that when two relative addresses of
// one image carry different captions, the resolved address takes the
// caption of the first figure on the page, on every run (it once depended
// on map iteration order).
func TestFigureCaptionsPageOrder(t *testing.T) {
	page := `<html><body>
<figure><img src="img/a.jpg"><figcaption>First  caption</figcaption></figure>
<figure><img src="./img/a.jpg"><figcaption>Second caption</figcaption></figure>
<figure><img data-src="/img/b.jpg"><figcaption>Third</figcaption></figure>
<figure><img src="c.jpg"></figure>
</body></html>`
	base, err := nurl.Parse("https://example.com/news/")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, want string }{
		{"img/a.jpg", "First caption"},
		{"./img/a.jpg", "Second caption"},
		{"https://example.com/news/img/a.jpg", "First caption"},
		{"/img/b.jpg", "Third"},
		{"https://example.com/img/b.jpg", "Third"},
	}
	for run := 0; run < 50; run++ {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		m := figureCaptions(root, base)
		for _, tt := range tests {
			if got := m[tt.key]; got != tt.want {
				t.Fatalf("run %d: caption of %q = %q, want %q", run, tt.key, got, tt.want)
			}
		}
		if _, ok := m["c.jpg"]; ok {
			t.Fatalf("an image without a caption got one: %v", m)
		}
	}
}
