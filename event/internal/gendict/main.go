// Command gendict derives event/data/petrarch.txt, the verb-pattern part of
// the events dictionary, from PETRARCH2's CAMEO verb dictionary
// (CAMEO.2.0.txt.gz, MIT). The PLOVER type of each pattern is not written
// here: the analyzer maps CAMEO codes to PLOVER through its root table, so
// the file stays a plain re-formatting of PETRARCH2.
//
//	go run ./event/internal/gendict -in ../shared/data/events/petrarch2/dictionaries/CAMEO.2.0.txt.gz -out event/data/petrarch.txt
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"
)

var (
	headerRe = regexp.MustCompile(`^---\s+(\S+)\s+\[([^\]]*)\]\s+---`)
	codeRe   = regexp.MustCompile(`\[([^\]]*)\]`)
)

func main() {
	in := flag.String("in", "../shared/data/events/petrarch2/dictionaries/CAMEO.2.0.txt.gz", "PETRARCH2 verb dictionary")
	out := flag.String("out", "event/data/petrarch.txt", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

// code returns the first CAMEO code of a "[a:b]" field, or "" for "---".
func code(s string) string {
	for _, p := range strings.Split(s, ":") {
		p = strings.TrimSpace(p)
		if p != "" && p != "---" && strings.Trim(p, "0123456789") == "" {
			return p
		}
	}
	return ""
}

func lower(w string) string { return strings.ToLower(strings.Trim(w, "_")) }

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("gendict: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("gendict: %s: %w", in, err)
	}
	var (
		synsets  = map[string][]string{}
		cur      string // current synset name
		inVerbs  bool
		blockDef string
		verbs    []string
		lines    []string
		forms    []string
		seen     = map[string]bool{}
	)
	emit := func(l string) {
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "####### VERB PATTERNS") {
			inVerbs = true
			continue
		}
		comment := ""
		if i := strings.Index(line, "#"); i >= 0 {
			comment = line[i+1:]
			line = line[:i]
		}
		line = strings.TrimRight(line, " \t")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !inVerbs {
			switch {
			case strings.HasPrefix(line, "&"):
				cur = lower(strings.TrimPrefix(strings.Fields(line)[0], "&"))
			case strings.HasPrefix(line, "+") && cur != "":
				w := strings.ReplaceAll(lower(strings.Fields(line[1:])[0]), "_", " ")
				synsets[cur] = append(synsets[cur], strings.ReplaceAll(w, " ", "_"))
			}
			continue
		}
		if m := headerRe.FindStringSubmatch(line); m != nil {
			blockDef = code(m[2])
			verbs = nil
			continue
		}
		if strings.HasPrefix(line, "- ") {
			m := codeRe.FindStringSubmatchIndex(line)
			if m == nil {
				continue
			}
			c := code(line[m[2]:m[3]])
			if c == "" {
				continue
			}
			// the trailing comment names the verb the pattern was found
			// with; without one it belongs to the block's head verb.
			verb := ""
			if cf := strings.Fields(comment); len(cf) > 0 && strings.Trim(cf[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
				verb = lower(cf[0])
			} else if len(verbs) > 0 {
				verb = verbs[0]
			}
			pat := pattern(line[2:m[0]], strings.ReplaceAll(verb, "_", " "))
			if pat == "" {
				continue
			}
			emit(pat + "\t" + c)
			continue
		}
		if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "&") || strings.HasPrefix(line, "-") {
			continue
		}
		// a synonym line: WORD {FORMS}
		head := line
		var fs []string
		if i := strings.Index(line, "{"); i >= 0 {
			head = line[:i]
			fs = strings.Fields(strings.Trim(line[i:], "{} "))
		}
		w := lower(strings.TrimSpace(head))
		if w == "" || strings.ContainsAny(w, "+&$^%*") {
			continue
		}
		verbs = append(verbs, w)
		if len(fs) > 0 {
			var lf []string
			for _, x := range fs {
				lf = append(lf, lower(x))
			}
			forms = append(forms, "="+w+" "+strings.Join(lf, " "))
		}
		if blockDef != "" {
			emit("*" + strings.ReplaceAll(w, "_", " ") + "\t" + blockDef)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("gendict: %s: %w", in, err)
	}
	// patterns start with "- " in PETRARCH and apply to the block; we kept
	// only those whose verb we can name, see pattern.
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	defer o.Close()
	w := bufio.NewWriter(o)
	fmt.Fprintln(w, "# Derived from PETRARCH2 CAMEO.2.0.txt (MIT, (c) 2014 Open Event Data) by event/internal/gendict.")
	fmt.Fprintln(w, "# Format: see docs/format.md ## Events. Do not edit; put your own patterns in a file given with Options.Dict.")
	names := make([]string, 0, len(synsets))
	for n := range synsets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "&%s %s\n", n, strings.Join(synsets[n], " "))
	}
	for _, l := range forms {
		fmt.Fprintln(w, l)
	}
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return w.Flush()
}

// pattern turns "* (TO BORDER) POLICE" into "*VERB to border police"; the
// verb comes from the line's trailing comment in PETRARCH, which we cannot
// see after stripping comments, so the caller passes the raw text. Here the
// first "*" is replaced by the placeholder "*" and the analyzer binds it to
// the block's verbs.
func pattern(s, verb string) string {
	if verb == "" {
		return ""
	}
	s = strings.NewReplacer("(", " ", ")", " ", "{", " ", "}", " ").Replace(s)
	var out []string
	star := false
	for _, t := range strings.Fields(s) {
		switch {
		case t == "*":
			if star {
				return ""
			}
			star = true
			out = append(out, "*"+verb)
		case strings.ContainsAny(t, "$+^%|"):
			continue
		default:
			out = append(out, strings.ToLower(t))
		}
	}
	if !star || len(out) < 2 {
		return ""
	}
	return strings.Join(out, " ")
}
