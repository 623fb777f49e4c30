package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/store"
)

// Rollups (migration 0003) hold the counts of the aggregations that group
// many rows, per period (0 = all time, or a UTC year), for latest
// versions only. Put, Replace and supersession keep them in step inside
// the write transaction with set-based statements over the batch's
// documents; Aggregate reads them when the filter is one they can answer
// (no filter, outlets where the first key is the outlet, and date ranges
// made of whole years plus edges counted from the base tables).

// CooccurrenceRank is how many of each document's most mentioned entities
// the co-occurrence aggregation pairs up: the entities central to the same
// documents, and a constant number of pairs per document (all pairs of an
// analysed article's ~15 entities would be ~100 rows per document).
const CooccurrenceRank = 6

// rollupSpec says how one rollup counts a set of documents d.
type rollupSpec struct {
	agg    string
	k1, k2 string // expressions
	from   string // tables, including documents d
	where  string // extra condition ("" for none)
	count  string
	// outletKey: k1 is the document's outlet, so an outlet filter reads
	// the same rows.
	outletKey bool
	// goOnly: no SQL form; counted only by addDocRollups (migration 0008).
	goOnly bool
	// monthly: k2 ends in a month's day number and only period 0 is
	// counted (planMonths).
	monthly bool
}

// The SQL forms run once, right after migrations 0003 and 0005 (the
// annotations rows of those schemas are one per annotation, hence
// COUNT(*); since 0011 a row counts n annotations and the fold counts
// them in Go).
var rollupSpecs = []rollupSpec{
	{agg: "volume", k1: `''`, k2: `CAST(d.day AS TEXT)`, from: `documents d`, where: `d.day IS NOT NULL`, count: `COUNT(*)`},
	{agg: "volume-outlet", k1: `d.outlet`, k2: `CAST(d.day AS TEXT)`, from: `documents d`, where: `d.day IS NOT NULL`, count: `COUNT(*)`, outletKey: true},
	{agg: string(store.AggOutletTechnique), k1: `d.outlet`, k2: `a.label`, from: `documents d {J} annotations a ON a.doc = d.seq`,
		where: `a.kind = 'technique'`, count: `COUNT(*)`, outletKey: true},
	{agg: string(store.AggSpeakers), k1: `d.outlet`, k2: `CASE WHEN a.name <> '' THEN a.name ELSE a.key END`, from: `documents d {J} annotations a ON a.doc = d.seq`,
		where: `a.kind = 'quote' AND (a.name <> '' OR a.key <> '')`, count: `COUNT(*)`, outletKey: true},
	{agg: string(store.AggQuotedEntities), k1: `d.outlet`, k2: `a.key`, from: `documents d {J} annotations a ON a.doc = d.seq`,
		where: `a.kind = 'quote' AND a.key <> ''`, count: `COUNT(*)`, outletKey: true},
	{agg: string(store.AggEntities), k1: `''`, k2: `x.entity`, from: `documents d {J} doc_entities x ON x.doc = d.seq`, count: `COUNT(*)`},
	{agg: string(store.AggPlaces), k1: `''`, k2: `a.key`, from: `documents d {J} annotations a ON a.doc = d.seq`,
		where: `a.kind = 'place' AND a.key <> ''`, count: `COUNT(*)`},
	{agg: string(store.AggCooccurrence), k1: `''`, k2: `x.entity || '	' || y.entity`,
		from:  `documents d {J} doc_entities x ON x.doc = d.seq {J} doc_entities y ON y.doc = d.seq AND x.entity < y.entity`,
		where: `x.rnk < ` + strconv.Itoa(CooccurrenceRank) + ` AND y.rnk < ` + strconv.Itoa(CooccurrenceRank), count: `COUNT(*)`},
	// Migration 0005 (eventSpecs counts existing documents into these).
	{agg: string(store.AggEvents), k1: `''`, k2: `v.type`, from: `documents d {J} doc_events v ON v.doc = d.seq`, count: `SUM(v.n)`},
	{agg: string(store.AggPortrayal), k1: `''`, k2: `x.entity || '	' || x.portrayal`, from: `documents d {J} doc_entities x ON x.doc = d.seq`,
		where: `x.portrayal <> ''`, count: `COUNT(*)`},
	// Migration 0008: counted in Go only (addDocRollups), never by the
	// SQL above. The two monthly ones are counted for all time only (a
	// month key names its year): date filters select whole months.
	// SQL above: events by type and month (k2 "type\tday", the day number
	// of the month's first day), event actors (k1 the role, k2
	// "type\tentity"), portrayal by outlet (k1 the outlet, k2
	// "entity\tlabel") and by month (k1 the entity, k2 "label\tday").
	// With the counting moved out of Put (Fold) their many keys no longer
	// slow writes; before 0008 they made writes 35% slower and were
	// grouped from the base tables per query (2.8-12.4 s on 100k docs).
	{agg: string(store.AggEventsByTime), goOnly: true, monthly: true},
	// Event actors: k1 "role\ttype", k2 the entity, so that the top
	// actors of each type and role are the first entries of rollups_top
	// (migration 0010; before it k1 was the role and k2 "type\tentity").
	{agg: string(store.AggEventActors), goOnly: true},
	// Portrayed: documents in which an entity has a portrayal label (k2),
	// so that the portrayal aggregations read their top entities from
	// rollups_top instead of summing every entity's labels (migration
	// 0010).
	{agg: "portrayed", goOnly: true},
	{agg: string(store.AggPortrayalByOutlet), goOnly: true, outletKey: true},
	{agg: string(store.AggPortrayalByTime), goOnly: true, monthly: true},
}

// eventSpecs are the rollups added by migration 0005.
var eventSpecs = map[string]bool{string(store.AggEvents): true, string(store.AggPortrayal): true}

// rollupLock is the PostgreSQL advisory lock key of rollup updates (an
// arbitrary constant outside hashtextextended's typical use).
const rollupLock int64 = 0x6e6c726f6c6c7570 // "nlrollup"

// yearExpr is the UTC year of d.published.
func (s *DB) yearExpr() string {
	if s.d.Postgres {
		return `CAST(EXTRACT(YEAR FROM to_timestamp(d.published) AT TIME ZONE 'UTC') AS INTEGER)`
	}
	return `CAST(strftime('%Y', d.published, 'unixepoch') AS INTEGER)`
}

// rollupOnly runs the specs in only (every spec when nil).
func (s *DB) rollupOnly(ctx context.Context, tx *sql.Tx, cond string, args []any, sign int, only map[string]bool) error {
	for _, sp := range rollupSpecs {
		if (only != nil && !only[sp.agg]) || sp.goOnly {
			continue
		}
		for _, period := range []string{`0`, s.yearExpr()} {
			w := cond
			if sp.where != "" {
				w += ` AND ` + sp.where
			}
			if period != `0` {
				w += ` AND d.published IS NOT NULL`
			}
			// Documents first, by seq: without planner statistics (a
			// store that was never ANALYZEd) SQLite read every annotation
			// of the kind through its kind index instead, per batch, which
			// made a 100k-document load quadratic. CROSS JOIN fixes the
			// order in SQLite; PostgreSQL has no ON with CROSS JOIN.
			from := strings.ReplaceAll(sp.from, "{J}", s.then(true))
			q := `INSERT INTO rollups (agg, period, k1, k2, n) SELECT '` + sp.agg + `', ` + period + `, ` + sp.k1 + `, ` + sp.k2 + `, ` +
				strconv.Itoa(sign) + ` * ` + sp.count + ` FROM ` + from + ` WHERE ` + w + ` GROUP BY 2, 3, 4
				ON CONFLICT (agg, period, k1, k2) DO UPDATE SET n = rollups.n + excluded.n`
			if err := s.exec(ctx, tx, q, args...); err != nil {
				return fmt.Errorf("rollup %s: %w", sp.agg, err)
			}
		}
	}
	return nil
}

// rebuildRollups counts every latest document into empty rollups (after
// migration 0003 on an existing store).
func (s *DB) rebuildRollups(ctx context.Context, tx *sql.Tx) error {
	// The tables of the later specs do not exist yet; migration 0005
	// counts them in.
	only := map[string]bool{}
	for _, sp := range rollupSpecs {
		only[sp.agg] = !eventSpecs[sp.agg]
	}
	return s.rollupOnly(ctx, tx, `d.latest = 1`, nil, 1, only)
}

// rollupPlan is how Aggregate answers from rollups: the periods to sum,
// the outlets to restrict k1 to, and the date ranges at the edges to count
// from the base tables.
type rollupPlan struct {
	spec    rollupSpec
	periods []int
	outlets []string
	edges   []store.Filter
	// For monthly specs under a date filter: the day numbers of the
	// first and last whole months inside it (keys outside are skipped).
	months  bool
	monthLo int64
	monthHi int64
	filter  store.Filter
}

// planRollup decides whether aq over f can be read from rollups.
func (s *DB) planRollup(ctx context.Context, aq store.AggQuery, f store.Filter) (rollupPlan, bool, error) {
	agg := string(aq.Agg)
	if agg == string(store.AggVolume) && len(f.Outlets) > 0 {
		agg = "volume-outlet"
	}
	if agg == string(store.AggPortrayal) && len(f.Outlets) > 0 {
		agg = string(store.AggPortrayalByOutlet) // the same counts, per outlet
	}
	switch aq.Agg {
	case store.AggEventsByTime, store.AggPortrayalByTime:
		// Counted per month: days and weeks come from the base tables.
		if aq.Interval != "" && aq.Interval != "month" && aq.Interval != "year" {
			return rollupPlan{}, false, nil
		}
	}
	var p rollupPlan
	found := false
	for _, sp := range rollupSpecs {
		if sp.agg == agg {
			p.spec, found = sp, true
		}
	}
	if !found || f.AllVersions || !broad(withoutOutlets(f)) {
		return p, false, nil
	}
	if len(f.Outlets) > 0 {
		if !p.spec.outletKey {
			return p, false, nil
		}
		p.outlets = f.Outlets
	}
	// Documents queued since the last fold are counted in first.
	if !s.ensureFolded(ctx) {
		return p, false, nil
	}
	p.filter = f
	if p.spec.monthly && !(f.From.IsZero() && f.To.IsZero()) {
		return s.planMonths(ctx, p, f)
	}
	if f.From.IsZero() && f.To.IsZero() {
		p.periods = []int{0}
		return p, true, nil
	}
	// Whole years inside [From, To]; the rest is counted from the base
	// tables, which is cheap when it is a small part of the corpus.
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Unix(0, 0).UTC()
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	from, to = from.UTC(), to.UTC()
	y1 := from.Year()
	if !from.Equal(time.Date(y1, 1, 1, 0, 0, 0, 0, time.UTC)) {
		y1++
	}
	y2 := to.Year() - 1 // the last year that ends at or before To
	if to.Equal(time.Date(to.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Second)) {
		y2 = to.Year()
	}
	if y2 < y1 || y2-y1 > 50 {
		return p, false, nil
	}
	for y := y1; y <= y2; y++ {
		p.periods = append(p.periods, y)
	}
	edge := func(a, b time.Time) {
		if b.Before(a) {
			return
		}
		e := f
		e.From, e.To = a, b
		p.edges = append(p.edges, e)
	}
	start := time.Date(y1, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y2+1, 1, 1, 0, 0, 0, 0, time.UTC)
	edge(from, start.Add(-time.Second))
	edge(end, to)
	// Edges without documents (the usual case: To at midnight) cost
	// nothing and keep the limit in SQL.
	err := s.dropEmptyEdges(ctx, &p)
	return p, err == nil, err
}

// aggregateRollup answers aq from rollups following plan.
func (s *DB) aggregateRollup(ctx context.Context, aq store.AggQuery, plan rollupPlan) ([]store.Row, error) {
	agg := store.Aggregation(aq.Agg)
	if agg == store.AggPortrayalByTime {
		return s.portrayalByTimeRollup(ctx, aq, plan)
	}
	if agg == store.AggPortrayal && plan.spec.agg == string(store.AggPortrayal) && len(plan.edges) == 0 && len(plan.periods) == 1 {
		return s.portrayalTopRollup(ctx, aq, plan.periods[0])
	}
	perOutlet := agg == store.AggSpeakers || agg == store.AggQuotedEntities
	// Portrayal limits entities, not rows: it reads every row.
	unlimited := agg == store.AggVolume || agg == store.AggOutletTechnique || agg == store.AggPortrayal ||
		agg == store.AggPortrayalByOutlet || agg == store.AggEventsByTime
	readAll := unlimited
	args := []any{plan.spec.agg}
	var byOutlet []string // read per outlet (portrayal-by-outlet over all outlets)
	w := `agg = ? AND period IN (` + placeholders(len(plan.periods)) + `)`
	for _, y := range plan.periods {
		args = append(args, y)
	}
	if len(plan.outlets) > 0 {
		w += ` AND k1 IN (` + placeholders(len(plan.outlets)) + `)`
		args = append(args, anys(plan.outlets)...)
	} else if agg == store.AggPortrayalByOutlet {
		// Over all outlets the top entities are portrayal's (the same
		// documents, summed over outlets): read only their rows, not
		// every outlet x entity row.
		p := plan
		for _, sp := range rollupSpecs {
			if sp.agg == string(store.AggPortrayal) {
				p.spec = sp
			}
		}
		top, err := s.aggregateRollup(ctx, store.AggQuery{Agg: store.AggPortrayal, Limit: aq.Limit}, p)
		if err != nil {
			return nil, err
		}
		var k2s []string
		seen := map[string]bool{}
		for _, r := range top {
			if !seen[r.Keys[0]] {
				seen[r.Keys[0]] = true
				for l := range portrayalOrder {
					k2s = append(k2s, r.Keys[0]+"\t"+l)
				}
			}
		}
		if len(k2s) == 0 {
			return nil, nil
		}
		// One statement per outlet, each seeking (agg, period, k1, k2)
		// in the primary key: with k2 alone the read scanned every
		// outlet x entity row of the period (0.3 s on 100k documents),
		// and with k1 IN (...) too SQLite still read each outlet's rows.
		if byOutlet, err = s.outletNames(ctx); err != nil {
			return nil, err
		}
		byOutlet = append(byOutlet, "") // documents without an outlet
		w += ` AND k1 = ? AND k2 IN (` + placeholders(len(k2s)) + `)`
		args = append(args, nil) // the outlet, set per statement
		args = append(args, anys(k2s)...)
	}
	type key struct{ k1, k2 string }
	counts := map[key]int64{}
	nread := 0
	read := func(q string, args ...any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
		if err != nil {
			return fmt.Errorf("aggregate %s: %w", agg, err)
		}
		defer rows.Close()
		for rows.Next() {
			var k key
			var n int64
			if err := rows.Scan(&k.k1, &k.k2, &n); err != nil {
				return fmt.Errorf("aggregate %s: %w", agg, err)
			}
			if plan.months {
				// Only whole months inside the filter; the edges are
				// added from the base tables.
				if _, day, _ := strings.Cut(k.k2, "\t"); !plan.inMonths(day) {
					continue
				}
			}
			counts[k] += n
			nread++
		}
		return rows.Err()
	}
	if len(plan.edges) == 0 && !readAll && len(plan.periods) == 1 {
		// One period and no edges: the top rows of each k1 are the first
		// entries of rollups_top.
		k1s := []string{""}
		if agg == store.AggEventActors {
			// Each role and type: the types are the events rollup's keys.
			types, err := s.rollupKeys(ctx, string(store.AggEvents), plan.periods[0])
			if err != nil {
				return nil, err
			}
			k1s = k1s[:0]
			for _, t := range types {
				k1s = append(k1s, "source\t"+t, "target\t"+t)
			}
		}
		if perOutlet {
			k1s = plan.outlets
			if len(k1s) == 0 {
				var err error
				if k1s, err = s.outletNames(ctx); err != nil {
					return nil, err
				}
				k1s = append(k1s, "") // documents without an outlet
			}
		}
		for _, k1 := range k1s {
			// rollups_top holds the keys counted more than once
			// (migration 0006); when fewer than Limit are, the rest
			// are the keys counted once, in key order as ORDER BY n
			// DESC, k2 would give them. The n > 1 term must be written
			// as in the index's WHERE for the planner to use it.
			nread = 0
			if err := read(`SELECT k1, k2, n FROM rollups WHERE agg = ? AND period = ? AND k1 = ? AND n > 1 ORDER BY n DESC, k2 LIMIT ?`,
				plan.spec.agg, plan.periods[0], k1, aq.Limit); err != nil {
				return nil, err
			}
			if nread < aq.Limit {
				if err := read(`SELECT k1, k2, n FROM rollups WHERE agg = ? AND period = ? AND k1 = ? AND n = 1 ORDER BY k2 LIMIT ?`,
					plan.spec.agg, plan.periods[0], k1, aq.Limit-nread); err != nil {
					return nil, err
				}
			}
		}
	} else if byOutlet != nil {
		at := 1 + len(plan.periods) // the outlet's argument
		for _, o := range byOutlet {
			args[at] = o
			if err := read(`SELECT k1, k2, SUM(n) AS c FROM rollups WHERE `+w+` GROUP BY k1, k2 HAVING SUM(n) > 0`, args...); err != nil {
				return nil, err
			}
		}
	} else if err := read(`SELECT k1, k2, SUM(n) AS c FROM rollups WHERE `+w+` GROUP BY k1, k2 HAVING SUM(n) > 0`, args...); err != nil {
		return nil, err
	}
	// Edges: the same aggregation from the base tables, unlimited.
	for _, e := range plan.edges {
		er, err := s.aggregateJoin(ctx, store.AggQuery{Agg: aq.Agg, Limit: 1 << 30, Interval: "raw"}, e)
		if err != nil {
			return nil, err
		}
		for _, r := range er {
			var k key
			switch agg {
			case store.AggVolume:
				k = key{"", r.Keys[0]}
				if plan.spec.agg == "volume-outlet" {
					k.k1 = "" // summed over the filter's outlets below
				}
			case store.AggEntities, store.AggPlaces, store.AggEvents:
				k = key{"", r.Keys[0]}
			case store.AggPortrayal:
				k = key{"", r.Keys[0] + "\t" + r.Keys[2]}
			case store.AggEventsByTime:
				k = key{"", r.Keys[0] + "\t" + monthOfDay(r.Keys[1])}
			case store.AggPortrayalByOutlet:
				k = key{r.Keys[0], r.Keys[1] + "\t" + r.Keys[3]}
			case store.AggEventActors:
				k = key{r.Keys[1] + "\t" + r.Keys[0], r.Keys[2]}
			case store.AggCooccurrence:
				k = key{"", r.Keys[0] + "\t" + r.Keys[1]}
			default:
				k = key{r.Keys[0], r.Keys[1]}
			}
			counts[k] += r.Count
		}
	}
	var out []store.Row
	switch agg {
	case store.AggVolume:
		byDay := map[string]int64{}
		for k, n := range counts {
			byDay[k.k2] += n
		}
		for d, n := range byDay {
			out = append(out, store.Row{Keys: []string{d}, Count: n})
		}
		return bucketRows(out, 0, aq.Interval), nil
	case store.AggEventsByTime:
		for k, n := range counts {
			if typ, day, ok := strings.Cut(k.k2, "\t"); ok && n > 0 {
				out = append(out, store.Row{Keys: []string{typ, day}, Count: n})
			}
		}
		return bucketRows(out, 1, aq.Interval), nil
	case store.AggPortrayal, store.AggPortrayalByOutlet:
		byKey := map[[2]string]int64{}
		for k, n := range counts {
			if agg == store.AggPortrayal {
				k.k1 = "" // summed over the filter's outlets
			}
			byKey[[2]string{k.k1, k.k2}] += n
		}
		return s.portrayalRollupRows(ctx, byKey, aq.Limit, agg == store.AggPortrayalByOutlet)
	}
	for k, n := range counts {
		if n <= 0 {
			continue
		}
		switch agg {
		case store.AggEntities, store.AggPlaces, store.AggEvents:
			out = append(out, store.Row{Keys: []string{k.k2}, Count: n})
		case store.AggCooccurrence:
			a, b, _ := strings.Cut(k.k2, "\t")
			out = append(out, store.Row{Keys: []string{a, b}, Count: n})
		case store.AggEventActors:
			role, typ, _ := strings.Cut(k.k1, "\t")
			out = append(out, store.Row{Keys: []string{typ, role, k.k2}, Count: n})
		default:
			out = append(out, store.Row{Keys: []string{k.k1, k.k2}, Count: n})
		}
	}
	sortRows(out)
	switch {
	case unlimited:
	case perOutlet, agg == store.AggEventActors:
		groups := 1
		if agg == store.AggEventActors {
			groups = 2 // per type and role
		}
		per := map[string]int{}
		kept := out[:0]
		for _, r := range out {
			g := strings.Join(r.Keys[:groups], "\x00")
			if per[g] < aq.Limit {
				per[g]++
				kept = append(kept, r)
			}
		}
		out = kept
	default:
		out = out[:min(len(out), aq.Limit)]
	}
	return s.nameRows(ctx, agg, out)
}

// nameRows adds the descriptive key columns (names, types, coordinates)
// the aggregation's rows carry, for the rows that are returned.
func (s *DB) nameRows(ctx context.Context, agg store.Aggregation, rows []store.Row) ([]store.Row, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	col := 0
	var q string
	switch agg {
	case store.AggEntities:
		q = `SELECT id, type, name FROM entities WHERE id IN `
	case store.AggQuotedEntities:
		q, col = `SELECT id, name FROM entities WHERE id IN `, 1
	case store.AggEventActors:
		q, col = `SELECT id, name FROM entities WHERE id IN `, 2
	case store.AggPlaces:
		q = `SELECT id, name, country, lat, lon FROM places WHERE id IN `
	default:
		return rows, nil
	}
	ids := map[string]bool{}
	var list []any
	for _, r := range rows {
		if !ids[r.Keys[col]] {
			ids[r.Keys[col]] = true
			list = append(list, r.Keys[col])
		}
	}
	extra := map[string][]string{}
	for _, c := range chunks(len(list), 500) {
		part := list[c[0]:c[1]]
		qr, err := s.db.QueryContext(ctx, s.rebind(q+`(`+placeholders(len(part))+`)`), part...)
		if err != nil {
			return nil, fmt.Errorf("aggregate %s: names: %w", agg, err)
		}
		for qr.Next() {
			var id string
			var cells []sql.NullString
			switch agg {
			case store.AggEntities:
				cells = make([]sql.NullString, 2)
			case store.AggQuotedEntities, store.AggEventActors:
				cells = make([]sql.NullString, 1)
			default:
				cells = make([]sql.NullString, 4)
			}
			dest := []any{&id}
			for i := range cells {
				dest = append(dest, &cells[i])
			}
			if err := qr.Scan(dest...); err != nil {
				qr.Close()
				return nil, err
			}
			var vals []string
			for _, c := range cells {
				vals = append(vals, c.String)
			}
			extra[id] = vals
		}
		qr.Close()
		if err := qr.Err(); err != nil {
			return nil, err
		}
	}
	out := rows[:0]
	for _, r := range rows {
		vals, ok := extra[r.Keys[col]]
		switch {
		case ok:
		case agg == store.AggQuotedEntities || agg == store.AggEventActors:
			vals = []string{""} // LEFT JOIN in the base query
		default:
			continue // inner join in the base query
		}
		r.Keys = append(append([]string(nil), r.Keys...), vals...)
		out = append(out, r)
	}
	return out, nil
}

// withoutOutlets is f without its outlet filter.
func withoutOutlets(f store.Filter) store.Filter {
	f.Outlets = nil
	return f
}

// outletNames lists the known outlets.
func (s *DB) outletNames(ctx context.Context) ([]string, error) {
	out, err := s.queryStrings(ctx, `SELECT name FROM outlets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("outlets: %w", err)
	}
	return out, nil
}

// AggregateBase computes an aggregation from the base tables only, never
// from the rollups; the conformance suite checks the rollups against it.
func (s *DB) AggregateBase(ctx context.Context, aq store.AggQuery, f store.Filter) ([]store.Row, error) {
	if aq.Limit <= 0 {
		aq.Limit = 50
	}
	return s.aggregateJoin(ctx, aq, f)
}

// monthDay is the day number (days since 1970-01-01) of the first day of
// t's month (UTC): the time key of the monthly rollups, which bucketRows
// turns into months or years like any day number.
func monthDay(t time.Time) int64 {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// applyDeltas upserts rollup deltas one row per statement, in key order.
// SQLite keeps a statement journal for each multi-row statement inside a
// transaction; for the set-based rollup statements those journals were
// most of the write cost in a 100k-document store (allocated and freed
// per statement, and modernc's allocator returns freed memory to the OS
// with madvise). A single-row upsert needs none.
func (s *DB) applyDeltas(ctx context.Context, tx writeTx, deltas *tally) error {
	rows := deltas.rows()
	if len(rows) == 0 {
		return nil
	}
	if s.d.Postgres {
		return s.applyDeltasPostgres(ctx, tx, rows)
	}
	// One statement per aggregation, with the name (and k1 when every
	// row of the aggregation has it empty) written into the statement:
	// each text parameter costs the driver a C string per row.
	const head, tail = `INSERT INTO rollups (agg, period, k1, k2, n) VALUES `, ` ON CONFLICT (agg, period, k1, k2) DO UPDATE SET n = rollups.n + excluded.n`
	for len(rows) > 0 {
		n := 1
		emptyK1 := rows[0].k1 == ""
		for n < len(rows) && rows[n].agg == rows[0].agg {
			emptyK1 = emptyK1 && rows[n].k1 == ""
			n++
		}
		group := rows[:n]
		rows = rows[n:]
		var err error
		if emptyK1 {
			err = tx.execGrouped(ctx, head, `('`+group[0].agg+`', ?, '', ?, ?)`, tail, len(group), 3, func(i int, a []driver.NamedValue) error {
				r := &group[i]
				a[0].Value, a[1].Value, a[2].Value = int64(r.period), r.k2, r.n
				return nil
			})
		} else {
			err = tx.execGrouped(ctx, head, `('`+group[0].agg+`', ?, ?, ?, ?)`, tail, len(group), 4, func(i int, a []driver.NamedValue) error {
				r := &group[i]
				a[0].Value, a[1].Value, a[2].Value, a[3].Value = int64(r.period), r.k1, r.k2, r.n
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("rollups %s: %w", group[0].agg, err)
		}
	}
	return nil
}

// portrayalRollupRows turns (outlet, "entity\tlabel") counts into the
// portrayal aggregations' rows for the limit entities in most documents.
func (s *DB) portrayalRollupRows(ctx context.Context, counts map[[2]string]int64, limit int, byOutlet bool) ([]store.Row, error) {
	total := map[string]int64{}
	for k, n := range counts {
		if n > 0 {
			e, _, _ := strings.Cut(k[1], "\t")
			total[e] += n
		}
	}
	top := make([]string, 0, len(total))
	for e := range total {
		top = append(top, e)
	}
	sort.Slice(top, func(i, j int) bool {
		if total[top[i]] != total[top[j]] {
			return total[top[i]] > total[top[j]]
		}
		return top[i] < top[j]
	})
	top = top[:min(len(top), limit)]
	if len(top) == 0 {
		return nil, nil
	}
	keep := map[string]bool{}
	for _, e := range top {
		keep[e] = true
	}
	names := map[string]string{}
	qr, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, name FROM entities WHERE id IN (`+placeholders(len(top))+`)`), anys(top)...)
	if err != nil {
		return nil, fmt.Errorf("aggregate portrayal: names: %w", err)
	}
	for qr.Next() {
		var id, name string
		if err := qr.Scan(&id, &name); err != nil {
			qr.Close()
			return nil, err
		}
		names[id] = name
	}
	qr.Close()
	if err := qr.Err(); err != nil {
		return nil, err
	}
	var out []store.Row
	for k, n := range counts {
		e, l, _ := strings.Cut(k[1], "\t")
		if n > 0 && keep[e] {
			keys := []string{e, names[e], l}
			if byOutlet {
				keys = append([]string{k[0]}, keys...)
			}
			out = append(out, store.Row{Keys: keys, Count: n})
		}
	}
	sortPortrayal(out, byOutlet, top)
	return out, nil
}

// applyDeltasPostgres upserts a batch's rollup deltas, summed in Go, in
// one statement over unnest()ed arrays. The set-based statements it
// replaces (two per rollup, each joining the batch's rows and grouping
// them on the server) were the largest part of the server's write time:
// 4.5 of 13 server seconds for 2,000 analysed documents. keys are
// sorted; the rollup lock orders concurrent writers as in applyRollups.
func (s *DB) applyDeltasPostgres(ctx context.Context, tx writeTx, rows []tallyRow) error {
	if err := s.exec(ctx, tx, `SELECT pg_advisory_xact_lock(?)`, rollupLock); err != nil {
		return fmt.Errorf("rollup lock: %w", err)
	}
	aggs := make([]string, len(rows))
	periods := make([]int32, len(rows))
	k1s := make([]string, len(rows))
	k2s := make([]string, len(rows))
	ns := make([]int64, len(rows))
	for i, r := range rows {
		aggs[i], periods[i], k1s[i], k2s[i], ns[i] = r.agg, int32(r.period), r.k1, r.k2, r.n
	}
	if err := s.exec(ctx, tx, `INSERT INTO rollups (agg, period, k1, k2, n)
		SELECT * FROM unnest(?::text[], ?::integer[], ?::text[], ?::text[], ?::bigint[])
		ON CONFLICT (agg, period, k1, k2) DO UPDATE SET n = rollups.n + excluded.n`, aggs, periods, k1s, k2s, ns); err != nil {
		return fmt.Errorf("rollups: %w", err)
	}
	return nil
}

// monthOfDay turns a day number (as text) into the day number of its
// month's first day, the key of the monthly rollups.
func monthOfDay(day string) string {
	d, err := strconv.ParseInt(day, 10, 64)
	if err != nil {
		return day
	}
	return strconv.FormatInt(monthDay(time.Unix(d*86400, 0)), 10)
}

// portrayalByTimeRollup answers portrayal-by-time from the rollups: the
// top entities from the portrayal rollup, then their monthly counts.
func (s *DB) portrayalByTimeRollup(ctx context.Context, aq store.AggQuery, plan rollupPlan) ([]store.Row, error) {
	// The top entities over the same filter, from the portrayal rollup
	// (its own periods and edges).
	tq := store.AggQuery{Agg: store.AggPortrayal, Limit: aq.Limit}
	p, ok, err := s.planRollup(ctx, tq, plan.filter)
	if err != nil {
		return nil, err
	}
	var topRows []store.Row
	if ok {
		topRows, err = s.aggregateRollup(ctx, tq, p)
	} else {
		topRows, err = s.aggregateJoin(ctx, tq, plan.filter)
	}
	if err != nil {
		return nil, err
	}
	var top []string
	names := map[string]string{}
	for _, r := range topRows { // in rank order
		if _, ok := names[r.Keys[0]]; !ok {
			names[r.Keys[0]] = r.Keys[1]
			top = append(top, r.Keys[0])
		}
	}
	if len(top) == 0 {
		return nil, nil
	}
	counts := map[[2]string]int64{} // entity, "label\tday"
	args := []any{string(store.AggPortrayalByTime)}
	for _, y := range plan.periods {
		args = append(args, y)
	}
	args = append(args, anys(top)...)
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT k1, k2, SUM(n) FROM rollups WHERE agg = ? AND period IN (`+placeholders(len(plan.periods))+`)
		AND k1 IN (`+placeholders(len(top))+`) GROUP BY k1, k2`), args...)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	for rows.Next() {
		var k [2]string
		var n int64
		if err := rows.Scan(&k[0], &k[1], &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
		}
		if _, day, _ := strings.Cut(k[1], "\t"); plan.inMonths(day) {
			counts[k] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	for _, e := range plan.edges {
		er, err := s.aggregateJoin(ctx, store.AggQuery{Agg: aq.Agg, Limit: 1 << 30, Interval: "raw"}, e)
		if err != nil {
			return nil, err
		}
		for _, r := range er { // entity, name, label, day
			if _, ok := names[r.Keys[0]]; ok {
				counts[[2]string{r.Keys[0], r.Keys[2] + "\t" + monthOfDay(r.Keys[3])}] += r.Count
			}
		}
	}
	var out []store.Row
	for k, n := range counts {
		label, day, ok := strings.Cut(k[1], "\t")
		if ok && n > 0 {
			out = append(out, store.Row{Keys: []string{k[0], names[k[0]], label, day}, Count: n})
		}
	}
	out = bucketRows(out, 3, aq.Interval)
	sortPortrayal(out, false, top)
	return out, nil
}

// inMonths reports whether a monthly key's day number lies in the plan's
// whole months (always without a date filter).
func (p rollupPlan) inMonths(day string) bool {
	if !p.months {
		return true
	}
	d, err := strconv.ParseInt(day, 10, 64)
	return err == nil && d >= p.monthLo && d <= p.monthHi
}

// planMonths plans a monthly rollup under a date filter: the whole
// months inside [From, To] from the all-time keys, the partial months at
// the edges from the base tables (as planRollup does with years).
func (s *DB) planMonths(ctx context.Context, p rollupPlan, f store.Filter) (rollupPlan, bool, error) {
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Unix(0, 0).UTC()
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	from, to = from.UTC(), to.UTC()
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !from.Equal(first) {
		first = first.AddDate(0, 1, 0)
	}
	// The first month not wholly inside: To's own month, unless To is
	// its last second.
	end := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	if next := end.AddDate(0, 1, 0); to.Equal(next.Add(-time.Second)) {
		end = next
	}
	if !end.After(first) {
		return p, false, nil
	}
	p.periods = []int{0}
	p.months, p.monthLo, p.monthHi = true, first.Unix()/86400, end.AddDate(0, -1, 0).Unix()/86400
	edge := func(a, b time.Time) {
		if b.Before(a) {
			return
		}
		e := f
		e.From, e.To = a, b
		p.edges = append(p.edges, e)
	}
	edge(from, first.Add(-time.Second))
	edge(end, to)
	err := s.dropEmptyEdges(ctx, &p)
	return p, err == nil, err
}

// rollupKeys lists the k2 keys of an aggregation's rollup in a period
// that count more than zero.
func (s *DB) rollupKeys(ctx context.Context, agg string, period int) ([]string, error) {
	out, err := s.queryStrings(ctx, s.rebind(`SELECT k2 FROM rollups WHERE agg = ? AND period = ? AND k1 = '' AND n > 0 ORDER BY k2`), agg, period)
	if err != nil {
		return nil, fmt.Errorf("aggregate: %s keys: %w", agg, err)
	}
	return out, nil
}

// portrayalTopRollup answers portrayal for one period without edges: the
// top entities are the first entries of the portrayed rollup in
// rollups_top (count, then id, as the base query orders them), then their
// labels' rows. Summing every entity's labels to rank them read ~10^5
// rows on a 100k-document corpus.
func (s *DB) portrayalTopRollup(ctx context.Context, aq store.AggQuery, period int) ([]store.Row, error) {
	var top []string
	read := func(q string, args ...any) error {
		rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
		if err != nil {
			return fmt.Errorf("aggregate portrayal: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			top = append(top, k)
		}
		return rows.Err()
	}
	if err := read(`SELECT k2 FROM rollups WHERE agg = 'portrayed' AND period = ? AND k1 = '' AND n > 1 ORDER BY n DESC, k2 LIMIT ?`, period, aq.Limit); err != nil {
		return nil, err
	}
	if len(top) < aq.Limit {
		if err := read(`SELECT k2 FROM rollups WHERE agg = 'portrayed' AND period = ? AND k1 = '' AND n = 1 ORDER BY k2 LIMIT ?`, period, aq.Limit-len(top)); err != nil {
			return nil, err
		}
	}
	if len(top) == 0 {
		return nil, nil
	}
	var k2s []string
	for _, e := range top {
		for l := range portrayalOrder {
			k2s = append(k2s, e+"\t"+l)
		}
	}
	args := append([]any{string(store.AggPortrayal), period}, anys(k2s)...)
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT k2, n FROM rollups WHERE agg = ? AND period = ? AND k1 = '' AND k2 IN (`+placeholders(len(k2s))+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("aggregate portrayal: %w", err)
	}
	counts := map[[2]string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, err
		}
		counts[[2]string{"", k}] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.portrayalRollupRows(ctx, counts, aq.Limit, false)
}

// sortRows orders aggregation rows by count, largest first, then by keys,
// so that equal counts come out in the same order in both dialects.
func sortRows(out []store.Row) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		a, b := out[i].Keys, out[j].Keys
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
}

// dropEmptyEdges drops the partial-period edges of a plan that hold no
// documents (the usual case: a filter ending at midnight), so the common
// plan stays one rollup read with its limit in SQL.
func (s *DB) dropEmptyEdges(ctx context.Context, p *rollupPlan) error {
	kept := p.edges[:0]
	for _, e := range p.edges {
		n, err := s.Count(ctx, e)
		if err != nil {
			return err
		}
		if n > 0 {
			kept = append(kept, e)
		}
	}
	p.edges = kept
	return nil
}
