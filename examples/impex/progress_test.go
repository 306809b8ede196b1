package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex"
)

// The progress bar, rendered into a fake terminal of 40 and of 120
// columns: it says at once that the store is opening, every redraw
// returns to the start of the line and clears it, no line is wider than
// the terminal less one column (so none wraps), and the estimate of the
// time left appears only once the rate can be trusted.
func TestProgressBarFitsTheTerminal(t *testing.T) {
	for _, cols := range []int{40, 120} {
		var out bytes.Buffer
		at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
		e := &env{stderr: &out, terminal: true, now: func() time.Time { return at }, columns: func() int { return cols }}
		b := newProgressBar(e, false)
		const total = 50000
		var lines []string
		for step := 1; step <= 50; step++ {
			at = at.Add(200 * time.Millisecond) // 10 s in all
			b.update(impex.Progress{Total: total, Counts: impex.Counts{Read: step * 1000, Rejected: step / 10}})
		}
		b.finish()
		s := out.String()
		if !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 1 {
			t.Fatalf("%d columns: the bar must stay on one line and end with one newline: %q", cols, s)
		}
		for _, draw := range strings.Split(strings.TrimSuffix(s, "\n"), "\r")[1:] {
			line, ok := strings.CutSuffix(draw, "\x1b[K")
			if !ok {
				t.Fatalf("%d columns: a redraw does not clear the rest of the line: %q", cols, draw)
			}
			if n := utf8.RuneCountInString(line); n > cols-1 || n == 0 {
				t.Fatalf("%d columns: a line of %d columns: %q", cols, n, line)
			}
			lines = append(lines, line)
		}
		if len(lines) != 51 || lines[0] != "opening the store…" {
			t.Fatalf("%d columns: %d lines, the first %q; want the opening line and 50 redraws", cols, len(lines), lines[0])
		}
		// At 1 s and 2% done no estimate; at 10 s and 98% one, on a
		// terminal wide enough for it.
		if strings.Contains(lines[5], "left") {
			t.Errorf("%d columns: an estimate after one second: %q", cols, lines[5])
		}
		if cols == 120 && !strings.Contains(lines[49], "s left") {
			t.Errorf("%d columns: no estimate late in the import: %q", cols, lines[49])
		}
		if cols == 120 && !strings.HasPrefix(lines[49], "[") {
			t.Errorf("%d columns: no bar: %q", cols, lines[49])
		}
		if !strings.Contains(lines[49], "/50000 rows") {
			t.Errorf("%d columns: the rows are not shown: %q", cols, lines[49])
		}
	}
}
