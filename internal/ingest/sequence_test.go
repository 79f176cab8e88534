package ingest

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// marshal returns p as bytes with sequence number seq.
func marshal(t testing.TB, p *rtp.Packet, seq uint16) []byte {
	t.Helper()
	q := *p
	q.SequenceNumber = seq
	b, err := q.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReorderDelay: a missing packet is waited for MaxReorderDelay (by
// arrival) after the first packet behind it; one that comes later is Late.
func TestReorderDelay(t *testing.T) {
	c := loadOpus(t)
	pkts := packetize(c, 0, 60, 1, 1, 1, t0) // 20 ms apart
	h := newHarness(t, c.codec, nil)
	var stream []sent
	for i, s := range pkts {
		switch i {
		case 10, 30: // held back
		default:
			stream = append(stream, s)
		}
		if i == 14 { // 10 comes back 80 ms after 11: still waited for
			stream = append(stream, sent{p: pkts[10].p, arrival: s.arrival})
		}
		if i == 42 { // 30 comes back 240 ms after 31: given up already
			stream = append(stream, sent{p: pkts[30].p, arrival: s.arrival})
		}
	}
	h.push(stream)
	var idx []int
	for i := range pkts {
		if i != 30 {
			idx = append(idx, i)
		}
	}
	checkFrames(t, c, h.out.frames, idx)
	if st := h.tr.Stats(); st.Lost != 1 || st.Late != 1 || st.Reordered != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestWindowOverflow: with a long delay, a full window forces the missing
// packet to be given up.
func TestWindowOverflow(t *testing.T) {
	c := loadOpus(t)
	pkts := packetize(c, 0, 60, 1, 1, 1, t0)
	h := newHarness(t, c.codec, func(cfg *Config) {
		cfg.ReorderWindow = 16
		cfg.MaxReorderDelay = time.Hour
	})
	h.push(pkts[:10])
	h.push(pkts[11:26]) // 15 held behind the gap at 10
	if len(h.out.frames) != 10 || h.tr.Stats().Lost != 0 {
		t.Fatalf("%d frames before the window is full", len(h.out.frames))
	}
	h.push(pkts[26:27]) // the 16th: 10 is given up
	if len(h.out.frames) != 26 || h.tr.Stats().Lost != 1 {
		t.Fatalf("%d frames, stats %+v", len(h.out.frames), h.tr.Stats())
	}
}

// TestForwardJumpWithinDropout: a jump forward beyond the window but under
// the restart threshold is a burst loss, not a new epoch.
func TestForwardJumpWithinDropout(t *testing.T) {
	c := loadOpus(t)
	pkts := packetize(c, 0, 501, 1, 1, 1, t0)
	h := newHarness(t, c.codec, nil)
	h.push(pkts[:100])
	h.push(pkts[400:])
	h.tr.Flush()
	if st := h.tr.Stats(); st.Lost != 300 || st.Discontinuities != 0 || st.FramesOut != 201 {
		t.Fatalf("stats %+v", st)
	}
	if f := h.out.frames[100]; f.PTS != 400*960 {
		t.Fatalf("PTS after the burst %d", f.PTS)
	}
}

// TestReorderAtStart: packets sent before the first one to arrive (reordered
// at the very start) still find their place; nothing is counted Late and
// the stream starts at the earliest packet.
func TestReorderAtStart(t *testing.T) {
	c := loadOpus(t)
	pkts := packetize(c, 0, 30, 1, 1, 1, t0)
	h := newHarness(t, c.codec, nil)
	stream := []sent{
		{p: pkts[2].p, arrival: t0},
		{p: pkts[0].p, arrival: t0.Add(10 * time.Millisecond)},
		{p: pkts[1].p, arrival: t0.Add(20 * time.Millisecond)},
	}
	stream = append(stream, pkts[3:]...)
	h.push(stream)
	h.tr.Flush()
	all := make([]int, len(pkts))
	for i := range all {
		all[i] = i
	}
	checkFrames(t, c, h.out.frames, all)
	if st := h.tr.Stats(); st.Late != 0 || st.Lost != 0 || st.Reordered != 2 {
		t.Fatalf("stats %+v", st)
	}
	if h.out.frames[0].PTS != 0 || !h.tr.BeginTime().Equal(t0) {
		t.Fatalf("first PTS %d, begin %v", h.out.frames[0].PTS, h.tr.BeginTime())
	}
}
