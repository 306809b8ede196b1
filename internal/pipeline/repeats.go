package pipeline

import (
	"hash/maphash"
	"math"
	"math/bits"
)

// Repeats is what a first pass over an input learned of its keys, for
// codecs that read their input twice (Excel does, so that file-level errors
// are found before anything is written). In the second pass the codec puts
// in Item.Keys only the keys Repeats says may occur more than once, and
// the in-file duplicate check remembers those alone: without it the check
// keeps every key of the input, some 32 bytes each, and memory grows with
// the input.
//
// Repeats holds each key in a few bits of a scalable Bloom filter, plus a
// 64-bit hash of each candidate: the keys seen again, and the filter's
// false positives (under 2% of the keys). Its answers err only towards
// "maybe": a key it says cannot repeat occurs at most once.
//
// Add must not run concurrently with any other method; once the first pass
// is over, MayRepeat and MayHold may be called from any goroutine.
type Repeats struct {
	seed    maphash.Seed
	filters []bloom
	again   map[uint64]struct{}
}

// The filter chain: the first filter holds firstCapacity keys at a false
// positive rate of firstFP; each next one holds twice as many at
// tightenFP times the rate, so the rate of the whole chain stays under
// firstFP/(1-tightenFP) however many keys arrive.
const (
	firstCapacity = 1 << 14
	firstFP       = 1.0 / 256
	tightenFP     = 0.75
)

// NewRepeats returns an empty record.
func NewRepeats() *Repeats {
	return &Repeats{seed: maphash.MakeSeed(), again: make(map[uint64]struct{})}
}

func (r *Repeats) hash(k Key) uint64 {
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteString(k.Kind)
	h.WriteByte(0)
	h.WriteString(k.Value)
	return h.Sum64()
}

// Add records one occurrence of k.
func (r *Repeats) Add(k Key) {
	h := r.hash(k)
	if r.has(h) {
		r.again[h] = struct{}{}
		return
	}
	if len(r.filters) == 0 || r.filters[len(r.filters)-1].full() {
		n := len(r.filters)
		r.filters = append(r.filters, newBloom(firstCapacity<<n, firstFP*math.Pow(tightenFP, float64(n))))
	}
	r.filters[len(r.filters)-1].add(h)
}

// MayRepeat reports whether k may occur more than once in the input. False
// is certain.
func (r *Repeats) MayRepeat(k Key) bool {
	_, ok := r.again[r.hash(k)]
	return ok
}

// MayHold reports whether k may occur in the input at all. False is
// certain.
func (r *Repeats) MayHold(k Key) bool { return r.has(r.hash(k)) }

func (r *Repeats) has(h uint64) bool {
	for i := range r.filters {
		if r.filters[i].has(h) {
			return true
		}
	}
	return false
}

// bloom is one Bloom filter of the chain. Its k probes come from one 64-bit
// hash by double hashing.
type bloom struct {
	words    []uint64
	m        uint64 // bits
	k        int
	n, limit int // keys held, and the capacity
}

func newBloom(capacity int, fp float64) bloom {
	bitsPerKey := -math.Log(fp) / (math.Ln2 * math.Ln2)
	m := uint64(math.Ceil(bitsPerKey*float64(capacity)/64)) * 64
	k := max(1, int(math.Round(bitsPerKey*math.Ln2)))
	return bloom{words: make([]uint64, m/64), m: m, k: k, limit: capacity}
}

func (b *bloom) full() bool { return b.n >= b.limit }

// probe returns the i-th bit position for hash h.
func (b *bloom) probe(h uint64, i int) uint64 {
	x := h + uint64(i)*(h>>32|h<<32|1)
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	pos, _ := bits.Mul64(x, b.m)
	return pos
}

func (b *bloom) add(h uint64) {
	for i := range b.k {
		p := b.probe(h, i)
		b.words[p/64] |= 1 << (p % 64)
	}
	b.n++
}

func (b *bloom) has(h uint64) bool {
	for i := range b.k {
		p := b.probe(h, i)
		if b.words[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}
