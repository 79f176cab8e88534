package ingest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
	"github.com/roomrec/roomrec/clock"
)

// t0 is the arrival time of the first packet in the tests.
var t0 = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

const mtu = 1200

// clip is a test clip split into access units, with what is needed to
// packetize it.
type clip struct {
	codec Codec
	aus   [][][]byte // H.264/H.265: NAL units per access unit
	data  [][]byte   // other codecs: one frame per access unit
	keys  []bool
	step  uint32 // RTP ticks per access unit
}

func (c *clip) len() int {
	if c.aus != nil {
		return len(c.aus)
	}
	return len(c.data)
}

// payload returns access unit i as the packetizer wants it.
func (c *clip) payload(i int) []byte {
	if c.aus == nil {
		return c.data[i]
	}
	var b []byte
	for _, n := range c.aus[i] {
		b = append(b, 0, 0, 0, 1)
		b = append(b, n...)
	}
	return b
}

func (c *clip) payloader() rtp.Payloader {
	switch c.codec {
	case H264:
		return &codecs.H264Payloader{}
	case H265:
		return &codecs.H265Payloader{}
	case VP8:
		return &codecs.VP8Payloader{EnablePictureID: true}
	case VP9:
		return &codecs.VP9Payloader{InitialPictureIDFn: func() uint16 { return 100 }}
	case AV1:
		return &codecs.AV1Payloader{}
	}
	return &codecs.OpusPayloader{}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sharedMedia is the repository's committed test media.
func sharedMedia(name string) string { return filepath.Join("..", "..", "testdata", "media", name) }

// ownMedia is this package's extra clips (testdata/media/gen.sh).
func ownMedia(name string) string { return filepath.Join("testdata", "media", name) }

// loadAnnexB splits an Annex B file into access units: a new one starts at
// an AUD/parameter set/SEI after a picture, or at a picture's first slice.
func loadAnnexB(t testing.TB, codec Codec, path string) *clip {
	t.Helper()
	var nalus h264.AnnexB
	if err := nalus.Unmarshal(readFile(t, path)); err != nil {
		t.Fatal(err)
	}
	h := &h26x{hevc: codec == H265}
	c := &clip{codec: codec, step: 6000}
	var au [][]byte
	sawVCL := false
	for _, n := range nalus {
		vcl, key, _ := h.classify(h.naluType(n))
		first := vcl && n[h.headerLen()]&0x80 != 0
		if len(au) > 0 && sawVCL && (!vcl || first) {
			c.aus = append(c.aus, au)
			au, sawVCL = nil, false
		}
		if len(au) == 0 {
			c.keys = append(c.keys, false)
		}
		c.keys[len(c.keys)-1] = c.keys[len(c.keys)-1] || key
		au = append(au, n)
		sawVCL = sawVCL || vcl
	}
	c.aus = append(c.aus, au)
	return c
}

func loadH264(t testing.TB) *clip { return loadAnnexB(t, H264, sharedMedia("h264_640x360_15fps.h264")) }
func loadH265(t testing.TB) *clip { return loadAnnexB(t, H265, ownMedia("h265_320x180_15fps.h265")) }

// loadIVF reads the frames of an IVF file; keyframes are told by keyOf.
func loadIVF(t testing.TB, codec Codec, path string, keyOf func([]byte) bool) *clip {
	t.Helper()
	r, _, err := ivfreader.NewWith(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	c := &clip{codec: codec, step: 6000}
	for {
		f, _, err := r.ParseNextFrame()
		if err == io.EOF {
			return c
		}
		if err != nil {
			t.Fatal(err)
		}
		c.data = append(c.data, f)
		c.keys = append(c.keys, keyOf(f))
	}
}

func loadVP8(t testing.TB) *clip {
	return loadIVF(t, VP8, sharedMedia("vp8_640x360_15fps.ivf"), func(f []byte) bool { return f[0]&1 == 0 })
}

func loadVP9(t testing.TB) *clip {
	// Profile 0 frame marker (2 bits), profile (2), show_existing (1), frame_type (1, 0 = key).
	return loadIVF(t, VP9, ownMedia("vp9_320x180_15fps.ivf"), func(f []byte) bool { return f[0]&0x04 == 0 })
}

func loadAV1(t testing.TB) *clip {
	c := loadIVF(t, AV1, ownMedia("av1_320x180_15fps.ivf"), hasSequenceHeader)
	for i, tu := range c.data { // RTP carries no temporal delimiters
		c.data[i] = stripTemporalDelimiters(t, tu)
	}
	return c
}

func hasSequenceHeader(tu []byte) bool {
	d := &av1Depacketizer{buf: tu}
	info, err := d.finish()
	return err == nil && info.key
}

// stripTemporalDelimiters drops the 2-byte temporal delimiter OBUs (type 2,
// size 0) that start each IVF temporal unit.
func stripTemporalDelimiters(t testing.TB, tu []byte) []byte {
	t.Helper()
	for len(tu) >= 2 && tu[0]>>3&0x0f == 2 && tu[1] == 0 {
		tu = tu[2:]
	}
	return tu
}

// loadOpus reads the Opus packets of the Ogg clip (one packet per page).
func loadOpus(t testing.TB) *clip {
	t.Helper()
	r, _, err := oggreader.NewWith(bytes.NewReader(readFile(t, sharedMedia("opus_48k_stereo.ogg"))))
	if err != nil {
		t.Fatal(err)
	}
	c := &clip{codec: Opus, step: 960}
	for {
		page, _, err := r.ParseNextPage()
		if err == io.EOF {
			return c
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(page, []byte("OpusTags")) {
			continue
		}
		c.data = append(c.data, page)
		c.keys = append(c.keys, true)
	}
}

// sent is one packet of a test stream with its arrival time and the
// access unit it belongs to.
type sent struct {
	p       *rtp.Packet
	arrival time.Time
	au      int
}

// packetize turns access units [from, to) of c into RTP packets with the
// given SSRC, first sequence number and first timestamp; access unit i
// arrives at start + (i-from) frame durations.
func packetize(c *clip, from, to int, ssrc uint32, seq uint16, ts uint32, start time.Time) []sent {
	idx := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		idx = append(idx, i)
	}
	return packetizeUnits(c, idx, ssrc, seq, ts, start)
}

// packetizeUnits packetizes the access units idx, in that order, one frame
// duration apart (in RTP time and arrival), packets 100 µs apart.
func packetizeUnits(c *clip, idx []int, ssrc uint32, seq uint16, ts uint32, start time.Time) []sent {
	pz := rtp.NewPacketizerWithOptions(mtu, c.payloader(), rtp.NewFixedSequencer(seq), c.codec.ClockRate(),
		rtp.WithSSRC(ssrc), rtp.WithTimestamp(ts), rtp.WithPayloadType(96))
	frameDur := ticksToDuration(int64(c.step), int64(c.codec.ClockRate()))
	var out []sent
	for k, i := range idx {
		at := start.Add(time.Duration(k) * frameDur)
		for j, p := range pz.Packetize(c.payload(i), c.step) {
			out = append(out, sent{p: p, arrival: at.Add(time.Duration(j) * 100 * time.Microsecond), au: i})
		}
	}
	return out
}

// units returns the indexes of the frames in pkts, in order, once each.
func units(pkts []sent) []int {
	var idx []int
	for k, s := range pkts {
		if k == 0 || s.au != pkts[k-1].au {
			idx = append(idx, s.au)
		}
	}
	return idx
}

// collector keeps deep copies of the frames a Track outputs.
type collector struct{ frames []Frame }

func (c *collector) onFrame(f Frame) {
	g := f
	g.Data = bytes.Clone(f.Data)
	g.NALUs = nil
	for _, n := range f.NALUs {
		g.NALUs = append(g.NALUs, bytes.Clone(n))
	}
	c.frames = append(c.frames, g)
}

// harness is a Track with a fake clock that follows the arrival times, a
// frame collector and a keyframe-request log.
type harness struct {
	tr       *Track
	clk      *clock.Fake
	out      collector
	requests []time.Time
}

func newHarness(t testing.TB, codec Codec, mod func(*Config)) *harness {
	t.Helper()
	h := &harness{clk: clock.NewFake(t0)}
	cfg := Config{
		Codec:           codec,
		OnFrame:         h.out.onFrame,
		RequestKeyframe: func() { h.requests = append(h.requests, h.clk.Now()) },
	}
	if mod != nil {
		mod(&cfg)
	}
	tr, err := NewTrack(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.tr = tr
	return h
}

// push sends the packets in order, moving the fake clock to each arrival.
func (h *harness) push(pkts []sent) {
	for _, s := range pkts {
		h.clk.Set(s.arrival)
		h.tr.Push(s.p, s.arrival)
	}
}

// seeded returns a deterministic random source for a test.
func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// expectedFrame is the source access unit i as Frame data.
func (c *clip) equal(f Frame, i int) bool {
	if c.aus == nil {
		return bytes.Equal(f.Data, c.data[i])
	}
	if len(f.NALUs) != len(c.aus[i]) {
		return false
	}
	for k := range f.NALUs {
		if !bytes.Equal(f.NALUs[k], c.aus[i][k]) {
			return false
		}
	}
	return true
}
