// newslens patch 4 (see PATCHES.md).

package htmldate

import "golang.org/x/net/html"

// Three dom.QuerySelectorAll calls with constant selectors ("meta",
// `script[type="..."]` twice, `meta[property="og:image"]`), each a walk of
// the whole page through cascadia's matchers, are answered by one walk with
// a plain test per element: the same elements in document order, root
// excluded, tag names and attribute keys compared exactly and any attribute
// of the key matching, as cascadia compares them. TestQueriesAsCascadia and
// FuzzQueriesAsCascadia compare them with the selectors.

// elementsWhere is the elements below root, in document order, that match.
func elementsWhere(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && match(c) {
				out = append(out, c)
			}
			if c.FirstChild != nil {
				walk(c)
			}
		}
	}
	walk(root)
	return out
}

// elementNamed is a type selector ("meta").
func elementNamed(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

// elementWithAttr is `<tag>[<key>="<val>"]`.
func elementWithAttr(tag, key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if n.Data != tag {
			return false
		}
		for _, a := range n.Attr {
			if a.Key == key && a.Val == val {
				return true
			}
		}
		return false
	}
}
