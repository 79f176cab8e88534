package mp4

import "github.com/roomrec/roomrec/internal/mpegts"

// Timestamps in MPEG-TS are 33-bit 90 kHz values that wrap (every 26.5 h)
// and may jump; the output timeline is a plain int64 in 90 kHz ticks.
const backJump = 90000 // a segment starting more than 1 s back without a discontinuity tag starts a new timeline

// maxFrameStep is the longest DTS step taken for a video frame's duration;
// a longer one is a gap.
const maxFrameStep = 90000

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// timeline maps one playlist's raw timestamps to the output timeline.
// Consecutive samples (of any track of the playlist, in read order)
// continue from each other, which unwraps the 33-bit values. Each segment
// begins at the timestamp of its first PES packet in file order: at a
// segment marked #EXT-X-DISCONTINUITY the timeline goes on unchanged when
// the timestamps go forward (the wall-clock gap is kept); when they go back
// (a new timeline) the segment is placed at the end of the media so far. A
// segment without the tag that starts more than a second back is treated
// the same way. (Inside a segment samples are not in time order across
// tracks: a video PES is complete only when the next one starts.)
type timeline struct {
	started bool
	base    int64 // the playlist's offset on the output timeline
	lastRaw int64
	lastOut int64
	end     int64 // end of the playlist's media so far
	disc    bool  // the segment being begun is marked discontinuous
}

// begin starts a segment whose first PES packet has the raw timestamp raw.
func (t *timeline) begin(raw int64) {
	if !t.started {
		t.started = true
		t.lastRaw, t.lastOut, t.end = raw, t.base, t.base
		return
	}
	out := t.lastOut + mpegts.WrapDelta(raw, t.lastRaw)
	if (t.disc && out < t.end) || (!t.disc && out < t.end-backJump) {
		out = t.end
	}
	t.lastRaw, t.lastOut = raw, out
}

// place returns the output time of raw, the 33-bit timestamp of the next
// sample in read order.
func (t *timeline) place(raw int64) int64 {
	out := t.lastOut + mpegts.WrapDelta(raw, t.lastRaw)
	t.lastRaw, t.lastOut = raw, out
	return out
}

// extend notes that the media so far ends at least at end.
func (t *timeline) extend(end int64) { t.end = max(t.end, end) }

// kindState keeps one track's decoding times strictly increasing across
// segments, and audio frames back to back when their timestamps say so
// within half a frame (90 kHz timestamps cannot express 1024/44100 s).
type kindState struct {
	cfg  *streamCfg
	have bool
	last int64 // last DTS, in the track's timescale
	next int64 // audio: the DTS that continues the last frame
	tol  int64 // audio: half the last frame
	step int64 // video: last DTS step up to maxFrameStep (90 kHz)
}

// videoDTS returns the DTS of a video sample placed at t90.
func (st *kindState) videoDTS(t90 int64) int64 {
	if st.have {
		t90 = max(t90, st.last+1)
		if d := t90 - st.last; d <= maxFrameStep {
			st.step = d
		}
	}
	st.have, st.last = true, t90
	return t90
}

// audioDTS returns the DTS (in rate units) of an audio frame of n samples
// placed at t90.
func (st *kindState) audioDTS(t90, rate, n int64) int64 {
	dts := floorDiv(t90*rate, 90000)
	if st.have {
		if d := dts - st.next; d >= -st.tol && d <= st.tol {
			dts = st.next
		}
		dts = max(dts, st.last+1)
	}
	st.have, st.last, st.next, st.tol = true, dts, dts+n, n/2
	return dts
}
