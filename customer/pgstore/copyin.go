package pgstore

import (
	"encoding/binary"
	"math"

	"github.com/jackc/pgx/v5/pgproto3"
)

// copyRows is the body of a COPY ... FROM STDIN, written here for the few
// column types pgstore's tables have and sent as it is written (see
// sendTo): rows are written a chunk at a time, as the server takes them in,
// so the client encodes the next rows while the server inserts the last
// ones. pgx's CopyFrom takes each row as []any, plans each value's encoding
// through its type map and describes the table first, a round trip; for a
// batch of customers that was most of the client's work.
//
// A body is in one of COPY's two formats (copyFormat). The binary one is
// PostgreSQL's "Binary Format" of COPY: a signature and two 32-bit words,
// then per row a 16-bit field count and per field a 32-bit length and the
// type's binary send form, then -1; its fields are written by the methods
// in this file. The text one is a line per row (copytext.go).
type copyRows struct {
	buf    []byte // a chunk, after frameHead bytes of room, while it is sent
	next   func(w *copyRows) (more bool, err error)
	format copyFormat
	done   bool  // every row is in buf, and the binary format's trailer
	err    error // what next returned
}

// copyFormat is the FORMAT option of a COPY, which its body is written in.
type copyFormat string

const (
	binaryFormat copyFormat = "binary"
	textFormat   copyFormat = "text"
)

// copyChunk is about how many bytes of rows are written before they are
// sent.
const copyChunk = 64 << 10

// newCopyRows starts a COPY body in format whose rows next writes, one or
// more a call, until it reports no more.
func newCopyRows(format copyFormat, next func(w *copyRows) (more bool, err error)) *copyRows {
	return &copyRows{format: format, next: next}
}

// newCopyBuffer returns a buffer for sendTo.
func newCopyBuffer() []byte { return make([]byte, 0, frameHead+copyChunk+4<<10) }

// frameHead is the room a chunk of rows leaves at its head for the header
// of the CopyData message that sends it: a type byte and a length.
const frameHead = 5

// sendTo sends the rows to fe as CopyData messages of a chunk each, writing
// each chunk into buf (see newCopyBuffer) as the last is sent, so that the
// COPYs of one message share a buffer. It stops early, with w.err set, when
// next fails; its error is a failure to send.
func (w *copyRows) sendTo(fe *pgproto3.Frontend, buf []byte) error {
	w.buf = buf[:frameHead]
	if w.format == binaryFormat {
		w.buf = append(w.buf, "PGCOPY\n\xff\r\n\x00"...)
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // flags: no OIDs
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no header extension
	}
	for {
		if w.fill(); w.err != nil {
			return nil
		}
		if len(w.buf) > frameHead {
			w.buf[0] = 'd'
			binary.BigEndian.PutUint32(w.buf[1:frameHead], uint32(len(w.buf)-1))
			if err := fe.SendUnbufferedEncodedCopyData(w.buf); err != nil {
				return err
			}
		}
		if w.done {
			return nil
		}
		w.buf = w.buf[:frameHead]
	}
}

// fill has next write rows until a chunk is ready or there are no more.
func (w *copyRows) fill() {
	for !w.done && len(w.buf) < copyChunk {
		more, err := w.next(w)
		switch {
		case err != nil:
			w.err = err
			return
		case !more:
			w.finish()
		}
	}
}

// finish writes the trailer of the binary format; the text format has
// none.
func (w *copyRows) finish() {
	if w.format == binaryFormat {
		w.buf = binary.BigEndian.AppendUint16(w.buf, math.MaxUint16) // -1
	}
	w.done = true
}

// row starts a row of n fields.
func (w *copyRows) row(n int) { w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(n)) }

func (w *copyRows) length(n int) { w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(n)) }

// text writes a text field.
func (w *copyRows) text(s string) {
	w.length(len(s))
	w.buf = append(w.buf, s...)
}

func (w *copyRows) bool(v bool) {
	w.length(1)
	if v {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// uuid writes a uuid field: its 16 bytes.
func (w *copyRows) uuid(v [16]byte) {
	w.length(len(v))
	w.buf = append(w.buf, v[:]...)
}
