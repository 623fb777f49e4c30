package gazetteer

import (
	"bufio"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BuildOptions says where the source files are. GeoNamesDir is required;
// the others are optional.
type BuildOptions struct {
	// GeoNamesDir holds cities500.txt.gz (or cities500.txt),
	// admin1CodesASCII.txt, admin2Codes.txt(.gz) and countryInfo.txt.
	GeoNamesDir string
	// NaturalEarthDir holds the ne_*.geojson.gz files (label points,
	// countries, rivers, lakes, seas, physical regions, populated places).
	NaturalEarthDir string
	// AllCountries and AlternateNames are a full GeoNames dump
	// (allCountries.txt, alternateNamesV2.txt, plain or .gz). When
	// AllCountries is set it replaces cities500: its ADM1/ADM2/PCL rows
	// bring their own coordinates, and its H/T/L/S features are kept when
	// they have at least MinAltNames alternate names.
	AllCountries   string
	AlternateNames string
	// MinAltNames is the notability threshold for non-populated, non-admin
	// features of a full dump (default 3).
	MinAltNames int
	Logger      *slog.Logger
}

// BuildStats describes a built index.
type BuildStats struct {
	Places      int            `json:"places"`
	ExactKeys   int            `json:"exact_keys"`
	FuzzyKeys   int            `json:"fuzzy_keys"`
	Postings    int            `json:"postings"`
	Bytes       int            `json:"bytes_uncompressed"`
	ByClass     map[string]int `json:"by_class"`
	DerivedFrom map[string]int `json:"derived_coordinates"`
}

// bplace is a place under construction.
type bplace struct {
	Place
	names    []string
	a1, a2   string // admin codes "SY.07", "SY.07.123"
	hasCoord bool
	// labels are Natural Earth admin-1 label points; a division split
	// into islands has several, and deriveCoordinates keeps the one
	// nearest its places.
	labels [][2]float64
}

type builder struct {
	opts    BuildOptions
	log     *slog.Logger
	places  []*bplace
	byID    map[uint32]*bplace
	admin1  map[string]*bplace // "SY.07"
	admin2  map[string]*bplace // "SY.07.163343"
	country map[string]*bplace // "SY"
	iso3    map[string]string  // "SYR" -> "SY"
	capital map[string]string  // "SY" -> "Damascus"
	stats   BuildStats
}

// Build reads the source files and writes a gzip-compressed index to w.
func Build(ctx context.Context, opts BuildOptions, w io.Writer) (BuildStats, error) {
	if opts.MinAltNames == 0 {
		opts.MinAltNames = 3
	}
	b := &builder{opts: opts, log: opts.Logger, byID: map[uint32]*bplace{}, admin1: map[string]*bplace{},
		admin2: map[string]*bplace{}, country: map[string]*bplace{}, iso3: map[string]string{}, capital: map[string]string{},
		stats: BuildStats{ByClass: map[string]int{}, DerivedFrom: map[string]int{}}}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"countries", b.readCountries},
		{"admin codes", b.readAdminCodes},
		{"geonames rows", b.readRows},
		{"alternate names", b.readAlternateNames},
		{"geonames points", b.readPoints},
		{"natural earth", b.readNaturalEarth},
		{"continents", b.placeContinents},
		{"aliases", b.addAliases},
		{"coordinates", b.deriveCoordinates},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return b.stats, err
		}
		if err := s.fn(ctx); err != nil {
			return b.stats, fmt.Errorf("gazetteer build, %s: %w", s.name, err)
		}
		b.log.Info("gazetteer build", "step", s.name, "places", len(b.places))
	}
	return b.write(w)
}

// pointsTSV holds GeoNames' own coordinates of countries and continents
// (see its header): the gold of the geoparsing corpora, and every user of
// GeoNames ids, place a country where GeoNames does, and cities500 has no
// country rows. A full dump's own rows take precedence.
//
//go:embed points.tsv
var pointsTSV string

// geoPoint is one row of points.tsv.
type geoPoint struct {
	id       uint32
	cc       string
	feature  string
	lat, lon float64
	name     string
}

func parsePoints() ([]geoPoint, error) {
	var out []geoPoint
	for n, line := range strings.Split(pointsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 6 {
			return nil, fmt.Errorf("points.tsv line %d: %d fields, want 6", n+1, len(f))
		}
		id, err1 := strconv.ParseUint(f[0], 10, 32)
		lat, err2 := strconv.ParseFloat(f[3], 64)
		lon, err3 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return nil, fmt.Errorf("points.tsv line %d: bad id or coordinates", n+1)
		}
		out = append(out, geoPoint{id: uint32(id), cc: f[1], feature: f[2], lat: lat, lon: lon, name: f[5]})
	}
	return out, nil
}

// readPoints gives countries without coordinates GeoNames' own point.
func (b *builder) readPoints(context.Context) error {
	pts, err := parsePoints()
	if err != nil {
		return err
	}
	for _, pt := range pts {
		if pt.feature != "A.PCLI" {
			continue
		}
		p, ok := b.country[pt.cc]
		if !ok || p.hasCoord {
			continue
		}
		if p.GeoNameID != 0 && p.GeoNameID != pt.id {
			b.log.Warn("gazetteer build: country point for another geonameid", "cc", pt.cc, "want", p.GeoNameID, "got", pt.id)
			continue
		}
		p.Lat, p.Lon, p.hasCoord = pt.lat, pt.lon, true
		b.stats.DerivedFrom["country: GeoNames point (points.tsv)"]++
	}
	return nil
}

// placeContinents moves the Natural Earth continents to GeoNames' points
// and gives them GeoNames ids; a continent Natural Earth lacks (Oceania)
// is added. A full dump that
// already has the continent's row keeps it.
func (b *builder) placeContinents(context.Context) error {
	pts, err := parsePoints()
	if err != nil {
		return err
	}
	byName := map[string]*bplace{}
	for _, p := range b.places {
		if p.Feature == "L.CONT" && p.GeoNameID == 0 {
			byName[Key(p.Name)] = p
		}
	}
	for _, pt := range pts {
		if pt.feature != "L.CONT" {
			continue
		}
		if _, ok := b.byID[pt.id]; ok {
			continue
		}
		p, ok := byName[Key(pt.name)]
		if !ok {
			p = b.add(&bplace{Place: Place{Name: pt.name, Feature: "L.CONT"}, names: []string{pt.name}})
		}
		p.GeoNameID, p.Name = pt.id, pt.name
		b.byID[pt.id] = p
		p.Lat, p.Lon, p.hasCoord = pt.lat, pt.lon, true
		b.stats.DerivedFrom["continent: GeoNames point (points.tsv)"]++
	}
	return nil
}

func (b *builder) add(p *bplace) *bplace {
	b.places = append(b.places, p)
	if p.GeoNameID != 0 {
		b.byID[p.GeoNameID] = p
	}
	return p
}

// open opens a plain or gzip file; name may lack the .gz the file has.
func open(name string) (io.ReadCloser, error) {
	f, err := os.Open(name)
	if err != nil && !strings.HasSuffix(name, ".gz") {
		f, err = os.Open(name + ".gz")
		if err == nil {
			name += ".gz"
		}
	}
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(name, ".gz") {
		return f, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}, nil
}

// eachLine calls fn with the tab-split fields of every non-comment line.
func eachLine(ctx context.Context, name string, fn func([]string) error) error {
	rc, err := open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		if n++; n%100000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fn(strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("%s line %d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (b *builder) readCountries(ctx context.Context) error {
	return eachLine(ctx, filepath.Join(b.opts.GeoNamesDir, "countryInfo.txt"), func(f []string) error {
		if len(f) < 17 {
			return nil
		}
		id, _ := strconv.ParseUint(f[16], 10, 32)
		pop, _ := strconv.ParseUint(f[7], 10, 32)
		p := b.add(&bplace{Place: Place{GeoNameID: uint32(id), Name: f[4], Feature: "A.PCLI", Country: f[0], Population: uint32(pop)},
			names: []string{f[4]}})
		b.country[f[0]] = p
		b.iso3[f[1]] = f[0]
		b.capital[f[0]] = f[5]
		return nil
	})
}

func (b *builder) readAdminCodes(ctx context.Context) error {
	err := eachLine(ctx, filepath.Join(b.opts.GeoNamesDir, "admin1CodesASCII.txt"), func(f []string) error {
		if len(f) < 4 || len(f[0]) < 4 {
			return nil
		}
		id, _ := strconv.ParseUint(f[3], 10, 32)
		p := b.add(&bplace{Place: Place{GeoNameID: uint32(id), Name: f[1], Feature: "A.ADM1", Country: f[0][:2]},
			names: []string{f[1], f[2]}, a1: f[0]})
		b.admin1[f[0]] = p
		return nil
	})
	if err != nil {
		return err
	}
	return eachLine(ctx, filepath.Join(b.opts.GeoNamesDir, "admin2Codes.txt"), func(f []string) error {
		if len(f) < 4 || len(f[0]) < 4 {
			return nil
		}
		id, _ := strconv.ParseUint(f[3], 10, 32)
		code := f[0]
		a1 := code
		if i := strings.LastIndexByte(code, '.'); i > 0 {
			a1 = code[:i]
		}
		p := b.add(&bplace{Place: Place{GeoNameID: uint32(id), Name: f[1], Feature: "A.ADM2", Country: code[:2]},
			names: []string{f[1], f[2]}, a1: a1, a2: code})
		b.admin2[code] = p
		return nil
	})
}

// keepAltName filters alternate names to what the matcher can use: Latin
// or Arabic script, no digits (postcodes), no all-capital codes of up to
// four letters (IATA, ISO), at most 60 bytes.
func keepAltName(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	upper, letters := true, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			return false
		case unicode.IsLetter(r):
			letters++
			if !unicode.Is(unicode.Latin, r) && !unicode.Is(unicode.Arabic, r) {
				return false
			}
			if unicode.IsLower(r) {
				upper = false
			}
		}
	}
	// All-capital codes (IATA "DEZ", postal "SC") are dropped; dotted
	// abbreviations ("S.C.", "W.Va.") are names people write.
	return letters > 1 && !(upper && letters <= 4 && !strings.Contains(s, "."))
}

// readRows reads the geoname table: cities500, or a full allCountries dump.
func (b *builder) readRows(ctx context.Context) error {
	name := filepath.Join(b.opts.GeoNamesDir, "cities500.txt")
	full := b.opts.AllCountries != ""
	if full {
		name = b.opts.AllCountries
	}
	return eachLine(ctx, name, func(f []string) error {
		if len(f) < 15 {
			return nil
		}
		id64, err := strconv.ParseUint(f[0], 10, 32)
		if err != nil {
			return fmt.Errorf("geonameid %q: %w", f[0], err)
		}
		id := uint32(id64)
		lat, err1 := strconv.ParseFloat(f[4], 64)
		lon, err2 := strconv.ParseFloat(f[5], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("geoname %d: bad coordinates", id)
		}
		pop, _ := strconv.ParseUint(f[14], 10, 32)
		class, code := f[6], f[7]
		alts := []string{f[1], f[2]}
		nalt := 0
		if f[3] != "" {
			for _, a := range strings.Split(f[3], ",") {
				nalt++
				if keepAltName(a) {
					alts = append(alts, a)
				}
			}
		}
		if full && !keepFullRow(class, code, pop, nalt, b.opts.MinAltNames) {
			return nil
		}
		if pop < smallPlace && class == "P" && !strings.HasPrefix(code, "PPLA") && code != "PPLC" && len(alts) > 2+smallPlaceAlts {
			// Size cap: small villages keep their main names and a few
			// alternates; their many foreign-script and variant names cost
			// most of the index and rarely occur in English news.
			alts = alts[:2+smallPlaceAlts]
		}
		// Admin and country rows of a full dump update the records made
		// from the code files, bringing coordinates.
		if p, ok := b.byID[id]; ok {
			p.Lat, p.Lon, p.hasCoord = lat, lon, true
			if pop > uint64(p.Population) {
				p.Population = uint32(pop)
			}
			p.names = append(p.names, alts...)
			return nil
		}
		p := &bplace{Place: Place{GeoNameID: id, Name: f[1], Feature: class + "." + code, Country: f[8],
			Population: uint32(pop), Lat: lat, Lon: lon}, names: alts, hasCoord: true}
		if f[10] != "" {
			p.a1 = f[8] + "." + f[10]
			if f[11] != "" {
				p.a2 = p.a1 + "." + f[11]
			}
		}
		b.add(p)
		return nil
	})
}

// smallPlace is the population under which a populated place that is not
// an administrative seat keeps at most smallPlaceAlts alternate names.
const (
	smallPlace     = 5000
	smallPlaceAlts = 2
)

// keepFullRow decides which rows of a full dump go into the index:
// populated places as in cities500, every admin division down to ADM2 and
// every country, and physical features notable enough to have several names.
func keepFullRow(class, code string, pop uint64, nalt, minAlt int) bool {
	switch class {
	case "P":
		return pop >= 500 || strings.HasPrefix(code, "PPLA") || code == "PPLC"
	case "A":
		return code == "ADM1" || code == "ADM2" || strings.HasPrefix(code, "PCL")
	case "H", "T", "L", "S":
		return nalt >= minAlt
	}
	return false
}

// readAlternateNames adds names from alternateNamesV2.txt for kept places.
func (b *builder) readAlternateNames(ctx context.Context) error {
	if b.opts.AlternateNames == "" {
		return nil
	}
	skip := map[string]bool{"link": true, "post": true, "iata": true, "icao": true, "faac": true, "abbr": true,
		"wkdt": true, "unlc": true, "tcid": true, "phon": true, "piny": true}
	return eachLine(ctx, b.opts.AlternateNames, func(f []string) error {
		if len(f) < 4 || skip[f[2]] {
			return nil
		}
		id, err := strconv.ParseUint(f[1], 10, 32)
		if err != nil {
			return nil
		}
		if p, ok := b.byID[uint32(id)]; ok && keepAltName(f[3]) {
			p.names = append(p.names, f[3])
		}
		return nil
	})
}

// geojson is the part of a GeoJSON feature collection the builder reads.
type geojson struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func readGeoJSON(name string) (*geojson, error) {
	rc, err := open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var g geojson
	if err := json.NewDecoder(rc).Decode(&g); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &g, nil
}

func prop(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" && s != "-99" {
			return s
		}
	}
	return ""
}

func propNum(m map[string]any, k string) float64 {
	f, _ := m[k].(float64)
	return f
}

// titleCase turns Natural Earth's all-capital marine names into display form.
func titleCase(s string) string {
	if strings.ToUpper(s) != s {
		return s
	}
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if i > 0 && (w == "of" || w == "the" || w == "and" || w == "de") {
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// neFeatures maps Natural Earth featurecla values to GeoNames feature codes.
var neFeatures = map[string]string{
	"river": "H.STM", "lake centerline": "H.STM", "river (intermittent)": "H.STM", "lake": "H.LK", "reservoir": "H.RSV",
	"alkaline lake": "H.LK", "sea": "H.SEA", "gulf": "H.GULF", "bay": "H.BAY", "strait": "H.STRT", "ocean": "H.OCN",
	"channel": "H.CHN", "sound": "H.SD", "lagoon": "H.LGN", "fjord": "H.FJD", "inlet": "H.INLT", "reef": "H.RF",
	"range/mtn": "T.MTS", "desert": "T.DSRT", "plain": "T.PLN", "valley": "T.VAL", "basin": "T.BSN", "island": "T.ISL",
	"island group": "T.ISLS", "peninsula": "T.PEN", "pen/cape": "T.CAPE", "plateau": "T.PLAT", "delta": "H.DLTA",
	"coast": "L.CST", "continent": "L.CONT", "geoarea": "L.RGN", "depression": "T.DPR", "lowland": "T.PLN",
	"wetlands": "H.WTLD", "gorge": "T.GRGE", "isthmus": "T.ISTH", "foothills": "T.HLLS", "tundra": "L.RGN",
	"mountain": "T.MT", "volcano": "T.VLC", "pass": "T.PASS", "depression pt": "T.DPR", "spot elevation": "T.MT",
}

func (b *builder) readNaturalEarth(ctx context.Context) error {
	dir := b.opts.NaturalEarthDir
	if dir == "" {
		return nil
	}
	// Populated places carry GeoNames ids: their English and other
	// Latin-script names become alternate names.
	if g, err := readGeoJSON(filepath.Join(dir, "ne_10m_populated_places.geojson.gz")); err == nil {
		for _, f := range g.Features {
			id := uint32(propNum(f.Properties, "GEONAMEID"))
			if p, ok := b.byID[id]; ok && id != 0 {
				for _, k := range []string{"NAME", "NAMEALT", "NAMEASCII", "NAME_EN", "NAME_DE", "NAME_ES", "NAME_FR", "NAME_PT"} {
					if s := prop(f.Properties, k); keepAltName(s) {
						p.names = append(p.names, strings.Split(s, "|")...)
					}
				}
			}
		}
	} else {
		b.log.Warn("gazetteer build: skipping populated places", "err", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Country polygons: names and a derived coordinate.
	if g, err := readGeoJSON(filepath.Join(dir, "ne_50m_admin_0_countries.geojson.gz")); err == nil {
		for _, f := range g.Features {
			cc := prop(f.Properties, "ISO_A2", "ISO_A2_EH")
			if cc == "" {
				cc = b.iso3[prop(f.Properties, "ADM0_A3", "ISO_A3")]
			}
			p, ok := b.country[cc]
			if !ok {
				continue
			}
			for _, k := range []string{"NAME", "NAME_LONG", "FORMAL_EN", "NAME_ALT", "ADMIN", "NAME_SORT", "NAME_CIAWF", "BRK_NAME"} {
				if s := prop(f.Properties, k); keepAltName(s) {
					p.names = append(p.names, s)
				}
			}
			if !p.hasCoord {
				if lat, lon, ok := areaCentroid(f.Geometry.Type, f.Geometry.Coordinates); ok {
					p.Lat, p.Lon, p.hasCoord = lat, lon, true
					b.stats.DerivedFrom["country: equal-area centroid of its largest Natural Earth polygon"]++
				}
			}
		}
	} else {
		b.log.Warn("gazetteer build: skipping countries", "err", err)
	}
	// Admin-1 label points give ADM1 coordinates, matched by folded name
	// within the country.
	if g, err := readGeoJSON(filepath.Join(dir, "ne_10m_admin_1_label_points.geojson.gz")); err == nil {
		// Codes in order, the first division of a name winning, so that
		// the index does not depend on map iteration.
		codes := make([]string, 0, len(b.admin1))
		for code := range b.admin1 {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		byKey := map[string]*bplace{}
		for _, code := range codes {
			p := b.admin1[code]
			for _, n := range p.names {
				if k := p.Country + "|" + Key(n); byKey[k] == nil {
					byKey[k] = p
				}
			}
		}
		for _, f := range g.Features {
			name := prop(f.Properties, "name")
			p, ok := byKey[prop(f.Properties, "iso_a2")+"|"+Key(name)]
			if !ok || p.hasCoord {
				continue
			}
			if lat, lon, ok := centroid(f.Geometry.Type, f.Geometry.Coordinates); ok {
				if len(p.labels) == 0 {
					p.names = append(p.names, name)
				}
				p.labels = append(p.labels, [2]float64{lat, lon})
			}
		}
	} else {
		b.log.Warn("gazetteer build: skipping admin-1 label points", "err", err)
	}
	// The 1:50m states and provinces (US, CA, AU, BR) carry GeoNames ids,
	// a representative point and postal abbreviations ("W.Va.", "S.C.").
	if g, err := readGeoJSON(filepath.Join(dir, "ne_50m_admin_1_states_provinces.geojson.gz")); err == nil {
		for _, f := range g.Features {
			p, ok := b.byID[uint32(propNum(f.Properties, "gn_id"))]
			if !ok || p.Feature != "A.ADM1" {
				continue
			}
			for _, k := range []string{"name", "gn_name", "woe_name", "abbrev"} {
				if s := prop(f.Properties, k); keepAltName(s) {
					p.names = append(p.names, s)
				}
			}
			for _, s := range strings.Split(prop(f.Properties, "name_alt"), "|") {
				if keepAltName(s) {
					p.names = append(p.names, s)
				}
			}
			lat, lon := propNum(f.Properties, "latitude"), propNum(f.Properties, "longitude")
			if !p.hasCoord && (lat != 0 || lon != 0) {
				p.Lat, p.Lon, p.hasCoord = lat, lon, true
				b.stats.DerivedFrom["ADM1: Natural Earth 1:50m state latitude/longitude"]++
			}
		}
	} else {
		b.log.Warn("gazetteer build: skipping admin-1 label points", "err", err)
	}
	// Physical features: rivers, lakes, seas, regions, peaks.
	for _, file := range []string{"ne_10m_rivers_lake_centerlines", "ne_50m_lakes", "ne_10m_geography_marine_polys",
		"ne_10m_geography_regions_polys", "ne_10m_geography_regions_points", "ne_10m_geography_regions_elevation_points"} {
		if err := ctx.Err(); err != nil {
			return err
		}
		g, err := readGeoJSON(filepath.Join(dir, file+".geojson.gz"))
		if err != nil {
			b.log.Warn("gazetteer build: skipping", "file", file, "err", err)
			continue
		}
		// Rivers come in several pieces under one name: keep one feature
		// per name, the piece with the most vertices.
		seen := map[string]*bplace{}
		for _, f := range g.Features {
			cla := strings.ToLower(prop(f.Properties, "featurecla"))
			code, ok := neFeatures[cla]
			name := titleCase(prop(f.Properties, "name_en", "name"))
			if !ok || name == "" {
				continue
			}
			lat, lon, ok := centroid(f.Geometry.Type, f.Geometry.Coordinates)
			if !ok {
				continue
			}
			size := len(f.Geometry.Coordinates)
			k := code + "|" + Key(name)
			if p, dup := seen[k]; dup {
				if size > int(p.Population) {
					p.Lat, p.Lon, p.Population = lat, lon, uint32(size)
				}
				continue
			}
			p := &bplace{Place: Place{Name: name, Feature: code, Lat: lat, Lon: lon, Population: uint32(size)},
				names: []string{name, prop(f.Properties, "name")}, hasCoord: true}
			for _, alt := range []string{"name_alt", "namealt"} {
				if s := prop(f.Properties, alt); s != "" {
					p.names = append(p.names, strings.Split(s, "|")...)
				}
			}
			// "the Atlantic", "the Pacific": oceans go by their stem.
			if code == "H.OCN" {
				for _, suffix := range []string{" Ocean"} {
					if stem, ok := strings.CutSuffix(name, suffix); ok {
						p.names = append(p.names, strings.TrimPrefix(strings.TrimPrefix(stem, "North "), "South "))
					}
				}
			}
			seen[k] = p
			b.add(p)
		}
		// Population of a physical feature is meaningless: the vertex count
		// was only a size proxy for picking the main piece.
		for _, p := range seen {
			p.Population = 0
		}
	}
	return nil
}

// centroid returns a representative point of a GeoJSON geometry: the point
// itself, the middle vertex of the longest line, or the area centroid of the
// largest polygon's outer ring.
func centroid(typ string, raw json.RawMessage) (lat, lon float64, ok bool) {
	switch typ {
	case "Point":
		var c []float64
		if json.Unmarshal(raw, &c) != nil || len(c) < 2 {
			return 0, 0, false
		}
		return c[1], c[0], true
	case "LineString", "MultiLineString":
		var lines [][][]float64
		if typ == "LineString" {
			var l [][]float64
			if json.Unmarshal(raw, &l) != nil {
				return 0, 0, false
			}
			lines = [][][]float64{l}
		} else if json.Unmarshal(raw, &lines) != nil {
			return 0, 0, false
		}
		var best [][]float64
		for _, l := range lines {
			if len(l) > len(best) {
				best = l
			}
		}
		if len(best) == 0 || len(best[len(best)/2]) < 2 {
			return 0, 0, false
		}
		m := best[len(best)/2]
		return m[1], m[0], true
	case "Polygon", "MultiPolygon":
		var polys [][][][]float64
		if typ == "Polygon" {
			var p [][][]float64
			if json.Unmarshal(raw, &p) != nil {
				return 0, 0, false
			}
			polys = [][][][]float64{p}
		} else if json.Unmarshal(raw, &polys) != nil {
			return 0, 0, false
		}
		bestA := 0.0
		for _, p := range polys {
			if len(p) == 0 {
				continue
			}
			a, cx, cy := ringCentroid(p[0])
			if math.Abs(a) > bestA {
				bestA, lon, lat, ok = math.Abs(a), cx, cy, true
			}
		}
		return lat, lon, ok
	}
	return 0, 0, false
}

// areaCentroid is the equal-area centroid of the largest polygon's outer
// ring: grid cells inside the ring weighted by cos(latitude), so that high
// latitudes do not pull a large country's point north as the planar
// centroid does (Russia moves from 61.7°N to 60.2°N).
func areaCentroid(typ string, raw json.RawMessage) (lat, lon float64, ok bool) {
	var polys [][][][]float64
	switch typ {
	case "Polygon":
		var p [][][]float64
		if json.Unmarshal(raw, &p) != nil {
			return 0, 0, false
		}
		polys = [][][][]float64{p}
	case "MultiPolygon":
		if json.Unmarshal(raw, &polys) != nil {
			return 0, 0, false
		}
	default:
		return centroid(typ, raw)
	}
	var ring [][]float64
	bestA := 0.0
	for _, p := range polys {
		if len(p) == 0 {
			continue
		}
		if a, _, _ := ringCentroid(p[0]); math.Abs(a) > bestA {
			bestA, ring = math.Abs(a), p[0]
		}
	}
	if len(ring) < 4 {
		return centroid(typ, raw)
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range ring {
		if len(c) < 2 {
			continue
		}
		minX, maxX = math.Min(minX, c[0]), math.Max(maxX, c[0])
		minY, maxY = math.Min(minY, c[1]), math.Max(maxY, c[1])
	}
	step := math.Max(0.05, math.Sqrt((maxX-minX)*(maxY-minY)/40000))
	var sx, sy, sw float64
	for y := minY + step/2; y < maxY; y += step {
		w := math.Cos(y * math.Pi / 180)
		for x := minX + step/2; x < maxX; x += step {
			if inRing(x, y, ring) {
				sx += w * x
				sy += w * y
				sw += w
			}
		}
	}
	if sw == 0 {
		return centroid(typ, raw)
	}
	return sy / sw, sx / sw, true
}

// inRing is the even-odd point-in-polygon test.
func inRing(x, y float64, ring [][]float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		if len(ring[i]) < 2 || len(ring[j]) < 2 {
			continue
		}
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// ringCentroid is the shoelace centroid of a ring in lon/lat degrees; fine
// for a label point, not for geodesy.
func ringCentroid(r [][]float64) (area, cx, cy float64) {
	for i := 0; i+1 < len(r); i++ {
		if len(r[i]) < 2 || len(r[i+1]) < 2 {
			continue
		}
		x0, y0, x1, y1 := r[i][0], r[i][1], r[i+1][0], r[i+1][1]
		c := x0*y1 - x1*y0
		area += c
		cx += (x0 + x1) * c
		cy += (y0 + y1) * c
	}
	if area == 0 {
		if len(r) > 0 && len(r[0]) >= 2 {
			return 0, r[0][0], r[0][1]
		}
		return 0, 0, 0
	}
	area /= 2
	return area, cx / (6 * area), cy / (6 * area)
}

// countryAliases are common English names for countries that neither
// GeoNames' main name nor Natural Earth's name fields give.
var countryAliases = map[string][]string{
	"GB": {"Britain", "Great Britain", "UK", "U.K.", "United Kingdom"},
	"US": {"US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the States"},
	"AE": {"UAE", "U.A.E.", "Emirates"},
	"KR": {"South Korea"}, "KP": {"North Korea"}, "CD": {"DRC", "DR Congo", "Congo-Kinshasa"},
	"CG": {"Congo-Brazzaville"}, "CZ": {"Czech Republic", "Czechia"}, "NL": {"Holland", "the Netherlands"},
	"RU": {"Russian Federation"}, "SY": {"Syrian Arab Republic"}, "IR": {"Persia"}, "MM": {"Burma"},
	"CI": {"Ivory Coast"}, "VA": {"Vatican", "Holy See"}, "PS": {"Palestine", "Palestinian Territories"},
	"TR": {"Turkiye", "Türkiye"}, "MK": {"Macedonia"}, "SZ": {"Swaziland"}, "TL": {"East Timor"},
}

// seats are places used as metonyms for a government or institution that
// GeoNames' populated places lack; the coordinates are those of the
// building or street.
var seats = []struct {
	name    string
	alts    []string
	cc      string
	lat, lo float64
}{
	{"White House", nil, "US", 38.89768, -77.03653},
	{"Pentagon", []string{"The Pentagon"}, "US", 38.87090, -77.05580},
	{"Capitol Hill", nil, "US", 38.88990, -77.00910},
	{"Foggy Bottom", nil, "US", 38.89590, -77.04830},
	{"Whitehall", nil, "GB", 51.50450, -0.12650},
	{"Downing Street", []string{"Number 10", "No 10"}, "GB", 51.50340, -0.12760},
	{"Westminster", nil, "GB", 51.49950, -0.12480},
	{"Kremlin", []string{"The Kremlin"}, "RU", 55.75200, 37.61750},
	{"Elysee", []string{"Élysée", "Elysee Palace", "Élysée Palace"}, "FR", 48.87040, 2.31670},
	{"Quai d'Orsay", nil, "FR", 48.86210, 2.31640},
	{"Zhongnanhai", nil, "CN", 39.91390, 116.38330},
	{"Blue House", nil, "KR", 37.58660, 126.97480},
}

func (b *builder) addAliases(context.Context) error {
	for cc, names := range countryAliases {
		if p, ok := b.country[cc]; ok {
			p.names = append(p.names, names...)
		}
	}
	for _, s := range seats {
		b.add(&bplace{Place: Place{Name: s.name, Feature: "S.BLDG", Country: s.cc, Lat: s.lat, Lon: s.lo},
			names: append([]string{s.name}, s.alts...), hasCoord: true})
	}
	return nil
}

// deriveCoordinates fills admin divisions and countries the files give no
// coordinates: ADM1 and ADM2 from the population-weighted mean of their
// populated places (or the seat when no place has a population), countries
// from their capital. Divisions with no place at all are dropped.
func (b *builder) deriveCoordinates(context.Context) error {
	type acc struct{ w, lat, lon float64 }
	sum1, sum2 := map[string]*acc{}, map[string]*acc{}
	seat1, seat2 := map[string]*bplace{}, map[string]*bplace{}
	var capitalOf = map[string]*bplace{}
	for _, p := range b.places {
		if p.Class() != "P" {
			continue
		}
		w := float64(p.Population) + 1
		for _, x := range []struct {
			code string
			sum  map[string]*acc
		}{{p.a1, sum1}, {p.a2, sum2}} {
			if x.code == "" {
				continue
			}
			a := x.sum[x.code]
			if a == nil {
				a = &acc{}
				x.sum[x.code] = a
			}
			a.w += w
			a.lat += w * p.Lat
			a.lon += w * p.Lon
		}
		switch p.Code() {
		case "PPLA":
			seat1[p.a1] = p
		case "PPLA2":
			seat2[p.a2] = p
		case "PPLC":
			capitalOf[p.Country] = p
		}
		// Population of a division: the sum over its places is a floor.
	}
	place := func(p *bplace, code string, sum map[string]*acc, seat map[string]*bplace, what string) {
		if p.hasCoord {
			return
		}
		if s, ok := seat[code]; ok && s != nil {
			p.Lat, p.Lon, p.hasCoord = s.Lat, s.Lon, true
			b.stats.DerivedFrom[what+": seat (PPLA/PPLA2)"]++
			return
		}
		if a, ok := sum[code]; ok && a.w > 0 {
			p.Lat, p.Lon, p.hasCoord = a.lat/a.w, a.lon/a.w, true
			b.stats.DerivedFrom[what+": population-weighted mean of its places"]++
		}
	}
	for code, p := range b.admin1 {
		if !p.hasCoord && len(p.labels) > 0 {
			best := p.labels[0]
			if a, ok := sum1[code]; ok && a.w > 0 {
				clat, clon := a.lat/a.w, a.lon/a.w
				bd := math.Inf(1)
				for _, l := range p.labels {
					if d := math.Hypot(l[0]-clat, l[1]-clon); d < bd {
						best, bd = l, d
					}
				}
			}
			p.Lat, p.Lon, p.hasCoord = best[0], best[1], true
			b.stats.DerivedFrom["ADM1: Natural Earth label point (nearest its places)"]++
		}
		place(p, code, sum1, seat1, "ADM1")
		if a, ok := sum1[code]; ok && p.Population == 0 {
			p.Population = uint32(math.Min(a.w, math.MaxUint32))
		}
	}
	for code, p := range b.admin2 {
		place(p, code, sum2, seat2, "ADM2")
		if a, ok := sum2[code]; ok && p.Population == 0 {
			p.Population = uint32(math.Min(a.w, math.MaxUint32))
		}
	}
	for cc, p := range b.country {
		if !p.hasCoord {
			if c, ok := capitalOf[cc]; ok {
				p.Lat, p.Lon, p.hasCoord = c.Lat, c.Lon, true
				b.stats.DerivedFrom["country: capital"]++
			}
		}
	}
	kept := b.places[:0]
	for _, p := range b.places {
		if p.hasCoord {
			kept = append(kept, p)
		} else {
			b.stats.DerivedFrom["dropped: no coordinates"]++
		}
	}
	b.places = kept
	return nil
}

// write links the hierarchy, builds the key lists and encodes the index.
func (b *builder) write(w io.Writer) (BuildStats, error) {
	// Stable order: countries, ADM1, ADM2, then the rest by population, so
	// indexes are deterministic for a given input.
	rank := func(p *bplace) int {
		switch p.Feature {
		case "A.PCLI":
			return 0
		case "A.ADM1":
			return 1
		case "A.ADM2":
			return 2
		}
		return 3
	}
	sort.SliceStable(b.places, func(i, j int) bool {
		pi, pj := b.places[i], b.places[j]
		if ri, rj := rank(pi), rank(pj); ri != rj {
			return ri < rj
		}
		// Country, then admin code, then id: neighbours are close in space
		// and in id, so the delta coding below compresses well.
		if pi.Country != pj.Country {
			return pi.Country < pj.Country
		}
		if pi.a1 != pj.a1 {
			return pi.a1 < pj.a1
		}
		if pi.GeoNameID != pj.GeoNameID {
			return pi.GeoNameID < pj.GeoNameID
		}
		return pi.Name < pj.Name
	})
	index := make(map[*bplace]int32, len(b.places))
	for i, p := range b.places {
		index[p] = int32(i)
	}
	ref := func(p *bplace, ok bool) int32 {
		if !ok || p == nil {
			return NoRef
		}
		if i, ok := index[p]; ok {
			return i
		}
		return NoRef
	}
	feats := map[string]int{}
	var featList []string
	exact := map[string][]int32{}
	fuzzy := map[string][]int32{}
	for i, p := range b.places {
		a1, ok1 := b.admin1[p.a1]
		a2, ok2 := b.admin2[p.a2]
		c, okc := b.country[p.Country]
		p.Admin1, p.Admin2, p.CountryRef = ref(a1, ok1), ref(a2, ok2), ref(c, okc)
		if p.Feature == "A.ADM1" {
			p.Admin1 = NoRef
		}
		if p.Feature == "A.PCLI" {
			p.CountryRef = NoRef
		}
		if _, ok := feats[p.Feature]; !ok {
			feats[p.Feature] = len(featList)
			featList = append(featList, p.Feature)
		}
		b.stats.ByClass[p.Class()]++
		seenK, seenS := map[string]bool{}, map[string]bool{}
		for _, n := range p.names {
			k := Key(n)
			if k == "" || seenK[k] {
				continue
			}
			seenK[k] = true
			exact[k] = append(exact[k], int32(i))
			if s := Skeleton(n); s != "" && !seenS[s] {
				seenS[s] = true
				fuzzy[s] = append(fuzzy[s], int32(i))
			}
		}
	}
	var buf []byte
	putU := func(v uint64) { buf = binary.AppendUvarint(buf, v) }
	putS := func(s string) { putU(uint64(len(s))); buf = append(buf, s...) }
	buf = append(buf, magic...)
	putU(uint64(len(featList)))
	for _, f := range featList {
		putS(f)
	}
	putU(uint64(len(b.places)))
	var lastID, lastLat, lastLon int64
	for _, p := range b.places {
		// Ids and coordinates are deltas from the previous place; the
		// coordinates are in 1e-4 degrees (about 11 m).
		lat, lon := int64(math.Round(p.Lat*1e4)), int64(math.Round(p.Lon*1e4))
		buf = binary.AppendVarint(buf, int64(p.GeoNameID)-lastID)
		buf = binary.AppendVarint(buf, lat-lastLat)
		buf = binary.AppendVarint(buf, lon-lastLon)
		lastID, lastLat, lastLon = int64(p.GeoNameID), lat, lon
		putU(uint64(p.Population))
		putU(uint64(feats[p.Feature]))
		cc := [2]byte{}
		if len(p.Country) == 2 {
			cc = [2]byte{p.Country[0], p.Country[1]}
		}
		buf = append(buf, cc[0], cc[1])
		putU(uint64(p.Admin1 + 1))
		putU(uint64(p.Admin2 + 1))
		putU(uint64(p.CountryRef + 1))
		putS(p.Name)
	}
	for _, m := range []map[string][]int32{exact, fuzzy} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		blob, npost := 0, 0
		for _, k := range keys {
			blob += len(k)
			npost += len(m[k])
		}
		// Sizes first, so that the loader allocates once.
		putU(uint64(len(keys)))
		putU(uint64(blob))
		putU(uint64(npost))
		prev := ""
		for _, k := range keys {
			n := 0
			for n < len(k) && n < len(prev) && k[n] == prev[n] {
				n++
			}
			putU(uint64(n))
			putS(k[n:])
			prev = k
			post := m[k]
			sort.Slice(post, func(i, j int) bool { return post[i] < post[j] })
			putU(uint64(len(post)))
			last := int32(-1)
			for _, x := range post {
				putU(uint64(x - last - 1))
				last = x
			}
			b.stats.Postings += len(post)
		}
	}
	b.stats.Places = len(b.places)
	b.stats.ExactKeys = len(exact)
	b.stats.FuzzyKeys = len(fuzzy)
	b.stats.Bytes = len(buf)
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return b.stats, err
	}
	if _, err := zw.Write(buf); err != nil {
		return b.stats, err
	}
	return b.stats, zw.Close()
}
