package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

// corpusAggHeaders names each aggregation's key columns.
var corpusAggHeaders = map[store.Aggregation][]string{
	store.AggVolume:            {"period"},
	store.AggOutletTechnique:   {"outlet", "technique"},
	store.AggSpeakers:          {"outlet", "speaker"},
	store.AggQuotedEntities:    {"outlet", "entity_id", "name"},
	store.AggCitedOutlets:      {"cited_outlet"},
	store.AggCitations:         {"citing_outlet", "cited_outlet"},
	store.AggCooccurrence:      {"entity_a", "entity_b"},
	store.AggEntities:          {"entity_id", "type", "name"},
	store.AggPlaces:            {"geonameid", "name", "country", "lat", "lon"},
	store.AggCountsByType:      {"count_type"},
	store.AggCountsByPlace:     {"count_type", "focus_place", "name"},
	store.AggCountsByTime:      {"count_type", "period"},
	store.AggEvents:            {"event_type"},
	store.AggEventsByTime:      {"event_type", "period"},
	store.AggEventActors:       {"event_type", "role", "entity_id", "name"},
	store.AggPortrayal:         {"entity_id", "name", "portrayal"},
	store.AggPortrayalByOutlet: {"outlet", "entity_id", "name", "portrayal"},
	store.AggPortrayalByTime:   {"entity_id", "name", "portrayal", "period"},
}

func runStats(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var ff corpusFilterFlags
	ff.register(fs)
	query := fs.String("query", "", "full-text query restricting the documents")
	interval := fs.String("interval", "month", "time buckets: day, week, month, year")
	limit := fs.Int("limit", 50, "rows (per outlet for speakers and quoted-entities, per type and role for event-actors, entities for portrayal*)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Usage = func() {
		var names []string
		for _, a := range store.Aggregations {
			names = append(names, string(a))
		}
		fmt.Fprintf(e.stderr, "Usage: newslens stats [flags] [AGGREGATION]\n\nAGGREGATION: %s.\nWithout one, prints corpus totals and the outlets.\n", strings.Join(names, ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	f, err := ff.filter(*query)
	if err != nil {
		return err
	}
	s, err := dial.Open(ctx, *ff.db)
	if err != nil {
		return err
	}
	defer s.Close()
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	defer tw.Flush()
	if fs.NArg() == 0 {
		n, err := s.Count(ctx, f)
		if err != nil {
			return err
		}
		outlets, err := s.Outlets(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(map[string]any{"documents": n, "outlets": outlets})
		}
		fmt.Fprintf(tw, "documents\t%d\n", n)
		fmt.Fprintf(tw, "outlets\t%d\n\noutlet\tdocuments\n", len(outlets))
		for i, o := range outlets {
			if i == *limit {
				break
			}
			fmt.Fprintf(tw, "%s\t%d\n", o.Name, o.Documents)
		}
		return nil
	}
	agg := store.Aggregation(fs.Arg(0))
	headers, ok := corpusAggHeaders[agg]
	if !ok {
		fs.Usage()
		return fmt.Errorf("%w: unknown aggregation %q", errUsage, agg)
	}
	start := time.Now()
	rows, err := s.Aggregate(ctx, store.AggQuery{Agg: agg, Interval: *interval, Limit: *limit}, f)
	if err != nil {
		return err
	}
	hasSum := agg == store.AggCountsByType || agg == store.AggCountsByPlace || agg == store.AggCountsByTime
	if *asJSON {
		var out []map[string]any
		for _, r := range rows {
			m := map[string]any{"count": r.Count}
			if hasSum {
				m["sum"] = r.Sum
			}
			for i, h := range headers {
				m[h] = r.Keys[i]
			}
			out = append(out, m)
		}
		return json.NewEncoder(e.stdout).Encode(map[string]any{"aggregation": agg, "rows": out})
	}
	head := strings.Join(headers, "\t") + "\tcount"
	if hasSum {
		head += "\tsum"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		line := strings.Join(r.Keys, "\t") + fmt.Sprintf("\t%d", r.Count)
		if hasSum {
			line += fmt.Sprintf("\t%g", r.Sum)
		}
		fmt.Fprintln(tw, line)
	}
	fmt.Fprintf(e.stderr, "newslens: %d rows in %s\n", len(rows), time.Since(start).Round(time.Microsecond))
	return nil
}
