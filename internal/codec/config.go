package codec

import (
	"log/slog"
	"time"
)

// Defaults applied to zero config fields (in one place: withDefaults).
const (
	// DefaultVideoEncoder is FFmpeg's libx264 wrapper.
	DefaultVideoEncoder = "libx264"
	// DefaultPreset is the x264 preset: "veryfast" keeps a 640×360 stream
	// at a few percent of a core with little quality loss against "medium".
	DefaultPreset = "veryfast"
	// DefaultCRF is x264's constant rate factor (its own default), used
	// when no Bitrate is set.
	DefaultCRF = 23
	// DefaultGOP is the keyframe distance: a keyframe is forced when 2 s of
	// PTS have passed since the last one, whatever the frame rate.
	DefaultGOP = 2 * time.Second
	// DefaultFrameRate is the frame rate the encoder is told before it has
	// seen the stream (rate control uses the real timestamps).
	DefaultFrameRate = 30
	// DefaultThreads is one thread per decoder and per encoder: many streams
	// per core, not one fast stream.
	DefaultThreads = 1
	// DefaultAudioEncoder is FFmpeg's native AAC-LC encoder.
	DefaultAudioEncoder = "aac"
	// DefaultSampleRate is Opus's own rate: no resampling.
	DefaultSampleRate = 48000
	// DefaultChannels is mono: browsers send mono Opus (in a stereo
	// container) unless stereo is negotiated, and mono halves the AAC cost.
	DefaultChannels = 1
	// DefaultBitratePerChannel is the AAC bitrate per channel (64 kbit/s
	// mono, 128 kbit/s stereo).
	DefaultBitratePerChannel = 64000
	// DefaultMaxGap is the longest hole in an audio stream filled with
	// silence; it matches hls.DefaultGapThreshold.
	DefaultMaxGap = 2 * time.Second
)

// DecoderConfig configures a Decoder. The zero value is valid.
type DecoderConfig struct {
	// Decoder is an FFmpeg decoder name ("libdav1d", "libopus", ...); empty
	// picks FFmpeg's default for the codec (for AV1: libdav1d, then
	// libaom-av1).
	Decoder string
	// Threads is the decoder's thread count (default DefaultThreads).
	Threads int
	// Channels is the Opus output channel count, 1 or 2 (default 2: WebRTC
	// signals Opus as stereo). Ignored for video.
	Channels int
	// Logger receives the warning of an object garbage collected without
	// Close (default slog.Default()).
	Logger *slog.Logger
}

// VideoEncoding is how H.264 is encoded; the zero value gives the defaults.
type VideoEncoding struct {
	// Encoder is an FFmpeg H.264 encoder name (default DefaultVideoEncoder;
	// "libopenh264", "h264_nvenc", "h264_vaapi", ... when the FFmpeg build
	// and the host have them).
	Encoder string
	// Preset is the encoder's preset (default DefaultPreset for libx264;
	// not set for other encoders unless given).
	Preset string
	// CRF is x264's constant rate factor, 1–51 (default DefaultCRF when
	// Bitrate is 0; libx264 only).
	CRF int
	// Bitrate is the average bitrate in bit/s; it also caps the rate
	// (VBV maxrate = Bitrate, buffer = 2 s). 0 selects CRF.
	Bitrate int
	// GOP is the longest time between keyframes (default DefaultGOP).
	GOP time.Duration
	// FrameRate is the frame rate hint given to the encoder at open
	// (default DefaultFrameRate). Output timestamps are always the source's.
	FrameRate int
	// Threads is the thread count of the encoder, and of the decoder of a
	// VideoTranscoder (default DefaultThreads).
	Threads int
	// Options are further FFmpeg options, applied last.
	Options []Option
}

// VideoEncoderConfig configures an H.264 Encoder.
type VideoEncoderConfig struct {
	// Width and Height are the picture size: even, 2–8192.
	Width, Height int
	// Encoding is how to encode.
	Encoding VideoEncoding
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// AudioEncoderConfig configures an AAC Encoder.
type AudioEncoderConfig struct {
	// Encoder is an FFmpeg AAC encoder name (default DefaultAudioEncoder).
	Encoder string
	// SampleRate is 48000 (default), 44100, 32000, 24000, 22050 or 16000.
	SampleRate int
	// Channels is 1 (default) or 2.
	Channels int
	// Bitrate is in bit/s, 8000–320000 (default DefaultBitratePerChannel ×
	// Channels).
	Bitrate int
	// Options are further FFmpeg options, applied last.
	Options []Option
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// AudioFormat describes PCM audio.
type AudioFormat struct {
	// SampleRate in Hz, 8000–192000.
	SampleRate int
	// Channels, 1–8 (default layouts: mono, stereo, ...).
	Channels int
	// Format is the sample layout.
	Format SampleFormat
}

// ResamplerConfig configures a Resampler.
type ResamplerConfig struct {
	// In is the format of the frames written (a frame of another format
	// reconfigures the resampler, which costs an allocation).
	In AudioFormat
	// Out is the format of the frames read.
	Out AudioFormat
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// ScalerConfig configures a Scaler. The zero value is valid.
type ScalerConfig struct {
	// Filter is the interpolation (default ScaleBilinear).
	Filter ScaleFilter
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// AudioConfig configures an AudioTranscoder (Opus to AAC). The zero value
// gives the defaults.
type AudioConfig struct {
	// SampleRate of the AAC output: 48000 (default), 44100 or 16000.
	SampleRate int
	// Channels of the AAC output: 1 (default) or 2.
	Channels int
	// Bitrate of the AAC output in bit/s (default DefaultBitratePerChannel
	// × Channels).
	Bitrate int
	// MaxGap is the longest hole in the input timestamps filled with
	// silence (default DefaultMaxGap). A longer one ends the run: the
	// encoder is drained and a new run starts at the next packet, so the
	// output timestamps jump with the input's (hls.Segmenter marks it).
	MaxGap time.Duration
	// Encoder is the FFmpeg AAC encoder name (default DefaultAudioEncoder).
	Encoder string
	// Options are further encoder options, applied last; for example
	// {"aac_coder", "fast"} saves about a third of the CPU of mono AAC at
	// some quality cost (FFmpeg's default coder is "twoloop").
	Options []Option
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// VideoConfig configures a VideoTranscoder (any video codec to H.264).
type VideoConfig struct {
	// Input is the source codec: VP8, VP9, AV1, H265 or H264.
	Input Codec
	// Decoder is an FFmpeg decoder name; empty picks the default.
	Decoder string
	// Encoding is how to encode H.264.
	Encoding VideoEncoding
	// Logger as in DecoderConfig.
	Logger *slog.Logger
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c DecoderConfig) Validate() error {
	switch {
	case c.Threads < 0 || c.Threads > 64:
		return invalid("Threads", "Threads must be within 0..64, got %d", c.Threads)
	case c.Channels < 0 || c.Channels > 2:
		return invalid("Channels", "Opus decoding needs 1 or 2 channels, got %d", c.Channels)
	}
	return nil
}

// Validate checks the encoding settings without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (e VideoEncoding) Validate() error {
	switch {
	case e.CRF < 0 || e.CRF > 51:
		return invalid("CRF", "CRF must be within 1..51 (0 for the default), got %d", e.CRF)
	case e.Bitrate < 0 || e.Bitrate > 200_000_000:
		return invalid("Bitrate", "Bitrate must be within 0..200000000 bit/s, got %d", e.Bitrate)
	case e.CRF != 0 && e.Bitrate != 0:
		return invalid("CRF", "set CRF or Bitrate, not both")
	case e.GOP < 0 || e.GOP > time.Hour:
		return invalid("GOP", "GOP must be within 0..1h, got %v", e.GOP)
	case e.FrameRate < 0 || e.FrameRate > 240:
		return invalid("FrameRate", "FrameRate must be within 0..240, got %d", e.FrameRate)
	case e.Threads < 0 || e.Threads > 64:
		return invalid("Threads", "Threads must be within 0..64, got %d", e.Threads)
	}
	for _, o := range e.Options {
		if o.Name == "" {
			return invalid("Options", "an option has no name")
		}
	}
	return nil
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c VideoEncoderConfig) Validate() error {
	if err := checkSize(c.Width, c.Height); err != nil {
		return err
	}
	return c.Encoding.Validate()
}

func checkSize(w, h int) error {
	if w < 2 || h < 2 || w > 8192 || h > 8192 || w%2 != 0 || h%2 != 0 {
		return invalid("Width", "picture size must be even and within 2..8192, got %dx%d", w, h)
	}
	return nil
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c AudioEncoderConfig) Validate() error {
	return checkAAC(c.SampleRate, c.Channels, c.Bitrate, c.Options)
}

func checkAAC(rate, channels, bitrate int, opts []Option) error {
	switch rate {
	case 0, 48000, 44100, 32000, 24000, 22050, 16000:
	default:
		return invalid("SampleRate", "AAC sample rate must be 48000, 44100, 32000, 24000, 22050 or 16000, got %d", rate)
	}
	switch {
	case channels < 0 || channels > 2:
		return invalid("Channels", "Channels must be 1 or 2, got %d", channels)
	case bitrate != 0 && (bitrate < 8000 || bitrate > 320000):
		return invalid("Bitrate", "Bitrate must be within 8000..320000 bit/s, got %d", bitrate)
	}
	for _, o := range opts {
		if o.Name == "" {
			return invalid("Options", "an option has no name")
		}
	}
	return nil
}

// Validate checks the format without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (f AudioFormat) Validate() error {
	switch {
	case f.SampleRate < 8000 || f.SampleRate > 192000:
		return invalid("SampleRate", "SampleRate must be within 8000..192000, got %d", f.SampleRate)
	case f.Channels < 1 || f.Channels > 8:
		return invalid("Channels", "Channels must be within 1..8, got %d", f.Channels)
	case !f.Format.Valid():
		return invalid("Format", "unknown sample format %v", f.Format)
	}
	return nil
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c ResamplerConfig) Validate() error {
	if err := c.In.Validate(); err != nil {
		return err
	}
	return c.Out.Validate()
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c ScalerConfig) Validate() error {
	if !c.Filter.Valid() {
		return invalid("Filter", "unknown scale filter %d", c.Filter)
	}
	return nil
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c AudioConfig) Validate() error {
	switch c.SampleRate {
	case 0, 48000, 44100, 16000:
	default:
		return invalid("SampleRate", "SampleRate must be 48000, 44100 or 16000, got %d", c.SampleRate)
	}
	if c.MaxGap < 0 || c.MaxGap > time.Minute {
		return invalid("MaxGap", "MaxGap must be within 0..1m, got %v", c.MaxGap)
	}
	return checkAAC(c.SampleRate, c.Channels, c.Bitrate, c.Options)
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (c VideoConfig) Validate() error {
	if !c.Input.IsVideo() {
		return invalid("Input", "Input must be VP8, VP9, AV1, H265 or H264, got %v", c.Input)
	}
	return c.Encoding.Validate()
}
