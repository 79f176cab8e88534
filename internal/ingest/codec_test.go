package ingest

import (
	"errors"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

func TestCodecFromMimeType(t *testing.T) {
	cases := []struct {
		mime string
		want Codec
	}{
		{"video/H264", H264}, {"video/h264", H264}, {" VIDEO/H264 ", H264},
		{"video/H265", H265}, {"video/HEVC", H265},
		{"video/VP8", VP8}, {"video/vp9", VP9}, {"video/AV1", AV1},
		{"audio/opus", Opus}, {"audio/OPUS", Opus},
	}
	for _, tc := range cases {
		got, err := CodecFromMimeType(tc.mime)
		if err != nil || got != tc.want {
			t.Errorf("CodecFromMimeType(%q) = %v, %v; want %v", tc.mime, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "audio/PCMU", "video/H264;profile", "h264", "audio/G722", "video/rtx"} {
		_, err := CodecFromMimeType(bad)
		if !errors.Is(err, ErrUnsupportedCodec) || !errors.Is(err, errcode.FailedOperation) {
			t.Errorf("CodecFromMimeType(%q) error %v", bad, err)
		}
	}
}

func TestCodecProperties(t *testing.T) {
	cases := []struct {
		c     Codec
		name  string
		video bool
		rate  uint32
	}{
		{H264, "H264", true, 90000}, {H265, "H265", true, 90000}, {VP8, "VP8", true, 90000},
		{VP9, "VP9", true, 90000}, {AV1, "AV1", true, 90000}, {Opus, "Opus", false, 48000},
		{0, "Codec(0)", false, 0}, {7, "Codec(7)", false, 0}, {255, "Codec(255)", false, 0},
	}
	for _, tc := range cases {
		if tc.c.String() != tc.name || tc.c.IsVideo() != tc.video || tc.c.ClockRate() != tc.rate || tc.c.Valid() != (tc.rate != 0) {
			t.Errorf("%d: %q %v %d %v", uint8(tc.c), tc.c.String(), tc.c.IsVideo(), tc.c.ClockRate(), tc.c.Valid())
		}
	}
}

func TestNewTrackRejects(t *testing.T) {
	ok := func(f Frame) {}
	cases := []struct {
		field string
		cfg   Config
	}{
		{"Codec", Config{OnFrame: ok}},
		{"Codec", Config{Codec: 9, OnFrame: ok}},
		{"OnFrame", Config{Codec: H264}},
		{"ClockRate", Config{Codec: H264, OnFrame: ok, ClockRate: 20_000_000}},
		{"KeyframeRequestInterval", Config{Codec: H264, OnFrame: ok, KeyframeRequestInterval: -time.Second}},
		{"ReorderWindow", Config{Codec: H264, OnFrame: ok, ReorderWindow: -1}},
		{"ReorderWindow", Config{Codec: H264, OnFrame: ok, ReorderWindow: MaxReorderWindow + 1}},
		{"MaxReorderDelay", Config{Codec: H264, OnFrame: ok, MaxReorderDelay: -1}},
	}
	for _, tc := range cases {
		tr, err := NewTrack(tc.cfg)
		if tr != nil || !errors.Is(err, errcode.InvalidParameter.Detail(tc.field)) {
			t.Errorf("%s: got %v, %v", tc.field, tr, err)
		}
	}
	if _, err := NewTrack(Config{Codec: Opus, OnFrame: ok, ReorderWindow: 1, ClockRate: 8000}); err != nil {
		t.Fatal(err)
	}
}

// TestOpusDuration covers the TOC table of RFC 6716 §3.1.
func TestOpusDuration(t *testing.T) {
	cases := []struct {
		p    []byte
		want time.Duration
	}{
		{[]byte{0 << 3}, 10 * time.Millisecond},                         // SILK NB 10 ms
		{[]byte{3 << 3}, 60 * time.Millisecond},                         // SILK NB 60 ms
		{[]byte{13 << 3}, 20 * time.Millisecond},                        // Hybrid SWB 20 ms
		{[]byte{16 << 3}, 2500 * time.Microsecond},                      // CELT NB 2.5 ms
		{[]byte{31 << 3}, 20 * time.Millisecond},                        // CELT FB 20 ms
		{[]byte{31<<3 | 1, 1, 2}, 40 * time.Millisecond},                // two equal frames
		{[]byte{31<<3 | 2, 1, 9}, 40 * time.Millisecond},                // two frames
		{[]byte{31<<3 | 3, 6}, 120 * time.Millisecond},                  // six 20 ms frames
		{[]byte{16<<3 | 3, 48}, 120 * time.Millisecond},                 // 48 x 2.5 ms
		{[]byte{2<<3 | 3, 0x83, 0, 0, 0, 0, 0}, 120 * time.Millisecond}, // VBR, padding flag
	}
	for _, tc := range cases {
		if got, err := opusDuration(tc.p); err != nil || got != tc.want {
			t.Errorf("%x: %v, %v; want %v", tc.p, got, err, tc.want)
		}
	}
}
