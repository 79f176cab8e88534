package mix

import (
	"context"
	"errors"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
)

// timeline is the output grid on the mix clock, in time since the
// Mixer's origin: video frame k at k/FPS, audio block j (one AAC frame)
// at j×size/rate.
type timeline struct {
	fps, rate, size int64
	frame, block    int64 // the next ones to produce
	started         bool
	startFrame      int64
}

func newTimeline(cfg Config, size int64) timeline {
	return timeline{fps: int64(cfg.FPS), rate: int64(cfg.SampleRate), size: size}
}

func (l *timeline) frameTime(k int64) time.Duration { return ticksToDuration(k, l.fps) }
func (l *timeline) blockTime(j int64) time.Duration { return ticksToDuration(j*l.size, l.rate) }
func (l *timeline) half() time.Duration             { return time.Second / time.Duration(2*l.fps) }
func (l *timeline) pts90(k int64) int64             { return floorDiv(k*90000, l.fps) }

// Tick produces the output due by now: every video frame and audio block
// whose time is at least PlayoutDelay before the clock's Now (so a Tick
// after a pause catches up, up to 5 s; beyond that the output jumps, see
// Stats.Skipped), encoded and written to out in time order. Nothing is
// written before the first input frame is due. Frames are shown from the
// latest picture of each input placed at most half a frame after the
// output frame's time. It returns the Sink's errors and codec failures
// (joined; the Mixer stays usable), or ErrClosed after Close.
func (m *Mixer) Tick(out Sink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return m.tickTo(m.clock.Now().Sub(m.origin)-m.cfg.PlayoutDelay, out)
}

// tickTo writes the output due by the mix time play; m.mu is held.
func (m *Mixer) tickTo(play time.Duration, out Sink) error {
	var errs error
	m.catchUp(play, out, &errs)
	for _, u := range m.users { // independent of each other: order does not matter
		u.sync(m, play)
	}
	l := &m.line
	for {
		vt := l.frameTime(l.frame)
		videoReady := vt+l.half() <= play
		audioReady := l.blockTime(l.block+1) <= play
		switch {
		case audioReady && (!videoReady || l.blockTime(l.block) < vt):
			m.audioStep(out, &errs)
		case videoReady:
			m.videoStep(out, &errs)
		default:
			m.stats.DecodeErrors += m.comp.takeFailures()
			return errs
		}
	}
}

// catchUp jumps the grid when it lags more than maxCatchUp: to play,
// after draining the output before the jump so that nothing of it follows
// (a gap in the output); before the output started, to the first queued
// frame (nothing before it is due).
func (m *Mixer) catchUp(play time.Duration, out Sink, errs *error) {
	l := &m.line
	if play-l.frameTime(l.frame) <= maxCatchUp {
		return
	}
	target := play
	if !l.started {
		for _, in := range m.inputs {
			if t, ok := in.first(); ok && t < target {
				target = t
			}
		}
	}
	next := durationTo(target, l.fps)
	if next <= l.frame {
		return
	}
	if l.started {
		m.stats.Skipped += l.frameTime(next) - l.frameTime(l.frame)
		m.drain(out, errs)
	}
	l.frame = next
	l.block = ceilDiv(durationTo(l.frameTime(l.frame), l.rate), l.size)
	m.aud.next = l.block * l.size
	m.aud.clear()
}

// videoStep produces the next video frame.
func (m *Mixer) videoStep(out Sink, errs *error) {
	l := &m.line
	m.advance(l.frameTime(l.frame))
	until := l.frameTime(l.frame) + l.half()
	if !l.started {
		if !m.anyDue(until) {
			l.frame++
			return
		}
		l.started, l.startFrame = true, l.frame
		m.begin = m.origin.Add(l.frameTime(l.frame))
		m.begun.Store(true)
		// Audio starts at the first block at or after the first picture.
		first := max(l.block, ceilDiv(durationTo(l.frameTime(l.frame), l.rate), l.size))
		for ; l.block < first; l.block++ {
			m.aud.discard(l.block * l.size)
		}
		m.aud.next = l.block * l.size
	}
	for _, in := range m.inputs {
		if in.video {
			in.decodeVideo(until)
		}
	}
	canvas := m.comp.canvas
	if err := m.comp.compose(m.rects, m.screens); err != nil {
		*errs = errors.Join(*errs, err)
	}
	canvas.SetPTS(l.pts90(l.frame))
	l.frame++
	pkts, err := m.venc.Encode(canvas)
	if err != nil {
		*errs = errors.Join(*errs, err)
	}
	m.writeVideo(out, pkts, errs)
}

func (m *Mixer) anyDue(t time.Duration) bool {
	for _, in := range m.inputs {
		if in.due(t) {
			return true
		}
	}
	return false
}

// audioStep mixes and encodes the next audio block.
func (m *Mixer) audioStep(out Sink, errs *error) {
	l, a := &m.line, &m.aud
	b0 := l.block * l.size
	until := l.blockTime(l.block + 1)
	for _, in := range m.inputs {
		if !in.video {
			a.decodeAudio(in, until, b0, &m.stats)
		}
	}
	l.block++
	if !l.started {
		a.discard(b0)
		return
	}
	f, err := a.block(b0)
	if err == nil {
		var pkts []codec.Packet
		pkts, err = a.enc.Encode(f)
		m.out.hold(a, pkts)
	}
	if err != nil {
		*errs = errors.Join(*errs, err)
	}
	m.releaseAudio(out, errs, false)
}

// finish ends the recording: the output goes on up to the clock's Now
// (what the playout delay still held is played: nothing more will come),
// then the encoders are drained into out.
func (m *Mixer) finish(out Sink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	errs := m.tickTo(m.clock.Now().Sub(m.origin), out)
	m.drain(out, &errs)
	return errs
}

// Flush drains the encoders and writes everything still held to out (at
// the end of the recording); a later Tick goes on (the H.264 stream then
// restarts with a keyframe). It returns the Sink's and encoders' errors,
// or ErrClosed after Close.
func (m *Mixer) Flush(out Sink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	var errs error
	m.drain(out, &errs)
	return errs
}

// drain flushes both encoders into out, then the held audio.
func (m *Mixer) drain(out Sink, errs *error) {
	pkts, err := m.venc.Flush()
	*errs = errors.Join(*errs, err)
	m.writeVideo(out, pkts, errs)
	apkts, err := m.aud.enc.Flush()
	*errs = errors.Join(*errs, err)
	m.out.hold(&m.aud, apkts)
	m.releaseAudio(out, errs, true)
}

// Run calls Tick once per output frame of the clock until ctx is done,
// then plays what the playout delay held (up to the clock's Now) and
// Flushes into out. Tick's errors are logged (the first, then one in
// every 10 s), not fatal. It returns the Flush error, or ErrClosed when the
// Mixer was closed.
func (m *Mixer) Run(ctx context.Context, out Sink) error {
	t := m.clock.NewTicker(time.Second / time.Duration(m.cfg.FPS))
	defer t.Stop()
	failed := 0
	for {
		select {
		case <-ctx.Done():
			return m.finish(out)
		case <-t.C():
			err := m.Tick(out)
			if errors.Is(err, ErrClosed) {
				return err
			}
			if err != nil {
				if failed%(10*m.cfg.FPS) == 0 {
					m.cfg.Logger.Warn("mix: output glitch", "err", err, "count", failed+1)
				}
				failed++
			}
		}
	}
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
