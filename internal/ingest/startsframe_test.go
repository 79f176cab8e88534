package ingest

import "testing"

// TestStartsFrame: the first packet of a frame is recognised per codec
// (this decides whether a frame right after a loss is whole).
func TestStartsFrame(t *testing.T) {
	cases := []struct {
		name    string
		codec   Codec
		payload []byte
		want    bool
	}{
		{"h264 SPS", H264, []byte{0x67, 0x42}, true},
		{"h264 SEI", H264, []byte{0x06, 0x05}, true},
		{"h264 AUD", H264, []byte{0x09, 0x10}, true},
		{"h264 first slice", H264, []byte{0x41, 0x9a}, true},
		{"h264 second slice", H264, []byte{0x41, 0x1a}, false},
		{"h264 end of sequence", H264, []byte{0x0a, 0x00}, false},
		{"h264 header only", H264, []byte{0x41}, false},
		{"h264 STAP-A with SPS", H264, []byte{0x18, 0, 2, 0x67, 0x42}, true},
		{"h264 STAP-A with second slice", H264, []byte{0x18, 0, 2, 0x41, 0x1a}, false},
		{"h264 STAP-A too short", H264, []byte{0x18, 0, 2, 0x67}, false},
		{"h264 FU-A start of first slice", H264, []byte{0x7c, 0x85, 0x88}, true},
		{"h264 FU-A start of second slice", H264, []byte{0x7c, 0x85, 0x08}, false},
		{"h264 FU-A middle", H264, []byte{0x7c, 0x05, 0x88}, false},
		{"h264 FU-A start, no data", H264, []byte{0x7c, 0x85}, false},
		{"h265 VPS", H265, []byte{0x40, 0x01, 0x0c}, true},
		{"h265 prefix SEI", H265, []byte{0x4e, 0x01, 0x05}, true},
		{"h265 suffix SEI", H265, []byte{0x50, 0x01, 0x05}, false},
		{"h265 first slice", H265, []byte{0x02, 0x01, 0xd0}, true},
		{"h265 second slice", H265, []byte{0x02, 0x01, 0x50}, false},
		{"h265 AP with VPS", H265, []byte{0x60, 0x01, 0, 3, 0x40, 0x01, 0x0c}, true},
		{"h265 AP too short", H265, []byte{0x60, 0x01, 0, 3, 0x40, 0x01}, false},
		{"h265 FU start of first slice", H265, []byte{0x62, 0x01, 0x93, 0xaf}, true},
		{"h265 FU middle", H265, []byte{0x62, 0x01, 0x13, 0xaf}, false},
		{"h265 FU start, no data", H265, []byte{0x62, 0x01, 0x93}, false},
		{"vp8 start of partition 0", VP8, []byte{0x10}, true},
		{"vp8 start of partition 1", VP8, []byte{0x11}, false},
		{"vp8 continuation", VP8, []byte{0x00}, false},
		{"vp8 empty", VP8, nil, false},
		{"vp9 begin", VP9, []byte{0x08}, true},
		{"vp9 continuation", VP9, []byte{0x04}, false},
		{"av1 new coded video sequence", AV1, []byte{0x08, 0x00}, true},
		{"av1 continued OBU", AV1, []byte{0x80, 0x30}, false},
		{"av1 frame OBU, W=1", AV1, []byte{0x10, 0x30}, true},
		{"av1 sequence header with length", AV1, []byte{0x00, 0x01, 0x08}, true},
		{"av1 tile group", AV1, []byte{0x10, 0x20}, false},
		{"av1 length field runs out", AV1, []byte{0x00, 0x01}, false},
		{"av1 one byte", AV1, []byte{0x10}, false},
	}
	for _, tc := range cases {
		if got := newDepacketizer(tc.codec).startsFrame(tc.payload); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
