package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/newslens/newslens/server"
	"github.com/newslens/newslens/server/internal/servertest"
	"github.com/newslens/newslens/server/memcorpus"
)

// BenchmarkPages measures server time per page and API call on 10,000
// documents (copies of the fixtures under distinct ids), in process.
func BenchmarkPages(b *testing.B) {
	c := memcorpus.New()
	docs := servertest.Docs()
	for i := 0; i < 10000; i++ {
		d := *docs[i%len(docs)]
		d.ID = fmt.Sprintf("%s-%d", d.ID, i)
		if err := c.Put(context.Background(), &d); err != nil {
			b.Fatal(err)
		}
	}
	s, err := server.New(server.ServerConfig{Corpus: c, Processor: fakeProcessor{}})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for _, path := range []string{"/", "/search?q=reported", "/api/v1/search?q=reported", "/doc/d1-0", "/entity/per:bashar-al-assad",
		"/place/170794", "/outlet/Syria%20Times", "/api/v1/stats", "/api/v1/entities/per:bashar-al-assad"} {
		b.Run(path, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != 200 {
					b.Fatalf("%s: %d", path, w.Code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/req")
		})
	}
}
