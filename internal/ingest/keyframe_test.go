package ingest

import (
	"testing"
	"time"
)

// TestNoKeyframeFor5s: 5 s of P-frames, then an IDR: nothing comes out
// before the IDR, and keyframes are requested once per interval.
func TestNoKeyframeFor5s(t *testing.T) {
	c := loadH264(t)
	var idx []int
	for i := 1; len(idx) < 75; i++ {
		if !c.keys[i] {
			idx = append(idx, i)
		}
	}
	idr := 90
	idx = append(idx, idr)
	for i := idr + 1; i < idr+15; i++ {
		idx = append(idx, i)
	}
	pkts := packetizeUnits(c, idx, 3, 10, 10, t0)
	h := newHarness(t, c.codec, nil)
	h.push(pkts)
	if len(h.out.frames) != 15 || h.out.frames[0].PTS != 0 || !h.out.frames[0].Keyframe || !c.equal(h.out.frames[0], idr) {
		t.Fatalf("%d frames out; first %+v", len(h.out.frames), h.out.frames[0].PTS)
	}
	for k, f := range h.out.frames {
		if !c.equal(f, idx[75+k]) || f.PTS != int64(k)*6000 {
			t.Fatalf("frame %d differs", k)
		}
	}
	// Requests at 0 s (start) and then at the first dropped frame at least
	// 1 s after the previous request: 1.0, 2.0, 3.0 and 4.0 s.
	if len(h.requests) != 5 || !h.requests[0].Equal(t0) || h.requests[4].Sub(t0) >= 5*time.Second {
		t.Fatalf("requests at %v", h.requests)
	}
	checkThrottle(t, h, time.Second)
	if st := h.tr.Stats(); st.FramesDropped != 75 || st.FramesOut != 15 || st.KeyframeRequests != 5 {
		t.Fatalf("stats %+v", st)
	}
}

// TestThrottleInterval: a custom interval on the injected clock.
func TestThrottleInterval(t *testing.T) {
	c := loadH264(t)
	var idx []int
	for i := 1; i < 150; i++ {
		if !c.keys[i] {
			idx = append(idx, i)
		}
	}
	h := newHarness(t, c.codec, func(cfg *Config) { cfg.KeyframeRequestInterval = 3 * time.Second })
	h.push(packetizeUnits(c, idx, 3, 10, 10, t0)) // 140 P-frames: 9.3 s
	checkThrottle(t, h, 3*time.Second)
	if len(h.requests) != 4 || len(h.out.frames) != 0 {
		t.Fatalf("%d requests, %d frames", len(h.requests), len(h.out.frames))
	}
}

// withoutParameterSets returns c with the SPS/PPS (and VPS) removed from
// the units idx.
func withoutParameterSets(c *clip, idx ...int) *clip {
	d := *c
	d.aus = append([][][]byte(nil), c.aus...)
	h := &h26x{hevc: c.codec == H265}
	for _, i := range idx {
		var au [][]byte
		for _, n := range c.aus[i] {
			if _, _, ps := h.classify(h.naluType(n)); ps == psNone {
				au = append(au, n)
			}
		}
		d.aus[i] = au
	}
	return &d
}

// TestParameterSetsPrepended: keyframes that lack their parameter sets get
// the cached ones, so the output equals the original stream.
func TestParameterSetsPrepended(t *testing.T) {
	for _, c := range []*clip{loadH264(t), loadH265(t)} {
		t.Run(c.codec.String(), func(t *testing.T) {
			stripped := withoutParameterSets(c, 15, 30)
			pkts := packetize(stripped, 0, 45, 1, 1, 1, t0)
			h := newHarness(t, c.codec, nil)
			h.push(pkts)
			checkFrames(t, c, h.out.frames, units(pkts))
			if len(stripped.aus[15]) >= len(c.aus[15]) {
				t.Fatal("nothing was stripped")
			}
		})
	}
}

// TestIDRWithoutParameterSets: an IDR before any SPS/PPS was seen is not
// usable: it is dropped like a broken frame, and output starts at the next
// IDR that carries them.
func TestIDRWithoutParameterSets(t *testing.T) {
	c := loadH264(t)
	pkts := packetize(withoutParameterSets(c, 0), 0, 45, 1, 1, 1, t0)
	h := newHarness(t, c.codec, nil)
	h.push(pkts)
	checkFrames(t, c, h.out.frames, units(pkts)[15:])
	if st := h.tr.Stats(); st.FramesDropped != 15 || st.FramesOut != 30 || st.KeyframeRequests != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestFlushMidFrame: the publisher stops in the middle of a frame: Flush
// drops it; a gap still held in the reorder buffer is counted lost.
func TestFlushMidFrame(t *testing.T) {
	c := loadH264(t)
	pkts := packetize(c, 0, 6, 1, 1, 1, t0)
	var cut int // first packet of unit 5
	for cut = range pkts {
		if pkts[cut].au == 5 {
			break
		}
	}
	if len(pkts)-cut < 2 {
		t.Fatal("unit 5 needs two packets")
	}
	h := newHarness(t, c.codec, nil)
	h.push(pkts[:len(pkts)-1])
	h.tr.Flush()
	checkFrames(t, c, h.out.frames, []int{0, 1, 2, 3, 4})
	if st := h.tr.Stats(); st.FramesDropped != 1 || st.Lost != 0 {
		t.Fatalf("stats %+v", st)
	}

	// Same, with the first packet of unit 5 missing: its followers wait in
	// the reorder buffer until Flush.
	h = newHarness(t, c.codec, nil)
	h.push(pkts[:cut])
	h.push(pkts[cut+1:])
	if len(h.out.frames) != 5 {
		t.Fatalf("%d frames before Flush", len(h.out.frames))
	}
	h.tr.Flush()
	if st := h.tr.Stats(); st.FramesDropped != 1 || st.Lost != 1 || st.FramesOut != 5 {
		t.Fatalf("stats %+v", st)
	}
}

// TestPaddingPackets: padding-only packets (bandwidth probes) take sequence
// numbers but are neither losses nor malformed; pushed marshalled through
// PushRaw.
func TestPaddingPackets(t *testing.T) {
	for _, c := range []*clip{loadVP8(t), loadOpus(t)} {
		t.Run(c.codec.String(), func(t *testing.T) {
			pkts := packetize(c, 0, 40, 1, 65000, 1, t0)
			h := newHarness(t, c.codec, nil)
			seq := uint16(65000)
			for _, s := range pkts {
				h.tr.PushRaw(marshal(t, s.p, seq), s.arrival)
				seq++
				if s.p.Marker {
					pad := *s.p
					pad.Padding, pad.PaddingSize, pad.Payload, pad.Marker = true, 20, nil, false
					h.tr.PushRaw(marshal(t, &pad, seq), s.arrival)
					seq++
				}
			}
			h.tr.Flush()
			checkFrames(t, c, h.out.frames, units(pkts))
			if st := h.tr.Stats(); st.Lost != 0 || st.Malformed != 0 || st.FramesDropped != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestPaddingBeforeMedia: a padding probe before the first media packet,
// or from another SSRC, neither starts the stream nor switches SSRC.
func TestPaddingBeforeMedia(t *testing.T) {
	c := loadOpus(t)
	pkts := packetize(c, 0, 5, 1, 1, 1, t0.Add(time.Second))
	h := newHarness(t, c.codec, nil)
	pad := *pkts[0].p
	pad.Padding, pad.PaddingSize, pad.Payload = true, 10, nil
	h.tr.Push(&pad, t0)
	if !h.tr.BeginTime().IsZero() {
		t.Fatal("padding started the stream")
	}
	h.push(pkts)
	pad.SSRC = 99
	h.tr.Push(&pad, last(pkts).arrival)
	h.tr.Flush()
	if st := h.tr.Stats(); !h.tr.BeginTime().Equal(t0.Add(time.Second)) || st.SSRCChanges != 0 || st.FramesOut != 5 || st.Malformed != 0 {
		t.Fatalf("begin %v stats %+v", h.tr.BeginTime(), st)
	}
}
