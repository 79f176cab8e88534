package merge

import (
	"fmt"
	"io"
	"strings"
)

// progressWidth is the bar's width in characters.
const progressWidth = 30

// progress draws a bar of the bytes read so far (each recorded file is
// read twice: measured, then remuxed or re-encoded) on one terminal line,
// redrawn with '\r' when the whole percentage changes. A nil writer draws
// nothing.
type progress struct {
	w     io.Writer
	total int64
	done  int64
	shown int // percentage last drawn, -1 before the first
	label string
}

// newProgress returns a bar for total bytes.
func newProgress(w io.Writer, total int64) *progress {
	return &progress{w: w, total: max(total, 1), shown: -1}
}

// setLabel names what is being done (a user) and redraws.
func (p *progress) setLabel(label string) {
	p.label = label
	p.draw(true)
}

// add counts n more bytes read.
func (p *progress) add(n int) {
	p.done += int64(n)
	p.draw(false)
}

// draw redraws the bar if the percentage changed (or always when force).
func (p *progress) draw(force bool) {
	if p.w == nil {
		return
	}
	pct := int(min(p.done*100/p.total, 100))
	if pct == p.shown && !force {
		return
	}
	p.shown = pct
	full := pct * progressWidth / 100
	// A failed write to the terminal must not stop the merge: ignored.
	_, _ = fmt.Fprintf(p.w, "\r[%s%s] %3d%% %-20.20s", strings.Repeat("#", full), strings.Repeat(".", progressWidth-full), pct, p.label)
}

// finish completes the line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.done, p.label = p.total, "done"
	p.draw(true)
	_, _ = io.WriteString(p.w, "\n")
}
