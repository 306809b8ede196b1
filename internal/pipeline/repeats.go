package pipeline

import (
	"hash/maphash"
	"math"
	"math/bits"
)

// Repeats is what a first pass over an input learned of its keys, for
// codecs that read their input more than once (Excel does, so that
// file-level errors are found before anything is written). In the import
// pass the codec puts in Item.Keys only the keys Repeats says may occur
// more than once, and the in-file duplicate check remembers those alone:
// without it the check keeps every key of the input, some 32 bytes each,
// and memory grows with the input.
//
// Its memory is fixed. A Bloom filter of a set capacity holds the keys; a
// key found in it is a candidate, kept as a 64-bit hash: a key seen again,
// or one of the filter's false positives (about one key in a thousand). An
// input with more keys than the filter holds is recorded in rounds: the
// codec reads it again once per round (see Done and NextRound), and each
// round records the keys whose hash falls in its share. A second, smaller
// filter of every key answers MayHold; its false positives rise with the
// number of keys, which only costs callers a second guess.
//
// The answers err only towards "maybe": a key Repeats says cannot repeat
// occurs at most once. Add must not run concurrently with any other
// method; once Done, MayRepeat and MayHold may be called from any
// goroutine.
type Repeats struct {
	seed  maphash.Seed
	seen  bloom               // this round's keys, up to its capacity
	held  bloom               // every key, however many: MayHold
	again map[uint64]struct{} // the candidates

	round, rounds int
	offered       int  // keys offered this round, in any share
	overflow      bool // the filter filled up this round
}

// DefaultRepeatsCapacity is the number of keys a Repeats records in one
// round when NewRepeats is given 0: some 1.8 MB of filter.
const DefaultRepeatsCapacity = 1 << 20

// seenFP is the seen filter's false positive rate at its capacity. The
// held filter has heldBits a key of its capacity and two probes, so that
// its rate rises gently past it: 5% at the capacity, 50% at five times.
const (
	seenFP   = 1.0 / 1000
	heldBits = 8
)

// NewRepeats returns an empty record that holds up to capacity keys a
// round; 0 means DefaultRepeatsCapacity.
func NewRepeats(capacity int) *Repeats {
	if capacity <= 0 {
		capacity = DefaultRepeatsCapacity
	}
	held := bloom{words: make([]uint64, capacity*heldBits/64+1), k: 2}
	held.m = uint64(len(held.words)) * 64
	return &Repeats{seed: maphash.MakeSeed(), seen: newBloom(capacity, seenFP), held: held,
		again: make(map[uint64]struct{}), rounds: 1}
}

func (r *Repeats) hash(k Key) uint64 { return hashKey(r.seed, k) }

// Add records one occurrence of k in the current round. A round must be
// given every key of the input, in any order.
func (r *Repeats) Add(k Key) {
	h := r.hash(k)
	r.offered++
	if r.round == 0 && r.rounds == 1 {
		r.held.add(h)
	}
	if r.rounds > 1 && h%uint64(r.rounds) != uint64(r.round) {
		return // another round's share
	}
	switch {
	case r.seen.has(h):
		r.again[h] = struct{}{}
	case r.seen.n >= r.seen.limit:
		r.overflow = true // recorded in rounds, from NextRound on
	default:
		r.seen.add(h)
	}
}

// Done reports whether every key of the input is recorded. When it is not,
// the caller calls NextRound and gives Add every key of the input again.
func (r *Repeats) Done() bool { return !r.overflow && r.round == r.rounds-1 }

// NextRound starts the next round. When a round overflowed, the keys are
// split by hash into enough shares for each to fit in the filter, and the
// rounds start again from the first share; the candidates found so far
// stay, as each was a repeat or a false positive.
func (r *Repeats) NextRound() {
	if r.overflow {
		need := int(math.Ceil(float64(r.offered) / float64(r.seen.limit) * 1.1))
		r.rounds = max(need, 2*r.rounds)
		r.round = 0
	} else {
		r.round++
	}
	clear(r.seen.words)
	r.seen.n, r.offered, r.overflow = 0, 0, false
}

// Rounds returns the number of rounds the record takes: 1 until a round
// overflows.
func (r *Repeats) Rounds() int { return r.rounds }

// MayRepeat reports whether k may occur more than once in the input. False
// is certain once Done.
func (r *Repeats) MayRepeat(k Key) bool {
	_, ok := r.again[r.hash(k)]
	return ok
}

// MayHold reports whether k may occur in the input at all. False is
// certain once Done.
func (r *Repeats) MayHold(k Key) bool { return r.held.has(r.hash(k)) }

// bloom is a Bloom filter. Its k probes come from one 64-bit hash by
// double hashing.
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
