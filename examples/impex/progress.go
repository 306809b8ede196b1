package main

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex"
)

// progressBar draws an import's progress on one terminal line: a bar when
// the total is known, the rows done and rejected, the rate, and an
// estimate of the time left once the rate can be trusted. The line is
// fitted to the terminal's width, so it never wraps, and redrawn in place.
// It draws nothing when stderr is not a terminal or the output is JSON.
type progressBar struct {
	e      *env
	active bool
	start  time.Time
	last   time.Time
	drawn  bool
}

// The estimate of the time left waits for estimateAfter of work and
// estimateShare of the rows: an early rate includes the start-up.
const (
	redrawEvery   = 100 * time.Millisecond
	estimateAfter = 2 * time.Second
	estimateShare = 0.05
)

// newProgressBar starts the bar, saying at once that the store is being
// opened, which can take a while (another process may hold it).
func newProgressBar(e *env, quiet bool) *progressBar {
	b := &progressBar{e: e, active: e.terminal && !quiet, start: e.now()}
	if b.active {
		b.draw("opening the store…")
	}
	return b
}

func (b *progressBar) update(p impex.Progress) {
	if b == nil || !b.active {
		return
	}
	now := b.e.now()
	if now.Sub(b.last) < redrawEvery && p.Read != p.Total {
		return
	}
	b.last = now
	b.draw(progressLine(p, now.Sub(b.start), b.width())...)
}

// width returns the columns the line may use: one less than the
// terminal's, since writing the last column makes some terminals wrap.
func (b *progressBar) width() int {
	w := 80
	if b.e.columns != nil {
		if n := b.e.columns(); n > 0 {
			w = n
		}
	}
	return w - 1
}

// progressLine returns the parts of the line for p after elapsed, in the
// order they are written; the bar, if any, is sized to fit width.
func progressLine(p impex.Progress, elapsed time.Duration, width int) []string {
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.Read) / s
	}
	parts := []string{fmt.Sprintf("%d rows", p.Read), fmt.Sprintf("%d rejected", p.Rejected), fmt.Sprintf("%.0f rows/s", rate)}
	if p.Total <= 0 {
		return parts
	}
	frac := min(float64(p.Read)/float64(p.Total), 1)
	parts[0] = fmt.Sprintf("%d/%d rows", p.Read, p.Total)
	if elapsed >= estimateAfter && frac >= estimateShare && p.Read < p.Total && rate > 0 {
		left := time.Duration(float64(p.Total-p.Read)/rate) * time.Second
		parts = append(parts, left.Round(time.Second).String()+" left")
	}
	parts = append([]string{fmt.Sprintf("%3.0f%%", frac*100)}, parts...)
	// The bar takes what the text leaves, up to 30 columns; below 10 it
	// is left out.
	text := utf8.RuneCountInString(strings.Join(parts, "  "))
	if n := min(width-text-4, 30); n >= 10 {
		filled := int(frac * float64(n))
		parts = append([]string{"[" + strings.Repeat("=", filled) + strings.Repeat(" ", n-filled) + "]"}, parts...)
	}
	return parts
}

// draw writes the parts that fit the width, separated by two spaces, from
// the start of the line, and clears the rest of it.
func (b *progressBar) draw(parts ...string) {
	width := b.width()
	line := ""
	for _, p := range parts {
		next := p
		if line != "" {
			next = line + "  " + p
		}
		if utf8.RuneCountInString(next) > width {
			break
		}
		line = next
	}
	if line == "" && len(parts) > 0 { // not even the first part fits
		first := []rune(parts[0])
		line = string(first[:min(len(first), max(width, 0))])
	}
	fmt.Fprintf(b.e.stderr, "\r%s\x1b[K", line)
	b.drawn = true
}

func (b *progressBar) finish() {
	if b != nil && b.drawn {
		fmt.Fprintln(b.e.stderr)
	}
}
