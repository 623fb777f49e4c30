// Package htmlcheck asserts on HTML by CSS selector, in the style of
// golang/pkgsite's internal/testing/htmlcheck: a Checker inspects a parsed
// node and returns an error describing what is wrong.
package htmlcheck

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A Checker checks a node and returns an error if it fails.
type Checker func(*html.Node) error

// Run parses r as HTML and applies checker to the document node.
func Run(r io.Reader, checker Checker) error {
	n, err := html.Parse(r)
	if err != nil {
		return err
	}
	return checker(n)
}

func compile(selector string) cascadia.Sel {
	sel, err := cascadia.Parse(selector)
	if err != nil {
		panic(fmt.Sprintf("htmlcheck: bad selector %q: %v", selector, err))
	}
	return sel
}

// In checks that the first element matching selector exists and passes all
// checkers.
func In(selector string, checkers ...Checker) Checker {
	sel := compile(selector)
	return func(n *html.Node) error {
		m := cascadia.Query(n, sel)
		if m == nil {
			return fmt.Errorf("no element matches %q", selector)
		}
		for _, c := range checkers {
			if err := c(m); err != nil {
				return fmt.Errorf("%s: %w", selector, err)
			}
		}
		return nil
	}
}

// InAll checks that at least one element matches selector and every match
// passes all checkers.
func InAll(selector string, checkers ...Checker) Checker {
	sel := compile(selector)
	return func(n *html.Node) error {
		ms := cascadia.QueryAll(n, sel)
		if len(ms) == 0 {
			return fmt.Errorf("no element matches %q", selector)
		}
		for i, m := range ms {
			for _, c := range checkers {
				if err := c(m); err != nil {
					return fmt.Errorf("%s[%d]: %w", selector, i, err)
				}
			}
		}
		return nil
	}
}

// NotIn checks that no element matches selector.
func NotIn(selector string) Checker {
	sel := compile(selector)
	return func(n *html.Node) error {
		if m := cascadia.Query(n, sel); m != nil {
			return fmt.Errorf("unexpected element matching %q: %s", selector, Text(m))
		}
		return nil
	}
}

// Count checks that exactly want elements match selector (want < 0: at least -want).
func Count(selector string, want int) Checker {
	sel := compile(selector)
	return func(n *html.Node) error {
		got := len(cascadia.QueryAll(n, sel))
		if (want >= 0 && got != want) || (want < 0 && got < -want) {
			return fmt.Errorf("%d elements match %q, want %d", got, selector, want)
		}
		return nil
	}
}

// HasText checks that the node's text, with white space collapsed,
// matches the regular expression.
func HasText(re string) Checker {
	rx := regexp.MustCompile(re)
	return func(n *html.Node) error {
		if t := Text(n); !rx.MatchString(t) {
			return fmt.Errorf("text %q does not match %q", clip(t), re)
		}
		return nil
	}
}

// HasExactText checks the node's collapsed text exactly.
func HasExactText(want string) Checker {
	return func(n *html.Node) error {
		if t := Text(n); t != want {
			return fmt.Errorf("text is %q, want %q", clip(t), want)
		}
		return nil
	}
}

// HasAttr checks that the node has the attribute with a value matching re.
func HasAttr(name, re string) Checker {
	rx := regexp.MustCompile(re)
	return func(n *html.Node) error {
		for _, a := range n.Attr {
			if a.Key == name {
				if !rx.MatchString(a.Val) {
					return fmt.Errorf("attribute %s=%q does not match %q", name, a.Val, re)
				}
				return nil
			}
		}
		return fmt.Errorf("no attribute %s", name)
	}
}

// All combines checkers.
func All(checkers ...Checker) Checker {
	return func(n *html.Node) error {
		var errs []error
		for _, c := range checkers {
			if err := c(n); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// Text returns the text content of n with white space collapsed.
func Text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
