package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/newslens/newslens"
	"github.com/newslens/newslens/ingest"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/dial"
)

// corpusFetchFlags are the fetcher's flags, shared by ingest and watch.
type corpusFetchFlags struct {
	allowPrivate, ignoreRobots bool
	perHost, timeout           time.Duration
	maxBytes                   int64
	userAgent                  string
}

func (c *corpusFetchFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&c.allowPrivate, "allow-private", false, "allow fetching from loopback, private and link-local addresses")
	fs.BoolVar(&c.ignoreRobots, "ignore-robots", false, "do not obey robots.txt (only for sites you own)")
	fs.DurationVar(&c.perHost, "rate", time.Second, "minimum time between requests to one host")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "timeout per request, body included")
	fs.Int64Var(&c.maxBytes, "max-bytes", 10<<20, "size cap per response")
	fs.StringVar(&c.userAgent, "user-agent", ingest.DefaultUserAgent, "User-Agent header")
}

func (c *corpusFetchFlags) fetcher() *ingest.Fetcher {
	return ingest.NewFetcher(ingest.FetchOptions{UserAgent: c.userAgent, Timeout: c.timeout, MaxBytes: c.maxBytes,
		PerHost: c.perHost, AllowPrivate: c.allowPrivate, IgnoreRobots: c.ignoreRobots})
}

// corpusLogger logs to stderr as text; progress lines replace it on a terminal.
func corpusLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func runIngest(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", dial.DefaultPath, "store: a SQLite file path or a postgres:// URL")
	workers := fs.Int("workers", 0, "documents analysed at once (default: number of CPUs)")
	batch := fs.Int("batch", 100, "documents per store transaction")
	force := fs.Bool("force", false, "re-analyse items already ingested")
	only := fs.String("only", "", "comma-separated analyzers to run (with what they require)")
	print := fs.Bool("print", false, "print one line per stored document (id, version, new|existing, source) once it is durable")
	var ff corpusFetchFlags
	ff.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens ingest [flags] SOURCE...\n\nSOURCE is a file or directory (HTML, text, JSONL, .gz), a WARC or WARC.gz file,\nan RSS/Atom feed, sitemap or OPML file or URL, an article URL, or - for stdin.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: ingest needs at least one SOURCE", errUsage)
	}
	opts := newslens.Options{Workers: *workers}
	if *only != "" {
		opts.Only = strings.Split(*only, ",")
	}
	p, err := newslens.NewPipeline(opts)
	if err != nil {
		return err
	}
	s, err := dial.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()

	prog := newCorpusProgress(e.stderr, corpusCountInputs(fs.Args()))
	log := corpusLogger(e.stderr)
	in, err := ingest.New(ingest.Options{
		Store: s, Pipeline: p, Fetcher: ff.fetcher(), BatchSize: *batch, Force: *force, Logger: log,
		OnProgress: prog.update,
		OnStored: func(src string, r store.PutResult) {
			if *print {
				state := "new"
				if r.Existing {
					state = "existing"
				}
				fmt.Fprintf(e.stdout, "%s\t%d\t%s\t%s\n", r.ID, r.Version, state, src)
			}
		},
		OnError: func(src string, err error) {
			prog.clear()
			fmt.Fprintf(e.stderr, "newslens: %v\n", err)
		},
	})
	if err != nil {
		return err
	}
	final, err := in.Run(ctx, fs.Args(), e.stdin)
	prog.done(final)
	fmt.Fprintf(e.stderr, "newslens: %d new, %d already stored, %d skipped (ingested before), %d failed in %s\n",
		final.Stored, final.Existing, final.Skipped, final.Failed, time.Since(final.Start).Round(time.Millisecond))
	return err
}

// corpusCountInputs counts the items when every source is a plain file or
// a directory of them, so progress can show an ETA; -1 when unknown.
func corpusCountInputs(sources []string) int {
	n := 0
	for _, src := range sources {
		if src == "-" || strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") || isMultiRecord(src) {
			return -1
		}
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != src && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if isMultiRecord(path) {
				return fs.SkipAll
			}
			if !strings.HasPrefix(d.Name(), ".") {
				n++
			}
			return nil
		})
		if err != nil {
			return -1
		}
	}
	return n
}

// corpusProgress draws a progress line with rate and ETA on a terminal
// and logs a line every 10 s otherwise.
type corpusProgress struct {
	begin time.Time
	w     io.Writer
	tty   bool
	total int
	last  time.Time
	log   *slog.Logger
}

func newCorpusProgress(w io.Writer, total int) *corpusProgress {
	return &corpusProgress{begin: time.Now(), w: w, tty: isTerminal(w), total: total, log: corpusLogger(w)}
}

func (c *corpusProgress) update(p ingest.Progress) {
	every := 10 * time.Second
	if c.tty {
		every = 200 * time.Millisecond
	}
	if time.Since(c.last) < every {
		return
	}
	c.last = time.Now()
	done := p.Done()
	el := time.Since(p.Start).Seconds()
	rate := float64(done) / max(el, 1e-9)
	if !c.tty {
		c.log.Info("ingest progress", "done", done, "stored", p.Stored, "existing", p.Existing, "skipped", p.Skipped,
			"failed", p.Failed, "docs_per_s", fmt.Sprintf("%.1f", rate))
		return
	}
	line := fmt.Sprintf("\r\033[K%d done (%d new, %d existing, %d skipped, %d failed) %.1f/s", done, p.Stored, p.Existing, p.Skipped, p.Failed, rate)
	if c.total > 0 && rate > 0 {
		frac := float64(done) / float64(c.total)
		width := 24
		filled := min(int(frac*float64(width)), width)
		eta := time.Duration(float64(c.total-done)/rate) * time.Second
		line = fmt.Sprintf("\r\033[K[%s%s] %d/%d %.1f/s ETA %s (%d new, %d existing, %d skipped, %d failed)",
			strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, c.total, rate, eta.Round(time.Second), p.Stored, p.Existing, p.Skipped, p.Failed)
	}
	fmt.Fprint(c.w, line)
}

func (c *corpusProgress) start() time.Time { return c.begin }

func (c *corpusProgress) clear() {
	if c.tty {
		fmt.Fprint(c.w, "\r\033[K")
	}
}

func (c *corpusProgress) done(p ingest.Progress) {
	if c.tty {
		c.clear()
	}
}

// corpusOpen opens the store named by --db.
func corpusOpen(ctx context.Context, db string) (store.Store, error) { return dial.Open(ctx, db) }
