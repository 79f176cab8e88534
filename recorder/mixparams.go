package recorder

import (
	"image/color"
	"net/url"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/mix"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// MixParams are the parameters of a mixed-stream task (RecordMode Mixed):
// the service's MixTranscodeParams, MixLayoutParams and watermarks.
type MixParams struct {
	Transcode  MixTranscodeParams
	Layout     MixLayoutParams
	Watermarks []layout.Watermark
}

// MixTranscodeParams say how the mix is encoded. Zero values take the
// defaults: 1280×720, 15 fps, 1.5 Mbit/s H.264 with a 2 s GOP, AAC 48 kHz
// stereo at 64 kbit/s, a black background.
type MixTranscodeParams struct {
	Width, Height int
	FPS           int
	VideoBitrate  int           // bit/s
	GOP           time.Duration // keyframe interval
	SampleRate    int           // 48000, 44100 or 16000
	Channels      int           // 1 or 2
	AudioBitrate  int           // bit/s
	// BackgroundColor is the canvas colour as 0xRRGGBB.
	BackgroundColor uint32
}

// MixLayoutParams are the layout of the mix (SPEC §4); Modify replaces
// them as a whole.
type MixLayoutParams struct {
	// Mode is layout.Grid (the default, also for 0), layout.Float,
	// layout.ScreenShare or layout.Custom.
	Mode layout.Mode
	// BigUserID (and BigMedia) name the user of the big screen in Float and
	// ScreenShare.
	BigUserID string
	BigMedia  naming.MediaID
	// Custom is the custom layout (Mode layout.Custom).
	Custom []layout.Slot
	// Render is how video fills its screen: crop to fill (default), fit
	// with padding, or stretch.
	Render layout.RenderMode
	// BackgroundImageURL is an http(s) image covering the canvas; a
	// failed download fires event 309 and the colour is used.
	BackgroundImageURL string
}

func (p MixParams) mixConfig() mix.Config {
	tc := p.Transcode
	rgb := tc.BackgroundColor
	return mix.Config{
		Width: tc.Width, Height: tc.Height, FPS: tc.FPS, VideoBitrate: tc.VideoBitrate, GOP: tc.GOP,
		SampleRate: tc.SampleRate, Channels: tc.Channels, AudioBitrate: tc.AudioBitrate,
		Background: color.RGBA{R: uint8(rgb >> 16), G: uint8(rgb >> 8), B: uint8(rgb), A: 255},
		Layout:     p.Layout.params(),
	}
}

func (l MixLayoutParams) params() layout.Params {
	mode := l.Mode
	if mode == 0 {
		mode = layout.Grid
	}
	return layout.Params{Mode: mode, BigUserID: l.BigUserID, BigMedia: l.BigMedia, Render: l.Render, Custom: l.Custom}
}

// validate checks the mix parameters without I/O (InvalidParameter.Mix*).
func (p MixParams) validate() error {
	cfg := p.mixConfig()
	if err := cfg.Validate(); err != nil {
		return err
	}
	w, h := cfg.Width, cfg.Height
	if w == 0 {
		w, h = mix.DefaultWidth, mix.DefaultHeight
	}
	if err := layout.ValidateWatermarks(w, h, p.Watermarks); err != nil {
		return err
	}
	if u := p.Layout.BackgroundImageURL; u != "" {
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return errcode.New(errcode.InvalidParameter.Detail("MixLayoutParams"), "BackgroundImageURL %q: must be an http or https URL", u)
		}
	}
	return nil
}
