package main

import (
	"context"
	"fmt"
)

// trainers maps "newslens train NAME" to the command that rebuilds an
// embedded model from ../shared/data.
func trainers() map[string]command {
	return map[string]command{
		"techniques":          {"SI tagger and TC classifier from PTC train: [--data DIR] [--out DIR] [--cv N]", runTrainTechniques},
		"quotes":              {"attribution tagger from PolNeAR train: [--data DIR] [--out FILE]", runTrainQuotes},
		"quotes-rerank":       {"source and cue span reranker from PolNeAR train, cross-validated by article: [--data DIR] [--folds N] [--out FILE]", runTrainQuotesRerank},
		"tone":                {"merge the AFINN, VADER and Pattern lexicons into tone/lexicon.tsv.gz", runTrainTone},
		"portrayal":           {"target sentiment model from NewsMTSC train, chosen by CV on train: [--data DIR] [--embed-corpus GLOBS] [--out FILE]", runTrainPortrayal},
		"portrayal-aggregate": {"document-level portrayal aggregator from PerSenT dev, chosen by entity-grouped CV: [--persent FILE] [--out FILE]", runTrainPortrayalAggregate},
		"ner":                 {"entity tagger from CoNLL-2003 train, chosen on valid: [--epochs N] [--out DIR]", runTrainNER},
	}
}

func runTrain(ctx context.Context, e env) error {
	tr := trainers()
	if len(e.args) == 0 {
		fmt.Fprintln(e.stdout, "Usage: newslens train NAME [flags]")
		for n, c := range tr {
			fmt.Fprintf(e.stdout, "  %-11s %s\n", n, c.summary)
		}
		return nil
	}
	c, ok := tr[e.args[0]]
	if !ok {
		return fmt.Errorf("%w: unknown model %q", errUsage, e.args[0])
	}
	return c.run(ctx, env{args: e.args[1:], stdin: e.stdin, stdout: e.stdout, stderr: e.stderr})
}
