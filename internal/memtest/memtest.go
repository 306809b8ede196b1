// Package memtest helps tests say what keeps memory alive: which memory
// strings share (that a value a store keeps from a row keeps no secret of
// the row, nor a whole table, alive with it), and whether an object is
// freed once its user is done with it. It reads memory through unsafe and
// is for tests only.
package memtest

import "unsafe"

// Span returns the memory from the first byte of a to the last byte of b,
// as one string: when a and b are parts of one string, a, what lies between
// them, and b. It is "" when b does not end after a starts, within a
// megabyte: then they are no parts of one string.
func Span(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(a)))
	end := uintptr(unsafe.Pointer(unsafe.StringData(b))) + uintptr(len(b))
	if end <= start || end-start > 1<<20 {
		return ""
	}
	return unsafe.String(unsafe.StringData(a), int(end-start))
}

// Within reports whether the first byte of s lies in the memory of t.
func Within(s, t string) bool {
	if s == "" || t == "" {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(t)))
	return lo <= p && p < lo+uintptr(len(t))
}
