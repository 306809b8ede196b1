package pipeline

import (
	"hash/maphash"

	"github.com/impexkit/impex/validate"
)

// keySet remembers the in-file keys seen so far and where each was first
// seen. It holds a 128-bit hash of each key rather than the key, so a large
// input costs some 32 bytes per key instead of the key's text and a whole
// location. Two different keys share a hash with a probability around
// n²/2¹²⁹, which for a billion keys is below 10⁻²⁰.
type keySet struct {
	seeds [2]maphash.Seed
	first map[[2]uint64]position
}

// position is where a key was first seen: a row or a record number.
type position struct{ row, record int32 }

func newKeySet() *keySet {
	return &keySet{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, first: make(map[[2]uint64]position)}
}

func (s *keySet) hash(k Key) [2]uint64 {
	return [2]uint64{hashKey(s.seeds[0], k), hashKey(s.seeds[1], k)}
}

// hashKey hashes a key's kind and value under seed.
func hashKey(seed maphash.Seed, k Key) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(k.Kind)
	h.WriteByte(0)
	h.WriteString(k.Value)
	return h.Sum64()
}

// add records k at where, or reports where it was first seen.
func (s *keySet) add(k Key, where validate.Where) (first validate.Where, dup bool) {
	h := s.hash(k)
	if p, ok := s.first[h]; ok {
		return validate.Where{Row: int(p.row), Record: int(p.record)}, true
	}
	s.first[h] = position{row: int32(where.Row), record: int32(where.Record)}
	return validate.Where{}, false
}
