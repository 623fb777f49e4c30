package entity

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/newslens/newslens/names"
	"github.com/newslens/newslens/text"
)

// Actor is one line of the alias table: a well-known actor with many names.
type Actor struct {
	ID, Type, Name string
	Aliases        []string
	Attrs          map[string]any
}

// Aliases is a parsed alias table, read-only after parsing.
type Aliases struct {
	actors []*Actor
	byKey  map[string]*Actor // names.Key of every alias and name
	// scan maps the first token of every scanned surface form to the forms
	// (as token lists) starting with it.
	scan map[string][]scanForm
}

type scanForm struct {
	toks  []string
	actor *Actor
}

// ParseAliases reads an alias table (see entity/aliases.tsv for the format).
func ParseAliases(r io.Reader, name string) (*Aliases, error) {
	a := &Aliases{byKey: map[string]*Actor{}, scan: map[string][]scanForm{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) < 4 {
			return nil, fmt.Errorf("%s:%d: want id, type, name, aliases[, attrs], got %d fields", name, line, len(f))
		}
		act := &Actor{ID: f[0], Type: f[1], Name: f[2]}
		switch act.Type {
		case "PER", "ORG", "LOC", "MISC":
		default:
			return nil, fmt.Errorf("%s:%d: type %q: want PER, ORG, LOC or MISC", name, line, act.Type)
		}
		if len(f) > 4 && strings.TrimSpace(f[4]) != "" {
			act.Attrs = map[string]any{}
			for _, kv := range strings.Split(f[4], ";") {
				k, v, _ := strings.Cut(kv, "=")
				if v == "true" {
					act.Attrs[k] = true
				} else {
					act.Attrs[k] = v
				}
			}
		}
		forms := append([]string{act.Name}, strings.Split(f[3], "|")...)
		seen := map[string]bool{}
		for _, form := range forms {
			if seen[form] {
				continue
			}
			seen[form] = true
			lookupOnly := strings.HasPrefix(form, "~")
			form = strings.TrimSpace(strings.TrimPrefix(form, "~"))
			if form == "" {
				continue
			}
			if !lookupOnly && form != act.Name {
				act.Aliases = append(act.Aliases, form)
			}
			if k := names.Key(stripThe(form)); k != "" {
				if _, dup := a.byKey[k]; !dup {
					a.byKey[k] = act
				}
			}
			if lookupOnly {
				continue
			}
			toks := text.Tokenize(form)
			ws := make([]string, len(toks))
			for i, tk := range toks {
				ws[i] = text.NormalizeString(form[tk.Start:tk.End])
			}
			if len(ws) > 0 {
				a.scan[ws[0]] = append(a.scan[ws[0]], scanForm{toks: ws, actor: act})
			}
		}
		a.actors = append(a.actors, act)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

// Lookup returns the actor a mention names, matching transliteration-folded
// keys ("Jabhat an-Nusra" finds al-Nusra), or nil.
func (a *Aliases) Lookup(mention string) *Actor {
	if a == nil {
		return nil
	}
	return a.lookupKey(names.Key(stripThe(mention)))
}

// lookupKey is Lookup for a mention whose key (names.Key of the mention
// without a leading article) is already known.
func (a *Aliases) lookupKey(key string) *Actor {
	if a == nil {
		return nil
	}
	return a.byKey[key]
}

// stripThe drops a leading article, which outlets and groups take or lose
// freely ("the Guardian", "The Guardian", "Guardian").
func stripThe(s string) string {
	for _, p := range []string{"the ", "The ", "THE "} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}
