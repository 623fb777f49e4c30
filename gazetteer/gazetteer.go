// Package gazetteer is newslens's place-name index: GeoNames populated
// places, first- and second-order administrative divisions and countries,
// plus Natural Earth rivers, lakes, seas and physical regions, with every
// name folded for matching (see [Key] and [Skeleton]).
//
// The index is a compact binary file, gzip-compressed and embedded in the
// binary (see [Embedded]); "newslens gazetteer build" rebuilds it from the
// GeoNames and Natural Earth files with [Build]. The format is described in
// docs/format.md ("## Places").
package gazetteer

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// EmbeddedPath is the index shipped in the binary.
const EmbeddedPath = "data/gazetteer.bin.gz"

//go:embed data/gazetteer.bin.gz
var embedded embed.FS

// magic starts every index file; the last byte is the format version.
const magic = "NLGAZ\x01"

// NoRef marks an absent admin or country link.
const NoRef = -1

// Place is one gazetteer entry.
type Place struct {
	// GeoNameID is the GeoNames id; 0 for Natural Earth features and the
	// few hand-listed seats of government, which have none.
	GeoNameID uint32
	Name      string
	// Feature is "class.code" as in GeoNames ("P.PPLA", "A.ADM1", "H.STM").
	Feature    string
	Country    string // ISO 3166-1 alpha-2, "" for features without one
	Population uint32
	Lat, Lon   float64
	// Admin1, Admin2 and CountryRef are indexes of the containing places
	// in the same gazetteer, or NoRef.
	Admin1, Admin2, CountryRef int32
}

// Class is the GeoNames feature class letter ("P", "A", "H", "T", "L", "S").
func (p *Place) Class() string {
	if i := strings.IndexByte(p.Feature, '.'); i >= 0 {
		return p.Feature[:i]
	}
	return p.Feature
}

// Code is the GeoNames feature code ("PPLA", "ADM1", "PCLI").
func (p *Place) Code() string {
	if i := strings.IndexByte(p.Feature, '.'); i >= 0 {
		return p.Feature[i+1:]
	}
	return ""
}

// Gazetteer is a loaded index. It is read-only and safe for concurrent use.
type Gazetteer struct {
	// places holds the places without pointers (names, feature and
	// country codes as offsets and table indexes; see place), so the
	// garbage collector never scans the table: as []Place, with three
	// strings per place, it was two thirds of the marking work of every
	// collection over all of newslens's loaded models.
	places []place
	names  string   // the places' names, concatenated
	feats  []string // feature codes ("P.PPLA") by place.feat
	ccs    []string // country codes by place.cc; 0 is ""
	exact  postings
	fuzzy  postings
	// byID is built on first use: most users never look up by id, and a
	// 230k-entry map costs a fifth of the load time.
	idOnce sync.Once
	byID   map[uint32]int32
	ccOnce sync.Once
	byCC   map[string]int32
}

// place is the stored form of a Place (see Gazetteer.places).
type place struct {
	id                       uint32
	nameOff, nameLen         uint32 // the name is names[nameOff:nameOff+nameLen]
	pop                      uint32
	feat, cc                 uint16
	lat, lon                 int32 // 1e-4 degrees, as in the index file
	admin1, admin2, country1 int32 // Admin1, Admin2, CountryRef
}

// Country returns the index of the country with an ISO 3166-1 alpha-2 code.
func (g *Gazetteer) Country(cc string) (int32, bool) {
	g.ccOnce.Do(func() {
		g.byCC = map[string]int32{}
		for i := range g.places {
			if p := &g.places[i]; g.feats[p.feat] == "A.PCLI" {
				g.byCC[g.ccs[p.cc]] = int32(i)
			}
		}
	})
	i, ok := g.byCC[cc]
	return i, ok
}

// postings maps sorted keys to lists of place indexes without a Go map, so
// that loading does not hash a million strings.
type postings struct {
	blob  string   // keys concatenated
	koff  []uint32 // key i is blob[koff[i]:koff[i+1]]
	poff  []uint32 // postings of key i are post[poff[i]:poff[i+1]]
	post  []int32
	count int
	// lo[v] is the first key whose two-byte prefix (see bucket) is at
	// least v, so a search only bisects the keys sharing the target's
	// first two bytes (about 19 string comparisons down to 10 on the
	// shipped index). nil when the keys are not sorted.
	lo []uint32
	// slots is an open-addressing table of key indexes + 1 (0: empty) by
	// maphash of the key, for exact look-ups: one or two probes instead of
	// the bisection's ten string comparisons, each a cache miss into koff
	// and blob (the bisection was ~1/5 of the places analyzer's time).
	// The first of equal keys is indexed, the one search finds.
	slots []uint32
	seed  maphash.Seed
}

// bucket is s's first two bytes as a number, a missing byte counting as
// zero: it never decreases along sorted keys.
func bucket(s string) int {
	switch len(s) {
	case 0:
		return 0
	case 1:
		return int(s[0]) << 8
	}
	return int(s[0])<<8 | int(s[1])
}

// index fills slots, and lo, or leaves lo nil when the keys are out of
// order.
func (p *postings) index() {
	size := 1
	for size < 2*p.count {
		size <<= 1
	}
	p.seed = maphash.MakeSeed()
	p.slots = make([]uint32, size)
	mask := uint64(size - 1)
	for i := 0; i < p.count; i++ {
		k := p.key(i)
		j := maphash.String(p.seed, k) & mask
		for p.slots[j] != 0 && p.key(int(p.slots[j]-1)) != k {
			j = (j + 1) & mask
		}
		if p.slots[j] == 0 {
			p.slots[j] = uint32(i + 1)
		}
	}
	p.bucketIndex()
}

// bucketIndex fills lo, or leaves it nil when the keys are out of order.
func (p *postings) bucketIndex() {
	lo := make([]uint32, 1<<16+1)
	v, prev := 0, ""
	for i := 0; i < p.count; i++ {
		k := p.key(i)
		if k < prev {
			return // unsorted: keep the plain binary search
		}
		prev = k
		for b := bucket(k); v <= b; v++ {
			lo[v] = uint32(i)
		}
	}
	for ; v <= 1<<16; v++ {
		lo[v] = uint32(p.count)
	}
	p.lo = lo
}

// search is the first i with key(i) >= k: keys of a lower bucket are all
// below k and keys of a higher one above it.
func (p *postings) search(k string) int {
	from, to := 0, p.count
	if p.lo != nil {
		b := bucket(k)
		from, to = int(p.lo[b]), int(p.lo[b+1])
	}
	return from + sort.Search(to-from, func(i int) bool { return p.key(from+i) >= k })
}

func (p *postings) key(i int) string { return p.blob[p.koff[i]:p.koff[i+1]] }

func (p *postings) lookup(k string) []int32 {
	if len(p.slots) > 0 {
		mask := uint64(len(p.slots) - 1)
		for j := maphash.String(p.seed, k) & mask; p.slots[j] != 0; j = (j + 1) & mask {
			if i := int(p.slots[j] - 1); p.key(i) == k {
				return p.post[p.poff[i]:p.poff[i+1]]
			}
		}
		return nil
	}
	i := p.search(k)
	if i < p.count && p.key(i) == k {
		return p.post[p.poff[i]:p.poff[i+1]]
	}
	return nil
}

// hasPrefix reports whether some key starts with k + " " (a longer name
// continues), which lets a caller stop extending a span early.
func (p *postings) hasPrefix(k string) bool {
	k += " "
	i := p.search(k)
	return i < p.count && strings.HasPrefix(p.key(i), k)
}

// Len returns the number of places.
func (g *Gazetteer) Len() int { return len(g.places) }

// Keys returns the number of distinct exact keys.
func (g *Gazetteer) Keys() int { return g.exact.count }

// Place returns place i. It panics when i is out of range, like a slice.
// Its strings share the index's memory.
func (g *Gazetteer) Place(i int32) Place {
	p := &g.places[i]
	return Place{GeoNameID: p.id, Name: g.names[p.nameOff : p.nameOff+p.nameLen], Feature: g.feats[p.feat],
		Country: g.ccs[p.cc], Population: p.pop, Lat: float64(p.lat) / 1e4, Lon: float64(p.lon) / 1e4,
		Admin1: p.admin1, Admin2: p.admin2, CountryRef: p.country1}
}

// ByID returns the index of the place with a GeoNames id.
func (g *Gazetteer) ByID(id uint32) (int32, bool) {
	g.idOnce.Do(func() {
		g.byID = make(map[uint32]int32, len(g.places))
		for i := range g.places {
			if id := g.places[i].id; id != 0 {
				g.byID[id] = int32(i)
			}
		}
	})
	i, ok := g.byID[id]
	return i, ok
}

// Lookup returns the places whose folded names equal Key(name), already
// folded by the caller: pass a Key.
func (g *Gazetteer) Lookup(key string) []int32 { return g.exact.lookup(key) }

// HasLonger reports whether some indexed key extends key by more words.
func (g *Gazetteer) HasLonger(key string) bool { return g.exact.hasPrefix(key) }

// Fuzzy returns the places whose names share a Skeleton.
func (g *Gazetteer) Fuzzy(skeleton string) []int32 {
	if skeleton == "" {
		return nil
	}
	return g.fuzzy.lookup(skeleton)
}

// Embedded loads the index compiled into the binary. Each call decodes it
// afresh (about 20–40 MB of memory); callers keep the result.
func Embedded() (*Gazetteer, error) { return LoadFS(embedded, EmbeddedPath) }

// LoadFS loads a gzip-compressed index from fsys.
func LoadFS(fsys fs.FS, name string) (*Gazetteer, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("gazetteer %s: %w", name, err)
	}
	g, err := Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gazetteer %s: %w", name, err)
	}
	return g, nil
}

// Read decodes a gzip-compressed index.
func Read(r io.Reader) (*Gazetteer, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	// One allocation for the whole index: repeated growth of a 15 MB
	// buffer was a third of the load time.
	var buf bytes.Buffer
	if br, ok := r.(*bytes.Reader); ok && br.Size() >= 4 {
		var tail [4]byte
		if _, err := br.ReadAt(tail[:], br.Size()-4); err == nil {
			if n := binary.LittleEndian.Uint32(tail[:]); n < 1<<30 {
				buf.Grow(int(n) + bytes.MinRead)
			}
		}
	}
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, err
	}
	return decode(buf.Bytes())
}

// reader decodes the index's varints, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("truncated or corrupt index")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errors.New("truncated index")
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) count(limit int) int {
	n := r.uvarint()
	if n > uint64(limit) {
		r.err = fmt.Errorf("count %d exceeds the data left", n)
		return 0
	}
	return int(n)
}

func decode(raw []byte) (*Gazetteer, error) {
	if len(raw) < len(magic) || string(raw[:len(magic)]) != magic {
		return nil, errors.New("not a newslens gazetteer (bad magic)")
	}
	r := &reader{b: raw[len(magic):]}
	nf := r.count(len(r.b))
	feats := make([]string, nf)
	for i := range feats {
		feats[i] = string(r.bytes(r.uvarint()))
	}
	// feats[nf] is "", for a feature index out of range
	feats = append(feats, "")
	if len(feats) > 1<<16 {
		return nil, fmt.Errorf("%d feature codes", nf)
	}
	np := r.count(len(r.b))
	g := &Gazetteer{places: make([]place, np), feats: feats, ccs: []string{""}}
	ccs := map[[2]byte]uint16{}
	// Names go into one string so that 200k places cost one allocation.
	var names strings.Builder
	names.Grow(np * 12)
	var id, lat, lon int64
	for i := range g.places {
		p := &g.places[i]
		id += r.varint()
		lat += r.varint()
		lon += r.varint()
		if lat != int64(int32(lat)) || lon != int64(int32(lon)) {
			return nil, fmt.Errorf("place %d: coordinates out of range", i)
		}
		p.id, p.lat, p.lon = uint32(id), int32(lat), int32(lon)
		p.pop = uint32(r.uvarint())
		p.feat = uint16(nf)
		if fi := r.uvarint(); fi < uint64(nf) {
			p.feat = uint16(fi)
		}
		cc := r.bytes(2)
		if r.err == nil && cc[0] != 0 {
			// Intern the codes: 200k places share ~250 strings.
			k := [2]byte{cc[0], cc[1]}
			ci, ok := ccs[k]
			if !ok {
				ci = uint16(len(g.ccs))
				ccs[k] = ci
				g.ccs = append(g.ccs, string(cc))
			}
			p.cc = ci
		}
		p.admin1 = int32(r.uvarint()) - 1
		p.admin2 = int32(r.uvarint()) - 1
		p.country1 = int32(r.uvarint()) - 1
		p.nameOff = uint32(names.Len())
		names.Write(r.bytes(r.uvarint()))
		p.nameLen = uint32(names.Len()) - p.nameOff
		if r.err != nil {
			return nil, r.err
		}
		if names.Len() >= 1<<32 {
			return nil, errors.New("names over 4 GiB")
		}
		for _, ref := range [...]int32{p.admin1, p.admin2, p.country1} {
			if ref >= int32(np) || ref < NoRef {
				return nil, fmt.Errorf("place %d: reference %d out of range", i, ref)
			}
		}
	}
	g.names = names.String()
	var err error
	if g.exact, err = decodePostings(r, np); err != nil {
		return nil, fmt.Errorf("exact keys: %w", err)
	}
	if g.fuzzy, err = decodePostings(r, np); err != nil {
		return nil, fmt.Errorf("fuzzy keys: %w", err)
	}
	return g, nil
}

// countryCode interns the 2-letter codes so places share their strings.
var countryCodes = func() map[[2]byte]string { return map[[2]byte]string{} }

func countryCode(cc []byte) string { return string(cc) }

func decodePostings(r *reader, np int) (postings, error) {
	n := r.count(len(r.b))
	blobLen := r.count(1 << 30)
	postLen := r.count(1 << 30)
	p := postings{count: n, koff: make([]uint32, n+1), poff: make([]uint32, n+1), post: make([]int32, 0, postLen)}
	blob := make([]byte, 0, blobLen)
	var prev []byte
	for i := 0; i < n; i++ {
		shared := r.uvarint()
		suffix := r.bytes(r.uvarint())
		if r.err != nil {
			return p, r.err
		}
		if shared > uint64(len(prev)) {
			return p, errors.New("corrupt front coding")
		}
		start := len(blob)
		blob = append(blob, prev[:shared]...)
		blob = append(blob, suffix...)
		prev = blob[start:]
		p.koff[i+1] = uint32(len(blob))
		m := r.count(len(r.b))
		last := int64(-1)
		for j := 0; j < m; j++ {
			last += int64(r.uvarint()) + 1
			if last >= int64(np) {
				return p, errors.New("posting out of range")
			}
			p.post = append(p.post, int32(last))
		}
		p.poff[i+1] = uint32(len(p.post))
	}
	p.blob = string(blob)
	p.index()
	return p, r.err
}
