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
	"strings"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

func getNodeAncestors(node *html.Node, ancestorTag string) []*html.Node {
	var ancestors []*html.Node
	for parent := node.Parent; parent != nil; parent = parent.Parent {
		if dom.TagName(parent) == ancestorTag {
			ancestors = append(ancestors, parent)
		}
	}

	return ancestors
}

func contains(s, substr string) bool {
	return strings.Contains(s, substr)
}

func startsWith(s, prefix string) bool {
	return strings.HasPrefix(s, prefix)
}

func lower(s string) string {
	return strings.ToLower(s)
}

// className is dom.ClassName (the class attribute, trimmed, with runs of
// white space collapsed to one space) without building a new string when
// the attribute is already in that form, as it almost always is: every rule
// asks for it on every node, and dom.ClassName's strings.Fields and
// strings.Join were ~2 % of the whole newslens pipeline's CPU
// (newslens patch 13; TestClassNameAsDom compares the two).
func className(n *html.Node) string {
	s := dom.GetAttribute(n, "class")
	prevSpace := true // a leading space is not in normal form
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return strings.Join(strings.Fields(strings.TrimSpace(s)), " ")
		case c == ' ':
			if prevSpace {
				return strings.Join(strings.Fields(strings.TrimSpace(s)), " ")
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	if prevSpace && len(s) > 0 { // a trailing space
		return strings.Join(strings.Fields(strings.TrimSpace(s)), " ")
	}
	return s
}
