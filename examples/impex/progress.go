package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/impexkit/impex"
)

// progressBar draws an import's progress on a terminal: a bar when the
// total is known, the rows done, the rate and an estimate of the time
// left. It draws nothing when stderr is not a terminal or the output is
// JSON.
type progressBar struct {
	e       *env
	active  bool
	start   time.Time
	last    time.Time
	drawn   bool
	lastLen int
}

func newProgressBar(e *env, quiet bool) *progressBar {
	return &progressBar{e: e, active: e.terminal && !quiet, start: e.now()}
}

func (b *progressBar) update(p impex.Progress) {
	if b == nil || !b.active {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond && p.Read != p.Total {
		return
	}
	b.last = now
	elapsed := now.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.Read) / elapsed
	}
	line := fmt.Sprintf("%d rows  %d rejected  %.0f rows/s", p.Read, p.Rejected, rate)
	if p.Total > 0 {
		frac := float64(p.Read) / float64(p.Total)
		filled := int(frac * 30)
		eta := ""
		if rate > 0 && p.Read < p.Total {
			eta = fmt.Sprintf("  %s left", (time.Duration(float64(p.Total-p.Read)/rate) * time.Second).Round(time.Second))
		}
		line = fmt.Sprintf("[%s%s] %3.0f%%  %d/%d rows  %d rejected  %.0f rows/s%s",
			strings.Repeat("=", filled), strings.Repeat(" ", 30-filled), frac*100, p.Read, p.Total, p.Rejected, rate, eta)
	}
	pad := ""
	if len(line) < b.lastLen {
		pad = strings.Repeat(" ", b.lastLen-len(line))
	}
	b.lastLen = len(line)
	fmt.Fprintf(b.e.stderr, "\r%s%s", line, pad)
	b.drawn = true
}

func (b *progressBar) finish() {
	if b != nil && b.drawn {
		fmt.Fprintln(b.e.stderr)
	}
}
