package mix

import (
	"image"
	"image/color"
	"log/slog"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/layout"
)

// Defaults applied to zero Config fields (in one place: withDefaults).
const (
	// DefaultWidth and DefaultHeight are the canvas size: 720p holds a
	// 5×5 grid of 256×144 screens and costs x264 veryfast about a tenth of
	// a core at 15 fps.
	DefaultWidth  = 1280
	DefaultHeight = 720
	// DefaultFPS is the output frame rate (the service's default).
	DefaultFPS = 15
	// DefaultVideoBitrate is the H.264 average (and VBV maximum) bitrate
	// in bit/s.
	DefaultVideoBitrate = 1_500_000
	// DefaultGOP is the keyframe interval; HLS segments are cut at
	// keyframes, so it is also the precision of segment lengths.
	DefaultGOP = 2 * time.Second
	// DefaultEncoder is the H.264 encoder, at preset DefaultPreset.
	DefaultEncoder = "libx264"
	// DefaultPreset is the x264 preset.
	DefaultPreset = "veryfast"
	// DefaultSampleRate and DefaultChannels are the AAC output format.
	DefaultSampleRate = 48000
	DefaultChannels   = 2
	// DefaultAudioBitrate is the AAC bitrate in bit/s (whatever the
	// channel count).
	DefaultAudioBitrate = 64000
	// DefaultPlayoutDelay is how far the mix plays behind its clock. It
	// must cover the time a frame spends before it reaches Input.Write:
	// the recorder's RTP reorder buffer holds the first packets, and the
	// packets behind a loss, for up to 500 ms; the rest is network jitter
	// and the lip-sync shift. A recording is not interactive, so a second
	// of latency costs nothing but a second of queued compressed frames.
	DefaultPlayoutDelay = time.Second
	// MaxInputs is the most inputs (audio and video) a Mixer takes: 25
	// users with audio, main and aux video.
	MaxInputs = 75
	// maxCatchUp is the longest stretch of output one Tick produces;
	// a clock that jumped further is a gap in the output.
	maxCatchUp = 5 * time.Second
)

// Watermark is an image drawn over the mixed video, already downloaded
// (see FetchWatermark).
type Watermark struct {
	// Box is where the image goes: even, at least 2×2, inside the canvas
	// (layout.Watermarks computes it from the service's MixWatermark).
	Box layout.Box
	// Image is stretched to Box; its alpha channel is honoured.
	Image image.Image
}

// Config configures a Mixer (the service's MixTranscodeParams, the
// layout of MixLayoutParams and the watermarks). Zero fields get the
// defaults above.
type Config struct {
	// Width and Height are the canvas size: even, within
	// layout.MinCanvas..4096 (default DefaultWidth×DefaultHeight).
	Width, Height int
	// FPS is the output frame rate, 1..60 (default DefaultFPS).
	FPS int
	// VideoBitrate is the H.264 bitrate in bit/s, 10 000..50 000 000
	// (default DefaultVideoBitrate).
	VideoBitrate int
	// GOP is the keyframe interval, 1/FPS..60 s (default DefaultGOP).
	GOP time.Duration
	// Encoder is the FFmpeg H.264 encoder (default DefaultEncoder, at
	// DefaultPreset).
	Encoder string
	// SampleRate is 48000 (default), 44100 or 16000; Channels 1 or 2
	// (default 2); AudioBitrate 8 000..320 000 bit/s (default
	// DefaultAudioBitrate).
	SampleRate, Channels, AudioBitrate int
	// Background is the canvas colour (default opaque black; the alpha is
	// ignored).
	Background color.RGBA
	// BackgroundImage, when set, covers the canvas (scaled to fill it,
	// cropped centrally) instead of Background.
	BackgroundImage image.Image
	// Placeholder is the colour of the screen of a user without a picture
	// (audio only, video not arrived yet, absent from a custom layout).
	// Its zero value (alpha 0) draws nothing there: the background shows,
	// as the service does.
	Placeholder color.RGBA
	// Layout is the initial layout (mode, big-screen user, render mode,
	// custom list); its Width, Height and Screens are set by the Mixer.
	// The zero value is a grid.
	Layout layout.Params
	// Watermarks are drawn over the video, in order (at most
	// layout.MaxWatermarks).
	Watermarks []Watermark
	// PlayoutDelay is how far the mix plays behind the clock, 100 ms..10 s
	// (default DefaultPlayoutDelay).
	PlayoutDelay time.Duration
	// Clock is the mix clock; Input.Write's frames are placed on it by
	// their Arrival time, so it must be the clock the receiver stamps
	// packets with (default clock.Real()).
	Clock clock.Clock
	// Logger receives the warnings of Run (default slog.Default()).
	Logger *slog.Logger
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error: ErrMixTranscodeParams naming the field, ErrMixWatermark,
// or the layout's code for Layout.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(format string, args ...any) error {
		return errcode.New(ErrMixTranscodeParams, "mix: "+format, args...)
	}
	switch {
	case c.Width < layout.MinCanvas || c.Height < layout.MinCanvas || c.Width > 4096 || c.Height > 4096 ||
		c.Width%2 != 0 || c.Height%2 != 0:
		return bad("Width and Height must be even and within %d..4096, got %dx%d", layout.MinCanvas, c.Width, c.Height)
	case c.FPS < 1 || c.FPS > 60:
		return bad("Fps must be within 1..60, got %d", c.FPS)
	case c.VideoBitrate < 10_000 || c.VideoBitrate > 50_000_000:
		return bad("video BitRate must be within 10000..50000000 bit/s, got %d", c.VideoBitrate)
	case c.GOP < time.Second/time.Duration(c.FPS) || c.GOP > time.Minute:
		return bad("Gop must be within one frame..60s, got %v", c.GOP)
	case c.SampleRate != 48000 && c.SampleRate != 44100 && c.SampleRate != 16000:
		return bad("SampleRate must be 48000, 44100 or 16000, got %d", c.SampleRate)
	case c.Channels != 1 && c.Channels != 2:
		return bad("Channel must be 1 or 2, got %d", c.Channels)
	case c.AudioBitrate < 8000 || c.AudioBitrate > 320_000:
		return bad("audio BitRate must be within 8000..320000 bit/s, got %d", c.AudioBitrate)
	case c.PlayoutDelay < 100*time.Millisecond || c.PlayoutDelay > 10*time.Second:
		return bad("PlayoutDelay must be within 100ms..10s, got %v", c.PlayoutDelay)
	}
	if err := c.validateWatermarks(); err != nil {
		return err
	}
	p := c.Layout
	p.Width, p.Height, p.Screens = c.Width, c.Height, nil
	return p.Validate()
}

func (c Config) validateWatermarks() error {
	if len(c.Watermarks) > layout.MaxWatermarks {
		return errcode.New(ErrMixWatermark, "mix: %d watermarks: at most %d", len(c.Watermarks), layout.MaxWatermarks)
	}
	for i, w := range c.Watermarks {
		b := w.Box
		switch {
		case w.Image == nil || w.Image.Bounds().Empty():
			return errcode.New(ErrMixWatermark, "mix: watermark %d has no image", i)
		case b.X < 0 || b.Y < 0 || b.W < 2 || b.H < 2 || b.X+b.W > c.Width || b.Y+b.H > c.Height ||
			(b.X|b.Y|b.W|b.H)%2 != 0:
			return errcode.New(ErrMixWatermark, "mix: watermark %d box %+v must be even, at least 2x2 and inside the %dx%d canvas",
				i, b, c.Width, c.Height)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Width, DefaultWidth)
	def(&c.Height, DefaultHeight)
	def(&c.FPS, DefaultFPS)
	def(&c.VideoBitrate, DefaultVideoBitrate)
	def(&c.SampleRate, DefaultSampleRate)
	def(&c.Channels, DefaultChannels)
	def(&c.AudioBitrate, DefaultAudioBitrate)
	if c.GOP == 0 {
		c.GOP = DefaultGOP
	}
	if c.Encoder == "" {
		c.Encoder = DefaultEncoder
	}
	if c.PlayoutDelay == 0 {
		c.PlayoutDelay = DefaultPlayoutDelay
	}
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Background == (color.RGBA{}) {
		c.Background = color.RGBA{A: 255}
	}
	return c
}
