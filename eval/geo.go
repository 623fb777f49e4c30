package eval

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// GeoMention is a toponym as a geoparser reports it: code-point offsets
// into the article text (the corpora's convention) and coordinates when
// resolved.
type GeoMention struct {
	Start, End int
	Lat, Lon   float64
	Resolved   bool
	Demonym    bool
}

// Geoparser is what eval geo needs from the places analyzer.
type Geoparser interface {
	// Parse recognises and resolves the toponyms of text.
	Parse(ctx context.Context, text string) ([]GeoMention, error)
	// ResolveSpans resolves the given spans (code-point offsets), one
	// mention per span in order.
	ResolveSpans(ctx context.Context, text string, spans [][2]int) ([]GeoMention, error)
}

// GeoURLParser is a Geoparser that also reads the article's address: a
// local paper's domain names its home town. Eval passes the corpus's URL
// (LGL url, GeoWebNews link, GeoVirus source) when p implements it.
type GeoURLParser interface {
	ParseURL(ctx context.Context, text, url string) ([]GeoMention, error)
	ResolveSpansURL(ctx context.Context, text, url string, spans [][2]int) ([]GeoMention, error)
}

// GeoArticle is one evaluation article with its gold toponyms.
type GeoArticle struct {
	ID   string
	URL  string
	Text string
	Gold []GeoGold
}

// GeoGold is a gold toponym; HasCoord is false for toponyms the corpus
// left unresolved (LGL without a gaztag).
type GeoGold struct {
	Start, End int
	Phrase     string
	Lat, Lon   float64
	HasCoord   bool
}

// GeoResolution holds the geocoding figures over a set of toponyms.
type GeoResolution struct {
	N         int     `json:"n"`
	Acc161    float64 `json:"acc161"`
	AUC       float64 `json:"auc"`
	MeanKm    float64 `json:"mean_km"`
	MedianKm  float64 `json:"median_km"`
	Abstained int     `json:"abstained"`
}

// GeoResult is what "newslens eval geo --json" prints.
type GeoResult struct {
	Format     string        `json:"format"`
	File       string        `json:"file"`
	Articles   int           `json:"articles"`
	Gold       int           `json:"gold"`
	Predicted  int           `json:"predicted"`
	Precision  float64       `json:"precision"`
	Recall     float64       `json:"recall"`
	F1         float64       `json:"f1"`
	TP         int           `json:"tp"`
	FP         int           `json:"fp"`
	FN         int           `json:"fn"`
	Acc161     float64       `json:"acc161"`
	AUC        float64       `json:"auc"`
	MeanKm     float64       `json:"mean_km"`
	MedianKm   float64       `json:"median_km"`
	Resolution GeoResolution `json:"resolution_end_to_end"`
	// ResolutionOnly resolves the gold spans (an oracle recogniser), as
	// Mordecai 3 and the EUPEG "given toponyms" figures do.
	ResolutionOnly GeoResolution `json:"resolution_only"`
	Demonyms       bool          `json:"demonyms_counted"`
	Convention     string        `json:"convention"`
	SkippedGold    int           `json:"skipped_gold"`
	RepairedGold   int           `json:"repaired_gold"`
	Seconds        float64       `json:"seconds"`
}

// maxErrorKm is half the Earth's circumference; an abstention counts as
// this error, the worst possible.
const maxErrorKm = 20039.0

// LoadGeo reads an evaluation corpus: format "lgl" (lgl.xml), "gwn"
// (GWN.xml with Geocoding/gwn_full.txt beside it) or "geovirus"
// (GeoVirus.xml).
func LoadGeo(format, path string) ([]GeoArticle, error) {
	switch format {
	case "lgl":
		return loadLGL(path)
	case "gwn":
		return loadGWN(path)
	case "geovirus":
		return loadGeoVirus(path)
	}
	return nil, fmt.Errorf("eval geo: unknown format %q (lgl, gwn, geovirus)", format)
}

func loadLGL(path string) ([]GeoArticle, error) {
	var doc struct {
		Articles []struct {
			ID       string `xml:"docid,attr"`
			URL      string `xml:"url"`
			Text     string `xml:"text"`
			Toponyms []struct {
				Start  int    `xml:"start"`
				End    int    `xml:"end"`
				Phrase string `xml:"phrase"`
				Gaztag *struct {
					Lat string `xml:"lat"`
					Lon string `xml:"lon"`
				} `xml:"gaztag"`
			} `xml:"toponyms>toponym"`
		} `xml:"article"`
	}
	if err := readXML(path, &doc); err != nil {
		return nil, err
	}
	var out []GeoArticle
	for _, a := range doc.Articles {
		art := GeoArticle{ID: a.ID, URL: strings.TrimSpace(a.URL), Text: a.Text}
		for _, t := range a.Toponyms {
			g := GeoGold{Start: t.Start, End: t.End, Phrase: t.Phrase}
			if t.Gaztag != nil {
				lat, err1 := strconv.ParseFloat(strings.TrimSpace(t.Gaztag.Lat), 64)
				lon, err2 := strconv.ParseFloat(strings.TrimSpace(t.Gaztag.Lon), 64)
				g.Lat, g.Lon, g.HasCoord = lat, lon, err1 == nil && err2 == nil
			}
			art.Gold = append(art.Gold, g)
		}
		out = append(out, art)
	}
	return out, nil
}

// loadGWN reads GWN.xml for the texts and Geocoding/gwn_full.txt (line k
// is the k-th article of the file) for the gold toponyms with coordinates.
func loadGWN(path string) ([]GeoArticle, error) {
	var doc struct {
		Articles []struct {
			File string `xml:"file,attr"`
			Link string `xml:"link"`
			Text string `xml:"text"`
		} `xml:"article"`
	}
	if err := readXML(path, &doc); err != nil {
		return nil, err
	}
	goldPath := filepath.Join(filepath.Dir(path), "Geocoding", "gwn_full.txt")
	f, err := os.Open(goldPath)
	if err != nil {
		return nil, fmt.Errorf("eval geo: GWN gold: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var out []GeoArticle
	k := 0
	for sc.Scan() {
		if k >= len(doc.Articles) {
			return nil, fmt.Errorf("eval geo: %s has more lines than %s has articles", goldPath, path)
		}
		a := doc.Articles[k]
		art := GeoArticle{ID: a.File, URL: strings.TrimSpace(a.Link), Text: a.Text}
		for _, item := range strings.Split(sc.Text(), "||") {
			fs := strings.Split(item, ",,")
			if len(fs) < 6 {
				continue
			}
			lat, err1 := strconv.ParseFloat(fs[2], 64)
			lon, err2 := strconv.ParseFloat(fs[3], 64)
			start, err3 := strconv.Atoi(fs[4])
			end, err4 := strconv.Atoi(fs[5])
			if err3 != nil || err4 != nil {
				continue
			}
			art.Gold = append(art.Gold, GeoGold{Start: start, End: end, Phrase: fs[1], Lat: lat, Lon: lon,
				HasCoord: err1 == nil && err2 == nil})
		}
		out = append(out, art)
		k++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval geo: %s: %w", goldPath, err)
	}
	return out, nil
}

func loadGeoVirus(path string) ([]GeoArticle, error) {
	var doc struct {
		Articles []struct {
			Source    string `xml:"source"`
			Text      string `xml:"text"`
			Locations []struct {
				Name  string `xml:"name"`
				Start int    `xml:"start"`
				End   int    `xml:"end"`
				Lat   string `xml:"lat"`
				Lon   string `xml:"lon"`
			} `xml:"locations>location"`
		} `xml:"article"`
	}
	if err := readXML(path, &doc); err != nil {
		return nil, err
	}
	var out []GeoArticle
	for _, a := range doc.Articles {
		art := GeoArticle{ID: a.Source, URL: strings.TrimSpace(a.Source), Text: a.Text}
		for _, l := range a.Locations {
			lat, err1 := strconv.ParseFloat(strings.TrimSpace(l.Lat), 64)
			lon, err2 := strconv.ParseFloat(strings.TrimSpace(l.Lon), 64)
			art.Gold = append(art.Gold, GeoGold{Start: l.Start, End: l.End, Phrase: l.Name, Lat: lat, Lon: lon,
				HasCoord: err1 == nil && err2 == nil})
		}
		out = append(out, art)
	}
	return out, nil
}

func readXML(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("eval geo: %w", err)
	}
	defer f.Close()
	if err := xml.NewDecoder(bufio.NewReader(f)).Decode(v); err != nil {
		return fmt.Errorf("eval geo: %s: %w", path, err)
	}
	return nil
}

// geoSlice returns text[start:end] in code points, "" when out of range.
func geoSlice(runes []rune, start, end int) string {
	if start < 0 || end > len(runes) || start > end {
		return ""
	}
	return string(runes[start:end])
}

// Geo scores p on a corpus. Recognition is exact-span P/R/F1; the
// geocoding figures follow Gritta et al. and EUPEG (see
// ../shared/data/geo/README.md): over recognised gold toponyms with
// coordinates, error = great-circle km, an abstention counts as the
// maximum error, AUC sorts the errors ascending.
//
// When errs is not nil, every false positive, false negative and
// resolution error over 161 km is written to it, one line each.
func Geo(ctx context.Context, format, path string, p Geoparser, errs io.Writer) (GeoResult, error) {
	arts, err := LoadGeo(format, path)
	if err != nil {
		return GeoResult{}, err
	}
	res := GeoResult{Format: format, File: path, Articles: len(arts), Demonyms: format == "gwn" || format == "lgl",
		Convention: "exact code-point spans; gold offsets off by one code point are repaired when the phrase then matches, others that do not match their phrase are skipped; abstentions count as 20039 km; demonyms count as toponyms for lgl and gwn (their gold includes them); the article's URL (LGL url, GWN link, GeoVirus source) goes to parsers that read it"}
	type artOut struct {
		tp, fp, fn, skipped int
		repaired            int
		gold, pred          int
		e2e, oracle         []float64
		abst, abstO         int
		err                 error
		log                 []string
	}
	outs := make([]artOut, len(arts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range arts {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			a := arts[i]
			o := &outs[i]
			runes := []rune(a.Text)
			// Keep gold whose offsets match the phrase: a few corpus
			// entries point at the wrong place.
			type key struct{ s, e int }
			gold := map[key]GeoGold{}
			var spans [][2]int
			var golds []GeoGold
			match := func(g GeoGold) bool {
				s := geoSlice(runes, g.Start, g.End)
				return s != "" && (g.Phrase == "" || strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(g.Phrase)))
			}
			for _, g := range a.Gold {
				if !match(g) {
					// GeoVirus offsets are one code point late; repair a
					// shift of one when the phrase then matches exactly.
					fixed := false
					for _, d := range []int{-1, 1} {
						h := g
						h.Start, h.End = g.Start+d, g.End+d
						if match(h) {
							g, fixed = h, true
							break
						}
					}
					if !fixed {
						o.skipped++
						continue
					}
					o.repaired++
				}
				k := key{g.Start, g.End}
				if _, dup := gold[k]; dup {
					continue
				}
				gold[k] = g
				spans = append(spans, [2]int{g.Start, g.End})
				golds = append(golds, g)
			}
			o.gold = len(gold)
			up, withURL := p.(GeoURLParser)
			var ms []GeoMention
			var err error
			if withURL {
				ms, err = up.ParseURL(ctx, a.Text, a.URL)
			} else {
				ms, err = p.Parse(ctx, a.Text)
			}
			if err != nil {
				o.err = fmt.Errorf("article %s: %w", a.ID, err)
				return
			}
			seen := map[key]bool{}
			for _, m := range ms {
				if m.Demonym && !res.Demonyms {
					continue
				}
				k := key{m.Start, m.End}
				if seen[k] {
					continue
				}
				seen[k] = true
				o.pred++
				g, ok := gold[k]
				if !ok {
					o.fp++
					if errs != nil {
						o.log = append(o.log, fmt.Sprintf("FP\t%s\t%q\t%s", a.ID, geoSlice(runes, m.Start, m.End), geoContext(runes, m.Start, m.End)))
					}
					continue
				}
				o.tp++
				if g.HasCoord {
					if m.Resolved {
						d := haversineKm(m.Lat, m.Lon, g.Lat, g.Lon)
						o.e2e = append(o.e2e, d)
						if errs != nil && d >= 161 {
							o.log = append(o.log, fmt.Sprintf("RES\t%s\t%q\t%.0f km\tgot %.3f,%.3f want %.3f,%.3f\t%s", a.ID, g.Phrase, d, m.Lat, m.Lon, g.Lat, g.Lon, geoContext(runes, m.Start, m.End)))
						}
					} else {
						o.e2e = append(o.e2e, maxErrorKm)
						o.abst++
					}
				}
			}
			o.fn = o.gold - o.tp
			if errs != nil {
				for k, g := range gold {
					if !seen[k] {
						o.log = append(o.log, fmt.Sprintf("FN\t%s\t%q\t%s", a.ID, g.Phrase, geoContext(runes, g.Start, g.End)))
					}
				}
			}
			var rs []GeoMention
			if withURL {
				rs, err = up.ResolveSpansURL(ctx, a.Text, a.URL, spans)
			} else {
				rs, err = p.ResolveSpans(ctx, a.Text, spans)
			}
			if err != nil {
				o.err = fmt.Errorf("article %s: %w", a.ID, err)
				return
			}
			for j, g := range golds {
				if !g.HasCoord {
					continue
				}
				if j < len(rs) && rs[j].Resolved {
					o.oracle = append(o.oracle, haversineKm(rs[j].Lat, rs[j].Lon, g.Lat, g.Lon))
				} else {
					o.oracle = append(o.oracle, maxErrorKm)
					o.abstO++
				}
			}
		}(i)
	}
	wg.Wait()
	var e2e, oracle []float64
	var abst, abstO int
	for _, o := range outs {
		if o.err != nil {
			return res, o.err
		}
		if errs != nil {
			sort.Strings(o.log)
			for _, l := range o.log {
				fmt.Fprintln(errs, l)
			}
		}
		res.TP += o.tp
		res.FP += o.fp
		res.FN += o.fn
		res.Gold += o.gold
		res.Predicted += o.pred
		res.SkippedGold += o.skipped
		res.RepairedGold += o.repaired
		e2e = append(e2e, o.e2e...)
		oracle = append(oracle, o.oracle...)
		abst += o.abst
		abstO += o.abstO
	}
	prf := Counts(float64(res.TP), float64(res.FP), float64(res.FN))
	res.Precision, res.Recall, res.F1 = prf.Precision, prf.Recall, prf.F1
	res.Resolution = GeoErrors(e2e)
	res.Resolution.Abstained = abst
	res.ResolutionOnly = GeoErrors(oracle)
	res.ResolutionOnly.Abstained = abstO
	res.Acc161, res.AUC, res.MeanKm, res.MedianKm = res.Resolution.Acc161, res.Resolution.AUC, res.Resolution.MeanKm, res.Resolution.MedianKm
	return res, ctx.Err()
}

// GeoErrors computes acc@161, AUC, mean and median over error distances.
func GeoErrors(errs []float64) GeoResolution {
	r := GeoResolution{N: len(errs)}
	if len(errs) == 0 {
		return r
	}
	e := append([]float64(nil), errs...)
	sort.Float64s(e)
	within, sum := 0, 0.0
	for _, x := range e {
		if x < 161 {
			within++
		}
		sum += x
	}
	r.Acc161 = float64(within) / float64(len(e))
	r.MeanKm = sum / float64(len(e))
	if n := len(e); n%2 == 1 {
		r.MedianKm = e[n/2]
	} else {
		r.MedianKm = (e[n/2-1] + e[n/2]) / 2
	}
	// Trapezoid over ln(1+error)/ln(20039), unit step, divided by N-1.
	if len(e) == 1 {
		r.AUC = math.Log1p(e[0]) / math.Log(maxErrorKm)
	} else {
		area := 0.0
		for i := 0; i+1 < len(e); i++ {
			area += (math.Log1p(e[i]) + math.Log1p(e[i+1])) / 2
		}
		r.AUC = area / (math.Log(maxErrorKm) * float64(len(e)-1))
	}
	r.Acc161 = round4(r.Acc161)
	r.AUC = round4(r.AUC)
	r.MeanKm = round4(r.MeanKm)
	r.MedianKm = round4(r.MedianKm)
	return r
}

// geoContext shows a span with 30 code points either side.
func geoContext(runes []rune, start, end int) string {
	from, to := max(0, start-30), min(len(runes), end+30)
	if start < 0 || end > len(runes) || start > end {
		return ""
	}
	return strings.ReplaceAll(string(runes[from:start])+"["+string(runes[start:end])+"]"+string(runes[end:to]), "\n", " ")
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// haversineKm is the great-circle distance with mean Earth radius 6371 km.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371 * math.Asin(math.Min(1, math.Sqrt(a)))
}
