package ner

// fmap is an open-addressing hash table from feature hashes to weight
// rows: tagging looks up ~50 features per token, and this is several times
// faster than a Go map for uint32 keys. Read-only after construction.
type fmap struct {
	keys []uint32 // 0 = empty; key 0 is stored as 1 (see fkey)
	vals []int32
	mask uint32
}

func fkey(h uint32) uint32 {
	if h == 0 {
		return 1
	}
	return h
}

func newFmap(n int) *fmap {
	size := 1
	for size < n*2 {
		size <<= 1
	}
	return &fmap{keys: make([]uint32, size), vals: make([]int32, size), mask: uint32(size - 1)}
}

func (f *fmap) put(h uint32, v int32) {
	h = fkey(h)
	i := (h * 0x9e3779b1) & f.mask
	for f.keys[i] != 0 && f.keys[i] != h {
		i = (i + 1) & f.mask
	}
	f.keys[i] = h
	f.vals[i] = v
}

func (f *fmap) get(h uint32) (int32, bool) {
	h = fkey(h)
	i := (h * 0x9e3779b1) & f.mask
	for {
		k := f.keys[i]
		if k == h {
			return f.vals[i], true
		}
		if k == 0 {
			return 0, false
		}
		i = (i + 1) & f.mask
	}
}
