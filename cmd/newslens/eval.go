package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// evals maps "newslens eval NAME" to its runner. Every runner prints exactly
// one JSON object when given --json.
func evals() map[string]command {
	return map[string]command{
		"geo":        {"toponym recognition and resolution: --format lgl|gwn|geovirus FILE [--json]", runEvalGeo},
		"ner":        {"entity-level P/R/F1 of the tagger on a CoNLL/IOB2 file (--data, --pred, --json)", runEvalNER},
		"techniques": {"SemEval-2020 Task 11 SI and TC: [--articles DIR] [--labels DIR|FILE] [--tc-labels FILE] [--json]", runEvalTechniques},
		"quotes":     {"PolNeAR attribution spans (source, cue, content) and attribution F1: [--data DIR] [--json]", runEvalQuotes},
		"figures":    {"counts, amounts and dates on a hand-annotated gold set: [--gold FILE] [--errors] [--json]", runEvalFigures},
		"portrayal":  {"target sentiment: --format newsmtsc|persent FILE [--json]", runEvalPortrayal},
		"events":     {"event triggers, types, sources and targets: --format plover|wikievents|petrarch [FILE] [--json]", runEvalEvents},
		"extract":    {"HTML extraction on AEB or WCXB dev: --data aeb|wcxb [--dir PATH] [--json]", runEvalExtract},
	}
}

func runEval(ctx context.Context, e env) error {
	ev := evals()
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" {
		names := make([]string, 0, len(ev))
		for n := range ev {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(e.stdout, "Usage: newslens eval NAME [flags]\n\nEvaluations:")
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-11s %s\n", n, ev[n].summary)
		}
		return nil
	}
	c, ok := ev[e.args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown evaluation %q", errUsage, e.args[0])
	}
	return c.run(ctx, env{args: jsonFirst(e.args[1:]), stdin: e.stdin, stdout: e.stdout, stderr: e.stderr})
}

// jsonFirst moves a --json given after the positional arguments to the
// front, because Go's flag package stops at the first positional and
// "newslens eval X FILE --json" must still print exactly one JSON object.
func jsonFirst(args []string) []string {
	out := make([]string, 0, len(args))
	var moved []string
	for _, a := range args {
		if a == "--json" || a == "-json" {
			moved = append(moved, a)
			continue
		}
		out = append(out, a)
	}
	return append(moved, out...)
}

// writeJSON prints v as exactly one JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
