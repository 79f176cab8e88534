package ingest

import (
	"sort"
	"testing"
	"time"
)

// expectVideo models the required output of a video stream in which the
// access units with lost packets are broken: a broken unit and every
// following one up to the next intact keyframe are not output.
func expectVideo(c *clip, broken []bool, received []bool) (out []int, dropped int) {
	needKey := true
	for i := range broken {
		switch {
		case broken[i]:
			needKey = true
		case needKey && !c.keys[i]:
		default:
			out = append(out, i)
			needKey = false
			continue
		}
		if received[i] {
			dropped++
		}
	}
	return out, dropped
}

// checkFrames asserts the frames are the source units idx, byte-identical,
// with PTS relative to the first one.
func checkFrames(t *testing.T, c *clip, frames []Frame, idx []int) {
	t.Helper()
	if len(frames) != len(idx) {
		t.Fatalf("got %d frames, want %d", len(frames), len(idx))
	}
	for k, i := range idx {
		f := frames[k]
		want := int64(i-idx[0]) * int64(c.step)
		if !c.equal(f, i) || f.PTS != want || f.Keyframe != c.keys[i] {
			t.Fatalf("frame %d (unit %d): equal %v PTS %d (want %d) key %v", k, i, c.equal(f, i), f.PTS, want, f.Keyframe)
		}
	}
}

// checkThrottle asserts keyframe requests were made and never closer than
// the interval.
func checkThrottle(t *testing.T, h *harness, interval time.Duration) {
	t.Helper()
	if len(h.requests) == 0 || uint64(len(h.requests)) != h.tr.Stats().KeyframeRequests {
		t.Fatalf("%d requests, stats say %d", len(h.requests), h.tr.Stats().KeyframeRequests)
	}
	for i := 1; i < len(h.requests); i++ {
		if d := h.requests[i].Sub(h.requests[i-1]); d < interval {
			t.Fatalf("requests %d and %d only %v apart", i-1, i, d)
		}
	}
}

// TestRandomLoss drops 5 % of the packets (seeded): video outputs exactly
// the decodable units (checked against the model and decoded by FFmpeg),
// audio outputs every received packet at its own PTS.
func TestRandomLoss(t *testing.T) {
	for _, c := range clips(t) {
		t.Run(c.codec.String(), func(t *testing.T) {
			rng := seeded(uint64(c.codec))
			pkts := packetize(c, 0, c.len(), 7, 40000, 1<<31, t0)
			broken := make([]bool, c.len())
			received := make([]bool, c.len())
			var kept []sent
			lost := 0
			for _, s := range pkts {
				if s.au > 0 && s.au < c.len()-1 && rng.Float64() < 0.05 {
					broken[s.au] = true
					lost++
					continue
				}
				received[s.au] = true
				kept = append(kept, s)
			}
			h := newHarness(t, c.codec, nil)
			h.push(kept)
			h.tr.Flush()
			st := h.tr.Stats()
			t.Logf("%d packets, %+v", len(pkts), st)
			if st.Lost != uint64(lost) || st.Malformed != 0 || st.Late != 0 || st.Packets != uint64(len(kept)) {
				t.Fatalf("stats %+v, lost %d", st, lost)
			}
			if !c.codec.IsVideo() {
				var idx []int
				for i, r := range received {
					if r {
						idx = append(idx, i)
					}
				}
				checkFrames(t, c, h.out.frames, idx)
				if st.KeyframeRequests != 0 || st.FramesDropped != 0 {
					t.Fatalf("audio stats %+v", st)
				}
				return
			}
			idx, dropped := expectVideo(c, broken, received)
			checkFrames(t, c, h.out.frames, idx)
			if st.FramesOut != uint64(len(idx)) || st.FramesDropped != uint64(dropped) {
				t.Fatalf("stats %+v, want %d out %d dropped", st, len(idx), dropped)
			}
			checkThrottle(t, h, DefaultKeyframeRequestInterval)
			decodeCheck(t, c.codec, h.out.frames)
		})
	}
}

// TestReorder shuffles packets within a window of 8 (seeded) and
// duplicates 10 % of them, some right away and some after their place was
// released: the output is the clean stream.
func TestReorderAndDuplicates(t *testing.T) {
	for _, c := range clips(t) {
		t.Run(c.codec.String(), func(t *testing.T) {
			rng := seeded(100 + uint64(c.codec))
			pkts := packetize(c, 0, c.len(), 9, 65000, 0xfffff000, t0)
			// Shuffle: sort by index plus a random displacement of up to 8,
			// keeping the first packet first.
			key := make([]float64, len(pkts))
			for i := range pkts {
				key[i] = float64(i) + rng.Float64()*8
			}
			key[0] = -1
			order := make([]int, len(pkts))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return key[order[a]] < key[order[b]] })
			var stream []sent
			dups := 0
			for k, i := range order {
				s := pkts[i]
				s.arrival = pkts[k].arrival // arrival times stay monotonic
				stream = append(stream, s)
				if rng.Float64() < 0.1 {
					dups++
					stream = append(stream, s)
				}
			}
			h := newHarness(t, c.codec, func(cfg *Config) { cfg.MaxReorderDelay = time.Second })
			h.push(stream)
			// A copy of an early packet long after it was released.
			late := pkts[len(pkts)-20]
			h.tr.Push(late.p, stream[len(stream)-1].arrival)
			dups++
			h.tr.Flush()
			idx := make([]int, c.len())
			for i := range idx {
				idx[i] = i
			}
			checkFrames(t, c, h.out.frames, idx)
			st := h.tr.Stats()
			t.Logf("%d packets, %+v", len(pkts), st)
			if st.Duplicates != uint64(dups) || st.Lost != 0 || st.Late != 0 || st.Reordered == 0 || st.FramesDropped != 0 {
				t.Fatalf("stats %+v, %d duplicates", st, dups)
			}
		})
	}
}
