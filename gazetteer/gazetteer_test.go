package gazetteer

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

// shared finds ../shared relative to the module root (this package is one
// level down).
func shared(t testing.TB, rel string) string {
	t.Helper()
	return testenv.Shared(t, rel)
}

var (
	loadOnce sync.Once
	loaded   *Gazetteer
	loadErr  error
)

func embeddedForTest(t testing.TB) *Gazetteer {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = Embedded() })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

func TestKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Deir Ezzor", "Deir ez-Zor"},
		{"Dayr az Zawr", "Deir ez-Zor"},
		{"Deir al-Zour", "Deir ez-Zor"},
		{"Raqqa", "Ar Raqqah"},
		{"Ḩamāh", "Hamah"},
		{"The Hague", "Hague"},
	}
	for _, tt := range tests {
		if Key(tt.a) != Key(tt.b) {
			t.Errorf("Key(%q)=%q, Key(%q)=%q; want equal", tt.a, Key(tt.a), tt.b, Key(tt.b))
		}
	}
	if Skeleton("Akerbat") != Skeleton("‘Uqayribāt") {
		t.Errorf("Skeleton(Akerbat)=%q, Skeleton(‘Uqayribāt)=%q", Skeleton("Akerbat"), Skeleton("‘Uqayribāt"))
	}
	if Key("London") == Key("Londrina") {
		t.Error("distinct names share a key")
	}
}

func TestEmbedded(t *testing.T) {
	g := embeddedForTest(t)
	if g.Len() < 100000 {
		t.Fatalf("only %d places", g.Len())
	}
	has := func(name string, id uint32) {
		t.Helper()
		for _, i := range g.Lookup(Key(name)) {
			if g.Place(i).GeoNameID == id {
				return
			}
		}
		t.Errorf("Lookup(%q) lacks %d", name, id)
	}
	has("Deir Ezzor", 170794)
	has("Deir ez-Zor", 170792) // the governorate
	has("Hama", 170017)
	has("Hama", 170015)
	has("Raqqa", 172955)
	has("Damascus", 170654)
	has("Syria", 163843)
	has("Britain", 2635167)
	fuzzy := false
	for _, i := range g.Fuzzy(Skeleton("Akerbat")) {
		fuzzy = fuzzy || g.Place(i).GeoNameID == 162803
	}
	if !fuzzy {
		t.Error("Fuzzy(Akerbat) lacks 162803")
	}
	i, ok := g.ByID(170794)
	if !ok {
		t.Fatal("ByID(170794) missing")
	}
	p := g.Place(i)
	if p.Country != "SY" || p.Admin1 == NoRef || g.Place(p.Admin1).GeoNameID != 170792 || p.Feature != "P.PPLA" {
		t.Errorf("Deir ez-Zor = %+v", p)
	}
	if len(g.Lookup(Key("Euphrates"))) == 0 {
		t.Error("no Euphrates")
	}
}

// TestBuildFullDump builds from a tiny allCountries/alternateNamesV2 pair,
// the path a user takes with a full GeoNames dump.
func TestBuildFullDump(t *testing.T) {
	var buf bytes.Buffer
	stats, err := Build(context.Background(), BuildOptions{
		GeoNamesDir:    "testdata/geonames",
		AllCountries:   "testdata/allCountries.txt",
		AlternateNames: "testdata/alternateNamesV2.txt",
	}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Places != g.Len() {
		t.Errorf("stats say %d places, index has %d", stats.Places, g.Len())
	}
	tests := []struct {
		name    string
		id      uint32
		feature string
	}{
		{"Hama", 170017, "P.PPLA"},
		{"Hama Governorate", 170015, "A.ADM1"},
		{"Muhafazat Hamah", 170015, "A.ADM1"}, // from alternateNamesV2 only
		{"Syria", 163843, "A.PCLI"},
		{"Orontes", 170060, "H.STM"}, // a river with enough names
	}
	for _, tt := range tests {
		found := false
		for _, i := range g.Lookup(Key(tt.name)) {
			p := g.Place(i)
			if p.GeoNameID == tt.id {
				found = true
				if p.Feature != tt.feature {
					t.Errorf("%s: feature %s, want %s", tt.name, p.Feature, tt.feature)
				}
				if p.Lat == 0 {
					t.Errorf("%s: no coordinates", tt.name)
				}
			}
		}
		if !found {
			t.Errorf("Lookup(%q) lacks %d", tt.name, tt.id)
		}
	}
	// The stream with too few names is not notable enough to keep.
	if len(g.Lookup(Key("Wadi Tiny"))) != 0 {
		t.Error("kept a feature with too few alternate names")
	}
	// Without a row of its own in the dump, a country and a continent
	// take GeoNames' point from points.tsv; a row of the dump (Syria's)
	// keeps its own.
	for _, tt := range []struct {
		id       uint32
		lat, lon float64
	}{{272103, 33.8333, 35.8333}, {6255148, 48.69096, 9.14062}, {163843, 35.0, 38.0}} {
		i, ok := g.ByID(tt.id)
		if !ok {
			t.Errorf("no place %d", tt.id)
			continue
		}
		if p := g.Place(i); math.Abs(p.Lat-tt.lat) > 1e-3 || math.Abs(p.Lon-tt.lon) > 1e-3 {
			t.Errorf("%d %s at %.4f,%.4f, want %.4f,%.4f", tt.id, p.Name, p.Lat, p.Lon, tt.lat, tt.lon)
		}
	}
	// Hama city links to its governorate.
	i, _ := g.ByID(170017)
	if a := g.Place(i).Admin1; a == NoRef || g.Place(a).GeoNameID != 170015 {
		t.Errorf("Hama's admin1 = %d", a)
	}
}

// TestPoints checks the hand-kept table of GeoNames country and continent
// points: every row parses, ids and codes are unique, and the seven
// continents are there.
func TestPoints(t *testing.T) {
	pts, err := parsePoints()
	if err != nil {
		t.Fatal(err)
	}
	ids, ccs, conts := map[uint32]bool{}, map[string]bool{}, 0
	for _, p := range pts {
		if p.id == 0 || ids[p.id] {
			t.Errorf("row %s: id %d zero or repeated", p.name, p.id)
		}
		ids[p.id] = true
		switch p.feature {
		case "A.PCLI":
			if len(p.cc) != 2 || ccs[p.cc] {
				t.Errorf("row %s: code %q bad or repeated", p.name, p.cc)
			}
			ccs[p.cc] = true
		case "L.CONT":
			conts++
		default:
			t.Errorf("row %s: feature %s", p.name, p.feature)
		}
	}
	if len(ccs) < 240 || conts != 7 {
		t.Errorf("%d countries and %d continents, want >= 240 and 7", len(ccs), conts)
	}
}

func TestReadCorrupt(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("not gzip"), gz([]byte("NLGAZ\x01\xff\xff\xff")), gz([]byte("XX"))} {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Errorf("Read(%q) succeeded", in)
		}
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := newGzip(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// BenchmarkLoad measures a cold load of the embedded index and the heap it
// keeps.
func BenchmarkLoad(b *testing.B) {
	var g *Gazetteer
	var before, after runtime.MemStats
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		var err error
		g, err = Embedded()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(g.Len()), "places")
}

func BenchmarkLookup(b *testing.B) {
	g := embeddedForTest(b)
	keys := []string{Key("Deir Ezzor"), Key("Springfield"), Key("London"), Key("Nowhere Special")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Lookup(keys[i%len(keys)])
	}
}

func newGzip(w *bytes.Buffer) *gzip.Writer { return gzip.NewWriter(w) }

// TestBucketSearch checks the two-byte bucket table against a plain
// binary search, at keys, between them and past both ends, and that
// unsorted keys fall back to the plain search.
func TestBucketSearch(t *testing.T) {
	keys := []string{"", "a", "a\x00", "a b", "aa", "ab", "ab c", "abc", "b", "ba", "z", "zz z", "\xff", "\xff\xff\xff"}
	mk := func(keys []string) *postings {
		p := &postings{count: len(keys), koff: make([]uint32, len(keys)+1)}
		for i, k := range keys {
			p.blob += k
			p.koff[i+1] = uint32(len(p.blob))
		}
		p.index()
		return p
	}
	p := mk(keys)
	if p.lo == nil {
		t.Fatal("sorted keys left without a bucket table")
	}
	queries := []string{"", "\x00", " ", "A", "a ", "a\x00\x00", "ab ", "abd", "b ", "c", "zz", "zz z ", "\xff\xfe", "\xff\xff\xff\xff"}
	queries = append(queries, keys...)
	for _, q := range queries {
		want := sort.Search(len(keys), func(i int) bool { return keys[i] >= q })
		if got := p.search(q); got != want {
			t.Errorf("search(%q) = %d, want %d", q, got, want)
		}
	}
	if u := mk([]string{"b", "a"}); u.lo != nil {
		t.Error("unsorted keys got a bucket table")
	}
	if g := embeddedForTest(t); g.exact.lo == nil || g.fuzzy.lo == nil {
		t.Error("the shipped index's keys are not sorted: lookups fall back to the plain search")
	}
}

// TestHashLookup checks that the hashed exact look-up finds what the
// bisection finds, for every key of the shipped index (exact and fuzzy)
// and for strings that are not keys.
func TestHashLookup(t *testing.T) {
	g := embeddedForTest(t)
	for _, p := range []*postings{&g.exact, &g.fuzzy} {
		bisect := func(k string) []int32 {
			i := p.search(k)
			if i < p.count && p.key(i) == k {
				return p.post[p.poff[i]:p.poff[i+1]]
			}
			return nil
		}
		for i := 0; i < p.count; i++ {
			k := p.key(i)
			if got, want := p.lookup(k), bisect(k); !slices.Equal(got, want) || got == nil {
				t.Fatalf("lookup(%q) = %v, bisection %v", k, got, want)
			}
			if i%97 == 0 {
				for _, q := range []string{k + " x", k + "\x00", k[:len(k)/2], "~" + k} {
					if got, want := p.lookup(q), bisect(q); !slices.Equal(got, want) {
						t.Fatalf("lookup(%q) = %v, bisection %v", q, got, want)
					}
				}
			}
		}
	}
}
