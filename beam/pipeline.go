// Package nlbeam runs newslens's analysis on Apache Beam, for corpora that
// outgrow one machine (a month of CC-NEWS, a newsroom archive).
//
// It holds no analysis logic: files are matched and read with Beam's fileio,
// split into records by the main module's input package, and analysed by
// the main module's default pipeline (newslens.NewPipeline), exactly as the
// CLI does. Output is sharded JSON Lines; records that fail go to a
// dead-letter output with the reason and never fail the job.
package nlbeam

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/input"
	"github.com/newslens/newslens/pipeline"
)

func init() {
	// Beam needs DoFns and element types registered before the pipeline is
	// built or executed on a worker; this is registration of code, not state.
	register.DoFn4x1[context.Context, fileio.ReadableFile, func(Record), func(DeadLetter), error](&readFileFn{})
	register.DoFn4x0[context.Context, Record, func(string, string), func(DeadLetter)](&analyzeFn{})
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&writeShardFn{})
	register.Function2x2(shardOf)
	register.DoFn2x2[string, string, string, string](&shardKeyFn{})
	register.Function1x2(deadLetterLine)
	register.Emitter1[Record]()
	register.Emitter1[DeadLetter]()
	register.Emitter2[string, string]()
	register.Iter1[string]()
	beam.RegisterType(reflect.TypeOf((*Record)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*DeadLetter)(nil)).Elem())
}

// Record is an input.Record in a form Beam can encode.
type Record struct {
	Name      string
	URL       string
	Format    string
	Content   []byte
	Title     string
	Outlet    string
	Published string // RFC 3339, or empty
	Authors   []string
	Charset   string
}

func fromInput(r input.Record) Record {
	out := Record{Name: r.Name, URL: r.URL, Format: string(r.Format), Content: r.Content,
		Title: r.Title, Outlet: r.Outlet, Authors: r.Authors, Charset: r.Charset}
	if r.Published != nil {
		out.Published = r.Published.Format(time.RFC3339Nano)
	}
	return out
}

func (r Record) toInput() input.Record {
	out := input.Record{Name: r.Name, URL: r.URL, Format: input.Format(r.Format), Content: r.Content,
		Title: r.Title, Outlet: r.Outlet, Authors: r.Authors, Charset: r.Charset}
	if t, err := time.Parse(time.RFC3339Nano, r.Published); err == nil {
		out.Published = &t
	}
	return out
}

// DeadLetter is an input that could not be read or analysed.
type DeadLetter struct {
	Input  string `json:"input"`
	Stage  string `json:"stage"` // "read" or "analyze"
	Reason string `json:"reason"`
}

// Config configures the pipeline.
type Config struct {
	// Inputs are file globs (local paths, gs://...): WARC, WARC.gz, JSONL, text, HTML, .gz.
	Inputs []string
	// Output is the directory (or bucket prefix) for the shards.
	Output string
	// Shards is the number of JSONL output files (default 16).
	Shards int
	// Only limits the analyzers, as newslens analyze --only does.
	Only []string
	// ExtractOnly skips the analyzers.
	ExtractOnly bool
	// Postgres, when set, is a PostgreSQL URL: documents are also stored
	// there, PostgresBatch (default 500) per transaction.
	Postgres      string
	PostgresBatch int
}

// Build adds the newslens pipeline to scope s: match → read (per file, then
// per record) → reshuffle → analyse → sharded JSONL, plus the dead-letter
// shards, and optionally the PostgreSQL corpus. It returns the analysed documents as KV<id, json> and the dead
// letters, for tests and for further sinks.
func Build(s beam.Scope, cfg Config) (docs, dead beam.PCollection) {
	if cfg.Shards <= 0 {
		cfg.Shards = 16
	}
	s = s.Scope("newslens")
	var files []beam.PCollection
	for _, glob := range cfg.Inputs {
		// Uncompressed: input.Stream sniffs gzip itself, and must see a
		// .warc.gz as gzip members to survive a corrupt one.
		files = append(files, fileio.ReadMatches(s, fileio.MatchFiles(s, glob), fileio.ReadUncompressed()))
	}
	all := beam.Flatten(s, files...)
	records, readDead := beam.ParDo2(s, &readFileFn{}, all)
	records = beam.Reshuffle(s, records)
	docs, analyzeDead := beam.ParDo2(s, &analyzeFn{Only: cfg.Only, ExtractOnly: cfg.ExtractOnly}, records)
	dead = beam.Flatten(s, readDead, analyzeDead)
	if cfg.Output != "" {
		WriteShards(s.Scope("docs"), docs, cfg.Output, "documents", cfg.Shards)
		WriteShards(s.Scope("deadletters"), beam.ParDo(s, deadLetterLine, dead), cfg.Output, "deadletters", 1)
	}
	if cfg.Postgres != "" {
		WritePostgres(s, docs, cfg.Postgres, cfg.PostgresBatch)
	}
	return docs, dead
}

var (
	cntFiles    = beam.NewCounter("newslens", "files")
	cntRecords  = beam.NewCounter("newslens", "records")
	cntBytes    = beam.NewCounter("newslens", "bytes")
	cntDocs     = beam.NewCounter("newslens", "documents")
	cntReadErr  = beam.NewCounter("newslens", "errors_read")
	cntAnalyErr = beam.NewCounter("newslens", "errors_analyze")
)

// readFileFn reads one matched file into records.
type readFileFn struct{}

func (fn *readFileFn) ProcessElement(ctx context.Context, f fileio.ReadableFile, emit func(Record), dead func(DeadLetter)) error {
	cntFiles.Inc(ctx, 1)
	rc, err := f.Open(ctx)
	if err != nil {
		cntReadErr.Inc(ctx, 1)
		dead(DeadLetter{Input: f.Metadata.Path, Stage: "read", Reason: err.Error()})
		return nil
	}
	defer rc.Close()
	input.Stream(ctx, f.Metadata.Path, rc, func(it input.Item) bool {
		if it.Err != nil {
			cntReadErr.Inc(ctx, 1)
			dead(DeadLetter{Input: errName(it.Err, f.Metadata.Path), Stage: "read", Reason: it.Err.Error()})
			return true
		}
		cntRecords.Inc(ctx, 1)
		cntBytes.Inc(ctx, int64(len(it.Record.Content)))
		emit(fromInput(it.Record))
		return true
	})
	return nil
}

func errName(err error, fallback string) string {
	if e, ok := err.(*input.Error); ok && e.Name != "" {
		return e.Name
	}
	return fallback
}

// analyzeFn runs the main module's default pipeline on each record.
type analyzeFn struct {
	Only        []string
	ExtractOnly bool

	p *pipeline.Pipeline
}

func (fn *analyzeFn) Setup() error {
	p, err := newslens.NewPipeline(newslens.Options{Workers: 1, Only: fn.Only, ExtractOnly: fn.ExtractOnly})
	if err != nil {
		return fmt.Errorf("newslens pipeline: %w", err)
	}
	fn.p = p
	return nil
}

func (fn *analyzeFn) ProcessElement(ctx context.Context, r Record, emit func(string, string), dead func(DeadLetter)) {
	doc, err := fn.p.Process(ctx, r.toInput())
	if err != nil {
		cntAnalyErr.Inc(ctx, 1)
		dead(DeadLetter{Input: r.Name, Stage: "analyze", Reason: err.Error()})
		return
	}
	b, err := json.Marshal(doc)
	if err != nil {
		cntAnalyErr.Inc(ctx, 1)
		dead(DeadLetter{Input: r.Name, Stage: "analyze", Reason: "encoding: " + err.Error()})
		return
	}
	cntDocs.Inc(ctx, 1)
	emit(doc.ID, string(b))
}

func deadLetterLine(d DeadLetter) (string, string) {
	b, _ := json.Marshal(d)
	return d.Input, string(b)
}

// WriteShards writes KV<key, line> to n files named
// DIR/PREFIX-SSSSS-of-NNNNN.jsonl. A line's shard is a hash of its key, and
// lines are sorted within a shard, so a rerun writes identical files. It
// exists because textio.Write funnels everything into one file.
func WriteShards(s beam.Scope, kv beam.PCollection, dir, prefix string, n int) {
	keyed := beam.ParDo(s, shardOf, beam.ParDo(s, &shardKeyFn{N: n}, kv))
	grouped := beam.GroupByKey(s, keyed)
	beam.ParDo0(s, &writeShardFn{Dir: dir, Prefix: prefix, N: n}, grouped)
}

// shardKeyFn turns KV<key,line> into KV<"shard\x00key", line> so that shardOf
// can route by a stable hash. Kept separate so N travels with the DoFn.
type shardKeyFn struct{ N int }

func (fn *shardKeyFn) ProcessElement(key, line string) (string, string) {
	h := fnv.New32a()
	io.WriteString(h, key)
	return fmt.Sprintf("%d", int(h.Sum32()%uint32(fn.N))), line
}

func shardOf(shard, line string) (int, string) {
	var n int
	fmt.Sscanf(shard, "%d", &n)
	return n, line
}

type writeShardFn struct {
	Dir, Prefix string
	N           int
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool) error {
	var all []string
	var l string
	for lines(&l) {
		all = append(all, l)
	}
	sort.Strings(all)
	path := fmt.Sprintf("%s/%s-%05d-of-%05d.jsonl", strings.TrimRight(fn.Dir, "/"), fn.Prefix, shard, fn.N)
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("shard %s: %w", path, err)
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("shard %s: %w", path, err)
	}
	for _, line := range all {
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			w.Close()
			return fmt.Errorf("shard %s: %w", path, err)
		}
	}
	return w.Close()
}
