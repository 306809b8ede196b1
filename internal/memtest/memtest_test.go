package memtest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestSpanAndWithin(t *testing.T) {
	row := strings.Clone("Aino|131052-308T|Virtanen")
	first, last := row[:4], row[len(row)-8:]
	if got := Span(first, last); got != row {
		t.Errorf("Span of two parts of one string = %q, want %q", got, row)
	}
	if got := Span(last, first); got != "" {
		t.Errorf("Span of parts in the wrong order = %q, want \"\"", got)
	}
	if !Within(last, row) || Within(strings.Clone(last), row) {
		t.Error("Within does not tell a part of the row from a copy of it")
	}
	if Within("", row) || Span("", last) != "" {
		t.Error("an empty string lies nowhere")
	}
}

func TestFreedByOneCollection(t *testing.T) {
	type object struct{ _ [64]byte }
	if !FreedByOneCollection(5*time.Second, func(track func(*object)) { track(new(object)) }) {
		t.Error("an object nothing holds is not freed")
	}
	var kept *object
	if FreedByOneCollection(100*time.Millisecond, func(track func(*object)) { kept = new(object); track(kept) }) {
		t.Error("an object a variable holds is freed")
	}
	runtime.KeepAlive(kept)
}
