package nlbeam

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/internal/testenv"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/postgres"
)

// tempSchema returns a DSN for a fresh schema of the test database, dropped
// when the test ends.
func tempSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("NEWSLENS_TEST_POSTGRES")
	if dsn == "" {
		testenv.Require(t, "NEWSLENS_TEST_POSTGRES is not set: .ci/run starts PostgreSQL")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "beam_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	must(t, err)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestPrismPostgresSink runs the pipeline with the PostgreSQL sink twice
// over the same inputs: the corpus then holds exactly the CLI's documents,
// with their text and annotations, once each.
func TestPrismPostgresSink(t *testing.T) {
	dsn := tempSchema(t)
	in := t.TempDir()
	writeInputs(t, in)
	want, _ := cliOutput(t, []string{filepath.Join(in, "article.txt"), filepath.Join(in, "crawl.warc.gz"), filepath.Join(in, "feed.jsonl")})

	for run := 0; run < 2; run++ {
		p, s := beam.NewPipelineWithRoot()
		// A batch of 2 makes the sink flush both mid-bundle and at its end.
		Build(s, Config{Inputs: []string{filepath.Join(in, "*")}, Postgres: dsn, PostgresBatch: 2})
		if err := ptest.Run(p); err != nil {
			t.Fatalf("run %d: pipeline failed: %v", run, err)
		}
	}

	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn)
	must(t, err)
	defer st.Close()
	n, err := st.Count(ctx, store.Filter{AllVersions: true})
	must(t, err)
	if n != len(want) {
		t.Errorf("the corpus holds %d documents after two runs, the CLI analysed %d", n, len(want))
	}
	for id, line := range want {
		var cli document.Document
		must(t, json.Unmarshal([]byte(line), &cli))
		got, err := st.Get(ctx, id)
		if err != nil {
			t.Errorf("document %s (%s): %v", id, cli.URL, err)
			continue
		}
		if got.Text != cli.Text {
			t.Errorf("document %s: stored text differs from the CLI's", id)
		}
		if len(got.Annotations) != len(cli.Annotations) {
			t.Errorf("document %s: %d annotations stored, the CLI has %d", id, len(got.Annotations), len(cli.Annotations))
		}
	}
}
