// Command newslens turns news articles into structured data in which every
// fact points at its evidence. Run "newslens help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// env is what a command gets from main: arguments, streams and the context.
type env struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env) error
}

func commands() map[string]command {
	return map[string]command{
		"analyze":   {"analyze articles (files, directories, .gz, JSONL, WARC, - for stdin)", runAnalyze},
		"eval":      {"evaluate a component on a benchmark: eval extract|ner|geo|quotes|figures|techniques ...", runEval},
		"gazetteer": {"build the embedded place-name index: gazetteer build --out FILE", runGazetteer},
		"train":     {"rebuild an embedded model from ../shared/data: train ner|techniques ...", runTrain},
		"serve":     {"serve the web UI and JSON API (--demo loads a Wikinews demo corpus)", runServe},
		"ingest":    {"add articles to the corpus: files, WARC, feeds, sitemaps, OPML, URLs", runIngest},
		"watch":     {"poll feeds on a schedule and ingest new articles", runWatch},
		"search":    {"search the corpus: full text and filters, with snippets", runSearch},
		"stats":     {"corpus aggregations: volume, outlets x techniques, speakers, citations, places, counts, events, portrayal", runStats},
		"export":    {"export the corpus as jsonl, csv or gkg (GDELT GKG 2.1)", runExport},
		"reanalyze": {"refresh annotations made by older analyzer versions", runReanalyze},
		"bench":     {"whole-pipeline benchmark on the Scrapinghub, PTC and PolNeAR articles", runBench},
	}
}

// errUsage marks errors caused by bad arguments (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "newslens:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return c.run(ctx, env{args: args[1:], stdin: stdin, stdout: stdout, stderr: stderr})
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "newslens: evidence-linked news analysis\n\nUsage: newslens COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'newslens COMMAND -h' for a command's flags.")
}
