package hls

import (
	"strconv"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

// Codec is a codec the segmenter can carry in MPEG-TS. The set is closed:
// the zero value CodecNone means "no such track", and Valid reports whether
// a value is one of the constants below.
type Codec uint8

// The codecs of SPEC §2: H.264 and H.265 video, Opus and AAC audio.
const (
	// CodecNone marks an absent track in Config.
	CodecNone Codec = iota
	// CodecH264 is H.264/AVC video (MPEG-TS stream type 0x1B).
	CodecH264
	// CodecH265 is H.265/HEVC video (stream type 0x24).
	CodecH265
	// CodecOpus is Opus audio (stream type 0x06 with the 'Opus' registration
	// descriptor, as FFmpeg writes it).
	CodecOpus
	// CodecAAC is MPEG-4 AAC audio, written as ADTS (stream type 0x0F).
	CodecAAC
)

// String returns the codec's short name ("h264", "h265", "opus", "aac",
// "none"), or "codec(N)" for a value outside the set.
func (c Codec) String() string {
	switch c {
	case CodecNone:
		return "none"
	case CodecH264:
		return "h264"
	case CodecH265:
		return "h265"
	case CodecOpus:
		return "opus"
	case CodecAAC:
		return "aac"
	}
	return "codec(" + strconv.Itoa(int(c)) + ")"
}

// Valid reports whether c is one of the declared codecs (CodecNone included).
func (c Codec) Valid() bool { return c <= CodecAAC }

// IsVideo reports whether c is a video codec.
func (c Codec) IsVideo() bool { return c == CodecH264 || c == CodecH265 }

// IsAudio reports whether c is an audio codec.
func (c Codec) IsAudio() bool { return c == CodecOpus || c == CodecAAC }

// streamType returns the PMT stream_type of c.
func (c Codec) streamType() byte {
	switch c {
	case CodecH264:
		return 0x1B
	case CodecH265:
		return 0x24
	case CodecAAC:
		return 0x0F
	default: // Opus: PES private data, identified by its registration descriptor
		return 0x06
	}
}

// streamID returns the PES stream_id of c (FFmpeg's choice: 0xE0 video,
// 0xC0 AAC, 0xBD private_stream_1 for Opus).
func (c Codec) streamID() byte {
	switch c {
	case CodecH264, CodecH265:
		return 0xE0
	case CodecAAC:
		return 0xC0
	default:
		return 0xBD
	}
}

// isKeyframe reports whether the access unit holds a random access point:
// an IDR picture for H.264, an IRAP picture (BLA, IDR, CRA) for H.265.
// Empty NAL units are ignored.
func isKeyframe(c Codec, au [][]byte) bool {
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		if c == CodecH264 {
			if h264.NALUType(n[0]&0x1F) == h264.NALUTypeIDR {
				return true
			}
			continue
		}
		if t := (n[0] >> 1) & 0x3F; t >= 16 && t <= 21 {
			return true
		}
	}
	return false
}

// findSPS returns the first sequence parameter set of the access unit, or nil.
func findSPS(c Codec, au [][]byte) []byte {
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		if c == CodecH264 && h264.NALUType(n[0]&0x1F) == h264.NALUTypeSPS {
			return n
		}
		if c == CodecH265 && len(n) >= 2 && h265.NALUType((n[0]>>1)&0x3F) == h265.NALUType_SPS_NUT {
			return n
		}
	}
	return nil
}

// spsSize parses an SPS and returns the picture's display width and height.
func spsSize(c Codec, sps []byte) (w, h int, err error) {
	if c == CodecH264 {
		var s h264.SPS
		if err = s.Unmarshal(sps); err != nil {
			return 0, 0, err
		}
		w, h = s.Width(), s.Height()
	} else {
		var s h265.SPS
		if err = s.Unmarshal(sps); err != nil {
			return 0, 0, err
		}
		w, h = s.Width(), s.Height()
	}
	if w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16 {
		return 0, 0, errBadSize
	}
	return w, h, nil
}

// hasAUD reports whether the access unit already starts with an access unit
// delimiter.
func hasAUD(c Codec, au [][]byte) bool {
	if len(au) == 0 || len(au[0]) == 0 {
		return false
	}
	if c == CodecH264 {
		return h264.NALUType(au[0][0]&0x1F) == h264.NALUTypeAccessUnitDelimiter
	}
	return h265.NALUType((au[0][0]>>1)&0x3F) == h265.NALUType_AUD_NUT
}

// aacSampleRateIndex returns the ADTS sampling_frequency_index of rate, or
// -1 when ADTS cannot signal it.
func aacSampleRateIndex(rate int) int {
	switch rate {
	case 96000:
		return 0
	case 88200:
		return 1
	case 64000:
		return 2
	case 48000:
		return 3
	case 44100:
		return 4
	case 32000:
		return 5
	case 24000:
		return 6
	case 22050:
		return 7
	case 16000:
		return 8
	case 12000:
		return 9
	case 11025:
		return 10
	case 8000:
		return 11
	case 7350:
		return 12
	}
	return -1
}
