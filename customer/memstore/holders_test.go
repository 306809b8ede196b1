package memstore

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestHoldersKeepIDOrder adds and removes holders at random and compares
// them with a sorted set after every step.
func TestHoldersKeepIDOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var h holders
	var want []string
	for step := range 5000 {
		id := "c" + strconv.Itoa(rng.IntN(12))
		i, present := slices.BinarySearch(want, id)
		if rng.IntN(2) == 0 {
			h = h.with(id)
			if !present {
				want = slices.Insert(want, i, id)
			}
		} else {
			h = h.without(id)
			if present {
				want = slices.Delete(want, i, i+1)
			}
		}
		var got []string
		if h.first != "" {
			got = append([]string{h.first}, h.more...)
		}
		if !slices.Equal(got, want) || h.len() != len(want) {
			t.Fatalf("step %d: holders %v (len %d), want %v", step, got, h.len(), want)
		}
	}
}
