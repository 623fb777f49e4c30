package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/newslens/newslens/gazetteer"
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
