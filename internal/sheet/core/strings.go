package core

import "strings"

// SharedStrings is a workbook's shared-string table: all the texts in one
// string and where each ends, so a lookup allocates nothing. Both readers
// build theirs with a SharedStringsBuilder.
type SharedStrings struct {
	text string
	ends []uint32
}

// Len returns the number of strings.
func (t *SharedStrings) Len() int { return len(t.ends) }

// AppendTo appends string i to dst; the caller checks 0 <= i < Len(). The
// table hands out copies, never a part of its one string: a value a store
// kept from a cell would keep the whole table alive, every row's texts (the
// identity numbers too) with it. See RowTexts.
func (t *SharedStrings) AppendTo(dst []byte, i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return append(dst, t.text[start:t.ends[i]]...)
}

// Memory returns the table's one string, for tests that check that no text
// points into it.
func (t *SharedStrings) Memory() string { return t.text }

// SharedStringsBuilder collects a shared-string table, holding its total
// size to a limit. The zero value is ready to use.
type SharedStringsBuilder struct {
	b    strings.Builder
	ends []uint32
}

// Reserve sizes the index for n strings, within reason: a declared count is
// the file's word, not a fact.
func (sb *SharedStringsBuilder) Reserve(n int) {
	sb.ends = make([]uint32, 0, min(max(n, 0), 1<<16))
}

// Len returns the number of strings added.
func (sb *SharedStringsBuilder) Len() int { return len(sb.ends) }

// Add appends a string. It returns a *LimitError naming MaxSharedBytes and
// where when the table would grow past maxBytes (or 4 GiB).
func (sb *SharedStringsBuilder) Add(item []byte, maxBytes int64, where string) error {
	if int64(sb.b.Len()+len(item)) > maxBytes || sb.b.Len()+len(item) > 1<<32-1 {
		return &LimitError{Limit: "MaxSharedBytes", Max: maxBytes, Where: where}
	}
	sb.b.Write(item)
	sb.ends = append(sb.ends, uint32(sb.b.Len()))
	return nil
}

// Table returns the table built so far.
func (sb *SharedStringsBuilder) Table() SharedStrings {
	return SharedStrings{text: sb.b.String(), ends: sb.ends}
}
