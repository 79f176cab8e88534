package ingest

import "time"

// Reasons a packet starts a new epoch.
const (
	epochSame  = iota // continues the current timeline
	epochArmed        // first packet after an SSRC change or a sequence restart
	epochJump         // timestamp stepped back, or forward beyond maxForwardJump
)

// timeline unwraps RTP timestamps into a continuous 64-bit raw PTS (ticks
// since the first packet), re-anchoring by arrival time at epoch changes.
type timeline struct {
	rate    int64
	fwd     int64 // maxForwardJump in ticks
	started bool
	rebase  bool // the next packet starts a new epoch
	lastTS  uint32
	pts     int64     // raw PTS of the last packet placed
	arrival time.Time // arrival of the last packet placed
	step    int64     // last positive PTS step (about a frame duration)
}

func (tl *timeline) init(rate int64) {
	tl.rate = rate
	tl.fwd = durationToTicks(maxForwardJump, rate)
	tl.step = 1
}

// place returns the raw PTS of a packet with RTP timestamp ts and whether
// (and why) it starts a new epoch. In a new epoch PTS continues from the
// last PTS plus the arrival time elapsed since the last packet, and at least
// one frame step, so it keeps increasing.
func (tl *timeline) place(ts uint32, arrival time.Time) (int64, int) {
	reason := epochSame
	var pts int64
	switch d := int64(int32(ts - tl.lastTS)); {
	case !tl.started:
		tl.started = true
	case tl.rebase:
		reason = epochArmed
	case d > tl.fwd || d < 0:
		reason = epochJump
	default:
		pts = tl.pts + d
		if d > 0 {
			tl.step = d
		}
	}
	if reason != epochSame {
		pts = tl.pts + max(durationToTicks(arrival.Sub(tl.arrival), tl.rate), tl.step)
	}
	tl.rebase = false
	tl.lastTS, tl.pts, tl.arrival = ts, pts, arrival
	return pts, reason
}

// durationToTicks converts d to clock ticks without overflowing for any
// duration time.Duration can hold.
func durationToTicks(d time.Duration, rate int64) int64 {
	sec := int64(d / time.Second)
	rem := int64(d % time.Second)
	return sec*rate + rem*rate/int64(time.Second)
}

// ticksToDuration converts clock ticks to a duration.
func ticksToDuration(ticks, rate int64) time.Duration {
	sec := ticks / rate
	rem := ticks % rate
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/rate)
}

// senderReport is the RTP-to-NTP mapping of an RTCP sender report.
type senderReport struct {
	valid bool
	ssrc  uint32
	rtp   uint32
	ntp   time.Time
}

// ntpEpochOffset is the number of seconds from 1900-01-01 (NTP) to
// 1970-01-01 (Unix).
const ntpEpochOffset = 2208988800

// ntpToTime converts a 64-bit NTP timestamp; seconds below 2^31 are taken
// as NTP era 1 (from 2036 on).
func ntpToTime(ntp uint64) time.Time {
	sec := int64(ntp >> 32)
	if sec < 1<<31 {
		sec += 1 << 32
	}
	nsec := int64((ntp & 0xffffffff) * uint64(time.Second) >> 32)
	return time.Unix(sec-ntpEpochOffset, nsec)
}

// wall returns the wall-clock time of a frame with RTP timestamp ts and raw
// PTS raw: by the current SSRC's sender report when there is one, else by
// the first packet's arrival plus media time.
func (t *Track) wall(ts uint32, raw int64) time.Time {
	rate := int64(t.cfg.ClockRate)
	if t.sr.valid && t.sr.ssrc == t.ssrc {
		return t.sr.ntp.Add(ticksToDuration(int64(int32(ts-t.sr.rtp)), rate))
	}
	return t.arrival(raw)
}

// arrival returns the receiver-clock time of raw PTS raw: the first
// packet's arrival plus media time.
func (t *Track) arrival(raw int64) time.Time {
	return t.begin.Add(ticksToDuration(raw, int64(t.cfg.ClockRate)))
}

// outPTS converts a raw PTS to the output PTS, which is 0 at the first
// frame output.
func (t *Track) outPTS(raw int64) int64 {
	if !t.outStarted {
		t.outStarted = true
		t.ptsZero = raw
	}
	return raw - t.ptsZero
}
