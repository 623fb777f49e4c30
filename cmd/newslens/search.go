package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

// corpusList is a repeatable, comma-separated flag.
type corpusList []string

func (l *corpusList) String() string { return strings.Join(*l, ",") }
func (l *corpusList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// corpusFilterFlags are the filter flags of search, stats and export.
type corpusFilterFlags struct {
	db                                                    *string
	outlets, entities, places, speakers, techniques, kind corpusList
	events, actors, targets, portrayals                   corpusList
	bbox, from, to, cluster                               string
	allVersions                                           bool
}

func (c *corpusFilterFlags) register(fs *flag.FlagSet) {
	c.db = fs.String("db", dial.DefaultPath, "store: a SQLite file path or a postgres:// URL")
	fs.Var(&c.outlets, "outlet", "outlet name (repeatable or comma-separated: any of them)")
	fs.Var(&c.entities, "entity", "canonical entity id")
	fs.Var(&c.places, "place", "GeoNames id of a place mentioned")
	fs.StringVar(&c.bbox, "bbox", "", "a place mentioned inside MINLAT,MINLON,MAXLAT,MAXLON")
	fs.Var(&c.speakers, "speaker", "quoted speaker (name or entity id)")
	fs.Var(&c.techniques, "technique", "persuasion technique label")
	fs.Var(&c.kind, "count-type", "count type (killed, wounded, ...)")
	fs.Var(&c.events, "event", "PLOVER event type (with --actor/--target: the same event matches all)")
	fs.Var(&c.actors, "actor", "entity id that is an event's source")
	fs.Var(&c.targets, "target", "entity id that is an event's target")
	fs.Var(&c.portrayals, "portrayal", "ENTITY-ID:LABEL (negative, neutral, positive) or ENTITY-ID: documents portraying the entity so")
	fs.StringVar(&c.from, "from", "", "published on or after (YYYY-MM-DD or RFC 3339)")
	fs.StringVar(&c.to, "to", "", "published on or before (a bare date includes the whole day)")
	fs.StringVar(&c.cluster, "cluster", "", "near-duplicate cluster id")
	fs.BoolVar(&c.allVersions, "all-versions", false, "include superseded versions of changed articles")
}

func (c *corpusFilterFlags) filter(query string) (store.Filter, error) {
	f := store.Filter{Query: query, Outlets: c.outlets, EntityIDs: c.entities, PlaceIDs: c.places, Speakers: c.speakers,
		Techniques: c.techniques, CountTypes: c.kind, ClusterID: c.cluster, AllVersions: c.allVersions,
		EventTypes: c.events, EventSources: c.actors, EventTargets: c.targets}
	for _, p := range c.portrayals {
		f.Portrayals = append(f.Portrayals, store.ParsePortrayal(p))
	}
	if c.bbox != "" {
		var v [4]float64
		parts := strings.Split(c.bbox, ",")
		if len(parts) != 4 {
			return f, fmt.Errorf("%w: --bbox needs MINLAT,MINLON,MAXLAT,MAXLON", errUsage)
		}
		for i, p := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return f, fmt.Errorf("%w: --bbox: %v", errUsage, err)
			}
			v[i] = x
		}
		f.BBox = &store.BBox{MinLat: v[0], MinLon: v[1], MaxLat: v[2], MaxLon: v[3]}
	}
	if c.from != "" {
		t, ok := input.ParseTime(c.from)
		if !ok {
			return f, fmt.Errorf("%w: --from %q is not a date", errUsage, c.from)
		}
		f.From = t
	}
	if c.to != "" {
		t, ok := input.ParseTime(c.to)
		if !ok {
			return f, fmt.Errorf("%w: --to %q is not a date", errUsage, c.to)
		}
		if len(c.to) == len("2006-01-02") {
			t = t.Add(24*time.Hour - time.Second)
		}
		f.To = t
	}
	return f, nil
}

func runSearch(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var ff corpusFilterFlags
	ff.register(fs)
	sortBy := fs.String("sort", "", "relevance (default with a query) or date, date-asc")
	limit := fs.Int("limit", 20, "results per page")
	offset := fs.Int("offset", 0, "results to skip")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens search [flags] [QUERY]\n\nQUERY: words (all must match), \"a phrase\", -excluded. Without a query, filters alone select.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	f, err := ff.filter(strings.Join(fs.Args(), " "))
	if err != nil {
		return err
	}
	switch store.Sort(*sortBy) {
	case "", store.SortRelevance, store.SortDate, store.SortDateAsc:
	default:
		return fmt.Errorf("%w: unknown --sort %q", errUsage, *sortBy)
	}
	s, err := dial.Open(ctx, *ff.db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	res, err := s.Search(ctx, f, store.Page{Limit: *limit, Offset: *offset, Sort: store.Sort(*sortBy)})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	color := isTerminal(e.stdout)
	for i, h := range res.Hits {
		pub := "undated"
		if h.Published != nil {
			pub = h.Published.Format("2006-01-02")
		}
		title := h.Title
		if title == "" {
			title = "(untitled)"
		}
		fmt.Fprintf(e.stdout, "%d. %s\n   %s · %s · %s", *offset+i+1, title, h.Outlet, pub, h.ID)
		if h.Score != 0 {
			fmt.Fprintf(e.stdout, " · score %.3g", h.Score)
		}
		if h.Version > 1 {
			fmt.Fprintf(e.stdout, " · version %d", h.Version)
		}
		fmt.Fprintln(e.stdout)
		if h.URL != "" {
			fmt.Fprintf(e.stdout, "   %s\n", h.URL)
		}
		for _, sn := range h.Snippets {
			fmt.Fprintf(e.stdout, "   …%s… [%d,%d)\n", corpusHighlight(sn, color), sn.Start, sn.End)
		}
	}
	fmt.Fprintf(e.stderr, "newslens: %d of %d matches in %s\n", len(res.Hits), res.Total, time.Since(start).Round(time.Microsecond))
	return nil
}

// corpusHighlight marks the query matches of a snippet: bold on a
// terminal, [[...]] otherwise.
func corpusHighlight(sn store.Snippet, color bool) string {
	open, close := "[[", "]]"
	if color {
		open, close = "\033[1m", "\033[0m"
	}
	var b strings.Builder
	pos := sn.Start
	for _, m := range sn.Matches {
		b.WriteString(sn.Text[pos-sn.Start : m.Start-sn.Start])
		b.WriteString(open + sn.Text[m.Start-sn.Start:m.End-sn.Start] + close)
		pos = m.End
	}
	b.WriteString(sn.Text[pos-sn.Start:])
	return strings.Join(strings.Fields(b.String()), " ")
}
