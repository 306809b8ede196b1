package core

import (
	"strings"
	"testing"

	"github.com/impexkit/impex/internal/memtest"
)

func TestAPrivateTextSharesNoMemoryWithTheRow(t *testing.T) {
	const secret = "131052-308T"
	var r RowTexts
	cells := make([]Cell, 3)
	for col, text := range []string{"Aino", secret, "Virtanen"} {
		start := len(r.Arena)
		r.Arena = append(r.Arena, text...)
		r.Mark(col, start)
	}
	r.Set(cells, Columns([]int{1}))
	for col, want := range []string{"Aino", secret, "Virtanen"} {
		if cells[col].Text != want {
			t.Errorf("column %d: %q, want %q", col, cells[col].Text, want)
		}
	}
	// The name cells are parts of one string, the row's; the secret lay
	// between them in it.
	if row := memtest.Span(cells[0].Text, cells[2].Text); strings.Contains(row, secret) || len(row) != len("Aino")+len(secret)+len("Virtanen") {
		t.Errorf("the row's string is %q: it holds the private text", row)
	}
	if strings.Contains(string(r.Arena), secret) {
		t.Error("the arena still holds the private text")
	}

	r.Reset()
	r.Arena = append(r.Arena, secret...)
	r.Mark(1, 0)
	r.Set(cells, nil)
	if cells[1].Text != secret {
		t.Errorf("without private columns: %q", cells[1].Text)
	}
}
