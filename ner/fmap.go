package ner

// fmap is an open-addressing hash table from feature hashes to weight
// rows: tagging looks up ~50 features per token, and this is several times
// faster than a Go map for uint32 keys. Key and value share one 64-bit slot
// so a lookup touches one cache line. Read-only after construction.
type fmap struct {
	slots []uint64 // key<<32 | row; key 0 = empty (key 0 is stored as 1, see fkey)
	mask  uint32
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
	return &fmap{slots: make([]uint64, size), mask: uint32(size - 1)}
}

func (f *fmap) put(h uint32, v int32) {
	h = fkey(h)
	i := (h * 0x9e3779b1) & f.mask
	for f.slots[i] != 0 && uint32(f.slots[i]>>32) != h {
		i = (i + 1) & f.mask
	}
	f.slots[i] = uint64(h)<<32 | uint64(uint32(v))
}

func (f *fmap) get(h uint32) (int32, bool) {
	h = fkey(h)
	i := (h * 0x9e3779b1) & f.mask
	for {
		s := f.slots[i]
		if uint32(s>>32) == h {
			return int32(uint32(s)), true
		}
		if s == 0 {
			return 0, false
		}
		i = (i + 1) & f.mask
	}
}
