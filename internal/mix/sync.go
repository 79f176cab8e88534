package mix

import "time"

// Placement on the mix clock (the package doc explains the model).
const (
	// lipSyncHysteresis is the smallest change of a lip-sync shift that is
	// applied: sender reports refine the mapping by a few milliseconds
	// each time, and each applied change is a tiny hole or cut in audio.
	lipSyncHysteresis = 15 * time.Millisecond
	// driftStep is the size of one drift correction, and driftEvery the
	// least mix time between two of one user.
	driftStep  = 20 * time.Millisecond
	driftEvery = 500 * time.Millisecond
	// lateMargin: a frame that reaches Write less than this before its
	// play time counts as (nearly) late.
	lateMargin = 150 * time.Millisecond
)

// user is the sync group of one user's inputs: their audio and video
// share the sender's clock, so lip-sync shifts and drift corrections apply
// to all of them together.
type user struct {
	id       string
	inputs   []*Input
	adjust   time.Duration // drift correction, added to every input's time
	lastStep time.Duration // mix time of the last drift correction
	stepped  bool
}

// window is what a user's inputs saw since the last Tick.
type window struct {
	allSR            bool          // every input has sender reports
	emax             time.Duration // the largest Arrival - Wall
	lateMin, lateMax time.Duration // lateness extremes of the frames written
	seen             bool          // a frame was written
}

// sync updates the placement of the user's inputs before the mix time
// now: lip-sync shifts from the sender reports, and a drift correction
// when frames come too close to, or too far before, their play time.
func (u *user) sync(m *Mixer, now time.Duration) {
	w := window{allSR: true}
	for i, in := range u.inputs {
		in.collect(&w, i == 0, &m.stats)
	}
	if w.seen && (!u.stepped || now-u.lastStep >= driftEvery) {
		if step := driftCorrection(w, m.cfg.PlayoutDelay); step != 0 {
			u.adjust += step
			u.lastStep, u.stepped = now, true
			m.stats.DriftSteps++
		}
	}
	for _, in := range u.inputs {
		in.place(w.allSR, w.emax, u.adjust)
	}
}

// collect adds the input's sender-report and lateness state to w and
// resets its lateness window; after frames dropped from a full queue a
// video input waits for (and asks for) a keyframe.
func (in *Input) collect(w *window, first bool, st *Stats) {
	in.mu.Lock()
	w.allSR = w.allSR && in.hasSR
	if first || in.sr > w.emax {
		w.emax = in.sr
	}
	if in.lateN > 0 {
		if !w.seen || in.lateMax > w.lateMax {
			w.lateMax = in.lateMax
		}
		if !w.seen || in.lateMin < w.lateMin {
			w.lateMin = in.lateMin
		}
		w.seen = true
		in.lateN = 0
	}
	dropped := in.dropped
	st.Overflow += dropped
	in.dropped = 0
	in.mu.Unlock()
	if dropped > 0 && in.video {
		in.needKeyframe()
	}
}

// driftCorrection returns the move of a user's placement: later when
// frames come within lateMargin of their play time, earlier when they
// wait more than twice the delay (unless that would make others late).
func driftCorrection(w window, delay time.Duration) time.Duration {
	switch {
	case w.lateMax > delay-lateMargin:
		return driftStep
	case w.lateMin < -delay && w.lateMax+driftStep <= delay-lateMargin:
		return -driftStep
	}
	return 0
}

// place sets the input's offset on the mix clock. With sender reports on
// all of the user's inputs, an input whose frames arrive earlier than the
// user's most delayed one (relative to the sender's clock) is shifted
// later by the difference, so that what was captured at the same instant
// plays at the same instant.
func (in *Input) place(allSR bool, emax, adjust time.Duration) {
	shift := time.Duration(0)
	if allSR {
		in.mu.Lock()
		shift = emax - in.sr
		in.mu.Unlock()
	}
	if d := shift - in.shift; shift == 0 || d > lipSyncHysteresis || d < -lipSyncHysteresis {
		in.shift = shift
	}
	in.mu.Lock()
	in.offset = in.shift + adjust
	in.mu.Unlock()
}
