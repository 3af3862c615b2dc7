package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar draws a one-line bar on a terminal. On anything else (a
// file, a pipe, CI logs) it draws nothing, so logs stay clean.
type progressBar struct {
	w     io.Writer
	label string
	total int64 // 0 when unknown: a counter instead of a bar
	on    bool

	mu   sync.Mutex
	last time.Time
}

// newProgress returns a bar on w when w is a terminal.
func newProgress(w io.Writer, label string, total int64) *progressBar {
	return &progressBar{w: w, label: label, total: total, on: isTerminal(w)}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update redraws the bar at most ten times a second.
func (p *progressBar) update(done int64, note string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.draw(done, note)
	}
}

func (p *progressBar) draw(done int64, note string) {
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%s %s", p.label, note)
		return
	}
	const width = 30
	frac := min(float64(done)/float64(p.total), 1)
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %s", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), 100*frac, note)
}

// finish ends the bar's line.
func (p *progressBar) finish(done int64, note string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(done, note)
	fmt.Fprintln(p.w)
}
