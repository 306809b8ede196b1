package xmlio

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestActiveDataHangProbe(t *testing.T) {
	seed := activeDataDoc(fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", "<products-abandoned-month/>"))
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := []byte(seed)
		for range 1 + r.IntN(6) {
			if len(b) < 2 {
				break
			}
			switch r.IntN(5) {
			case 0:
				j := r.IntN(len(b))
				b = append(b[:j:j], b[j+1:]...)
			case 1:
				b[r.IntN(len(b))] = byte(r.IntN(256))
			case 2:
				b = b[:r.IntN(len(b))]
			case 3:
				j, k := r.IntN(len(b)), r.IntN(len(b))
				if j > k {
					j, k = k, j
				}
				b = append(b[:k:k], append(b[j:k:k], b[k:]...)...)
			case 4:
				j := r.IntN(len(b))
				b = append(b[:j:j], append([]byte("<x>&#9;</x>"), b[j:]...)...)
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			activeDataFuzz(t, string(b))
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("hang on %q", b)
		}
	}
}
