package ingest

import (
	"strconv"
	"strings"

	"github.com/roomrec/roomrec/errcode"
)

// Codec is the media codec of a Track. It is a closed set: the zero value is
// not a codec, and only the constants below are valid.
type Codec uint8

// The codecs a Track can depacketize.
const (
	H264 Codec = iota + 1
	H265
	VP8
	VP9
	AV1
	Opus
)

// codecInfo describes one codec: its name, MIME subtype and RTP clock rate.
type codecInfo struct {
	name      string
	mime      string // as in SDP / pion's MimeType constants
	clockRate uint32
	video     bool
}

// codecTable is indexed by Codec; entry 0 is the invalid zero value.
var codecTable = [...]codecInfo{
	{name: "invalid"},
	H264: {name: "H264", mime: "video/h264", clockRate: 90000, video: true},
	H265: {name: "H265", mime: "video/h265", clockRate: 90000, video: true},
	VP8:  {name: "VP8", mime: "video/vp8", clockRate: 90000, video: true},
	VP9:  {name: "VP9", mime: "video/vp9", clockRate: 90000, video: true},
	AV1:  {name: "AV1", mime: "video/av1", clockRate: 90000, video: true},
	Opus: {name: "Opus", mime: "audio/opus", clockRate: 48000},
}

// Valid reports whether c is one of the defined codecs.
func (c Codec) Valid() bool { return c >= H264 && c <= Opus }

// String returns the codec's name ("H264", "Opus", ...), or "Codec(n)" for
// an invalid value.
func (c Codec) String() string {
	if !c.Valid() {
		return "Codec(" + strconv.Itoa(int(c)) + ")"
	}
	return codecTable[c].name
}

// IsVideo reports whether c is a video codec (false for Opus and invalid
// values).
func (c Codec) IsVideo() bool { return c.Valid() && codecTable[c].video }

// ClockRate returns the RTP clock rate of c in Hz (90000 for video, 48000
// for Opus), or 0 for an invalid value.
func (c Codec) ClockRate() uint32 {
	if !c.Valid() {
		return 0
	}
	return codecTable[c].clockRate
}

// CodecFromMimeType returns the codec of an RTP MIME type such as
// "video/H264" or "audio/opus" (as in pion's RTPCodecCapability.MimeType),
// compared case-insensitively; "video/HEVC" is accepted for H.265. An
// unknown or unsupported type returns an error matching ErrUnsupportedCodec
// (errcode FailedOperation.Unsupported) that names the type.
func CodecFromMimeType(mime string) (Codec, error) {
	m := strings.ToLower(strings.TrimSpace(mime))
	if m == "video/hevc" {
		return H265, nil
	}
	for c := H264; c <= Opus; c++ {
		if codecTable[c].mime == m {
			return c, nil
		}
	}
	return 0, errcode.New(ErrUnsupportedCodec,
		"ingest: codec %q is not supported; use one of video/H264, video/H265, video/VP8, video/VP9, video/AV1, audio/opus", mime)
}
