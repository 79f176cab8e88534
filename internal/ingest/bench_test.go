package ingest

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// benchLoop pushes the clip's packets b.N times in all, looping over the
// clip with sequence numbers and timestamps that keep counting (so the
// stream wraps both, as a long recording does). One op is one packet.
func benchLoop(b *testing.B, c *clip, reorder bool, raw bool) {
	pkts := packetize(c, 0, c.len(), 1, 0, 0, t0)
	span := uint32(c.len()) * c.step
	frameDur := ticksToDuration(int64(c.step), int64(c.codec.ClockRate()))
	bufs := make([][]byte, len(pkts))
	var bytes int64
	for i, s := range pkts {
		bytes += int64(len(s.p.Payload))
		bufs[i] = marshal(b, s.p, s.p.SequenceNumber)
	}
	frames := 0
	tr, err := NewTrack(Config{Codec: c.codec, OnFrame: func(Frame) { frames++ }, RequestKeyframe: func() {}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(bytes / int64(len(pkts)))
	b.ReportAllocs()
	b.ResetTimer()
	var p rtp.Packet
	for i := 0; i < b.N; i++ {
		k, loop := i%len(pkts), i/len(pkts)
		if reorder && k > 0 { // swap the pairs (1, 2), (3, 4), ...
			if k%2 == 1 && k+1 < len(pkts) {
				k++
			} else if k%2 == 0 {
				k--
			}
		}
		s := pkts[k]
		at := t0.Add(time.Duration(loop*c.len()+s.au) * frameDur)
		seq, ts := s.p.SequenceNumber+uint16(loop*len(pkts)), s.p.Timestamp+uint32(loop)*span
		if raw {
			buf := bufs[k]
			buf[2], buf[3] = byte(seq>>8), byte(seq)
			buf[4], buf[5], buf[6], buf[7] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
			tr.PushRaw(buf, at)
			continue
		}
		p.Header, p.Payload = s.p.Header, s.p.Payload
		p.SequenceNumber, p.Timestamp = seq, ts
		tr.Push(&p, at)
	}
	b.StopTimer()
	if st := tr.Stats(); st.Lost != 0 || st.Malformed != 0 || st.FramesDropped != 0 || (frames == 0 && b.N > len(pkts)) {
		b.Fatalf("stats %+v", st)
	}
}

// BenchmarkPushH264: the 640x360 clip at MTU 1200 (STAP-A, FU-A and single
// NAL unit packets), in order.
func BenchmarkPushH264(b *testing.B) { benchLoop(b, loadH264(b), false, false) }

// BenchmarkPushH264Reordered: every pair of packets swapped, so half of
// them wait in the reorder ring.
func BenchmarkPushH264Reordered(b *testing.B) { benchLoop(b, loadH264(b), true, false) }

// BenchmarkPushRawH264: marshalled packets through PushRaw.
func BenchmarkPushRawH264(b *testing.B) { benchLoop(b, loadH264(b), false, true) }

// BenchmarkPushOpus: 20 ms Opus packets.
func BenchmarkPushOpus(b *testing.B) { benchLoop(b, loadOpus(b), false, false) }

// BenchmarkPushVP8: the VP8 clip through pion's VP8Packet.
func BenchmarkPushVP8(b *testing.B) { benchLoop(b, loadVP8(b), false, false) }
