package pgstore

import (
	"encoding/hex"
	"strconv"
	"time"
)

// The text format of COPY ... FROM STDIN (FORMAT text) is a line per row,
// its fields separated by tabs. A field's backslashes, tabs, newlines and
// carriage returns are escaped with a backslash, so no field holds a
// separator and none is the end marker \. of the data.
//
// pgstore writes customers and their facts in it, although the server
// reads text more slowly than binary fields. PostgreSQL (15 at least)
// inserts a COPY's rows in runs, each ended by 1,000 rows or by 64 KB of
// their input, and it counts no input for a binary row. A batch's 1,000
// customer rows in binary were one run: a new slot and a new heap tuple
// each, formed in fresh memory, every statement. In text a run is some 45
// customers, and each run reuses the last one's slots and memory. Copying
// the same 50 batches of 1,000 customers, made beforehand, took a quarter
// less time for the customers and almost half less for their facts in
// text. Key rows, small and of one size, stay binary: 1,000 of them are a
// run in either format, and a uuid costs less to read than its text
// (BENCHMARKS.md, "COPY in text").
//
// Each method here writes one field and the tab after it; endRow turns the
// row's last tab into its newline.

// textField writes a text field.
func (w *copyRows) textField(s string) {
	start := len(w.buf)
	w.buf = append(w.buf, s...)
	w.escapedFrom(start)
}

// intField writes an integer field of any width.
func (w *copyRows) intField(v int64) {
	w.buf = strconv.AppendInt(w.buf, v, 10)
	w.buf = append(w.buf, '\t')
}

// boolField writes a boolean field.
func (w *copyRows) boolField(v bool) {
	if v {
		w.buf = append(w.buf, 't', '\t')
	} else {
		w.buf = append(w.buf, 'f', '\t')
	}
}

// timeField writes a timestamptz field: t to the microsecond, which is all
// the column keeps (see splitTime), in UTC.
func (w *copyRows) timeField(t time.Time) {
	w.buf = appendTimestamp(w.buf, t)
	w.buf = append(w.buf, '\t')
}

// arrayField writes a field of a one-dimensional text[]: the array
// literal, each element quoted so that no text (empty, NULL, spaces,
// commas, braces) is read otherwise, its quotes and backslashes escaped
// for the literal, and the literal escaped for COPY as any field is.
func (w *copyRows) arrayField(elems []string) {
	start := len(w.buf)
	w.buf = append(w.buf, '{')
	for i, e := range elems {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, '"')
		for j := 0; j < len(e); j++ {
			if c := e[j]; c == '"' || c == '\\' {
				w.buf = append(w.buf, '\\', c)
			} else {
				w.buf = append(w.buf, c)
			}
		}
		w.buf = append(w.buf, '"')
	}
	w.buf = append(w.buf, '}')
	w.escapedFrom(start)
}

// keysField writes the bytea field of customers.keys that holds refs, in
// bytea's hex form: \x and two hex digits a byte, the backslash doubled
// for COPY.
func (w *copyRows) keysField(refs []keyRef) {
	w.buf = append(w.buf, '\\', '\\', 'x')
	var b [keyRefSize]byte
	for _, r := range refs {
		w.buf = hex.AppendEncode(w.buf, r.append(b[:0]))
	}
	w.buf = append(w.buf, '\t')
}

// escapedFrom makes the text written to w.buf from start on, unescaped, a
// field: every field's text is escaped here, once in place, whether it was
// appended as a string or written in place, as a record's JSON is.
func (w *copyRows) escapedFrom(start int) {
	n := 0
	for _, c := range w.buf[start:] {
		if copyEscape[c] != 0 {
			n++
		}
	}
	if n > 0 {
		// Each escaped byte takes one more; move the text up from its end.
		end := len(w.buf)
		w.buf = append(w.buf, make([]byte, n)...)
		to := len(w.buf)
		for i := end - 1; i >= start && to > i+1; i-- {
			c := w.buf[i]
			if e := copyEscape[c]; e != 0 {
				to -= 2
				w.buf[to], w.buf[to+1] = '\\', e
			} else {
				to--
				w.buf[to] = c
			}
		}
	}
	w.buf = append(w.buf, '\t')
}

// endRow ends the row whose fields were written.
func (w *copyRows) endRow() { w.buf[len(w.buf)-1] = '\n' }

// copyEscape holds, for each byte COPY's text format escapes, the letter
// that follows the backslash; 0 for every other byte.
var copyEscape = [256]byte{'\\': '\\', '\t': 't', '\n': 'n', '\r': 'r'}

// appendTimestamp appends t, in UTC and to the microsecond, as PostgreSQL
// reads a timestamptz whatever its DateStyle: the ISO 8601 date and time
// and the zone +00, and for a year before 1 its era, since PostgreSQL
// counts no year 0 (Go's year 0 is 1 BC).
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	bc := year <= 0
	if bc {
		year = 1 - year
	}
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, ' ')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, second, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1000, 6)
	b = append(b, "+00"...)
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// appendDigits appends v, not negative, in decimal, with leading zeros to
// at least width digits.
func appendDigits(b []byte, v, width int) []byte {
	var d [20]byte
	i := len(d)
	for v >= 10 || len(d)-i < width-1 {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	d[i] = byte('0' + v)
	return append(b, d[i:]...)
}
