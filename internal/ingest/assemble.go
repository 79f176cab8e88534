package ingest

// assembly is the video frame being put together from released packets.
type assembly struct {
	open   bool   // a frame has packets and its marker has not been seen
	gap    bool   // packets may be missing right before the next packet
	broken bool   // the open frame lost or mangled a packet
	ts     uint32 // RTP timestamp of the open frame
	pts    int64  // raw PTS of the open frame
}

// frameInfo is what a depacketizer knows about a finished frame.
type frameInfo struct {
	media bool // carries picture data (not only parameter sets)
	key   bool // decodes on its own
	ready bool // a keyframe whose parameter sets are known
}

// depacketizer reassembles the frames of one video codec. Buffers are
// reused from frame to frame.
type depacketizer interface {
	// reset starts a new frame.
	reset()
	// startsFrame reports whether payload certainly begins a frame (used
	// after a gap, when earlier packets of the frame may be missing).
	startsFrame(payload []byte) bool
	// push adds the next packet's payload, or returns why it is malformed.
	push(payload []byte) error
	// finish ends the frame: it returns an error when the frame is
	// incomplete by its own structure (an unfinished fragment).
	finish() (frameInfo, error)
	// output returns the frame's NAL units (H.264/H.265) or data (the
	// others), valid until the next reset; key says it is a keyframe.
	output(key bool) (nalus [][]byte, data []byte)
}

// newDepacketizer returns the depacketizer of a video codec, nil for audio.
func newDepacketizer(c Codec) depacketizer {
	switch c {
	case H264:
		return &h26x{}
	case H265:
		return &h26x{hevc: true}
	case VP8:
		return &vp8Depacketizer{}
	case VP9:
		return &vp9Depacketizer{}
	case AV1:
		return &av1Depacketizer{}
	}
	return nil
}

// process hands one released packet to the timeline and the codec.
func (t *Track) process(p *pkt) {
	switch p.kind {
	case kindFiller:
		return
	case kindBad:
		t.c.malformed.Add(1)
		if t.video {
			t.videoGap() // breaks the frame like a loss
		}
		return
	}
	raw, reason := t.tl.place(p.ts, p.arrival)
	if !t.video {
		t.audioPacket(p, raw, reason)
		return
	}
	a := &t.asm
	if a.open && raw != a.pts {
		t.finishFrame(true) // the frame ended without a marker bit; nothing was lost
	}
	if reason != epochSame {
		t.newEpoch(reason)
	}
	t.videoPacket(p, raw)
}

// newEpoch marks the next frame output as a discontinuity; video waits for
// a keyframe.
func (t *Track) newEpoch(reason int) {
	t.c.discontinuities.Add(1)
	t.discPending = true
	if reason == epochJump {
		t.sr.valid = false // the old RTP-to-NTP mapping does not hold across the jump
	}
	if t.video {
		t.needKey = true
	}
}

// videoGap records that packets are missing at this point of the sequence:
// an open frame is broken, and the next frame is broken unless its first
// packet certainly begins it.
func (t *Track) videoGap() {
	if t.asm.open {
		t.asm.broken = true
	}
	t.asm.gap = true
	t.needKey = true
	t.requestKeyframe()
}

// videoPacket adds a media packet to the open frame or opens a new one.
func (t *Track) videoPacket(p *pkt, raw int64) {
	a := &t.asm
	if !a.open {
		a.open, a.ts, a.pts = true, p.ts, raw
		a.broken = a.gap && !t.dep.startsFrame(p.payload)
		t.dep.reset()
	} else if a.gap {
		a.broken = true
	}
	a.gap = false
	if !a.broken {
		if err := t.dep.push(p.payload); err != nil {
			t.c.malformed.Add(1)
			a.broken = true
		}
	}
	if p.marker {
		t.finishFrame(true)
	}
}

// finishFrame ends the open frame: output it if it is whole and decodable
// (a keyframe, or anything after one), else drop it and ask for a keyframe.
// complete is false when the frame's end never came (Flush, new SSRC).
func (t *Track) finishFrame(complete bool) {
	a := &t.asm
	a.open = false
	if !complete || a.broken {
		t.dropFrame()
		return
	}
	info, err := t.dep.finish()
	switch {
	case err != nil:
		t.c.malformed.Add(1)
		t.dropFrame()
	case !info.media:
		// Parameter sets only: cached by the depacketizer, nothing to show.
	case t.needKey && !info.key, info.key && !info.ready:
		t.dropFrame()
	default:
		t.emitVideo(info.key)
	}
}

// dropFrame counts a frame not output; video then waits for a keyframe.
func (t *Track) dropFrame() {
	t.c.framesDropped.Add(1)
	t.needKey = true
	t.requestKeyframe()
}

// emitVideo hands the finished frame to OnFrame.
func (t *Track) emitVideo(key bool) {
	a := &t.asm
	f := Frame{
		PTS:           t.outPTS(a.pts),
		Wall:          t.wall(a.ts, a.pts),
		Arrival:       t.arrival(a.pts),
		Keyframe:      key,
		Discontinuity: t.discPending,
	}
	f.NALUs, f.Data = t.dep.output(key)
	t.needKey, t.discPending = false, false
	t.c.framesOut.Add(1)
	t.cfg.OnFrame(f)
}

// audioPacket outputs one Opus packet as a frame. A lost packet is just
// missing: the next frame's PTS shows the gap.
func (t *Track) audioPacket(p *pkt, raw int64, reason int) {
	if reason != epochSame {
		t.newEpoch(reason)
	}
	dur, err := opusDuration(p.payload)
	if err != nil {
		t.c.malformed.Add(1)
		t.c.framesDropped.Add(1)
		return
	}
	f := Frame{
		PTS:           t.outPTS(raw),
		Duration:      dur,
		Wall:          t.wall(p.ts, raw),
		Arrival:       t.arrival(raw),
		Data:          p.payload,
		Keyframe:      true,
		Discontinuity: t.discPending,
	}
	t.discPending = false
	t.c.framesOut.Add(1)
	t.cfg.OnFrame(f)
}
