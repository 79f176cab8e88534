//go:build !cgo

package codec

import (
	"log/slog"

	"github.com/roomrec/roomrec/errcode"
)

// This file is the package without cgo: the same API, where every
// constructor returns an error matching ErrUnsupported that says what to
// install. The methods exist for the compiler only: no value of these types
// can be obtained.

func unsupported() error {
	return errcode.New(ErrUnsupported, "codec: this build has no codecs (it was built without cgo): "+
		"build with CGO_ENABLED=1 and install FFmpeg's development libraries: "+
		"apt-get install libavcodec-dev libavutil-dev libswscale-dev libswresample-dev pkg-config "+
		"(Debian/Ubuntu) or brew install ffmpeg pkg-config (macOS)")
}

// Available returns an error matching ErrUnsupported: this build has no
// codecs.
func Available() error { return unsupported() }

// Versions returns "" in a build without cgo.
func Versions() string { return "" }

// FindDecoder returns an error matching ErrUnsupported.
func FindDecoder(Codec) (string, error) { return "", unsupported() }

// FindEncoder returns an error matching ErrUnsupported.
func FindEncoder(Codec, string) (string, error) { return "", unsupported() }

// SetLibraryLogLevel does nothing in a build without cgo.
func SetLibraryLogLevel(slog.Level) {}

// Frame is a raw picture or block of samples (unavailable without cgo).
type Frame struct{}

// NewVideoFrame returns an error matching ErrUnsupported.
func NewVideoFrame(int, int, *slog.Logger) (*Frame, error) { return nil, unsupported() }

// NewAudioFrame returns an error matching ErrUnsupported.
func NewAudioFrame(AudioFormat, int, *slog.Logger) (*Frame, error) { return nil, unsupported() }

// Close does nothing.
func (*Frame) Close() error { return nil }

// Width returns 0.
func (*Frame) Width() int { return 0 }

// Height returns 0.
func (*Frame) Height() int { return 0 }

// YUV420P returns false.
func (*Frame) YUV420P() bool { return false }

// Plane returns nil.
func (*Frame) Plane(int) []byte { return nil }

// Float32 returns nil.
func (*Frame) Float32(int) []float32 { return nil }

// Int16 returns nil.
func (*Frame) Int16(int) []int16 { return nil }

// Stride returns 0.
func (*Frame) Stride(int) int { return 0 }

// PTS returns 0.
func (*Frame) PTS() int64 { return 0 }

// SetPTS does nothing.
func (*Frame) SetPTS(int64) {}

// Samples returns 0.
func (*Frame) Samples() int { return 0 }

// SampleRate returns 0.
func (*Frame) SampleRate() int { return 0 }

// Channels returns 0.
func (*Frame) Channels() int { return 0 }

// SampleFormat returns 0.
func (*Frame) SampleFormat() SampleFormat { return 0 }

// Fill returns ErrClosed.
func (*Frame) Fill(byte, byte, byte) error { return ErrClosed }

// MakeWritable returns ErrClosed.
func (*Frame) MakeWritable() error { return ErrClosed }

// Decoder decodes compressed frames (unavailable without cgo).
type Decoder struct{}

// NewDecoder returns an error matching ErrUnsupported.
func NewDecoder(Codec, DecoderConfig) (*Decoder, error) { return nil, unsupported() }

// Codec returns 0.
func (*Decoder) Codec() Codec { return 0 }

// Name returns "".
func (*Decoder) Name() string { return "" }

// Decode returns ErrClosed.
func (*Decoder) Decode(Unit) ([]*Frame, error) { return nil, ErrClosed }

// Flush returns ErrClosed.
func (*Decoder) Flush() ([]*Frame, error) { return nil, ErrClosed }

// Close does nothing.
func (*Decoder) Close() error { return nil }

// Encoder encodes raw frames (unavailable without cgo).
type Encoder struct{}

// NewVideoEncoder returns an error matching ErrUnsupported.
func NewVideoEncoder(VideoEncoderConfig) (*Encoder, error) { return nil, unsupported() }

// NewAudioEncoder returns an error matching ErrUnsupported.
func NewAudioEncoder(AudioEncoderConfig) (*Encoder, error) { return nil, unsupported() }

// Name returns "".
func (*Encoder) Name() string { return "" }

// FrameSize returns 0.
func (*Encoder) FrameSize() int { return 0 }

// Extradata returns nil.
func (*Encoder) Extradata() []byte { return nil }

// RequestKeyframe does nothing.
func (*Encoder) RequestKeyframe() {}

// Encode returns ErrClosed.
func (*Encoder) Encode(*Frame) ([]Packet, error) { return nil, ErrClosed }

// Flush returns ErrClosed.
func (*Encoder) Flush() ([]Packet, error) { return nil, ErrClosed }

// Close does nothing.
func (*Encoder) Close() error { return nil }

// Scaler scales pictures (unavailable without cgo).
type Scaler struct{}

// NewScaler returns an error matching ErrUnsupported.
func NewScaler(ScalerConfig) (*Scaler, error) { return nil, unsupported() }

// Scale returns ErrClosed.
func (*Scaler) Scale(*Frame, Rect, *Frame, Rect) error { return ErrClosed }

// Close does nothing.
func (*Scaler) Close() error { return nil }

// Resampler converts PCM audio (unavailable without cgo).
type Resampler struct{}

// NewResampler returns an error matching ErrUnsupported.
func NewResampler(ResamplerConfig) (*Resampler, error) { return nil, unsupported() }

// Write returns ErrClosed.
func (*Resampler) Write(*Frame) error { return ErrClosed }

// WriteSilence returns ErrClosed.
func (*Resampler) WriteSilence(int) error { return ErrClosed }

// Flush returns ErrClosed.
func (*Resampler) Flush() error { return ErrClosed }

// Buffered returns 0.
func (*Resampler) Buffered() int { return 0 }

// Read returns ErrClosed.
func (*Resampler) Read(int) (*Frame, error) { return nil, ErrClosed }

// Close does nothing.
func (*Resampler) Close() error { return nil }

// AudioTranscoder turns Opus into AAC (unavailable without cgo).
type AudioTranscoder struct{}

// NewAudioTranscoder returns an error matching ErrUnsupported.
func NewAudioTranscoder(AudioConfig) (*AudioTranscoder, error) { return nil, unsupported() }

// AudioSpecificConfig returns nil.
func (*AudioTranscoder) AudioSpecificConfig() []byte { return nil }

// Stats returns zero counters.
func (*AudioTranscoder) Stats() AudioStats { return AudioStats{} }

// Write returns ErrClosed.
func (*AudioTranscoder) Write(int64, []byte) ([]Packet, error) { return nil, ErrClosed }

// Flush returns ErrClosed.
func (*AudioTranscoder) Flush() ([]Packet, error) { return nil, ErrClosed }

// Close does nothing.
func (*AudioTranscoder) Close() error { return nil }

// VideoTranscoder turns any video codec into H.264 (unavailable without
// cgo).
type VideoTranscoder struct{}

// NewVideoTranscoder returns an error matching ErrUnsupported.
func NewVideoTranscoder(VideoConfig) (*VideoTranscoder, error) { return nil, unsupported() }

// Stats returns zero counters.
func (*VideoTranscoder) Stats() VideoStats { return VideoStats{} }

// RequestKeyframe does nothing.
func (*VideoTranscoder) RequestKeyframe() {}

// Write returns ErrClosed.
func (*VideoTranscoder) Write(Unit) ([]AccessUnit, error) { return nil, ErrClosed }

// Flush returns ErrClosed.
func (*VideoTranscoder) Flush() ([]AccessUnit, error) { return nil, ErrClosed }

// Close does nothing.
func (*VideoTranscoder) Close() error { return nil }

// NewRefFrame returns an error matching ErrUnsupported.
func NewRefFrame(*slog.Logger) (*Frame, error) { return nil, unsupported() }

// Ref returns ErrClosed.
func (*Frame) Ref(*Frame) error { return ErrClosed }

// Unref does nothing.
func (*Frame) Unref() {}
