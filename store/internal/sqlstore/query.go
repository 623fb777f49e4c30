package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newslens/newslens/store"
)

// ftsQuery renders Filter.Query for the backend's full-text engine, or ""
// when the query has no positive term.
func (s *DB) ftsQuery(q string) string {
	pos, neg := store.QueryTerms(q)
	if len(pos) == 0 {
		return ""
	}
	var parts []string
	for _, p := range pos {
		parts = append(parts, `"`+strings.Join(p, " ")+`"`)
	}
	if s.d.Postgres {
		// websearch_to_tsquery syntax: quoted phrases, -word.
		for _, n := range neg {
			parts = append(parts, "-"+n)
		}
		return strings.Join(parts, " ")
	}
	out := strings.Join(parts, " AND ")
	for _, n := range neg {
		out += ` NOT "` + n + `"`
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// where renders the filter's conditions on documents d. With withFTS
// false the full-text condition is left out (the caller joins the FTS
// table itself); fts is the rendered full-text query.
func (s *DB) where(f store.Filter, withFTS bool) (clause string, args []any, fts string) {
	var conds []string
	add := func(c string, a ...any) {
		conds = append(conds, c)
		args = append(args, a...)
	}
	if !f.AllVersions {
		add(`d.latest = 1`)
	}
	fts = s.ftsQuery(f.Query)
	if fts != "" && withFTS {
		if s.d.Postgres {
			add(`d.tsv @@ websearch_to_tsquery('english', ?)`, fts)
		} else {
			add(`d.seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)`, fts)
		}
	}
	if len(f.Outlets) > 0 {
		add(`d.outlet IN (`+placeholders(len(f.Outlets))+`)`, anys(f.Outlets)...)
	}
	if !f.From.IsZero() {
		add(`d.published >= ?`, f.From.Unix())
	}
	if !f.To.IsZero() {
		add(`d.published <= ?`, f.To.Unix())
	}
	if f.ClusterID != "" {
		add(`d.cluster_id = ?`, f.ClusterID)
	}
	if len(f.EntityIDs) > 0 {
		add(`d.seq IN (SELECT doc FROM doc_entities WHERE entity IN (`+placeholders(len(f.EntityIDs))+`))`, anys(f.EntityIDs)...)
	}
	if len(f.PlaceIDs) > 0 {
		add(`d.seq IN (SELECT doc FROM annotations WHERE kind = 'place' AND key IN (`+placeholders(len(f.PlaceIDs))+`))`, anys(f.PlaceIDs)...)
	}
	if b := f.BBox; b != nil {
		lon := `lon BETWEEN ? AND ?`
		largs := []any{b.MinLon, b.MaxLon}
		if b.MinLon > b.MaxLon { // crosses the antimeridian
			lon = `(lon >= ? OR lon <= ?)`
		}
		add(`d.seq IN (SELECT doc FROM annotations WHERE kind = 'place' AND lat BETWEEN ? AND ? AND `+lon+`)`,
			append([]any{b.MinLat, b.MaxLat}, largs...)...)
	}
	if len(f.Speakers) > 0 {
		ph := placeholders(len(f.Speakers))
		add(`d.seq IN (SELECT doc FROM annotations WHERE kind = 'quote' AND (key IN (`+ph+`) OR name IN (`+ph+`)))`,
			append(anys(f.Speakers), anys(f.Speakers)...)...)
	}
	if len(f.Techniques) > 0 {
		add(`d.seq IN (SELECT doc FROM annotations WHERE kind = 'technique' AND label IN (`+placeholders(len(f.Techniques))+`))`, anys(f.Techniques)...)
	}
	if len(f.CountTypes) > 0 {
		add(`d.seq IN (SELECT doc FROM annotations WHERE kind = 'count' AND label IN (`+placeholders(len(f.CountTypes))+`))`, anys(f.CountTypes)...)
	}
	if len(f.EventTypes)+len(f.EventSources)+len(f.EventTargets) > 0 {
		// Correlated on doc_events' primary key (doc, type, source,
		// target): no extra index to keep up at write time, and one
		// event must match all the given fields.
		var ev []string
		for _, c := range []struct {
			col  string
			vals []string
		}{{"type", f.EventTypes}, {"source", f.EventSources}, {"target", f.EventTargets}} {
			if len(c.vals) > 0 {
				ev = append(ev, `v.`+c.col+` IN (`+placeholders(len(c.vals))+`)`)
				args = append(args, anys(c.vals)...)
			}
		}
		conds = append(conds, `EXISTS (SELECT 1 FROM doc_events v WHERE v.doc = d.seq AND `+strings.Join(ev, " AND ")+`)`)
	}
	if len(f.Portrayals) > 0 {
		// doc_entities is indexed by entity: the documents of the
		// entities named, with the label checked on those rows.
		var alts []string
		for _, p := range f.Portrayals {
			if p.Label == "" {
				alts = append(alts, `entity = ?`)
				args = append(args, p.EntityID)
			} else {
				alts = append(alts, `(entity = ? AND portrayal = ?)`)
				args = append(args, p.EntityID, p.Label)
			}
		}
		conds = append(conds, `d.seq IN (SELECT doc FROM doc_entities WHERE (`+strings.Join(alts, " OR ")+`) AND portrayal <> '')`)
	}
	if len(conds) == 0 {
		return "1 = 1", args, fts
	}
	return strings.Join(conds, " AND "), args, fts
}

// Count implements store.Store.
func (s *DB) Count(ctx context.Context, f store.Filter) (int, error) {
	w, args, _ := s.where(f, true)
	var n int
	if err := s.db.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM documents d WHERE `+w), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

// Search implements store.Store.
func (s *DB) Search(ctx context.Context, f store.Filter, p store.Page) (*store.Results, error) {
	if p.Limit <= 0 {
		p.Limit = 20
	}
	p.Limit = min(p.Limit, 1000)
	p.Offset = max(p.Offset, 0)
	sortBy := p.Sort
	if sortBy == "" {
		sortBy = store.SortDate
		if strings.TrimSpace(f.Query) != "" {
			sortBy = store.SortRelevance
		}
	}
	w0, args0, fts0 := s.where(f, true)
	countQ := `SELECT COUNT(*) FROM (SELECT 1 FROM documents d WHERE ` + w0 + ` LIMIT ?) c`
	if fts0 != "" && !s.d.Postgres {
		// Drive the count from the FTS match list (rowid lookups into the
		// narrow documents table) rather than scanning every document.
		w1, args1, _ := s.where(f, false)
		countQ = `SELECT COUNT(*) FROM (SELECT 1 FROM documents_fts CROSS JOIN documents d ON d.seq = documents_fts.rowid
			WHERE documents_fts MATCH ? AND ` + w1 + ` LIMIT ?) c`
		args0 = append([]any{fts0}, args1...)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, s.rebind(countQ), append(args0, store.MaxTotal+1)...).Scan(&total); err != nil {
		return nil, fmt.Errorf("search: count: %w", err)
	}
	res := &store.Results{Total: min(total, store.MaxTotal), TotalCapped: total > store.MaxTotal}
	if total == 0 || p.Offset >= total {
		return res, nil
	}
	// The inner query picks the page's rows from narrow columns only; the
	// outer one then reads the (TOASTed, in PostgreSQL) text of just those
	// rows for snippets, instead of every match before the sort.
	var inner, outerOrder string
	var args []any
	_, _, fts := s.where(f, false)
	switch {
	case sortBy == store.SortRelevance && fts != "" && s.d.Postgres:
		w, wargs, _ := s.where(f, true)
		inner = `SELECT d.seq, ts_rank_cd(d.tsv, websearch_to_tsquery('english', ?)) AS score FROM documents d WHERE ` + w +
			` ORDER BY score DESC, d.seq DESC LIMIT ? OFFSET ?`
		args = append(append([]any{fts}, wargs...), p.Limit, p.Offset)
		outerOrder = `t.score DESC, d.seq DESC`
	case sortBy == store.SortRelevance && fts != "":
		w, wargs, _ := s.where(f, false)
		// bm25 is lower-is-better; title matches weigh 5x body matches.
		inner = `SELECT d.seq, -bm25(documents_fts, 5.0, 1.0) AS score FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid
			WHERE documents_fts MATCH ? AND ` + w + ` ORDER BY bm25(documents_fts, 5.0, 1.0), d.seq DESC LIMIT ? OFFSET ?`
		args = append(append([]any{fts}, wargs...), p.Limit, p.Offset)
		outerOrder = `t.score DESC, d.seq DESC`
	default:
		w, wargs, _ := s.where(f, true)
		order := `d.published DESC NULLS LAST, d.seq DESC`
		if sortBy == store.SortDateAsc {
			order = `d.published ASC NULLS LAST, d.seq ASC`
		}
		from := `documents d`
		if !s.d.Postgres && sortBy == store.SortDate && !f.AllVersions && total >= dateWalkMin {
			// Enough matches that walking the (latest, published) index
			// newest first reaches the page within a few thousand
			// entries, each checked against the (once materialised) FTS
			// match set: no sort of the whole match set.
			from = `documents d INDEXED BY documents_latest_published`
		}
		inner = `SELECT d.seq, 0.0 AS score FROM ` + from + ` WHERE ` + w + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		args = append(wargs, p.Limit, p.Offset)
		outerOrder = order
	}
	q := `SELECT ` + docCols + `, ` + s.textCol() + `, t.score FROM (` + inner + `) t JOIN documents d ON d.seq = t.seq ` + s.bodyJoin() + ` ORDER BY ` + outerOrder
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		var score float64
		di, err := scanInfo(rows, &text, &score)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		res.Hits = append(res.Hits, store.Hit{DocInfo: di, Score: score, Snippets: store.Snippets(text, f.Query, 3, 240)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// dateWalkMin is the match count from which SQLite's newest-first search
// walks the date index instead of sorting the matches: with n of N
// documents matching, the walk reads about N/n entries per result.
const dateWalkMin = 200

// Aggregate implements store.Store. Broad selections are read from the
// rollups (rollup.go); the others are grouped from the base tables.
func (s *DB) Aggregate(ctx context.Context, aq store.AggQuery, f store.Filter) ([]store.Row, error) {
	if aq.Limit <= 0 {
		aq.Limit = 50
	}
	plan, ok, err := s.planRollup(ctx, aq, f)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	if ok {
		return s.aggregateRollup(ctx, aq, plan)
	}
	return s.aggregateTables(ctx, aq, f, true)
}

// aggregateJoin computes an aggregation from the base tables only.
func (s *DB) aggregateJoin(ctx context.Context, aq store.AggQuery, f store.Filter) ([]store.Row, error) {
	return s.aggregateTables(ctx, aq, f, false)
}

// rollupPortrayed lists the limit entities portrayed in most documents
// from the portrayal rollup, when f is a filter it answers (ok false
// otherwise). Grouping every doc_entities row by entity for that took
// 10-15 s on a 100k-document store.
func (s *DB) rollupPortrayed(ctx context.Context, f store.Filter, limit int) (top []string, ok bool, err error) {
	q := store.AggQuery{Agg: store.AggPortrayal, Limit: limit}
	plan, ok, err := s.planRollup(ctx, q, f)
	if err != nil || !ok {
		return nil, false, err
	}
	rows, err := s.aggregateRollup(ctx, q, plan)
	if err != nil {
		return nil, false, err
	}
	seen := map[string]bool{}
	for _, r := range rows { // in rank order
		if !seen[r.Keys[0]] {
			seen[r.Keys[0]] = true
			top = append(top, r.Keys[0])
		}
	}
	return top, true, nil
}

// aggregateTables computes an aggregation from the base tables. Interval
// "raw" leaves day numbers unbucketed (for merging with rollups).
//
// With rollupTop, the portrayal aggregations take their top entities from
// the portrayal rollup when the filter allows (AggregateBase, which the
// conformance suite checks the rollups against, does not).
func (s *DB) aggregateTables(ctx context.Context, aq store.AggQuery, f store.Filter, rollupTop bool) ([]store.Row, error) {
	// Read documents first when the filter selects few of them: any
	// filter but dates, or dates for the aggregations over dense rows
	// (every document has entities and places; few have citations or
	// counts, whose rows are cheaper to read first).
	dense := aq.Agg != store.AggCitedOutlets && aq.Agg != store.AggCitations && aq.Agg != store.AggCountsByType &&
		aq.Agg != store.AggCountsByPlace && aq.Agg != store.AggCountsByTime
	docsFirst := !broad(f) || (dense && (!f.From.IsZero() || !f.To.IsZero()))
	w, args, _ := s.where(f, true)
	var q string
	keys := 0       // number of key columns
	hasSum := false // the last column is a sum
	perOutlet := false
	perGroup := 0 // with perOutlet false: Limit applies per value of the first perGroup keys
	var portrayalRank []string
	bucketCol := -1 // key column holding a day number to bucket
	limited := true
	switch aq.Agg {
	case store.AggVolume:
		q = `SELECT d.day, COUNT(*) FROM documents d WHERE ` + w + ` AND d.day IS NOT NULL GROUP BY d.day`
		keys, bucketCol, limited = 1, 0, false
	case store.AggOutletTechnique:
		q = `SELECT d.outlet, a.label, SUM(a.n) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + ` WHERE a.kind = 'technique' AND ` + w +
			` GROUP BY d.outlet, a.label ORDER BY 3 DESC, 1, 2`
		keys, limited = 2, false
	case store.AggSpeakers:
		q = `SELECT d.outlet, CASE WHEN a.name <> '' THEN a.name ELSE a.key END, SUM(a.n) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + `
			WHERE a.kind = 'quote' AND (a.name <> '' OR a.key <> '') AND ` + w + ` GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`
		keys, perOutlet = 2, true
	case store.AggQuotedEntities:
		q = `SELECT d.outlet, a.key, COALESCE(e.name, ''), SUM(a.n) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + ` LEFT JOIN entities e ON e.id = a.key
			WHERE a.kind = 'quote' AND a.key <> '' AND ` + w + ` GROUP BY d.outlet, a.key, e.name ORDER BY 4 DESC, 1, 2`
		keys, perOutlet = 3, true
	case store.AggCitedOutlets:
		q = `SELECT c.cited, COUNT(*) FROM ` + s.joinDocs(docsFirst, `citations c`, `d.seq = c.doc`) + ` WHERE ` + w + ` GROUP BY c.cited ORDER BY 2 DESC, 1`
		keys = 1
	case store.AggCitations:
		q = `SELECT c.outlet, c.cited, COUNT(*) FROM ` + s.joinDocs(docsFirst, `citations c`, `d.seq = c.doc`) + ` WHERE ` + w + ` GROUP BY c.outlet, c.cited ORDER BY 3 DESC, 1, 2`
		keys = 2
	case store.AggCooccurrence:
		// Pairs of the entities central to the same documents (each
		// document's CooccurrenceRank most mentioned): all pairs grow with
		// the square of a document's entities.
		rk := strconv.Itoa(CooccurrenceRank)
		q = `SELECT x.entity, y.entity, COUNT(*) FROM ` + s.joinDocs(docsFirst, `doc_entities x`, `d.seq = x.doc`) + ` ` + s.then(docsFirst) + ` doc_entities y ON y.doc = x.doc AND x.entity < y.entity
			WHERE x.rnk < ` + rk + ` AND y.rnk < ` + rk + ` AND ` + w + ` GROUP BY x.entity, y.entity ORDER BY 3 DESC, 1, 2`
		keys = 2
	case store.AggEntities:
		q = `SELECT x.entity, e.type, e.name, COUNT(*) FROM ` + s.joinDocs(docsFirst, `doc_entities x`, `d.seq = x.doc`) + ` ` + s.then(docsFirst) + ` entities e ON e.id = x.entity
			WHERE ` + w + ` GROUP BY x.entity, e.type, e.name ORDER BY 4 DESC, 1`
		keys = 3
	case store.AggPlaces:
		q = `SELECT a.key, p.name, p.country, p.lat, p.lon, SUM(a.n) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + ` ` + s.then(docsFirst) + ` places p ON p.id = a.key
			WHERE a.kind = 'place' AND ` + w + ` GROUP BY a.key, p.name, p.country, p.lat, p.lon ORDER BY 6 DESC, 1`
		keys = 5
	case store.AggCountsByType:
		q = `SELECT a.label, SUM(a.n), COALESCE(SUM(a.num), 0) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + ` WHERE a.kind = 'count' AND ` + w +
			` GROUP BY a.label ORDER BY 3 DESC, 1`
		keys, hasSum = 1, true
	case store.AggCountsByPlace:
		q = `SELECT a.label, d.focus_place, COALESCE(p.name, ''), SUM(a.n), COALESCE(SUM(a.num), 0) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + `
			LEFT JOIN places p ON p.id = d.focus_place WHERE a.kind = 'count' AND d.focus_place <> '' AND ` + w +
			` GROUP BY a.label, d.focus_place, p.name ORDER BY 5 DESC, 1, 2`
		keys, hasSum = 3, true
	case store.AggCountsByTime:
		q = `SELECT a.label, d.day, SUM(a.n), COALESCE(SUM(a.num), 0) FROM ` + s.joinDocs(docsFirst, `annotations a`, `d.seq = a.doc`) + `
			WHERE a.kind = 'count' AND d.day IS NOT NULL AND ` + w + ` GROUP BY a.label, d.day`
		keys, hasSum, bucketCol, limited = 2, true, 1, false
	case store.AggEvents:
		q = `SELECT v.type, SUM(v.n) FROM ` + s.joinDocs(docsFirst, `doc_events v`, `d.seq = v.doc`) + ` WHERE ` + w +
			` GROUP BY v.type ORDER BY 2 DESC, 1`
		keys = 1
	case store.AggEventsByTime:
		q = `SELECT v.type, d.day, SUM(v.n) FROM ` + s.joinDocs(docsFirst, `doc_events v`, `d.seq = v.doc`) + `
			WHERE d.day IS NOT NULL AND ` + w + ` GROUP BY v.type, d.day`
		keys, bucketCol, limited = 2, 1, false
	case store.AggEventActors:
		if rollupTop {
			// The same rows, grouped in Go from one read of the
			// documents' event rows (eventActorsTables).
			return s.eventActorsTables(ctx, aq, docsFirst, w, args)
		}
		// Sources and targets of the events, the top Limit of each per
		// type and role (perGroup below).
		half := func(role string) string {
			return `SELECT v.type, '` + role + `', v.` + role + `, COALESCE(e.name, ''), SUM(v.n) FROM ` + s.joinDocs(docsFirst, `doc_events v`, `d.seq = v.doc`) +
				` LEFT JOIN entities e ON e.id = v.` + role + ` WHERE v.` + role + ` <> '' AND ` + w + ` GROUP BY v.type, v.` + role + `, e.name`
		}
		q = half("source") + ` UNION ALL ` + half("target") + ` ORDER BY 5 DESC, 1, 2, 3`
		args = append(args, args...)
		keys, perGroup = 4, 2
	case store.AggPortrayal, store.AggPortrayalByOutlet, store.AggPortrayalByTime:
		var top []string
		var err error
		ok := false
		if rollupTop && aq.Agg != store.AggPortrayal {
			if top, ok, err = s.rollupPortrayed(ctx, f, aq.Limit); err != nil {
				return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
			}
		}
		if !ok {
			if top, err = s.topPortrayed(ctx, docsFirst, w, args, aq.Limit); err != nil {
				return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
			}
		}
		if len(top) == 0 {
			return nil, nil
		}
		cols, group, cond := `x.entity, COALESCE(e.name, ''), x.portrayal`, `x.entity, e.name, x.portrayal`, ``
		keys = 3
		switch aq.Agg {
		case store.AggPortrayalByOutlet:
			cols, group, keys = `d.outlet, `+cols, `d.outlet, `+group, 4
		case store.AggPortrayalByTime:
			cols, group, cond, keys, bucketCol = cols+`, d.day`, group+`, d.day`, ` AND d.day IS NOT NULL`, 4, 3
		}
		q = `SELECT ` + cols + `, COUNT(*) FROM ` + s.joinDocs(docsFirst, `doc_entities x`, `d.seq = x.doc`) + ` LEFT JOIN entities e ON e.id = x.entity
			WHERE x.portrayal <> '' AND x.entity IN (` + placeholders(len(top)) + `)` + cond + ` AND ` + w + ` GROUP BY ` + group
		args = append(anys(top), args...)
		limited, portrayalRank = false, top
	default:
		return nil, fmt.Errorf("aggregate: unknown aggregation %q", aq.Agg)
	}
	if perOutlet {
		perGroup = 1
	}
	if limited && perGroup == 0 {
		q += ` LIMIT ?`
		args = append(args, aq.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	defer rows.Close()
	var out []store.Row
	perCount := map[string]int{}
	for rows.Next() {
		cells := make([]sql.NullString, keys)
		dest := make([]any, 0, keys+2)
		for i := range cells {
			dest = append(dest, &cells[i])
		}
		var r store.Row
		dest = append(dest, &r.Count)
		var sum sql.NullFloat64
		if hasSum {
			dest = append(dest, &sum)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
		}
		r.Sum = sum.Float64
		for _, c := range cells {
			r.Keys = append(r.Keys, c.String)
		}
		if perGroup > 0 {
			g := strings.Join(r.Keys[:perGroup], "\x00")
			if perCount[g] >= aq.Limit {
				continue
			}
			perCount[g]++
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	if bucketCol >= 0 && aq.Interval != "raw" {
		out = bucketRows(out, bucketCol, aq.Interval)
	}
	if portrayalRank != nil {
		sortPortrayal(out, aq.Agg == store.AggPortrayalByOutlet, portrayalRank)
	}
	return out, nil
}

// topPortrayed lists the limit entities with a portrayal label in most of
// the documents matching w, most first.
func (s *DB) topPortrayed(ctx context.Context, docsFirst bool, w string, args []any, limit int) ([]string, error) {
	q := `SELECT x.entity FROM ` + s.joinDocs(docsFirst, `doc_entities x`, `d.seq = x.doc`) + ` WHERE x.portrayal <> '' AND ` + w +
		` GROUP BY x.entity ORDER BY COUNT(*) DESC, x.entity LIMIT ?`
	return s.queryStrings(ctx, s.rebind(q), append(append([]any(nil), args...), limit)...)
}

// portrayalOrder orders the labels from negative to positive.
var portrayalOrder = map[string]int{"negative": 0, "neutral": 1, "positive": 2}

// sortPortrayal orders portrayal rows by outlet (when byOutlet), the
// entity's rank in top, then label and any bucket.
func sortPortrayal(rows []store.Row, byOutlet bool, top []string) {
	rank := make(map[string]int, len(top))
	for i, id := range top {
		rank[id] = i
	}
	e := 0
	if byOutlet {
		e = 1
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Keys, rows[j].Keys
		if byOutlet && a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[e] != b[e] {
			return rank[a[e]] < rank[b[e]]
		}
		la, oka := portrayalOrder[a[e+2]]
		lb, okb := portrayalOrder[b[e+2]]
		if !oka {
			la = 3
		}
		if !okb {
			lb = 3
		}
		if la != lb || a[e+2] != b[e+2] {
			if la != lb {
				return la < lb
			}
			return a[e+2] < b[e+2]
		}
		return strings.Join(a[e+3:], "\x00") < strings.Join(b[e+3:], "\x00")
	})
}

// bucketRows rolls day-number rows up into the interval's buckets, sorted
// by key; summing in Go keeps the SQL identical on both backends.
func bucketRows(rows []store.Row, col int, interval string) []store.Row {
	idx := map[string]int{}
	var out []store.Row
	for _, r := range rows {
		day, err := strconv.ParseInt(r.Keys[col], 10, 64)
		if err != nil {
			continue
		}
		r.Keys[col] = Bucket(time.Unix(day*86400, 0).UTC(), interval)
		k := strings.Join(r.Keys, "\x00")
		if i, ok := idx[k]; ok {
			out[i].Count += r.Count
			out[i].Sum += r.Sum
			continue
		}
		idx[k] = len(out)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Keys, out[j].Keys
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
	return out
}

// Bucket names the time bucket t falls in: "2006-01-02" for day, the ISO
// week's Monday for week, "2006-01" for month (the default), "2006" for year.
func Bucket(t time.Time, interval string) string {
	switch interval {
	case "day":
		return t.Format("2006-01-02")
	case "week":
		wd := (int(t.Weekday()) + 6) % 7
		return t.AddDate(0, 0, -wd).Format("2006-01-02")
	case "year":
		return t.Format("2006")
	}
	return t.Format("2006-01")
}

// broad reports whether f selects by nothing but versions and dates, so
// an aggregation reads most of its rows anyway.
func broad(f store.Filter) bool {
	return strings.TrimSpace(f.Query) == "" && len(f.Outlets) == 0 && len(f.EntityIDs) == 0 && len(f.PlaceIDs) == 0 &&
		f.BBox == nil && len(f.Speakers) == 0 && len(f.Techniques) == 0 && len(f.CountTypes) == 0 && f.ClusterID == "" &&
		len(f.EventTypes) == 0 && len(f.EventSources) == 0 && len(f.EventTargets) == 0 && len(f.Portrayals) == 0
}

// joinDocs joins documents d to tbl ON on. SQLite joins in the order
// written with CROSS JOIN: without a selective document filter, reading
// the (kind-indexed) rows of tbl first and looking their documents up is
// the cheap order; with one, documents first, then tbl by its doc index.
// Its planner picked annotation rows first for one outlet's places,
// reading every place mention.
func (s *DB) joinDocs(docsFirst bool, tbl, on string) string {
	switch {
	case s.d.Postgres:
		return tbl + ` JOIN documents d ON ` + on
	case !docsFirst:
		return tbl + ` CROSS JOIN documents d ON ` + on
	}
	return `documents d CROSS JOIN ` + tbl + ` ON ` + on
}

// then is the join keyword for the tables after joinDocs's pair: CROSS
// JOIN keeps SQLite from moving them to the front.
func (s *DB) then(docsFirst bool) string {
	if docsFirst && !s.d.Postgres {
		return `CROSS JOIN`
	}
	return `JOIN`
}

// eventActorsTables computes event-actors from the base tables: one read
// of the selected documents' doc_events rows, summed per type, role and
// entity in Go, the top Limit of each type and role kept, then named.
// The SQL form (a UNION ALL of the two roles, each joined to entities
// row by row) read the rows twice and named every row: 0.4-0.5 s for one
// outlet of a 100k-document store. AggregateBase keeps the SQL form, so
// the conformance suite compares the two.
func (s *DB) eventActorsTables(ctx context.Context, aq store.AggQuery, docsFirst bool, w string, args []any) ([]store.Row, error) {
	q := `SELECT v.type, v.source, v.target, v.n FROM ` + s.joinDocs(docsFirst, `doc_events v`, `d.seq = v.doc`) +
		` WHERE (v.source <> '' OR v.target <> '') AND ` + w
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	type key struct{ typ, role, ent string }
	counts := map[key]int64{}
	for rows.Next() {
		var typ, src, tgt string
		var n int64
		if err := rows.Scan(&typ, &src, &tgt, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
		}
		if src != "" {
			counts[key{typ, "source", src}] += n
		}
		if tgt != "" {
			counts[key{typ, "target", tgt}] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", aq.Agg, err)
	}
	out := make([]store.Row, 0, len(counts))
	for k, n := range counts {
		out = append(out, store.Row{Keys: []string{k.typ, k.role, k.ent}, Count: n})
	}
	sortRows(out)
	per := map[[2]string]int{}
	kept := out[:0]
	for _, r := range out {
		g := [2]string{r.Keys[0], r.Keys[1]}
		if per[g] < aq.Limit {
			per[g]++
			kept = append(kept, r)
		}
	}
	return s.nameRows(ctx, aq.Agg, kept)
}
