package memcorpus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
	"github.com/newslens/newslens/server/memcorpus"
)

func load(t testing.TB) *memcorpus.Corpus {
	c := memcorpus.New()
	for _, d := range servertest.Docs() {
		if err := c.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	c := load(t)
	tests := []struct {
		req  server.SearchRequest
		want []string // ids in order
	}{
		{server.SearchRequest{Query: "minister"}, []string{"d2", "d1"}}, // equal scores: newer first
		{server.SearchRequest{Query: "MINISTER said"}, []string{"d2", "d1"}},
		{server.SearchRequest{Query: "minister geneva"}, nil},
		{server.SearchRequest{Query: "reported", Filter: server.Filter{Outlet: "Daily Planet"}}, []string{"d3"}},
		{server.SearchRequest{Filter: server.Filter{Entity: "per:bashar-al-assad"}}, []string{"d3", "d1"}},
		{server.SearchRequest{Filter: server.Filter{Place: "170794"}}, []string{"d2", "d1"}},
		{server.SearchRequest{Filter: server.Filter{Technique: "Loaded_Language"}}, []string{"d1"}},
		{server.SearchRequest{Filter: server.Filter{Speaker: "the minister"}, Sort: "date"}, []string{"d2", "d1"}},
		{server.SearchRequest{Filter: server.Filter{From: time.Date(2017, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2017, 11, 1, 0, 0, 0, 0, time.UTC)}}, []string{"d2", "d3"}}, // same time: by id
		{server.SearchRequest{Query: "army", Sort: "date"}, []string{"d2"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.req), func(t *testing.T) {
			res, err := c.Search(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || res.Total != len(tt.want) {
				t.Errorf("got %v (total %d), want %v", got, res.Total, tt.want)
			}
		})
	}
	// Facets count documents among all matches.
	res, _ := c.Search(ctx, server.SearchRequest{Query: "reported"})
	if f := res.Facets[server.FacetOutlet]; len(f) != 2 || f[0].Count != 1 {
		t.Errorf("outlet facet %+v", f)
	}
	// Deleting a document removes it from the index and the facets.
	if err := c.Delete(ctx, "d3"); err != nil {
		t.Fatal(err)
	}
	res, _ = c.Search(ctx, server.SearchRequest{Query: "reported"})
	if res.Total != 1 || len(res.Facets[server.FacetOutlet]) != 1 {
		t.Errorf("after delete: %+v", res)
	}
}

func FuzzSearch(f *testing.F) {
	c := load(f)
	f.Add("minister said", "Syria Times")
	f.Add("\"<script>", "")
	f.Add("é ÉTÉ", "x")
	f.Fuzz(func(t *testing.T, q, outlet string) {
		res, err := c.Search(context.Background(), server.SearchRequest{Query: q, Filter: server.Filter{Outlet: outlet}})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			d, err := c.Get(context.Background(), h.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, sn := range h.Snippets {
				if d.Text[sn.Start:sn.Start+len(sn.Text)] != sn.Text || !utf8.ValidString(sn.Text) {
					t.Fatalf("snippet does not come from the text at %d", sn.Start)
				}
				for _, m := range sn.Matches {
					if !(document.Span{Start: sn.Start, End: sn.Start + len(sn.Text)}).Contains(m) {
						t.Fatalf("match %v outside snippet", m)
					}
				}
			}
		}
	})
}

// BenchmarkSearch searches a corpus of 10,000 copies of the fixtures.
func BenchmarkSearch(b *testing.B) {
	c := memcorpus.New()
	docs := servertest.Docs()
	for i := 0; i < 10000; i++ {
		d := *docs[i%len(docs)]
		d.ID = fmt.Sprintf("%s-%d", d.ID, i)
		if err := c.Put(context.Background(), &d); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Search(context.Background(), server.SearchRequest{Query: "reported"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
}
