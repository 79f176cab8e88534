package api

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

// The mixed-stream request fields, as the service's 2019-07-22 models
// define them (trtc MixTranscodeParams, VideoParams, AudioParams,
// MixLayoutParams, MixLayout, WaterMark, WaterMarkImage, WaterMarkChar,
// WaterMarkTimestamp). Every number is optional.

type mixTranscodeParams struct {
	VideoParams *videoParams
	AudioParams *audioParams
}

type videoParams struct {
	Width   *uint64 // pixels
	Height  *uint64 // pixels
	Fps     *uint64
	BitRate *uint64 // bit/s
	Gop     *uint64 // seconds
}

type audioParams struct {
	SampleRate *uint64 // 1 48000 Hz, 2 44100 Hz, 3 16000 Hz
	Channel    *uint64 // 1 mono, 2 stereo
	BitRate    *uint64 // bit/s
}

type mixLayoutParams struct {
	MixLayoutMode             *uint64 // 1 float, 2 screen share, 3 grid, 4 custom
	MixLayoutList             []mixLayout
	BackGroundColor           *string // "#RRGGBB"
	MaxResolutionUserId       *string
	MediaId                   *uint64 // of MaxResolutionUserId: 0 main, 1 aux
	BackgroundImageUrl        *string
	PlaceHolderMode           *uint64
	BackgroundImageRenderMode *uint64
	DefaultSubBackgroundImage *string
	WaterMarkList             []waterMark
	RenderMode                *uint64 // 0 stretch, 1 crop, 2 fit, 3 smart stretch
	MaxResolutionUserAlign    *uint64
	PureAudioDisableLayout    *bool
}

type mixLayout struct {
	Top, Left, Width, Height *uint64 // pixels
	UserId                   *string
	Alpha                    *uint64 // 0 opaque .. 255 transparent
	RenderMode               *uint64
	MediaId                  *uint64
	ImageLayer               *uint64
	SubBackgroundImage       *string
}

type waterMark struct {
	WaterMarkType      *uint64 // 0 image, 1 text, 2 timestamp
	WaterMarkImage     *waterMarkImage
	WaterMarkChar      *waterMarkChar
	WaterMarkTimestamp *waterMarkTimestamp
}

type waterMarkImage struct {
	WaterMarkUrl             *string
	Top, Left, Width, Height *uint64 // pixels
}

// waterMarkChar and waterMarkTimestamp are decoded (strictly) only to be
// refused as FailedOperation.Unsupported when their type is chosen.
type waterMarkChar struct {
	Top, Left, Width, Height *uint64
	Chars                    *string
	FontSize                 *uint64
	FontColor                *string
	BackGroundColor          *string
	Font                     *string
}

type waterMarkTimestamp struct {
	Pos      *uint64
	TimeZone *uint64
	Font     *string
}

// mixExtras are the parts of the service's MixLayoutParams that the
// recorder keeps outside its MixLayoutParams: the background colour and
// the watermarks.
type mixExtras struct {
	background uint32
	marks      []layout.Watermark
}

// num returns *p as an int (0 when absent), capped at MaxInt32 so that no
// huge value wraps to a valid one.
func num(p *uint64) int {
	if p == nil {
		return 0
	}
	return int(min(*p, math.MaxInt32))
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// mixParams converts the mixed-stream parameters of a Create with
// RecordMode 2; either may be nil (the recorder's defaults).
func mixParams(tc *mixTranscodeParams, lp *mixLayoutParams) (recorder.MixParams, error) {
	var out recorder.MixParams
	var err error
	if out.Transcode, err = tc.toRecorder(); err != nil || lp == nil {
		return out, err
	}
	lay, extras, err := lp.toRecorder()
	if err != nil {
		return recorder.MixParams{}, err
	}
	out.Layout, out.Transcode.BackgroundColor, out.Watermarks = lay, extras.background, extras.marks
	return out, nil
}

// toRecorder converts MixTranscodeParams: Gop from seconds, the sample
// rate from its enumeration, bitrates as they are (bit/s); 0 or absent
// takes the recorder's default. The recorder checks the ranges.
func (t *mixTranscodeParams) toRecorder() (recorder.MixTranscodeParams, error) {
	var out recorder.MixTranscodeParams
	if t == nil {
		return out, nil
	}
	if v := t.VideoParams; v != nil {
		out.Width, out.Height, out.FPS, out.VideoBitrate = num(v.Width), num(v.Height), num(v.Fps), num(v.BitRate)
		if v.Gop != nil {
			// Past a minute the recorder refuses it; the cap avoids overflow.
			out.GOP = time.Duration(min(*v.Gop, 3600)) * time.Second
		}
	}
	if a := t.AudioParams; a != nil {
		rate, err := sampleRate(a.SampleRate)
		if err != nil {
			return recorder.MixTranscodeParams{}, err
		}
		out.SampleRate, out.Channels, out.AudioBitrate = rate, num(a.Channel), num(a.BitRate)
	}
	return out, nil
}

// sampleRate maps the service's AudioParams.SampleRate enumeration (1
// 48000 Hz, 2 44100 Hz, 3 16000 Hz) to hertz; absent or 0 is the default.
func sampleRate(v *uint64) (int, error) {
	if v == nil {
		return 0, nil
	}
	switch *v {
	case 0:
		return 0, nil
	case 1:
		return 48000, nil
	case 2:
		return 44100, nil
	case 3:
		return 16000, nil
	}
	return 0, errcode.New(layout.ErrCanvas, "AudioParams.SampleRate %d: must be 1 (48000 Hz), 2 (44100 Hz) or 3 (16000 Hz)", *v)
}

// toRecorder converts MixLayoutParams to the recorder's layout, background
// colour and watermarks (Create and Modify alike: Modify overwrites all of
// them). Options the recorder does not have are
// FailedOperation.Unsupported naming the field; values out of range the
// layout's InvalidParameter codes (the recorder checks the rest against
// the canvas).
func (l *mixLayoutParams) toRecorder() (recorder.MixLayoutParams, mixExtras, error) {
	if err := l.checkOptions(); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	out := recorder.MixLayoutParams{BigUserID: str(l.MaxResolutionUserId), BackgroundImageURL: str(l.BackgroundImageUrl)}
	if l.MixLayoutMode != nil {
		if *l.MixLayoutMode > uint64(layout.Custom) {
			return recorder.MixLayoutParams{}, mixExtras{}, errcode.New(layout.ErrMixLayoutMode,
				"MixLayoutMode %d: must be 1 (float), 2 (screen share), 3 (grid) or 4 (custom)", *l.MixLayoutMode)
		}
		out.Mode = layout.Mode(*l.MixLayoutMode)
	}
	var err error
	if out.BigMedia, err = mediaID(l.MediaId, layout.ErrMediaID, "MediaId"); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	if out.Render, err = renderMode(l.RenderMode, layout.ErrRenderMode, "RenderMode"); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	if out.Custom, err = slots(l.MixLayoutList); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	var extras mixExtras
	if extras.background, err = backgroundColor(l.BackGroundColor); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	if extras.marks, err = watermarks(l.WaterMarkList); err != nil {
		return recorder.MixLayoutParams{}, mixExtras{}, err
	}
	return out, extras, nil
}

// checkOptions refuses the MixLayoutParams options the recorder does not
// have (FailedOperation.Unsupported) and their values out of range.
func (l *mixLayoutParams) checkOptions() error {
	over := func(v *uint64, hi uint64) bool { return v != nil && *v > hi }
	set := func(v *uint64) bool { return v != nil && *v != 0 }
	placeholders := set(l.PlaceHolderMode)
	switch {
	case over(l.PlaceHolderMode, 1):
		return invalid("PlaceHolderMode", "%d: must be 0 or 1", *l.PlaceHolderMode)
	case placeholders && str(l.DefaultSubBackgroundImage) != "":
		return unsupported("MixLayoutParams.DefaultSubBackgroundImage: placeholder images are not available; absent users' screens show the background colour (leave it out, or set PlaceHolderMode 0)")
	case over(l.BackgroundImageRenderMode, 3):
		return invalid("BackgroundImageRenderMode", "%d: must be 0 (stretch), 1 (crop), 2 (fit) or 3 (smart stretch)", *l.BackgroundImageRenderMode)
	case l.BackgroundImageRenderMode != nil && *l.BackgroundImageRenderMode != 1 && str(l.BackgroundImageUrl) != "":
		return unsupported("MixLayoutParams.BackgroundImageRenderMode %d: the background image is always cropped to fill the canvas; use 1 (crop) or leave it out", *l.BackgroundImageRenderMode)
	case over(l.MaxResolutionUserAlign, 1):
		return invalid("MaxResolutionUserAlign", "%d: must be 0 or 1", *l.MaxResolutionUserAlign)
	case set(l.MaxResolutionUserAlign):
		return unsupported("MixLayoutParams.MaxResolutionUserAlign 1: the big screen of the screen-share layout is always on the left; use 0")
	case l.PureAudioDisableLayout != nil && *l.PureAudioDisableLayout:
		return unsupported("MixLayoutParams.PureAudioDisableLayout true: a user who sends only audio always takes a screen; use false")
	}
	for i, s := range l.MixLayoutList {
		switch {
		case placeholders && str(s.SubBackgroundImage) != "":
			return unsupported("MixLayoutList[%d].SubBackgroundImage: placeholder images are not available; an absent user's screen shows the background colour (leave it out, or set PlaceHolderMode 0)", i)
		case over(s.Alpha, 255):
			return errcode.New(layout.ErrMixLayoutList, "MixLayoutList[%d].Alpha %d: must be 0..255", i, *s.Alpha)
		case set(s.Alpha):
			return unsupported("MixLayoutList[%d].Alpha %d: transparent screens are not available; use 0 (opaque)", i, *s.Alpha)
		}
	}
	return nil
}

// slots converts MixLayoutList; the recorder checks the places against
// the canvas.
func slots(list []mixLayout) ([]layout.Slot, error) {
	if list == nil {
		return nil, nil
	}
	out := make([]layout.Slot, len(list))
	for i, s := range list {
		name := "MixLayoutList[" + strconv.Itoa(i) + "]."
		media, err := mediaID(s.MediaId, layout.ErrMixLayoutList, name+"MediaId")
		if err != nil {
			return nil, err
		}
		render, err := renderMode(s.RenderMode, layout.ErrMixLayoutList, name+"RenderMode")
		if err != nil {
			return nil, err
		}
		out[i] = layout.Slot{
			UserID: str(s.UserId), Media: media,
			Top: num(s.Top), Left: num(s.Left), Width: num(s.Width), Height: num(s.Height),
			Layer: num(s.ImageLayer), Render: render,
		}
	}
	return out, nil
}

// mediaID maps the service's MediaId (0 main, the default; 1 aux).
func mediaID(v *uint64, code errcode.Code, field string) (naming.MediaID, error) {
	if v == nil || *v == 0 {
		return naming.MediaMain, nil
	}
	if *v == 1 {
		return naming.MediaAux, nil
	}
	return "", errcode.New(code, "%s %d: must be 0 (main stream) or 1 (aux stream)", field, *v)
}

// renderMode maps the service's RenderMode (0 stretch, 1 crop, the
// default; 2 fit with black; 3 smart stretch, not available) to the
// layout's, which is numbered so that its zero value is crop.
func renderMode(v *uint64, code errcode.Code, field string) (layout.RenderMode, error) {
	if v == nil {
		return layout.RenderCrop, nil
	}
	switch *v {
	case 0:
		return layout.RenderStretch, nil
	case 1:
		return layout.RenderCrop, nil
	case 2:
		return layout.RenderFit, nil
	case 3:
		return 0, unsupported("%s 3: smart stretch is not available; use 0 (stretch), 1 (crop) or 2 (fit with black)", field)
	}
	return 0, errcode.New(code, "%s %d: must be 0 (stretch), 1 (crop), 2 (fit with black) or 3 (smart stretch)", field, *v)
}

// backgroundColor reads BackGroundColor, "#RRGGBB"; absent or "" is black.
func backgroundColor(p *string) (uint32, error) {
	s := str(p)
	if s == "" {
		return 0, nil
	}
	if hex, ok := strings.CutPrefix(s, "#"); ok && len(hex) == 6 {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil {
			return uint32(v), nil
		}
	}
	return 0, invalid("BackGroundColor", "%q: must be # followed by six hexadecimal digits RRGGBB, for example #FFA500", s)
}

// watermarks converts WaterMarkList; only image watermarks are available.
// The recorder checks the places against the canvas and the URLs.
func watermarks(list []waterMark) ([]layout.Watermark, error) {
	if list == nil {
		return nil, nil
	}
	out := make([]layout.Watermark, 0, len(list))
	for i, w := range list {
		typ := uint64(0)
		if w.WaterMarkType != nil {
			typ = *w.WaterMarkType
		}
		switch {
		case typ == 1 || typ == 2:
			return nil, unsupported("WaterMarkList[%d].WaterMarkType %d: text and timestamp watermarks are not available; use 0 (image)", i, typ)
		case typ != 0:
			return nil, errcode.New(layout.ErrMixWatermark, "WaterMarkList[%d].WaterMarkType %d: must be 0 (image), 1 (text) or 2 (timestamp)", i, typ)
		case w.WaterMarkImage == nil:
			return nil, errcode.New(CodeMissingParameter.Detail("WaterMarkImage"), "WaterMarkList[%d].WaterMarkImage is required for an image watermark", i)
		}
		img := w.WaterMarkImage
		out = append(out, layout.Watermark{
			Top: num(img.Top), Left: num(img.Left), Width: num(img.Width), Height: num(img.Height), URL: str(img.WaterMarkUrl),
		})
	}
	return out, nil
}
