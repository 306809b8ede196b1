package xlsx

import (
	"io"
)

// aheadReader inflates a part on a goroutine of its own, a few blocks ahead
// of the scanner. Inflating is a fifth of the work of reading a sheet, and
// on a machine with a second core it then overlaps with the scan. The
// blocks are recycled, so memory stays at aheadBlocks blocks.
type aheadReader struct {
	rc   io.ReadCloser
	full chan []byte // blocks inflated, in order; closed after the last
	free chan []byte // blocks the reader has copied out
	stop chan struct{}
	done chan struct{}
	err  error // why the goroutine stopped; read after full is closed

	cur  []byte // the unread part of the current block
	last []byte // the current block, returned to free when used up
}

const (
	aheadBlock  = 64 << 10
	aheadBlocks = 4
)

func readAhead(rc io.ReadCloser) *aheadReader {
	a := &aheadReader{rc: rc, full: make(chan []byte, aheadBlocks), free: make(chan []byte, aheadBlocks),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range aheadBlocks {
		a.free <- make([]byte, aheadBlock)
	}
	go a.run()
	return a
}

func (a *aheadReader) run() {
	defer close(a.done)
	defer close(a.full)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		n, err := io.ReadFull(a.rc, b)
		if n > 0 {
			select {
			case a.full <- b[:n]:
			case <-a.stop:
				return
			}
		}
		switch err {
		case nil:
			continue
		case io.ErrUnexpectedEOF:
			err = io.EOF
		}
		a.err = err
		return
	}
}

// Read copies out inflated bytes, returning the inflater's error once
// every block before it was read.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.last != nil {
			a.free <- a.last[:cap(a.last)]
			a.last = nil
		}
		b, ok := <-a.full
		if !ok {
			return 0, a.err
		}
		a.cur, a.last = b, b
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the inflater, waits for it, and closes the part.
func (a *aheadReader) Close() error {
	close(a.stop)
	<-a.done
	return a.rc.Close()
}
