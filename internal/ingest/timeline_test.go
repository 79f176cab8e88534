package ingest

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// last returns the final packet of a stream.
func last(pkts []sent) sent { return pkts[len(pkts)-1] }

// checkEpoch asserts the frames after an epoch change: the first frame
// out is unit first, marked Discontinuity, with PTS = the last raw PTS
// before + the arrival time elapsed (at least one frame step) + the frames
// since the new epoch's first unit; the following ones step on regularly.
func checkEpoch(t *testing.T, c *clip, frames []Frame, before sent, lastPTS int64, after []sent, first int) {
	t.Helper()
	rate := int64(c.codec.ClockRate())
	elapsed := durationToTicks(after[0].arrival.Sub(before.arrival), rate)
	want := lastPTS + max(elapsed, int64(c.step)) + int64(first-after[0].au)*int64(c.step)
	if len(frames) == 0 || frames[0].PTS != want || !frames[0].Discontinuity || !c.equal(frames[0], first) {
		t.Fatalf("first frame of the epoch: %+v, want PTS %d, unit %d", frames[0].PTS, want, first)
	}
	for k, f := range frames {
		if f.PTS != want+int64(k)*int64(c.step) || (k > 0 && f.Discontinuity) || !c.equal(f, first+k) {
			t.Fatalf("frame %d of the epoch: PTS %d disc %v", k, f.PTS, f.Discontinuity)
		}
	}
}

// TestSSRCChange: the publisher restarts its encoder (new SSRC, random
// sequence and timestamp bases) 700 ms after its last packet. PTS continues
// by arrival time; video waits for a keyframe; the old SSRC's stragglers
// are Late.
func TestSSRCChange(t *testing.T) {
	cases := []struct {
		clip      *clip
		split, to int // units [0, split) on SSRC A, [split, to) on SSRC B
		firstOut  int // first unit output on SSRC B
	}{
		{loadH264(t), 45, 150, 45},   // new encoder starts with an IDR
		{loadH264(t), 50, 150, 60},   // joins on P-frames: wait for the IDR
		{loadVP8(t), 45, 150, 45},    // VP8, starts with a key frame
		{loadOpus(t), 250, 501, 250}, // audio: no gating
	}
	for _, tc := range cases {
		c := tc.clip
		t.Run(c.codec.String(), func(t *testing.T) {
			a := packetize(c, 0, tc.split, 0xaaaa, 65500, 4294960000, t0)
			b := packetize(c, tc.split, tc.to, 0xbbbb, 1234, 777777, last(a).arrival.Add(700*time.Millisecond))
			h := newHarness(t, c.codec, nil)
			h.push(a)
			h.push(b[:3])
			h.tr.Push(a[len(a)-2].p, b[2].arrival) // straggler of SSRC A
			h.push(b[3:])
			h.tr.Flush()
			checkFrames(t, c, h.out.frames[:tc.split], units(a))
			checkEpoch(t, c, h.out.frames[tc.split:], last(a), int64(tc.split-1)*int64(c.step), b, tc.firstOut)
			st := h.tr.Stats()
			want := Stats{Packets: uint64(len(a) + len(b) + 1), Late: 1, FramesOut: uint64(tc.split + tc.to - tc.firstOut),
				FramesDropped: uint64(tc.firstOut - tc.split), SSRCChanges: 1, Discontinuities: 1}
			st.Bytes, st.KeyframeRequests = 0, 0
			if st != want {
				t.Fatalf("stats %+v\nwant  %+v", st, want)
			}
		})
	}
}

// TestWrap: sequence numbers and timestamps wrap in the middle of the
// stream without any effect on the output.
func TestWrap(t *testing.T) {
	for _, c := range []*clip{loadH264(t), loadOpus(t)} {
		t.Run(c.codec.String(), func(t *testing.T) {
			pkts := packetize(c, 0, 60, 1, 65530, uint32(1<<32-3*int64(c.step)-1), t0)
			h := newHarness(t, c.codec, nil)
			h.push(pkts)
			checkFrames(t, c, h.out.frames, units(pkts))
			if st := h.tr.Stats(); st.Discontinuities != 0 || st.Lost != 0 || st.Late != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestTimestampJump: a forward step over 10 s or any backward step in the
// same SSRC starts a new epoch continued by arrival time; a forward step
// under 10 s (a paused sender) is a plain gap in PTS.
func TestTimestampJump(t *testing.T) {
	cases := []struct {
		name     string
		clip     *clip
		jump     int64 // ticks added to the timestamps from unit split on
		split    int
		firstOut int
		epoch    bool
	}{
		{"forward 20 s at an IDR", loadH264(t), 20 * 90000, 30, 30, true},
		{"forward 20 s at a P-frame", loadH264(t), 20 * 90000, 35, 45, true},
		{"backward 5 s", loadH264(t), -5 * 90000, 30, 30, true},
		{"backward two frames", loadH264(t), -12000, 30, 30, true},
		{"forward 9 s is a gap", loadH264(t), 9 * 90000, 30, 30, false},
		{"audio forward 11 s", loadOpus(t), 11 * 48000, 100, 100, true},
	}
	for _, tc := range cases {
		c := tc.clip
		t.Run(tc.name, func(t *testing.T) {
			a := packetize(c, 0, tc.split, 5, 100, 1000, t0)
			ts := uint32(int64(1000) + int64(tc.split)*int64(c.step) + tc.jump)
			b := packetize(c, tc.split, tc.split+30, 5, a[len(a)-1].p.SequenceNumber+1, ts, last(a).arrival.Add(time.Millisecond))
			h := newHarness(t, c.codec, nil)
			h.push(a)
			h.push(b)
			h.tr.Flush()
			after := h.out.frames[tc.split:]
			if !tc.epoch {
				if after[0].Discontinuity || after[0].PTS != int64(tc.split)*int64(c.step)+tc.jump {
					t.Fatalf("gap: PTS %d disc %v", after[0].PTS, after[0].Discontinuity)
				}
				return
			}
			checkEpoch(t, c, after, last(a), int64(tc.split-1)*int64(c.step), b, tc.firstOut)
			if st := h.tr.Stats(); st.Discontinuities != 1 || st.FramesDropped != uint64(tc.firstOut-tc.split) {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestSequenceRestart: the same SSRC restarts its sequence numbers far
// away; two consecutive packets confirm it and a new epoch begins. A lone
// packet far out of sequence is dropped as Late.
func TestSequenceRestart(t *testing.T) {
	c := loadH264(t)
	a := packetize(c, 0, 30, 5, 100, 1000, t0)
	b := packetize(c, 30, 60, 5, 20000, 99999, last(a).arrival.Add(300*time.Millisecond))
	stray := *a[10].p
	stray.SequenceNumber += 9000
	h := newHarness(t, c.codec, nil)
	h.push(a[:20])
	h.tr.Push(&stray, a[19].arrival)
	h.push(a[20:])
	h.push(b)
	h.tr.Flush()
	checkFrames(t, c, h.out.frames[:30], units(a))
	checkEpoch(t, c, h.out.frames[30:], last(a), 29*6000, b, 30)
	if st := h.tr.Stats(); st.Late != 1 || st.Discontinuities != 1 || st.Lost != 0 || st.SSRCChanges != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// ntpOf is the 64-bit NTP timestamp of tm.
func ntpOf(tm time.Time) uint64 {
	sec := uint64(tm.Unix() + ntpEpochOffset)
	frac := uint64(tm.Nanosecond()) << 32 / uint64(time.Second)
	return sec<<32 | frac
}

// TestSenderReportWall: with a sender report, Wall is the sender's NTP
// time of the frame; reports of other SSRCs wait for a switch to them.
func TestSenderReportWall(t *testing.T) {
	c := loadOpus(t)
	a := packetize(c, 0, 100, 0xa, 1, 1000, t0)
	b := packetize(c, 100, 200, 0xb, 1, 5000, last(a).arrival.Add(time.Second))
	ntpA := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ntpB := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, c.codec, nil)
	h.push(a[:50])
	h.tr.PushRTCP([]rtcp.Packet{
		&rtcp.SenderReport{SSRC: 0xa, NTPTime: ntpOf(ntpA), RTPTime: a[50].p.Timestamp},
		&rtcp.SenderReport{SSRC: 0xb, NTPTime: ntpOf(ntpB), RTPTime: b[10].p.Timestamp},
		&rtcp.PictureLossIndication{MediaSSRC: 0xa},
	})
	h.push(a[50:])
	h.push(b)
	f := h.out.frames
	if want := t0.Add(49 * 20 * time.Millisecond); !f[49].Wall.Equal(want) {
		t.Fatalf("before the report: %v, want %v", f[49].Wall, want)
	}
	if !f[50].Wall.Equal(ntpA) || !f[99].Wall.Equal(ntpA.Add(49*20*time.Millisecond)) {
		t.Fatalf("by the report: %v, %v", f[50].Wall, f[99].Wall)
	}
	if !f[110].Wall.Equal(ntpB) || !f[100].Wall.Equal(ntpB.Add(-200*time.Millisecond)) {
		t.Fatalf("after the switch: %v, %v", f[100].Wall, f[110].Wall)
	}
	// Arrival ignores sender reports: it stays on the receiver's clock.
	for _, i := range []int{0, 49, 50, 99} {
		if want := t0.Add(time.Duration(i) * 20 * time.Millisecond); !f[i].Arrival.Equal(want) {
			t.Fatalf("frame %d: arrival %v, want %v", i, f[i].Arrival, want)
		}
	}
}

// TestSenderReportBeforeFirstPacket: reports that arrive before any media,
// for the track's SSRC and for another one, are both kept.
func TestSenderReportBeforeFirstPacket(t *testing.T) {
	c := loadOpus(t)
	a := packetize(c, 0, 10, 0xa, 1, 1000, t0)
	ntpA := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, c.codec, nil)
	h.tr.PushRTCP([]rtcp.Packet{
		&rtcp.SenderReport{SSRC: 0xa, NTPTime: ntpOf(ntpA), RTPTime: 1000},
		&rtcp.SenderReport{SSRC: 0xb, NTPTime: ntpOf(ntpA.Add(time.Hour)), RTPTime: 1000},
		&rtcp.SenderReport{SSRC: 0xa, NTPTime: 0, RTPTime: 1000}, // no NTP time: ignored
	})
	h.push(a)
	if !h.out.frames[0].Wall.Equal(ntpA) || !h.out.frames[9].Wall.Equal(ntpA.Add(180*time.Millisecond)) {
		t.Fatalf("wall %v .. %v", h.out.frames[0].Wall, h.out.frames[9].Wall)
	}
}

// TestNTPEra: NTP seconds wrap in 2036; small values are era 1.
func TestNTPEra(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2025, 6, 1, 12, 0, 0, 500_000_000, time.UTC),
		time.Date(2036, 2, 7, 6, 28, 15, 0, time.UTC),
		time.Date(2036, 2, 7, 6, 28, 17, 0, time.UTC),
		time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		sec := tm.Unix() + ntpEpochOffset
		ntp := uint64(sec)<<32 | uint64(tm.Nanosecond())<<32/uint64(time.Second)
		if got := ntpToTime(ntp); got.Sub(tm).Abs() > time.Microsecond {
			t.Errorf("%v -> %v", tm, got)
		}
	}
}
