// This file is part of go-trafilatura, Go package for extracting readable
// content, comments and metadata from a web page. Source available in
// <https://github.com/markusmobius/go-trafilatura>.
//
// Copyright (C) 2021 Markus Mobius
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Code in this file is ported from <https://github.com/adbar/trafilatura>
// which available under Apache 2.0 license.

package selector

import (
	"golang.org/x/net/html"
)

type Rule func(*html.Node) bool

// Query and QueryAll test the elements below root in document order, as
// upstream's loops over dom.GetElementsByTagName(root, "*") did, but while
// walking the tree: no slice of every element of the page is built for each
// rule, and Query stops at its first match (newslens patch 16; the rules only
// read the tree, so testing during the walk sees what the loops saw).
// TestQueryAsUpstream and FuzzQueryAsUpstream compare them with the loops.
func Query(root *html.Node, selector Rule) *html.Node {
	var found *html.Node
	walkElements(root, func(e *html.Node) bool {
		if selector(e) {
			found = e
			return false
		}
		return true
	})
	return found
}

func QueryAll(root *html.Node, selector Rule) []*html.Node {
	var matches []*html.Node
	walkElements(root, func(e *html.Node) bool {
		if selector(e) {
			matches = append(matches, e)
		}
		return true
	})
	return matches
}

// walkElements calls f with every element below root in document order
// until f returns false. It walks by the nodes' links, without recursion.
func walkElements(root *html.Node, f func(*html.Node) bool) {
	n := root.FirstChild
	for n != nil {
		if n.Type == html.ElementNode && !f(n) {
			return
		}
		if n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		for n.NextSibling == nil {
			n = n.Parent
			if n == root || n == nil {
				return
			}
		}
		n = n.NextSibling
	}
}
