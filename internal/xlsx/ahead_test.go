package xlsx

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// failing reads data, then fails with err.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func (f *failing) Close() error { return nil }

func TestReadAheadGivesTheBytesThenTheError(t *testing.T) {
	for _, size := range []int{0, 1, aheadBlock - 1, aheadBlock, 3*aheadBlock + 17, 10 * aheadBlock} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 31)
		}
		// Small, odd reads through a reader that returns a byte at a time.
		a := readAhead(io.NopCloser(iotest.OneByteReader(bytes.NewReader(data))))
		got, err := io.ReadAll(iotest.HalfReader(a))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: read %d bytes, err %v; want the %d bytes and no error", size, len(got), err, size)
		}
		a.Close()

		broken := errors.New("inflate failed")
		a = readAhead(&failing{r: bytes.NewReader(data), err: broken})
		got, err = io.ReadAll(a)
		if !errors.Is(err, broken) || !bytes.Equal(got, data) {
			t.Fatalf("size %d: read %d bytes, err %v; want every byte, then %v", size, len(got), err, broken)
		}
		a.Close()
	}
}

func TestReadAheadClosedEarlyStopsItsGoroutine(t *testing.T) {
	a := readAhead(io.NopCloser(bytes.NewReader(make([]byte, 100*aheadBlock))))
	var b [10]byte
	if _, err := a.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	a.Close() // returns only once the inflating goroutine has stopped
	select {
	case <-a.done:
	default:
		t.Fatal("the goroutine is still running after Close")
	}
}
