// Command crashcheck verifies a store after scripts/crashtest.sh killed an
// ingest: it opens the store (which must open cleanly), checks that every
// document the killed runs reported as ingested is present and intact (its
// text hash matches, its spans validate, its URL is the one of the input
// line it came from), and with --want N that the corpus holds exactly N
// documents with no duplicate URL.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

func main() {
	db := flag.String("db", "", "store")
	in := flag.String("input", "", "the JSONL input of the ingest")
	want := flag.Int("want", -1, "exact number of documents expected (-1: do not check)")
	flag.Parse()
	if err := run(*db, *in, *want, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "crashcheck: FAIL:", err)
		os.Exit(1)
	}
}

func run(db, in string, want int, reported []string) error {
	ctx := context.Background()
	s, err := dial.Open(ctx, db)
	if err != nil {
		return fmt.Errorf("store does not open: %w", err)
	}
	defer s.Close()
	urls, err := inputURLs(in)
	if err != nil {
		return err
	}
	checked := 0
	for _, path := range reported {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// id \t version \t new|existing \t source(path:line)
			parts := strings.Split(sc.Text(), "\t")
			if len(parts) != 4 {
				continue // a line cut by the kill was never complete output
			}
			id, source := parts[0], parts[3]
			doc, err := s.Get(ctx, id)
			if err != nil {
				return fmt.Errorf("reported document %s (%s) missing: %w", id, source, err)
			}
			info, err := s.Info(ctx, id)
			if err != nil {
				return err
			}
			if store.TextHash(doc.Text) != info.TextHash {
				return fmt.Errorf("document %s: text hash mismatch", id)
			}
			if err := doc.Validate(); err != nil {
				return err
			}
			line, _ := strconv.Atoi(source[strings.LastIndexByte(source, ':')+1:])
			if line < 1 || line > len(urls) || doc.URL != urls[line-1] {
				return fmt.Errorf("document %s: URL %q does not match input %s", id, doc.URL, source)
			}
			checked++
		}
		f.Close()
	}
	n, err := s.Count(ctx, store.Filter{AllVersions: true})
	if err != nil {
		return err
	}
	fmt.Printf("crashcheck: store opens, %d reported documents present and intact, %d documents stored\n", checked, n)
	if err := checkRollups(ctx, s); err != nil {
		return err
	}
	if want >= 0 {
		if n != want {
			return fmt.Errorf("%d documents stored, want exactly %d", n, want)
		}
		seen := map[string]bool{}
		for off := 0; off < n; off += 1000 {
			r, err := s.Search(ctx, store.Filter{AllVersions: true}, store.Page{Limit: 1000, Offset: off, Sort: store.SortDateAsc})
			if err != nil {
				return err
			}
			for _, h := range r.Hits {
				if seen[h.CanonicalURL] {
					return fmt.Errorf("duplicate document for %s", h.CanonicalURL)
				}
				seen[h.CanonicalURL] = true
			}
		}
		if len(seen) != want {
			return fmt.Errorf("%d distinct URLs, want %d", len(seen), want)
		}
		fmt.Printf("crashcheck: exactly %d documents, no duplicates\n", want)
	}
	return nil
}

func inputURLs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var r struct {
			URL string `json:"url"`
		}
		json.Unmarshal(sc.Bytes(), &r)
		out = append(out, r.URL)
	}
	return out, sc.Err()
}

// checkRollups compares the aggregations a store answers from its rollups
// (counted after the writes, sqlstore.Fold, which a kill can interrupt
// too) with the same aggregations from its base tables.
func checkRollups(ctx context.Context, s store.Store) error {
	base, ok := s.(interface {
		AggregateBase(context.Context, store.AggQuery, store.Filter) ([]store.Row, error)
	})
	if !ok {
		return nil
	}
	n := 0
	for _, agg := range store.Aggregations {
		q := store.AggQuery{Agg: agg, Limit: 1000, Interval: "month"}
		got, err := s.Aggregate(ctx, q, store.Filter{})
		if err != nil {
			return err
		}
		want, err := base.AggregateBase(ctx, q, store.Filter{})
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("aggregation %s: the rollups give %v, the base tables %v", agg, got, want)
		}
		n += len(got)
	}
	fmt.Printf("crashcheck: %d aggregations agree with the base tables (%d rows)\n", len(store.Aggregations), n)
	return nil
}
