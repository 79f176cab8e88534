package codec

import "strconv"

// Codec is a compressed media format the package decodes or encodes. It is a
// closed set: the zero value is not a codec, only the constants below are
// valid. (The numbering is shared with the C side of the package.)
type Codec uint8

// The codecs of the package: decoders for H264, H265, VP8, VP9, AV1 (when
// the FFmpeg build has an AV1 decoder) and Opus; encoders for H264 and AAC.
const (
	H264 Codec = iota + 1
	H265
	VP8
	VP9
	AV1
	Opus
	AAC
)

var codecNames = [...]string{"invalid", "H264", "H265", "VP8", "VP9", "AV1", "Opus", "AAC"}

// Valid reports whether c is one of the defined codecs.
func (c Codec) Valid() bool { return c >= H264 && c <= AAC }

// String returns the codec's name ("H264", "Opus", ...) or "Codec(n)" for an
// invalid value.
func (c Codec) String() string {
	if !c.Valid() {
		return "Codec(" + strconv.Itoa(int(c)) + ")"
	}
	return codecNames[c]
}

// IsVideo reports whether c is a video codec (false for Opus, AAC and
// invalid values).
func (c Codec) IsVideo() bool { return c >= H264 && c <= AV1 }

// IsAudio reports whether c is an audio codec (Opus or AAC).
func (c Codec) IsAudio() bool { return c == Opus || c == AAC }

// SampleFormat is the layout of PCM samples in a Frame or a Resampler's
// output. It is a closed set; the zero value means "another format" (a
// decoder may output one; a Resampler converts it).
type SampleFormat uint8

// The sample formats the package produces. Planar formats hold one plane per
// channel; packed (interleaved) formats hold all channels in plane 0.
const (
	SampleS16    SampleFormat = iota + 1 // signed 16-bit, interleaved
	SampleS16P                           // signed 16-bit, planar
	SampleFloat                          // 32-bit float, interleaved
	SampleFloatP                         // 32-bit float, planar (AAC's input)
)

// Valid reports whether f is one of the defined sample formats.
func (f SampleFormat) Valid() bool { return f >= SampleS16 && f <= SampleFloatP }

// String returns the format's FFmpeg name ("s16", "fltp", ...) or
// "SampleFormat(n)".
func (f SampleFormat) String() string {
	if !f.Valid() {
		return "SampleFormat(" + strconv.Itoa(int(f)) + ")"
	}
	return [...]string{"", "s16", "s16p", "flt", "fltp"}[f]
}

// Planar reports whether f holds one plane per channel.
func (f SampleFormat) Planar() bool { return f == SampleS16P || f == SampleFloatP }

// BytesPerSample returns the size of one sample of one channel (2 or 4), or
// 0 for an invalid format.
func (f SampleFormat) BytesPerSample() int {
	switch f {
	case SampleS16, SampleS16P:
		return 2
	case SampleFloat, SampleFloatP:
		return 4
	}
	return 0
}

// ScaleFilter is the interpolation a Scaler uses. It is a closed set; the
// zero value is ScaleBilinear.
type ScaleFilter uint8

// The filters of a Scaler, from fastest to sharpest.
const (
	ScaleBilinear     ScaleFilter = iota // good default for downscaling video into tiles
	ScaleFastBilinear                    // fastest, slightly softer
	ScaleBicubic                         // sharper, slower
	ScaleArea                            // best for large downscales
)

// Valid reports whether f is one of the defined filters.
func (f ScaleFilter) Valid() bool { return f <= ScaleArea }

// Rect is a rectangle of a picture in pixels. The zero Rect means "the whole
// picture". For 4:2:0 pictures X and Y must be even.
type Rect struct {
	X, Y, Width, Height int
}

// Empty reports whether r is the zero Rect (the whole picture).
func (r Rect) Empty() bool { return r == Rect{} }

// Unit is one compressed frame given to a Decoder or a VideoTranscoder: a
// video frame or an Opus packet. Its fields mirror ingest.Frame, so a frame
// of ingest converts field by field.
type Unit struct {
	// PTS is the presentation time in ticks of the stream's clock: 90 kHz
	// for video, 48 kHz for Opus.
	PTS int64
	// Keyframe reports a frame that decodes on its own. A VideoTranscoder
	// waits for one at the start and after a decoding error.
	Keyframe bool
	// Data is the frame of VP8, VP9, AV1 (a temporal unit of OBUs) or Opus,
	// or an Annex B H.264/H.265 access unit (start codes included).
	Data []byte
	// NALUs is the alternative for H.264/H.265: the NAL units of one access
	// unit without start codes. It is used when Data is empty.
	NALUs [][]byte
}

// Packet is one compressed frame an Encoder or AudioTranscoder outputs. Its
// Data is in a buffer the producer reuses: it is valid until the next call
// on the producer.
type Packet struct {
	// Data is an Annex B H.264 access unit (start codes included), or a raw
	// AAC frame (no ADTS header).
	Data []byte
	// PTS and DTS are the presentation and decoding times: 90 kHz for video
	// and for an AudioTranscoder's output; the encoder's time base (samples
	// at the sample rate) for an audio Encoder. DTS equals PTS (no B-frames).
	PTS, DTS int64
	// Keyframe reports an IDR picture (always true for AAC).
	Keyframe bool
}

// AccessUnit is one H.264 picture a VideoTranscoder outputs, ready for
// hls.Segmenter.WriteH264. Its slices point into buffers the transcoder
// reuses: they are valid until the next call on the transcoder.
type AccessUnit struct {
	// NALUs are the NAL units without start codes. Every keyframe carries
	// its SPS and PPS.
	NALUs [][]byte
	// PTS and DTS are in 90 kHz ticks, the source frame's PTS; DTS == PTS.
	PTS, DTS int64
	// Keyframe reports an IDR picture.
	Keyframe bool
	// Width and Height are the encoded picture size.
	Width, Height int
	// ResolutionChanged marks the first picture after the encoder was
	// re-opened for a new source size (it is a keyframe with the new SPS):
	// the output needs a new segment marked with a discontinuity
	// (hls.Segmenter does that by itself when the SPS size changes).
	ResolutionChanged bool
}

// Option is one FFmpeg option (a codec's private option such as "profile",
// or a generic one such as "g"), applied by name after the package's own
// settings, so it overrides them.
type Option struct {
	Name, Value string
}
