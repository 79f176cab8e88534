package ingest

import (
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// Track turns the RTP packets of one received track into Frames. Push,
// PushRaw, PushRTCP and Flush must be called from one goroutine (the one
// reading the track); Stats and BeginTime may be called from any goroutine.
type Track struct {
	cfg   Config
	video bool
	c     counters

	beginNanos atomic.Int64 // BeginTime as Unix nanoseconds; 0 before the first packet
	begun      bool
	begin      time.Time
	now        time.Time // arrival of the packet being processed
	ssrc       uint32
	prevSSRC   uint32
	hasPrev    bool

	ro      reorder
	suspect suspect
	tl      timeline
	sr      senderReport // of the current SSRC
	srOther senderReport // of another SSRC, kept for a coming SSRC change

	dep         depacketizer // video only
	asm         assembly     // video only
	needKey     bool         // video output waits for a keyframe
	discPending bool         // the next frame output starts a new epoch
	requested   bool         // a keyframe has been requested at lastReq
	lastReq     time.Time
	ptsZero     int64 // raw PTS of the first frame output
	outStarted  bool

	raw rtp.Packet // PushRaw's reused packet
}

// NewTrack returns a Track for cfg, or an errcode InvalidParameter error
// naming the first Config field that is missing or out of range.
func NewTrack(cfg Config) (*Track, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	t := &Track{cfg: cfg, video: cfg.Codec.IsVideo(), needKey: cfg.Codec.IsVideo()}
	t.ro.init(cfg.ReorderWindow)
	t.tl.init(int64(cfg.ClockRate))
	t.dep = newDepacketizer(cfg.Codec)
	return t, nil
}

// Push takes one RTP packet that arrived at arrival (the receive time, used
// for reorder timeouts and epoch changes). It may call OnFrame and
// RequestKeyframe before returning; it never blocks on I/O and never panics.
// The packet is not retained: its payload is copied if it must wait.
func (t *Track) Push(p *rtp.Packet, arrival time.Time) {
	t.c.packets.Add(1)
	if p == nil || p.Version != 2 {
		t.c.malformed.Add(1)
		return
	}
	t.accept(&p.Header, p.Payload, arrival)
}

// PushRaw is Push for a marshalled RTP packet, as read with
// TrackRemote.Read; it parses buf into a reused packet, so it does not
// allocate. A packet that does not parse (short header, bad padding,
// version not 2) is counted Malformed. buf is not retained.
func (t *Track) PushRaw(buf []byte, arrival time.Time) {
	t.c.packets.Add(1)
	if err := t.raw.Unmarshal(buf); err != nil || t.raw.Version != 2 {
		t.c.malformed.Add(1)
		return
	}
	t.accept(&t.raw.Header, t.raw.Payload, arrival)
}

// PushRTCP takes the RTCP packets received for the track (as returned by
// RTPReceiver.ReadRTCP): sender reports give the RTP-to-NTP mapping used for
// Frame.Wall. Every other packet type is ignored.
func (t *Track) PushRTCP(pkts []rtcp.Packet) {
	for _, pk := range pkts {
		sr, ok := pk.(*rtcp.SenderReport)
		if !ok || sr == nil || sr.NTPTime == 0 {
			continue
		}
		rep := senderReport{valid: true, ssrc: sr.SSRC, rtp: sr.RTPTime, ntp: ntpToTime(sr.NTPTime)}
		switch {
		case t.begun && rep.ssrc == t.ssrc, !t.begun && (!t.sr.valid || t.sr.ssrc == rep.ssrc):
			t.sr = rep
		default:
			t.srOther = rep // another SSRC: used if the track switches to it
		}
	}
}

// Flush releases everything buffered, at the end of the stream: packets
// still missing are counted Lost, complete frames are output, and a video
// frame whose last packet (marker bit) never came is dropped. The Track
// stays usable; later packets continue the same stream.
func (t *Track) Flush() {
	t.dropSuspect()
	t.releaseAll()
	if t.video && t.asm.open {
		t.finishFrame(false)
	}
}

// Stats returns the Track's counters. It is safe to call from any goroutine.
func (t *Track) Stats() Stats { return t.c.snapshot() }

// BeginTime returns the arrival time of the Track's first packet (the
// stream's BeginTimeStamp of SPEC §1), or the zero time before it. It is safe
// to call from any goroutine.
func (t *Track) BeginTime() time.Time {
	n := t.beginNanos.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// accept classifies a parsed packet and places it in the sequence.
func (t *Track) accept(h *rtp.Header, payload []byte, arrival time.Time) {
	t.now = arrival
	t.c.bytes.Add(uint64(len(payload)))
	kind := kindMedia
	if len(payload) == 0 {
		kind = kindFiller
		if !h.Padding {
			kind = kindBad // counted Malformed when released (or Late/Duplicate if not)
		}
	}
	if kind != kindMedia && (!t.begun || h.SSRC != t.ssrc) {
		// No stream to place it in: padding alone neither starts a stream
		// (BeginTime is the first media) nor switches SSRC.
		if kind == kindBad {
			t.c.malformed.Add(1)
		}
		return
	}
	switch {
	case !t.begun:
		t.start(h.SSRC, arrival)
	case h.SSRC != t.ssrc:
		if t.hasPrev && h.SSRC == t.prevSSRC {
			t.c.late.Add(1)
			return
		}
		t.switchSSRC(h.SSRC)
	}
	t.place(h.SequenceNumber, pkt{ts: h.Timestamp, marker: h.Marker, kind: kind, arrival: arrival, payload: payload})
}

// start begins the stream at its first packet.
func (t *Track) start(ssrc uint32, arrival time.Time) {
	t.begun = true
	t.begin = arrival
	n := arrival.UnixNano()
	if n == 0 {
		n = 1 // keep "started" distinguishable from "not yet"
	}
	t.beginNanos.Store(n)
	t.ssrc = ssrc
	t.pickSenderReport()
	t.asm.gap = true
	if t.video {
		t.requestKeyframe()
	}
}

// switchSSRC ends the current SSRC's epoch and starts one for ssrc.
func (t *Track) switchSSRC(ssrc uint32) {
	t.endEpoch()
	t.prevSSRC, t.hasPrev = t.ssrc, true
	t.ssrc = ssrc
	t.c.ssrcChanges.Add(1)
	t.pickSenderReport()
}

// endEpoch releases what the current epoch holds and arms the timeline so
// that the next packet starts a new epoch (PTS continued by arrival time).
func (t *Track) endEpoch() {
	t.dropSuspect()
	t.releaseAll()
	if t.video && t.asm.open {
		t.finishFrame(false)
	}
	t.ro.reset()
	t.tl.rebase = true
	t.asm.gap = true
}

// pickSenderReport keeps the sender report that belongs to the current SSRC.
func (t *Track) pickSenderReport() {
	if t.sr.valid && t.sr.ssrc == t.ssrc {
		return
	}
	if t.srOther.valid && t.srOther.ssrc == t.ssrc {
		t.sr, t.srOther = t.srOther, t.sr
		return
	}
	if t.sr.valid {
		t.srOther = t.sr
	}
	t.sr.valid = false
}

// requestKeyframe calls RequestKeyframe unless it was called less than
// KeyframeRequestInterval ago, by the arrival time of the packet being
// processed.
func (t *Track) requestKeyframe() {
	if t.cfg.RequestKeyframe == nil {
		return
	}
	now := t.now
	if t.requested && now.Sub(t.lastReq) < t.cfg.KeyframeRequestInterval {
		return
	}
	t.requested, t.lastReq = true, now
	t.c.keyframeRequests.Add(1)
	t.cfg.RequestKeyframe()
}
