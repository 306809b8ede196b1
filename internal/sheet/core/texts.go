package core

// RowTexts is a row's cell texts while the row is read: the bytes of every
// text in one arena, and where each cell's lies. Both readers assemble a
// row in one, so that a row's texts cost one allocation, and so that no text
// shares memory with the workbook's shared-string table: a text is copied
// into the arena even when the cell points into the table, since a value a
// store keeps from one cell would otherwise keep the whole table alive, the
// identity numbers of every row with it.
type RowTexts struct {
	Arena []byte
	spans []span
}

// span is where a cell's text lies in the arena.
type span struct{ col, start, end int }

// Reset empties r for the next row, keeping its memory.
func (r *RowTexts) Reset() {
	r.Arena = r.Arena[:0]
	r.spans = r.spans[:0]
}

// Mark notes that column col's text is Arena[start:], written since start.
func (r *RowTexts) Mark(col, start int) {
	r.spans = append(r.spans, span{col: col, start: start, end: len(r.Arena)})
}

// Set gives cells their texts: one string for the row, which each cell's
// text is a part of, except for the columns private says are secret
// (private may be shorter than the row, or nil). Their texts get strings of
// their own, and their bytes are cleared from the arena before the row's
// string is made, so that a value kept from another cell of the row (a
// name a store keeps) does not keep a secret (a plain identity number)
// alive with it.
func (r *RowTexts) Set(cells []Cell, private []bool) {
	secret := func(col int) bool { return col < len(private) && private[col] }
	if len(private) > 0 {
		for _, p := range r.spans {
			if secret(p.col) {
				cells[p.col].Text = string(r.Arena[p.start:p.end])
				clear(r.Arena[p.start:p.end])
			}
		}
	}
	text := string(r.Arena)
	for _, p := range r.spans {
		if !secret(p.col) {
			cells[p.col].Text = text[p.start:p.end]
		}
	}
}

// Columns returns the set of columns cols as Set's private: true at each
// of them. Negative columns are ignored.
func Columns(cols []int) []bool {
	var set []bool
	for _, c := range cols {
		if c < 0 {
			continue
		}
		for len(set) <= c {
			set = append(set, false)
		}
		set[c] = true
	}
	return set
}
