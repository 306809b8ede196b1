package memstore

import (
	"fmt"
	"testing"
)

func TestFormatIDPadsToTenDigits(t *testing.T) {
	for _, n := range []uint64{0, 1, 42, 9999999999, 10000000000, 1<<64 - 1} {
		if got, want := formatID(n), fmt.Sprintf("c%010d", n); got != want {
			t.Errorf("formatID(%d) = %q, want %q", n, got, want)
		}
	}
}
