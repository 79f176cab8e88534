package ingest

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// hostile is a malformed packet: either a payload inserted as an extra
// packet of a frame (at its start, or at its end carrying the marker), or
// a whole marshalled packet for PushRaw.
type hostile struct {
	name    string
	codec   Codec
	payload []byte
	atEnd   bool
	raw     []byte
}

// hostileCases is the one table behind TestHostilePackets and the seeds
// of FuzzPush.
var hostileCases = []hostile{
	{name: "h264 empty payload", codec: H264, payload: []byte{}},
	{name: "h264 nalu type 0", codec: H264, payload: []byte{0x00, 0x01}},
	{name: "h264 STAP-B", codec: H264, payload: []byte{0x19, 0, 1, 0, 2, 0x41, 0x9a}},
	{name: "h264 MTAP16", codec: H264, payload: []byte{0x1a, 0, 1, 2}},
	{name: "h264 FU-B", codec: H264, payload: []byte{0x1d, 0x81, 0, 1, 2}},
	{name: "h264 type 30", codec: H264, payload: []byte{0x1e, 0xff}},
	{name: "h264 type 31", codec: H264, payload: []byte{0x1f}},
	{name: "h264 STAP-A length past the end", codec: H264, payload: []byte{0x18, 0x00, 0x09, 0x67, 0x42}},
	{name: "h264 STAP-A trailing byte", codec: H264, payload: []byte{0x18, 0x00, 0x02, 0x09, 0x10, 0x00}},
	{name: "h264 STAP-A zero-length unit", codec: H264, payload: []byte{0x18, 0x00, 0x00, 0x00, 0x02, 0x09, 0x10}},
	{name: "h264 STAP-A empty", codec: H264, payload: []byte{0x18}},
	{name: "h264 STAP-A nested STAP-A", codec: H264, payload: []byte{0x18, 0x00, 0x02, 0x18, 0x00}},
	{name: "h264 FU-A header only", codec: H264, payload: []byte{0x7c}},
	{name: "h264 FU-A start and end", codec: H264, payload: []byte{0x7c, 0xc5, 0x88, 0x80}},
	{name: "h264 FU-A middle without start", codec: H264, payload: []byte{0x7c, 0x05, 0x88, 0x80}},
	{name: "h264 FU-A end without start", codec: H264, payload: []byte{0x7c, 0x45, 0x88}},
	{name: "h264 FU-A of a STAP-A", codec: H264, payload: []byte{0x7c, 0x98, 0x00}},
	{name: "h264 FU-A start never ended", codec: H264, payload: []byte{0x7c, 0x85, 0x88, 0x80}},
	{name: "h264 FU-A open at the marker", codec: H264, payload: []byte{0x7c, 0x85, 0x88, 0x80}, atEnd: true},
	{name: "h265 one byte", codec: H265, payload: []byte{0x02}},
	{name: "h265 PACI", codec: H265, payload: []byte{0x64, 0x01, 0x00, 0x00}},
	{name: "h265 type 63", codec: H265, payload: []byte{0x7e, 0x01, 0x00}},
	{name: "h265 AP length past the end", codec: H265, payload: []byte{0x60, 0x01, 0x00, 0x20, 0x40, 0x01}},
	{name: "h265 AP unit of one byte", codec: H265, payload: []byte{0x60, 0x01, 0x00, 0x01, 0x40}},
	{name: "h265 FU too short", codec: H265, payload: []byte{0x62, 0x01}},
	{name: "h265 FU start and end", codec: H265, payload: []byte{0x62, 0x01, 0xd3, 0xaf}},
	{name: "h265 FU without start", codec: H265, payload: []byte{0x62, 0x01, 0x13, 0xaf}},
	{name: "h265 FU of an AP", codec: H265, payload: []byte{0x62, 0x01, 0xb0, 0xaf}},
	{name: "vp8 empty", codec: VP8, payload: []byte{}},
	{name: "vp8 truncated extension", codec: VP8, payload: []byte{0x90}},
	{name: "vp8 truncated picture id", codec: VP8, payload: []byte{0x90, 0x80, 0x80}},
	{name: "vp8 descriptor only", codec: VP8, payload: []byte{0x10}},
	{name: "vp8 frame start not at partition 0", codec: VP8, payload: []byte{0x11, 0x00, 0x00}},
	{name: "vp8 key frame without start code", codec: VP8, payload: []byte{0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
	{name: "vp9 truncated picture id", codec: VP9, payload: []byte{0x88}},
	{name: "vp9 descriptor only", codec: VP9, payload: []byte{0x08}},
	{name: "vp9 without begin bit", codec: VP9, payload: []byte{0x00, 0x82, 0x49}},
	{name: "vp9 truncated scalability structure", codec: VP9, payload: []byte{0x0a, 0x18}},
	{name: "av1 one byte", codec: AV1, payload: []byte{0x10}},
	{name: "av1 continuation at frame start", codec: AV1, payload: []byte{0x90, 0x32, 0x00}},
	{name: "av1 OBU length past the end", codec: AV1, payload: []byte{0x00, 0x7f, 0x32}},
	{name: "av1 bad leb128", codec: AV1, payload: []byte{0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	{name: "opus empty", codec: Opus, payload: []byte{}},
	{name: "opus code 1 odd length", codec: Opus, payload: []byte{0xf9, 0x01}},
	{name: "opus code 2 truncated", codec: Opus, payload: []byte{0xfa}},
	{name: "opus code 3 without count", codec: Opus, payload: []byte{0xfb}},
	{name: "opus code 3 zero frames", codec: Opus, payload: []byte{0xfb, 0x00}},
	{name: "opus code 3 over 120 ms", codec: Opus, payload: []byte{0x1b, 0x03}},
	{name: "raw short header", codec: Opus, raw: []byte{0x80, 0x60, 0x00}},
	{name: "raw version 1", codec: Opus, raw: []byte{0x40, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xfc}},
	{name: "raw CSRC past the end", codec: Opus, raw: []byte{0x8f, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xfc}},
	{name: "raw extension past the end", codec: Opus, raw: []byte{0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0x00, 0x09}},
	{name: "raw padding bigger than the packet", codec: Opus, raw: []byte{0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xfc, 0x40}},
	{name: "raw padding of zero", codec: Opus, raw: []byte{0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xfc, 0x00}},
	{name: "raw padding only, no room", codec: VP8, raw: []byte{0xa0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}},
}

func clipOf(t *testing.T, c Codec) *clip {
	switch c {
	case H264:
		return loadH264(t)
	case H265:
		return loadH265(t)
	case VP8:
		return loadVP8(t)
	case VP9:
		return loadVP9(t)
	case AV1:
		return loadAV1(t)
	}
	return loadOpus(t)
}

// insert returns pkts with an extra packet carrying payload in unit au,
// first (or last, taking over the marker bit), sequence numbers renumbered.
func insert(pkts []sent, au int, payload []byte, atEnd bool) []sent {
	var out []sent
	for k, s := range pkts {
		lastOfUnit := k+1 == len(pkts) || pkts[k+1].au != s.au
		if s.au == au && !atEnd && (k == 0 || pkts[k-1].au != au) {
			out = append(out, withPayload(s, payload, false))
		}
		out = append(out, s)
		if s.au == au && atEnd && lastOfUnit {
			q := *s.p
			q.Marker = false
			out[len(out)-1].p = &q
			out = append(out, withPayload(s, payload, true))
		}
	}
	seq := pkts[0].p.SequenceNumber
	for k := range out {
		q := *out[k].p
		q.SequenceNumber = seq + uint16(k)
		out[k].p = &q
	}
	return out
}

func withPayload(s sent, payload []byte, marker bool) sent {
	q := *s.p
	q.Payload, q.Marker = payload, marker
	return sent{p: &q, arrival: s.arrival, au: s.au}
}

// TestHostilePackets: each malformed packet is counted once, never panics,
// and costs exactly what it breaks: for video the frame it sits in and the
// frames up to the next keyframe; for audio and unparsable headers nothing
// else.
func TestHostilePackets(t *testing.T) {
	for _, hc := range hostileCases {
		t.Run(hc.name, func(t *testing.T) {
			c := clipOf(t, hc.codec)
			n := min(c.len(), 40)
			pkts := packetize(c, 0, n, 1, 1, 1, t0)
			// A short throttle makes every request visible: one at the start,
			// one per dropped frame.
			h := newHarness(t, c.codec, func(cfg *Config) { cfg.KeyframeRequestInterval = time.Millisecond })
			want := units(pkts)
			switch {
			case hc.raw != nil:
				h.push(pkts[:5])
				h.tr.PushRaw(hc.raw, pkts[4].arrival)
				h.push(pkts[5:])
			case !c.codec.IsVideo():
				h.push(insert(pkts, 5, hc.payload, false))
			default:
				h.push(insert(pkts, 5, hc.payload, hc.atEnd))
				want = append(want[:5:5], want[15:]...)
			}
			h.tr.Flush()
			checkFrames(t, c, h.out.frames, want)
			st := h.tr.Stats()
			if st.Malformed != 1 || st.Lost != 0 || st.Late != 0 {
				t.Fatalf("stats %+v", st)
			}
			if c.codec.IsVideo() && hc.raw == nil && (st.FramesDropped != 10 || st.KeyframeRequests != 11) {
				t.Fatalf("video stats %+v", st)
			}
		})
	}
}

// TestPushNil: a nil packet or an unset version is malformed.
func TestPushNil(t *testing.T) {
	h := newHarness(t, H264, nil)
	h.tr.Push(nil, t0)
	h.tr.Push(&rtp.Packet{Payload: []byte{0x65}}, t0)
	if st := h.tr.Stats(); st.Malformed != 2 || st.Packets != 2 || !h.tr.BeginTime().IsZero() {
		t.Fatalf("stats %+v", st)
	}
}
