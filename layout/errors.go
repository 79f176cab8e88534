package layout

import "github.com/roomrec/roomrec/errcode"

// The codes this package returns, one per parameter. Every error of the
// package is an *errcode.Error carrying one of them, so callers match with
// errors.Is(err, layout.ErrMixLayoutList) or, for the whole class,
// errors.Is(err, errcode.InvalidParameter).
const (
	// ErrCanvas says the canvas (the video width and height of
	// MixTranscodeParams) is odd or outside MinCanvas..MaxCanvas.
	ErrCanvas errcode.Code = "InvalidParameter.MixTranscodeParams"
	// ErrMixLayoutMode says the layout mode is not 1..4.
	ErrMixLayoutMode errcode.Code = "InvalidParameter.MixLayoutMode"
	// ErrMixLayoutList says a custom layout list is empty, too long, or has
	// an entry outside the canvas, too small, with a bad layer, render mode
	// or MediaId, or a user+MediaId given twice.
	ErrMixLayoutList errcode.Code = "InvalidParameter.MixLayoutList"
	// ErrMediaID says the MediaId of the big-screen user or of a screen is
	// not main or aux.
	ErrMediaID errcode.Code = "InvalidParameter.MediaId"
	// ErrRenderMode says the render mode of the automatic layouts is not
	// crop, fit or stretch.
	ErrRenderMode errcode.Code = "InvalidParameter.RenderMode"
	// ErrMixWatermark says there are too many watermarks, or one is outside
	// the canvas, too small, or has a URL that is not http or https.
	ErrMixWatermark errcode.Code = "InvalidParameter.MixWatermark"
)
