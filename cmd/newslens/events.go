package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/eval"
)

// runEvalEvents scores the events analyzer on PLOVER gold records or
// WikiEvents.
func runEvalEvents(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval events", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "plover", "plover|wikievents|petrarch")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	path := fs.Arg(0)
	if path == "" {
		switch *format {
		case "plover":
			path = "../shared/data/events/plover/PLOVER_GSR_CAMEO.json"
		case "wikievents":
			path = "../shared/data/events/wikievents/dev.jsonl.gz"
		case "petrarch":
			path = "../shared/data/events/petrarch2/validation/PETR.UnitTest.records.xml.gz"
		}
	}
	p, err := newslens.NewPipeline(newslens.Options{Only: []string{"events"}, Workers: 1})
	if err != nil {
		return err
	}
	analyze := func(ctx context.Context, name, txt string) ([]eval.EventPred, error) {
		doc := &document.Document{Text: txt}
		if err := p.Analyze(ctx, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return eventPreds(doc), nil
	}
	start := time.Now()
	var res eval.EventsResult
	switch *format {
	case "plover":
		recs, err := eval.ReadPLOVER(path)
		if err != nil {
			return err
		}
		res, err = eval.ScorePLOVER(ctx, recs, analyze)
		if err != nil {
			return err
		}
		res.Data = path
	case "wikievents":
		res, err = eval.ScoreWikiEvents(ctx, path, analyze)
		if err != nil {
			return err
		}
	case "petrarch":
		res, err = eval.ScorePETRARCH(ctx, path, analyze)
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: unknown --format %q (plover|wikievents|petrarch)", errUsage, *format)
	}
	res.Seconds = time.Since(start).Seconds()
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s %s: %d records\n", res.Format, res.Data, res.Records)
	fmt.Fprintf(e.stdout, "trigger P/R/F1 %.3f/%.3f/%.3f  classification F1 %.3f  type accuracy %.3f\n",
		res.Trigger.Precision, res.Trigger.Recall, res.Trigger.F1, res.TriggerClass.F1, res.TypeAccuracy)
	for _, r := range []struct {
		n string
		p *eval.PRF
	}{{"source", res.Source}, {"target", res.Target}, {"argument", res.Argument}} {
		if r.p != nil {
			fmt.Fprintf(e.stdout, "%-8s P/R/F1 %.3f/%.3f/%.3f\n", r.n, r.p.Precision, r.p.Recall, r.p.F1)
		}
	}
	return nil
}

// eventPreds turns the document's event annotations into scorer input.
func eventPreds(doc *document.Document) []eval.EventPred {
	var out []eval.EventPred
	for _, a := range doc.Annotations {
		if a.Kind != "event" {
			continue
		}
		ep := eval.EventPred{Type: a.Label}
		ep.Trigger = [2]int{a.Parts["trigger"].Start, a.Parts["trigger"].End}
		if s, ok := a.Parts["source"]; ok {
			ep.Source = [2]int{s.Start, s.End}
		}
		if s, ok := a.Parts["target"]; ok {
			ep.Target = [2]int{s.Start, s.End}
		}
		ep.Mode, _ = a.Attrs["mode"].(string)
		ep.Cameo, _ = a.Attrs["cameo"].(string)
		out = append(out, ep)
	}
	return out
}
