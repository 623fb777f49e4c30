package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
)

// Put implements store.Store.
//
// A batch costs a fixed number of statements however many documents it
// holds: one look-up of the identities and versions of all its URLs, one
// of the SimHash band candidates of all its documents, and one multi-row
// insert per table. Per-document statements cost more than the work they
// do in SQLite (statement overhead) and a network round trip each in
// PostgreSQL. Everything CPU-heavy that needs no database (hashes,
// SimHash, the body encoding, the derived rows) runs before the
// transaction, in parallel.
func (s *DB) Put(ctx context.Context, docs []*document.Document) (res []store.PutResult, err error) {
	if len(docs) == 0 {
		return nil, nil
	}
	pre := precompute(docs, s.d.Postgres)
	for i := range pre {
		if pre[i].err != nil {
			return nil, fmt.Errorf("put %s: %w", docName(docs[i]), pre[i].err)
		}
	}
	w, done, err := s.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	defer done()
	tx := w.Tx
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if s.d.Postgres {
		if err := s.lockIdentities(ctx, tx, pre); err != nil {
			return nil, err
		}
	}
	known, maxVersion, err := s.identities(ctx, tx, pre)
	if err != nil {
		return nil, fmt.Errorf("put: identities: %w", err)
	}
	cands, err := s.bandCandidates(ctx, tx, pre)
	if err != nil {
		return nil, fmt.Errorf("put: near-duplicates: %w", err)
	}

	res = make([]store.PutResult, len(docs))
	var ins []int                  // docs to insert, in input order
	newest := map[string]int{}     // canonical URL -> its newest doc in this batch
	supersede := map[string]bool{} // canonical URLs whose stored latest version is superseded
	for i, doc := range docs {
		p := &pre[i]
		key := identityKey{p.canon, p.hash}
		if k, ok := known[key]; ok {
			res[i] = store.PutResult{ID: k.ID, Version: k.Version, ClusterID: k.ClusterID, Existing: true}
			doc.ID = k.ID
			continue
		}
		r := store.PutResult{ID: p.id, Version: 1, ClusterID: p.id}
		if p.canon != "" {
			if v, ok := maxVersion[p.canon]; ok {
				r.Version = v + 1
				supersede[p.canon] = true
			}
			maxVersion[p.canon] = r.Version
			newest[p.canon] = i
		}
		// Near-duplicate clustering: join the cluster of the closest
		// earlier document within NearDuplicateDistance bits.
		if p.fingerprinted {
			best := store.NearDuplicateDistance + 1
			bands := store.Bands(p.simhash)
			for b, v := range bands {
				for _, c := range cands[bandKey{b, v}] {
					if d := store.Hamming(c.simhash, p.simhash); d < best {
						best, r.ClusterID = d, c.cluster
					}
				}
			}
			for b, v := range bands {
				k := bandKey{b, v}
				cands[k] = append(cands[k], candidate{p.simhash, r.ClusterID})
			}
		}
		known[key] = r
		doc.ID, doc.Outlet = r.ID, p.outlet
		res[i] = r
		ins = append(ins, i)
	}
	if len(ins) == 0 {
		return res, tx.Commit()
	}
	if len(supersede) > 0 {
		urls := make([]string, 0, len(supersede))
		for u := range supersede {
			urls = append(urls, u)
		}
		sort.Strings(urls)
		var old []int64
		for _, chunk := range chunks(len(urls), 500) {
			part := urls[chunk[0]:chunk[1]]
			qr, err := tx.QueryContext(ctx, s.rebind(`UPDATE documents SET latest = 0 WHERE latest = 1 AND canonical_url IN (`+placeholders(len(part))+`) RETURNING seq`), anys(part)...)
			if err != nil {
				return nil, fmt.Errorf("put: supersede: %w", err)
			}
			for qr.Next() {
				var seq int64
				if err := qr.Scan(&seq); err != nil {
					qr.Close()
					return nil, fmt.Errorf("put: supersede: %w", err)
				}
				old = append(old, seq)
			}
			qr.Close()
			if err := qr.Err(); err != nil {
				return nil, fmt.Errorf("put: supersede: %w", err)
			}
		}
		// Superseded versions leave the rollups (they count latest only).
		if err := s.uncount(ctx, w, old); err != nil {
			return nil, fmt.Errorf("put: supersede: %w", err)
		}
	}
	now := s.now().Unix()
	rows := make([][]any, 0, len(ins))
	for _, i := range ins {
		doc, p, r := docs[i], &pre[i], res[i]
		latest := 1
		if p.canon != "" && newest[p.canon] != i {
			latest = 0 // a newer version of the URL follows in this batch
		}
		var pub, day, simv any
		if doc.Published != nil {
			pub = doc.Published.Unix()
			day = doc.Published.Unix() / 86400
		}
		var bands [store.SimHashBands]any
		if p.fingerprinted {
			simv = int64(p.simhash)
			for b, v := range store.Bands(p.simhash) {
				bands[b] = v
			}
		}
		row := []any{r.ID, doc.URL, p.canon, p.hash, r.Version, latest, p.outlet, doc.Title, pub, day, now, simv,
			bands[0], bands[1], bands[2], bands[3], r.ClusterID, p.focus, len(doc.Text), analyzerSet(doc.Analyzers)}
		if s.d.Postgres {
			row = append(row, doc.Text, p.body)
		}
		rows = append(rows, row)
	}
	cols := `id, url, canonical_url, text_hash, version, latest, outlet, title, published, day, ingested, simhash, b0, b1, b2, b3, cluster_id, focus_place, bytes, analyzers`
	if s.d.Postgres {
		cols += `, text, pack`
	}
	seqs, err := s.insertDocs(ctx, tx, cols, rows)
	if err != nil {
		return nil, fmt.Errorf("put: documents: %w", err)
	}
	var rs rowSet
	var bodies, fts [][]any
	var latestIdx []int // latest versions' indexes in docs, for the rollups
	for _, i := range ins {
		doc, p := docs[i], &pre[i]
		seq, ok := seqs[res[i].ID]
		if !ok {
			return nil, fmt.Errorf("put %s: no sequence number returned", docName(doc))
		}
		if p.canon == "" || newest[p.canon] == i {
			latestIdx = append(latestIdx, i)
		}
		if !s.d.Postgres {
			bodies = append(bodies, []any{seq, doc.Text, p.body})
			fts = append(fts, []any{seq, doc.Title, doc.Text})
		}
		rs.add(seq, p.outlet, &p.rows)
	}
	if err := s.insertMany(ctx, w, `INSERT INTO doc_bodies (seq, text, body) VALUES `, "(?, ?, ?)", "", bodies); err != nil {
		return nil, fmt.Errorf("put: bodies: %w", err)
	}
	if err := s.insertMany(ctx, w, `INSERT INTO documents_fts (rowid, title, text) VALUES `, "(?, ?, ?)", "", fts); err != nil {
		return nil, fmt.Errorf("put: full text: %w", err)
	}
	stored, err := s.flush(ctx, w, &rs)
	if err != nil {
		return nil, fmt.Errorf("put: %w", err)
	}
	// The rollups count the batch's latest versions later (Fold): they
	// are queued, one row each.
	queue := make([]int64, 0, len(latestIdx))
	for _, i := range latestIdx {
		queue = append(queue, seqs[res[i].ID])
	}
	if err := s.enqueue(ctx, w, queue); err != nil {
		return nil, fmt.Errorf("put: rollup queue: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("put: commit: %w", err)
	}
	s.stored.add(stored)
	// The batch is durable; a long queue is folded now, in a transaction
	// of its own, so that no query has a large fold to do first.
	if n, err := s.pendingCount(ctx); err == nil && n >= s.foldAfter() {
		if err := s.Fold(ctx); err != nil {
			slog.Warn("put: folding rollups", "err", err)
		}
	}
	return res, nil
}

// lockIdentities serialises PostgreSQL writers of the same identity: it
// locks each canonical URL (or text hash when there is no URL) for the
// transaction, in sorted order so two batches cannot deadlock, in one
// round trip (unnest keeps the array's order).
func (s *DB) lockIdentities(ctx context.Context, tx *sql.Tx, pre []prepared) error {
	keys := make([]string, 0, len(pre))
	for i := range pre {
		k := pre[i].canon
		if k == "" {
			k = pre[i].hash
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	uniq := keys[:0]
	for i, k := range keys {
		if i == 0 || keys[i-1] != k {
			uniq = append(uniq, k)
		}
	}
	if err := s.exec(ctx, tx, `SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(?::text[]) AS k`, uniq); err != nil {
		return fmt.Errorf("put: lock: %w", err)
	}
	return nil
}

type identityKey struct{ canon, hash string }

// identities looks up, for all documents of a batch at once, the stored
// documents with the same identity and the highest stored version of
// each canonical URL.
func (s *DB) identities(ctx context.Context, tx *sql.Tx, pre []prepared) (map[identityKey]store.PutResult, map[string]int, error) {
	var urls, hashes []string
	seen := map[string]bool{}
	for i := range pre {
		p := &pre[i]
		k := p.canon
		if k == "" {
			k = "\x00" + p.hash
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if p.canon != "" {
			urls = append(urls, p.canon)
		} else {
			hashes = append(hashes, p.hash)
		}
	}
	known := map[identityKey]store.PutResult{}
	maxVersion := map[string]int{}
	scan := func(q string, args []any) error {
		rows, err := tx.QueryContext(ctx, s.rebind(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k identityKey
			var r store.PutResult
			if err := rows.Scan(&k.canon, &k.hash, &r.ID, &r.Version, &r.ClusterID); err != nil {
				return err
			}
			known[k] = r
			if k.canon != "" && r.Version > maxVersion[k.canon] {
				maxVersion[k.canon] = r.Version
			}
		}
		return rows.Err()
	}
	const cols = `SELECT canonical_url, text_hash, id, version, cluster_id FROM documents WHERE `
	for _, c := range chunks(len(urls), 500) {
		part := urls[c[0]:c[1]]
		if err := scan(cols+`canonical_url IN (`+placeholders(len(part))+`)`, anys(part)); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range chunks(len(hashes), 500) {
		part := hashes[c[0]:c[1]]
		if err := scan(cols+`canonical_url = '' AND text_hash IN (`+placeholders(len(part))+`)`, anys(part)); err != nil {
			return nil, nil, err
		}
	}
	return known, maxVersion, nil
}

type bandKey struct {
	band  int
	value int64
}

type candidate struct {
	simhash uint64
	cluster string
}

// maxCandidates bounds the band candidates read per batch document, as
// the per-document look-up it replaces did: a band value shared by
// thousands of documents says little about any one of them.
const maxCandidates = 200

// bandCandidates reads the stored documents that share a SimHash band
// with a document of the batch.
func (s *DB) bandCandidates(ctx context.Context, tx *sql.Tx, pre []prepared) (map[bandKey][]candidate, error) {
	var vals [store.SimHashBands][]any
	var fp []int
	for i := range pre {
		if !pre[i].fingerprinted {
			continue
		}
		fp = append(fp, i)
	}
	out := map[bandKey][]candidate{}
	for _, c := range chunks(len(fp), 250) {
		for b := range vals {
			vals[b] = vals[b][:0]
		}
		for _, i := range fp[c[0]:c[1]] {
			for b, v := range store.Bands(pre[i].simhash) {
				vals[b] = append(vals[b], v)
			}
		}
		var conds []string
		var args []any
		for b := range vals {
			conds = append(conds, fmt.Sprintf("b%d IN (%s)", b, placeholders(len(vals[b]))))
			args = append(args, vals[b]...)
		}
		args = append(args, maxCandidates*(c[1]-c[0]))
		rows, err := tx.QueryContext(ctx, s.rebind(`SELECT simhash, cluster_id, b0, b1, b2, b3 FROM documents WHERE `+strings.Join(conds, " OR ")+` LIMIT ?`), args...)
		if err != nil {
			return nil, err
		}
		want := map[bandKey]bool{}
		for b := range vals {
			for _, v := range vals[b] {
				want[bandKey{b, v.(int64)}] = true
			}
		}
		for rows.Next() {
			var h int64
			var cid string
			var bs [store.SimHashBands]sql.NullInt64
			if err := rows.Scan(&h, &cid, &bs[0], &bs[1], &bs[2], &bs[3]); err != nil {
				rows.Close()
				return nil, err
			}
			for b := range bs {
				k := bandKey{b, bs[b].Int64}
				if bs[b].Valid && want[k] && len(out[k]) < maxCandidates {
					out[k] = append(out[k], candidate{uint64(h), cid})
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// chunks splits n items into [start, end) ranges of at most size.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for i := 0; i < n; i += size {
		out = append(out, [2]int{i, min(i+size, n)})
	}
	return out
}

// insertDocs inserts document rows and returns their seq by id.
func (s *DB) insertDocs(ctx context.Context, tx *sql.Tx, cols string, rows [][]any) (map[string]int64, error) {
	per := len(rows[0])
	ph := "(" + placeholders(per) + ")"
	if s.d.Postgres {
		ph = "(" + placeholders(per-1) + ", ?::bytea)"
	}
	seqs := make(map[string]int64, len(rows))
	size := 30000 / per
	if s.d.Postgres {
		// pgx builds each message in one growing buffer: a batch's texts
		// and bodies in one statement (several MB) cost more in copying
		// than the extra round trips of smaller statements.
		size = 64
	}
	for _, c := range chunks(len(rows), size) {
		q, args, ok := "", []any(nil), false
		if s.d.Postgres {
			q, args, ok = unnestInsert(`INSERT INTO documents (`+cols+`) VALUES `, ph, ` RETURNING seq, id`, rows[c[0]:c[1]])
		}
		if !ok {
			var b strings.Builder
			b.WriteString(`INSERT INTO documents (` + cols + `) VALUES `)
			args = make([]any, 0, (c[1]-c[0])*per)
			for k := c[0]; k < c[1]; k++ {
				if k > c[0] {
					b.WriteByte(',')
				}
				b.WriteString(ph)
				args = append(args, rows[k]...)
			}
			b.WriteString(` RETURNING seq, id`)
			q = b.String()
		}
		qr, err := tx.QueryContext(ctx, s.rebind(q), args...)
		if err != nil {
			return nil, err
		}
		for qr.Next() {
			var seq int64
			var id string
			if err := qr.Scan(&seq, &id); err != nil {
				qr.Close()
				return nil, err
			}
			seqs[id] = seq
		}
		qr.Close()
		if err := qr.Err(); err != nil {
			return nil, err
		}
	}
	return seqs, nil
}

func docName(d *document.Document) string {
	switch {
	case d.URL != "":
		return d.URL
	case d.Extraction.Input != "":
		return d.Extraction.Input
	}
	return d.ID
}

// prepared is the CPU-heavy part of storing a document, computed for a
// whole batch in parallel before the (single-writer) transaction runs.
type prepared struct {
	canon, hash, id, outlet, focus string
	simhash                        uint64
	fingerprinted                  bool
	body                           []byte
	rows                           docRows
	err                            error
}

func precompute(docs []*document.Document, postgres bool) []prepared {
	out := make([]prepared, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var enc encoder
			for i := w; i < len(docs); i += workers {
				d, p := docs[i], &out[i]
				if d.Text == "" {
					p.err = errors.New("document has no text")
					continue
				}
				p.canon = store.CanonicalURL(d.URL)
				p.hash = store.TextHash(d.Text)
				p.id = document.NewID(p.canon, d.Text)
				p.simhash, p.fingerprinted = store.SimHash(d.Text)
				p.outlet = d.Outlet
				if p.outlet == "" {
					p.outlet = store.Outlet(d.URL)
				}
				p.focus = focusPlace(d)
				// The body is encoded as it will be stored: with its id and outlet.
				id, outlet := d.ID, d.Outlet
				d.ID, d.Outlet = p.id, p.outlet
				p.body, p.err = enc.body(d)
				d.ID, d.Outlet = id, outlet
				p.rows = derive(d, postgres)
			}
		}(w)
	}
	wg.Wait()
	return out
}

// indexedKinds are the annotation kinds copied into the flat annotations
// table, because filters and aggregations read them. Every annotation of
// every kind is kept in the document body; entity mentions are counted in
// doc_entities instead, and dates are only read with their document.
var indexedKinds = map[string]bool{"place": true, "demonym": true, "quote": true, "citation": true, "count": true,
	"amount": true, "technique": true}

// docRows are one document's rows in the narrow tables, with the
// document's seq (unknown until it is inserted) left as nil in column 0
// of ann, docEnts, cites and events. The analyzer versions are a column
// of the document row (analyzerSet).
type docRows struct {
	ann, ents, docEnts, places, cites, events [][]any
	facts                                     []annFact // what the rollups count of ann
}

// sqliteSkipped are indexed kinds that SQLite does not copy into its
// annotations table (migration 0009): no filter or aggregation reads
// them (citations have their own table), and the body has them.
// PostgreSQL keeps them, with their attributes as JSONB, for SQL users.
var sqliteSkipped = map[string]bool{"demonym": true, "amount": true, "citation": true}

// factKey is what SQLite's annotations rows are grouped by (migration
// 0011): the columns filters and aggregations read.
type factKey struct {
	kind, label, key, name string
	located                bool
	lat, lon               float64
}

// derive computes a document's narrow-table rows, and facts, what the
// rollups count of its annotation rows.
//
// PostgreSQL gets a row per annotation with its attributes as JSONB.
// SQLite gets one row per distinct (kind, label, key, name, lat, lon)
// with their number n and the sum of their values (migration 0011: a
// document's 16 place, quote, technique and count annotations are ~9
// such facts), numbered by ord, the second column of the primary key;
// it skips the kinds in sqliteSkipped.
func derive(doc *document.Document, postgres bool) docRows {
	attrsJSON := postgres
	var rs docRows
	mentions := map[string]int{}
	var order []string
	var events map[[3]string]int
	var eventOrder [][3]string
	var facts map[factKey]int // index in rs.ann (SQLite)
	addEnt := func(id, typ, name string, n int) {
		if id == "" {
			return
		}
		if _, ok := mentions[id]; !ok {
			order = append(order, id)
			rs.ents = append(rs.ents, []any{id, typ, name})
		}
		mentions[id] += n
	}
	for _, e := range doc.Entities {
		addEnt(e.ID, e.Type, e.Name, 0)
	}
	for _, a := range doc.Annotations {
		var key, name string
		var num, lat, lon any
		switch a.Kind {
		case "entity":
			addEnt(attrString(a.Attrs, "entity_id"), a.Label, a.Text, 1)
			continue
		case "place":
			key = attrString(a.Attrs, "geonameid")
			name = attrString(a.Attrs, "name")
			if name == "" {
				name = a.Text
			}
			la, ok1 := attrFloat(a.Attrs, "lat")
			lo, ok2 := attrFloat(a.Attrs, "lon")
			if ok1 && ok2 {
				lat, lon = la, lo
			}
			if key != "" {
				rs.places = append(rs.places, []any{key, name, attrString(a.Attrs, "country"), lat, lon})
			}
		case "demonym":
			key = attrString(a.Attrs, "geonameid")
			name = attrString(a.Attrs, "country")
		case "quote":
			key = attrString(a.Attrs, "speaker_entity")
			name = attrString(a.Attrs, "speaker")
		case "citation":
			key = attrString(a.Attrs, "outlet")
			name = attrString(a.Attrs, "title")
			if key != "" {
				rs.cites = append(rs.cites, []any{nil, doc.Outlet, key, a.Label, name, a.Start, a.End})
			}
		case "count", "amount":
			if v, ok := attrFloat(a.Attrs, "value", "number", "count", "n", "amount"); ok {
				num = v
			}
			key = attrString(a.Attrs, "object")
		case "event":
			// Who did what to whom, grouped per document (doc_events).
			k := [3]string{a.Label, attrString(a.Attrs, "source_entity"), attrString(a.Attrs, "target_entity")}
			if events == nil {
				events = map[[3]string]int{}
			}
			if events[k] == 0 {
				eventOrder = append(eventOrder, k)
			}
			events[k]++
			continue
		}
		if !indexedKinds[a.Kind] || (!postgres && sqliteSkipped[a.Kind]) {
			continue
		}
		if postgres {
			var attrs any
			if attrsJSON && len(a.Attrs) > 0 {
				if b, err := json.Marshal(a.Attrs); err == nil {
					attrs = string(b)
				}
			}
			rs.ann = append(rs.ann, []any{nil, a.ID, a.Kind, a.Label, a.Start, a.End, key, name, num, lat, lon, a.Analyzer, a.Version, a.Confidence, attrs})
			rs.facts = append(rs.facts, annFact{kind: a.Kind, label: a.Label, key: key, name: name, n: 1})
			continue
		}
		fk := factKey{kind: a.Kind, label: a.Label, key: key, name: name}
		if lat != nil {
			fk.located, fk.lat, fk.lon = true, lat.(float64), lon.(float64)
		}
		if facts == nil {
			facts = map[factKey]int{}
		}
		i, ok := facts[fk]
		if !ok {
			i = len(rs.ann)
			facts[fk] = i
			// doc, ord, kind, label, key, name, num, lat, lon, n
			rs.ann = append(rs.ann, []any{nil, len(rs.ann), a.Kind, a.Label, key, name, nil, lat, lon, 0})
			rs.facts = append(rs.facts, annFact{kind: a.Kind, label: a.Label, key: key, name: name})
		}
		row := rs.ann[i]
		row[9] = row[9].(int) + 1
		rs.facts[i].n++
		if num != nil {
			if row[6] == nil {
				row[6] = num
			} else {
				row[6] = row[6].(float64) + num.(float64)
			}
		}
	}
	// rnk: most mentioned first, ties in order of first appearance.
	ranked := append([]string(nil), order...)
	sort.SliceStable(ranked, func(i, j int) bool { return mentions[ranked[i]] > mentions[ranked[j]] })
	rank := make(map[string]int, len(ranked))
	for i, id := range ranked {
		rank[id] = i
	}
	for _, k := range eventOrder {
		rs.events = append(rs.events, []any{nil, k[0], k[1], k[2], events[k]})
	}
	portrayed := portrayalLabels(doc)
	for _, id := range order {
		rs.docEnts = append(rs.docEnts, []any{nil, id, mentions[id], rank[id], portrayed[id]})
	}
	return rs
}

// rowSet collects the derived rows of a batch for multi-row inserts, which
// keep the statements per batch constant.
type rowSet struct {
	ann     [][]any
	ents    [][]any
	docEnts [][]any
	places  [][]any
	cites   [][]any
	events  [][]any
	outlets []string
}

func (rs *rowSet) add(seq int64, outlet string, d *docRows) {
	for _, t := range [][][]any{d.ann, d.docEnts, d.cites, d.events} {
		for _, r := range t {
			r[0] = seq
		}
	}
	for _, r := range d.cites {
		r[1] = outlet
	}
	rs.ann = append(rs.ann, d.ann...)
	rs.ents = append(rs.ents, d.ents...)
	rs.docEnts = append(rs.docEnts, d.docEnts...)
	rs.places = append(rs.places, d.places...)
	rs.cites = append(rs.cites, d.cites...)
	rs.events = append(rs.events, d.events...)
	if outlet != "" {
		rs.outlets = append(rs.outlets, outlet)
	}
}

// flush writes the derived rows of a batch. It returns the keys of the
// entities, places and outlets rows it wrote, which the caller passes to
// s.stored.add once its transaction has committed: later batches skip
// the rows this process knows are stored (never updated nor deleted)
// instead of upserting them again, about eleven entity rows per analysed
// article.
func (s *DB) flush(ctx context.Context, tx writeTx, rs *rowSet) (keys []string, err error) {
	ents, places, outlets := s.stored.filter("e", dedupe(rs.ents), &keys), s.stored.filter("p", dedupe(rs.places), &keys),
		s.stored.filter("o", outletRows(rs.outlets, s.now().Unix()), &keys)
	annHead, annPH := `INSERT INTO annotations (doc, ord, kind, label, key, name, num, lat, lon, n) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	if s.d.Postgres {
		annHead = `INSERT INTO annotations (doc, aid, kind, label, start_off, end_off, key, name, num, lat, lon, analyzer, version, confidence, attrs) VALUES `
		annPH = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
	}
	steps := []struct {
		head, ph, tail string
		rows           [][]any
	}{
		{annHead, annPH, "", rs.ann},
		{`INSERT INTO entities (id, type, name) VALUES `, "(?, ?, ?)", ` ON CONFLICT (id) DO NOTHING`, ents},
		{`INSERT INTO doc_entities (doc, entity, mentions, rnk, portrayal) VALUES `, "(?, ?, ?, ?, ?)", ` ON CONFLICT DO NOTHING`, rs.docEnts},
		{`INSERT INTO places (id, name, country, lat, lon) VALUES `, "(?, ?, ?, ?, ?)", ` ON CONFLICT (id) DO NOTHING`, places},
		{`INSERT INTO citations (doc, outlet, cited, label, title, start_off, end_off) VALUES `, "(?, ?, ?, ?, ?, ?, ?)", "", rs.cites},
		{`INSERT INTO doc_events (doc, type, source, target, n) VALUES `, "(?, ?, ?, ?, ?)", "", rs.events},
		{`INSERT INTO outlets (name, first_seen) VALUES `, "(?, ?)", ` ON CONFLICT (name) DO NOTHING`, outlets},
	}
	for _, st := range steps {
		if err := s.insertMany(ctx, tx, st.head, st.ph, st.tail, st.rows); err != nil {
			return nil, fmt.Errorf("%s: %w", strings.Fields(st.head)[2], err)
		}
	}
	*rs = rowSet{}
	return keys, nil
}

// storedKeys remembers the keys of entities, places and outlets rows
// known to be stored, up to maxStoredKeys (then it stops learning).
type storedKeys struct {
	mu sync.Mutex
	m  map[string]struct{}
}

const maxStoredKeys = 1 << 19

// filter drops the rows (key in column 0) known to be stored and appends
// the keys of the others, prefixed with table, to keys.
func (k *storedKeys) filter(table string, rows [][]any, keys *[]string) [][]any {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := rows[:0:0]
	for _, r := range rows {
		key := table + r[0].(string)
		if _, ok := k.m[key]; ok {
			continue
		}
		out = append(out, r)
		*keys = append(*keys, key)
	}
	return out
}

// add records keys whose rows a committed transaction wrote (or found).
func (k *storedKeys) add(keys []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = make(map[string]struct{}, len(keys))
	}
	for _, key := range keys {
		if len(k.m) >= maxStoredKeys {
			return
		}
		k.m[key] = struct{}{}
	}
}

func outletRows(names []string, now int64) [][]any {
	var out [][]any
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, []any{n, now})
		}
	}
	return out
}

// dedupe keeps the first row per key (column 0), so one multi-row upsert
// never names a key twice (PostgreSQL rejects that).
func dedupe(rows [][]any) [][]any {
	seen := map[any]bool{}
	var out [][]any
	for _, r := range rows {
		if !seen[r[0]] {
			seen[r[0]] = true
			out = append(out, r)
		}
	}
	return out
}

// insertMany inserts rows with multi-row VALUES, in chunks that stay under
// both backends' bound-parameter limits.
func (s *DB) insertMany(ctx context.Context, tx writeTx, head, ph, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if !s.d.Postgres {
		// Prepared statements of rowsPerStatement rows, run on the
		// driver directly (execGrouped). Statements of a whole batch's
		// rows kept a statement journal each and cost more.
		return tx.execValues(ctx, head, ph, tail, rows)
	}
	if q, args, ok := unnestInsert(head, ph, tail, rows); ok {
		return s.exec(ctx, tx, q, args...)
	}
	per := len(rows[0])
	for _, c := range chunks(len(rows), 30000/per) {
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (c[1]-c[0])*per)
		for k := c[0]; k < c[1]; k++ {
			if k > c[0] {
				b.WriteByte(',')
			}
			b.WriteString(ph)
			args = append(args, rows[k]...)
		}
		b.WriteString(tail)
		if err := s.exec(ctx, tx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// portrayalLabels reads each entity's document-level label from the
// portrayal summary: a map after a store round trip, the analyzer's own
// struct when fresh (read through its JSON form, which the body encoding
// writes anyway, so the store does not import the analyzer and its model).
func portrayalLabels(doc *document.Document) map[string]string {
	v, ok := doc.Summaries["portrayal"]
	if !ok || v == nil {
		return nil
	}
	out := map[string]string{}
	if m, ok := v.(map[string]any); ok {
		list, _ := m["entities"].([]any)
		for _, e := range list {
			if em, ok := e.(map[string]any); ok {
				if id, l := attrString(em, "entity_id"), attrString(em, "label"); id != "" && l != "" {
					out[id] = l
				}
			}
		}
		return out
	}
	js, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var sum struct {
		Entities []struct {
			EntityID string `json:"entity_id"`
			Label    string `json:"label"`
		} `json:"entities"`
	}
	if json.Unmarshal(js, &sum) != nil {
		return nil
	}
	for _, e := range sum.Entities {
		if e.EntityID != "" && e.Label != "" {
			out[e.EntityID] = e.Label
		}
	}
	return out
}

// analyzerSet renders a document's analyzer versions for the
// documents.analyzers column (migration 0006): "|name=version|" for each
// analyzer in name order, names and versions query-escaped so that
// neither contains a separator. Stale looks for analyzerKey in it. One
// column instead of a doc_analyzers row per analyzer saved eight rows and
// sixteen b-tree entries per analysed document.
func analyzerSet(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(strings.TrimSuffix(analyzerKey(n, m[n]), "|"))
	}
	b.WriteByte('|')
	return b.String()
}

// analyzerKey is how one analyzer version appears in analyzerSet.
func analyzerKey(name, version string) string {
	return "|" + url.QueryEscape(name) + "=" + url.QueryEscape(version) + "|"
}

// unnestInsert rewrites a multi-row insert for PostgreSQL as one INSERT
// ... SELECT FROM unnest() over one array per column: a statement of fixed
// size with as many parameters as columns, where VALUES lists of
// thousands of rows cost the server more in parsing and binding than in
// inserting (annotations: 1.1 of 3.4 server seconds per 2,000 analysed
// documents). head is "INSERT INTO t (c1, ...) VALUES ", ph the row's
// placeholders, "?" or "?::type". ok is false when a column mixes Go
// types, and the caller falls back to VALUES.
func unnestInsert(head, ph, tail string, rows [][]any) (q string, args []any, ok bool) {
	open := strings.IndexByte(head, '(')
	close := strings.LastIndexByte(head, ')')
	if open < 0 || close < open || !strings.HasSuffix(strings.TrimSpace(head), "VALUES") {
		return "", nil, false
	}
	cols := strings.Split(head[open+1:close], ", ")
	phs := strings.Split(strings.Trim(ph, "()"), ", ")
	if len(cols) != len(phs) || len(rows[0]) != len(cols) {
		return "", nil, false
	}
	var sel, arrays []string
	for c := range cols {
		cast := strings.TrimPrefix(phs[c], "?")
		var kind string // first non-nil value's type
		for _, r := range rows {
			switch r[c].(type) {
			case nil:
				continue
			case int, int64:
				kind = "bigint"
			case float64:
				kind = "float8"
			case string:
				kind = "text"
			case []byte:
				kind = "bytea"
			default:
				return "", nil, false
			}
			break
		}
		if kind == "" {
			sel = append(sel, "NULL"+cast)
			continue
		}
		var arr any
		switch kind {
		case "bigint":
			a := make([]*int64, len(rows))
			for i, r := range rows {
				switch x := r[c].(type) {
				case nil:
				case int:
					v := int64(x)
					a[i] = &v
				case int64:
					a[i] = &x
				default:
					return "", nil, false
				}
			}
			arr = a
		case "float8":
			a := make([]*float64, len(rows))
			for i, r := range rows {
				switch x := r[c].(type) {
				case nil:
				case float64:
					a[i] = &x
				default:
					return "", nil, false
				}
			}
			arr = a
		case "text":
			a := make([]*string, len(rows))
			for i, r := range rows {
				switch x := r[c].(type) {
				case nil:
				case string:
					a[i] = &x
				default:
					return "", nil, false
				}
			}
			arr = a
		case "bytea":
			a := make([][]byte, len(rows))
			for i, r := range rows {
				switch x := r[c].(type) {
				case nil:
				case []byte:
					a[i] = x
				default:
					return "", nil, false
				}
			}
			arr = a
		}
		args = append(args, arr)
		arrays = append(arrays, "?::"+kind+"[]")
		sel = append(sel, fmt.Sprintf("u.c%d%s", len(arrays), cast))
	}
	if len(arrays) == 0 {
		return "", nil, false
	}
	names := make([]string, len(arrays))
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i+1)
	}
	q = head[:close+1] + ` SELECT ` + strings.Join(sel, ", ") + ` FROM unnest(` + strings.Join(arrays, ", ") + `) AS u(` +
		strings.Join(names, ", ") + `)` + tail
	return q, args, true
}
