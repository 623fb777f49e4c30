// newslens patch: the page cleaning walks the tree once per list of tag
// names instead of once per name (see PATCHES.md).

package trafilatura

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"github.com/markusmobius/go-trafilatura/internal/etree"
	"golang.org/x/net/html"
)

// stripTagsIn does what calling etree.StripTags(tree, tag) for every tag of
// tags does, with one walk of the tree instead of one per tag (docCleaning
// strips about 20 names and removes about 50, and the walks were ~5 % of the
// whole pipeline's CPU). The elements are handled in reverse document order,
// so every element is handled before its ancestors, as etree.StripTags does
// within one name; stripping keeps the children in place, so the order
// between names does not change the resulting tree.
func stripTagsIn(tree *html.Node, tags map[string]struct{}) {
	elements := elementsNamed(tree, tags)
	for i := len(elements) - 1; i >= 0; i-- {
		etree.Strip(elements[i])
	}
}

// stripElementsIn does what calling etree.StripElements(tree, false, tag)
// for every tag of tags does, in one walk. Removing an element also removes
// the text nodes after it up to the next element; handled in reverse
// document order, each element is still attached when it is removed, and a
// text node goes exactly when the nearest element before it among its
// siblings is removed, whatever the order of the names.
func stripElementsIn(tree *html.Node, tags map[string]struct{}) {
	elements := elementsNamed(tree, tags)
	for i := len(elements) - 1; i >= 0; i-- {
		etree.Remove(elements[i], false)
	}
}

// elementsNamed returns the element descendants of tree (not tree itself)
// whose tag name is in tags, in document order, like
// dom.GetElementsByTagName for one name.
func elementsNamed(tree *html.Node, tags map[string]struct{}) []*html.Node {
	var found []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if _, ok := tags[c.Data]; ok {
					found = append(found, c)
				}
			}
			walk(c)
		}
	}
	walk(tree)
	return found
}

// hasElementNamed reports whether tree has an element descendant named tag,
// like len(dom.GetElementsByTagName(tree, tag)) > 0 but stopping at the
// first one.
func hasElementNamed(tree *html.Node, tag string) bool {
	for c := tree.FirstChild; c != nil; c = c.NextSibling {
		if (c.Type == html.ElementNode && c.Data == tag) || hasElementNamed(c, tag) {
			return true
		}
	}
	return false
}

// keepsElementNamed reports whether an element descendant of tree named tag
// is sure to survive stripElementsIn(tree, removed): one that neither is
// nor lies under an element named in removed. Removing an element takes
// only its subtree and the text nodes after it, so such an element stays,
// and hasElementNamed(tree, tag) is then true after the removal. docCleaning
// uses it to skip the backup copy it would only need when no such element
// is left.
func keepsElementNamed(tree *html.Node, tag string, removed map[string]struct{}) bool {
	for c := tree.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if _, gone := removed[c.Data]; gone {
				continue
			}
			if c.Data == tag {
				return true
			}
		}
		if keepsElementNamed(c, tag, removed) {
			return true
		}
	}
	return false
}

// textRuneCount is utf8.RuneCountInString(dom.TextContent(n)) without
// building the text: the counts of the text nodes add up when each is
// valid UTF-8 (a valid string ends on a whole rune); otherwise the bytes of
// two nodes could join into one rune, so the text is built as upstream
// does.
func textRuneCount(n *html.Node) int {
	count, valid := 0, true
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.TextNode {
			if !utf8.ValidString(x.Data) {
				valid = false
				return
			}
			count += utf8.RuneCountInString(x.Data)
		}
		for c := x.FirstChild; c != nil && valid; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if !valid {
		return utf8.RuneCountInString(dom.TextContent(n))
	}
	return count
}

// trimmedTextLen is utf8.RuneCountInString(trim(dom.TextContent(n))), the
// length the link-density tests compare, counted without building the text
// (newslens patch: those tests measured every candidate element's whole
// text, and an article's nested containers each built theirs). With limit
// > 0 it stops counting at limit and returns limit for any length of limit
// or more, which the callers only compare with thresholds below limit.
// Text that is not valid UTF-8 is measured as upstream does: two invalid
// halves in two nodes could join into one rune.
func trimmedTextLen(n *html.Node, limit int) int {
	count := 0
	inField, seen, valid := false, false, true
	var walk func(*html.Node) bool // false stops the walk
	walk = func(x *html.Node) bool {
		if x.Type == html.TextNode {
			if !utf8.ValidString(x.Data) {
				valid = false
				return false
			}
			for _, r := range x.Data {
				if unicode.IsSpace(r) {
					inField = false
					continue
				}
				if !inField {
					if seen {
						count++ // the single space trim leaves between fields
					}
					inField, seen = true, true
				}
				count++
			}
			if limit > 0 && count >= limit {
				return false
			}
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(n)
	if !valid {
		count = utf8.RuneCountInString(trim(dom.TextContent(n)))
	}
	if limit > 0 && count >= limit {
		return limit
	}
	return count
}

// protectedLinks is dom.QuerySelectorAll(tree, "div a, ul a, ol a, dl a, p a")
// (with ", table a" when tables is true), as convertTags asked it, in one walk
// and without parsing the selector: the <a> elements below tree, in document
// order, that have one of those elements among their ancestors (tree itself
// and the elements above it included, as cascadia's descendant combinator
// looks all the way up). newslens patch 14; TestProtectedLinksAsUpstream and
// FuzzProtectedLinksAsUpstream compare it with the selector.
func protectedLinks(tree *html.Node, tables bool) []*html.Node {
	container := func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return false
		}
		switch n.Data {
		case "div", "ul", "ol", "dl", "p":
			return true
		case "table":
			return tables
		}
		return false
	}
	in := false
	for p := tree; p != nil && !in; p = p.Parent {
		in = container(p)
	}
	var out []*html.Node
	// in: some element among n and its ancestors is a container
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if in && c.Type == html.ElementNode && c.Data == "a" {
				out = append(out, c)
			}
			if c.FirstChild != nil {
				walk(c, in || container(c))
			}
		}
	}
	walk(tree, in)
	return out
}

// The queries below are dom.QuerySelectorAll with a constant selector, as
// the metadata search and the cleaning asked them, answered by one walk with
// a plain test per element instead of parsing the selector and running
// cascadia's matchers (newslens patch 17). The tests are the selectors':
// tag names compared exactly, attributes by exact key, any attribute of that
// key matching, as cascadia's matchAttribute does; the elements come in
// document order, root excluded. TestQueriesAsCascadia and
// FuzzQueriesAsCascadia compare them with the selectors from every root.

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

// attrWhere reports whether n has an attribute key whose value passes f.
func attrWhere(n *html.Node, key string, f func(string) bool) bool {
	for _, a := range n.Attr {
		if a.Key == key && f(a.Val) {
			return true
		}
	}
	return false
}

func anyValue(string) bool { return true }

// headMetaWithContent is "head meta[content]".
func headMetaWithContent(n *html.Node) bool {
	if n.Data != "meta" || !attrWhere(n, "content", anyValue) {
		return false
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "head" {
			return true
		}
	}
	return false
}

// metaOpenGraph is `meta[property^="og:"]` (cascadia's prefix test refuses
// a blank value first).
func metaOpenGraph(n *html.Node) bool {
	return n.Data == "meta" && attrWhere(n, "property", func(s string) bool {
		return strings.TrimSpace(s) != "" && strings.HasPrefix(s, "og:")
	})
}

// scriptOfType is `script[type="<typ>"]`.
func scriptOfType(typ string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return n.Data == "script" && attrWhere(n, "type", func(s string) bool { return s == typ })
	}
}

// elementNamed is a type selector ("figure").
func elementNamed(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}
