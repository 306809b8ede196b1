package xmlio

import "unsafe"

// texts makes the strings of a document's leaf values from shared blocks
// instead of one allocation each. A customer has a few dozen short values
// and a store keeps them all: in blocks they cost a fraction of the
// allocations, and the collector has one object to find instead of many.
//
// A block is written once, front to back, and its written bytes never
// change, which is what makes a string of them safe: a value's bytes are
// appended past the ones already handed out, and a block too full for a
// value is left as it is for a new one. A block lives as long as any of
// its strings, so a value kept alone keeps at most textBlock bytes alive;
// a secret must not be made here (see rec.secret).
type texts struct{ block []byte }

const (
	textBlock   = 8 << 10
	textOwnSize = textBlock / 8 // a longer value gets a string of its own
)

// string returns b's text; b may change after the call.
func (t *texts) string(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case len(b) > textOwnSize:
		return string(b)
	}
	if cap(t.block)-len(t.block) < len(b) {
		t.block = make([]byte, 0, textBlock)
	}
	start := len(t.block)
	t.block = append(t.block, b...)
	return unsafe.String(&t.block[start], len(b))
}
