package pgstore

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// copyRows is the body of a COPY ... FROM STDIN (FORMAT binary), written
// here for the few column types pgstore's tables have and sent as it is
// written (see sendTo): rows are written a chunk at a time, as the server
// takes them in, so the client encodes the next rows while the server
// inserts the last ones. pgx's CopyFrom takes each row as []any,
// plans each value's encoding through its type map and describes the
// table first, a round trip; for a batch of customers that was most of the
// client's work. The format is PostgreSQL's "Binary Format" of COPY: a
// signature and two 32-bit words, then per row a 16-bit field count and
// per field a 32-bit length and the type's binary send form, then -1.
type copyRows struct {
	buf  []byte // a chunk, after frameHead bytes of room, while it is sent
	next func(w *copyRows) (more bool, err error)
	done bool  // the trailer is in buf
	err  error // what next returned
}

// copyChunk is about how many bytes of rows are written before they are
// sent.
const copyChunk = 64 << 10

// newCopyRows starts a COPY body whose rows next writes, one or more a
// call, until it reports no more.
func newCopyRows(next func(w *copyRows) (more bool, err error)) *copyRows {
	return &copyRows{next: next}
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
	w.buf = append(w.buf, "PGCOPY\n\xff\r\n\x00"...)
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // flags: no OIDs
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no header extension
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

// finish writes the trailer.
func (w *copyRows) finish() {
	w.buf = binary.BigEndian.AppendUint16(w.buf, math.MaxUint16) // -1
	w.done = true
}

// row starts a row of n fields.
func (w *copyRows) row(n int) { w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(n)) }

// begin starts a field of a length not known yet; end completes it.
func (w *copyRows) begin() int {
	w.buf = append(w.buf, 0, 0, 0, 0)
	return len(w.buf)
}

func (w *copyRows) end(start int) {
	binary.BigEndian.PutUint32(w.buf[start-4:], uint32(len(w.buf)-start))
}

func (w *copyRows) length(n int) { w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(n)) }

// text writes a text field (or json, whose binary form is its text).
func (w *copyRows) text(s string) {
	w.length(len(s))
	w.buf = append(w.buf, s...)
}

func (w *copyRows) int8(v int64) {
	w.length(8)
	w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(v))
}

func (w *copyRows) int4(v int32) {
	w.length(4)
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(v))
}

func (w *copyRows) int2(v int16) {
	w.length(2)
	w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(v))
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

// microsY2K is the Unix time of 2000-01-01T00:00:00Z in microseconds, the
// epoch of PostgreSQL's timestamps.
const microsY2K = 946684800 * 1000000

// timestamptz writes t, to the microsecond (see splitTime), as a
// timestamptz: microseconds since 2000-01-01 UTC.
func (w *copyRows) timestamptz(t time.Time) {
	w.int8(t.Unix()*1000000 + int64(t.Nanosecond())/1000 - microsY2K)
}

// textOID is the type OID of text, which a text[] names for its elements.
const textOID = 25

// textArray starts a field of a one-dimensional text[] of n elements, which
// the caller then writes with text, and returns what end takes.
func (w *copyRows) textArray(n int) int {
	start := w.begin()
	if n == 0 {
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no dimensions
		w.buf = binary.BigEndian.AppendUint32(w.buf, 0) // no NULLs
		w.buf = binary.BigEndian.AppendUint32(w.buf, textOID)
		return start
	}
	w.buf = binary.BigEndian.AppendUint32(w.buf, 1)
	w.buf = binary.BigEndian.AppendUint32(w.buf, 0)
	w.buf = binary.BigEndian.AppendUint32(w.buf, textOID)
	w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(n))
	w.buf = binary.BigEndian.AppendUint32(w.buf, 1) // the lower bound
	return start
}

// jsonbVersion is the first byte of jsonb's binary form, before the text
// (see copyRows.facts).
const jsonbVersion = 1
