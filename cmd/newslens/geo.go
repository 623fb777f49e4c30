package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/entity"
	"github.com/newslens/newslens/eval"
	"github.com/newslens/newslens/gazetteer"
	"github.com/newslens/newslens/geo"
	"github.com/newslens/newslens/pipeline"
	"github.com/newslens/newslens/text"
)

// runGazetteer dispatches "newslens gazetteer SUBCOMMAND".
func runGazetteer(ctx context.Context, e env) error {
	if len(e.args) == 0 || e.args[0] != "build" {
		fmt.Fprintln(e.stderr, "Usage: newslens gazetteer build [--geonames DIR] [--naturalearth DIR] [--all-countries FILE --alternate-names FILE] --out FILE")
		return fmt.Errorf("%w: gazetteer needs the subcommand build", errUsage)
	}
	fs := flag.NewFlagSet("gazetteer build", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	gn := fs.String("geonames", "../shared/data/geo/geonames", "GeoNames directory (cities500, admin1/admin2 codes, countryInfo)")
	ne := fs.String("naturalearth", "../shared/data/geo/naturalearth", "Natural Earth directory (\"\" to skip)")
	all := fs.String("all-countries", "", "full GeoNames allCountries.txt(.gz), replacing cities500")
	alt := fs.String("alternate-names", "", "GeoNames alternateNamesV2.txt(.gz)")
	out := fs.String("out", filepath.Join("gazetteer", gazetteer.EmbeddedPath), "output index file")
	if err := fs.Parse(e.args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	start := time.Now()
	stats, err := gazetteer.Build(ctx, gazetteer.BuildOptions{GeoNamesDir: *gn, NaturalEarthDir: *ne, AllCountries: *all,
		AlternateNames: *alt, Logger: slog.New(slog.NewTextHandler(e.stderr, nil))}, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	st, _ := os.Stat(*out)
	fmt.Fprintf(e.stdout, "wrote %s: %d bytes gzip, %d uncompressed, %d places, %d exact keys, %d fuzzy keys, %d postings in %s\n",
		*out, st.Size(), stats.Bytes, stats.Places, stats.ExactKeys, stats.FuzzyKeys, stats.Postings, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "by class: %v\ncoordinates: %v\n", stats.ByClass, stats.DerivedFrom)
	return nil
}

// runEvalGeo scores the places analyzer on LGL, GeoWebNews or GeoVirus.
func runEvalGeo(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("eval geo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "", "corpus format: lgl, gwn or geovirus")
	asJSON := fs.Bool("json", false, "print one JSON object")
	showErrors := fs.Bool("errors", false, "write false positives, false negatives and resolution errors to stderr")
	noNER := fs.Bool("no-ner", false, "recognise from the gazetteer and cues only, without the entities analyzer")
	noURL := fs.Bool("no-url", false, "ignore the articles' URLs (the outlet's home town and country)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: newslens eval geo --format lgl|gwn|geovirus [--json] [--errors] [--no-ner] [--no-url] FILE")
		fs.PrintDefaults()
	}
	args, rest := splitFlags(e.args)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	rest = append(rest, fs.Args()...)
	if len(rest) != 1 || *format == "" {
		fs.Usage()
		return fmt.Errorf("%w: eval geo needs --format and one FILE", errUsage)
	}
	start := time.Now()
	gp := &geoparser{a: geo.New(geo.Options{}), noURL: *noURL}
	if !*noNER {
		ents, err := entity.New(entity.Options{})
		if err != nil {
			return err
		}
		gp.ents = ents
	}
	var errs io.Writer
	if *showErrors {
		errs = e.stderr
	}
	res, err := eval.Geo(ctx, *format, rest[0], gp, errs)
	if err != nil {
		return err
	}
	res.Seconds = time.Since(start).Round(time.Millisecond).Seconds()
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "%s %s: %d articles, %d gold toponyms (%d skipped), %d predicted\n", res.Format, res.File, res.Articles, res.Gold, res.SkippedGold, res.Predicted)
	fmt.Fprintf(e.stdout, "recognition (exact spans): P %.3f R %.3f F1 %.3f (tp %d fp %d fn %d)\n", res.Precision, res.Recall, res.F1, res.TP, res.FP, res.FN)
	for _, r := range []struct {
		name string
		g    eval.GeoResolution
	}{{"end to end", res.Resolution}, {"resolution only (gold spans)", res.ResolutionOnly}} {
		fmt.Fprintf(e.stdout, "%s: n %d acc@161 %.3f AUC %.3f mean %.0f km median %.1f km abstained %d\n", r.name, r.g.N, r.g.Acc161, r.g.AUC, r.g.MeanKm, r.g.MedianKm, r.g.Abstained)
	}
	return nil
}

// splitFlags separates flags from positional arguments so that the FILE
// may come before or after them.
func splitFlags(args []string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(pos, args[i+1:]...)
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if !strings.Contains(a, "=") && (a == "--format" || a == "-format") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return flags, pos
}

// geoparser adapts the places analyzer to eval's code-point interface.
type geoparser struct {
	a     *geo.Analyzer
	ents  pipeline.Analyzer // the entities analyzer, or nil
	noURL bool              // ignore article URLs
}

func (g *geoparser) convert(doc *document.Document, ms []geo.Mention) []eval.GeoMention {
	off := document.NewOffsets(doc.Text)
	out := make([]eval.GeoMention, 0, len(ms))
	for _, m := range ms {
		s, e := off.SpanToRunes(m.Span)
		gm := eval.GeoMention{Start: s, End: e, Demonym: m.Kind == geo.KindDemonym}
		gm.Lat, gm.Lon, gm.Resolved = g.a.Coordinates(m)
		out = append(out, gm)
	}
	return out
}

func (g *geoparser) Parse(ctx context.Context, txt string) ([]eval.GeoMention, error) {
	return g.ParseURL(ctx, txt, "")
}

func (g *geoparser) ResolveSpans(ctx context.Context, txt string, spans [][2]int) ([]eval.GeoMention, error) {
	return g.ResolveSpansURL(ctx, txt, "", spans)
}

// ParseURL implements eval.GeoURLParser: the URL names the outlet.
func (g *geoparser) ParseURL(ctx context.Context, txt, url string) ([]eval.GeoMention, error) {
	if g.noURL {
		url = ""
	}
	doc := &document.Document{Text: txt, URL: url}
	text.Segment(doc)
	if g.ents != nil {
		if err := g.ents.Analyze(ctx, doc); err != nil {
			return nil, err
		}
	}
	ms, err := g.a.Mentions(ctx, doc)
	if err != nil {
		return nil, err
	}
	return g.convert(doc, ms), nil
}

// ResolveSpansURL implements eval.GeoURLParser.
func (g *geoparser) ResolveSpansURL(ctx context.Context, txt, url string, spans [][2]int) ([]eval.GeoMention, error) {
	if g.noURL {
		url = ""
	}
	doc := &document.Document{Text: txt, URL: url}
	text.Segment(doc)
	off := document.NewOffsets(txt)
	bs := make([]document.Span, len(spans))
	for i, s := range spans {
		bs[i] = document.Span{Start: off.RuneToByte(s[0]), End: off.RuneToByte(s[1])}
	}
	ms, err := g.a.Resolve(ctx, doc, bs)
	if err != nil {
		return nil, err
	}
	return g.convert(doc, ms), nil
}
