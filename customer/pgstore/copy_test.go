package pgstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSortKeyRowsOrdersByHashAndKeepsEveryRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 63, 64, 65, 1000, 6000, 6144} {
		rows := make([]keyRow, n)
		for i := range rows {
			r := &rows[i]
			for j := range r.h {
				r.h[j] = byte(rng.Uint32())
			}
			switch i % 7 {
			case 1: // the same top bits as the row before, so a bucket holds several
				copy(r.h[:4], rows[i-1].h[:4])
			case 2: // the same hash, shared by another holder
				r.h = rows[i-1].h
			case 3: // hashes at the ends of the range
				r.h = [16]byte{}
			case 4:
				r.h = [16]byte{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff}
			}
			r.id, r.unique = fmt.Sprint("c", i), i%2 == 0
		}
		want := slices.Clone(rows)
		slices.SortStableFunc(want, compareKeyRows)
		got := sortKeyRows(slices.Clone(rows))
		if !slices.IsSortedFunc(got, compareKeyRows) {
			t.Fatalf("%d rows: not in hash order", n)
		}
		// Rows of one hash may come in any order; as sets they are the same.
		byHashThenID := func(a, b keyRow) int {
			if c := compareKeyRows(a, b); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		}
		slices.SortFunc(got, byHashThenID)
		slices.SortFunc(want, byHashThenID)
		if !slices.Equal(got, want) {
			t.Fatalf("%d rows: the sorted rows are not the rows given", n)
		}
	}
}
