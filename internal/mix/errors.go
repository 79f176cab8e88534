package mix

import (
	"errors"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/layout"
)

// The codes of the package's parameter errors (*errcode.Error values):
// match them with errors.Is, or the whole class with
// errors.Is(err, errcode.InvalidParameter).
const (
	// ErrMixTranscodeParams says a MixTranscodeParams value (canvas, fps,
	// bitrates, GOP, audio format) or the playout delay is out of range.
	ErrMixTranscodeParams = layout.ErrCanvas
	// ErrMixWatermark says a watermark is wrong (too many, outside the
	// canvas, no image, a URL that is not http or https).
	ErrMixWatermark = layout.ErrMixWatermark
	// ErrInput says an input cannot be added: an unknown codec or MediaId,
	// an empty UserId, a second input of the same kind for a stream, or
	// too many inputs.
	ErrInput errcode.Code = "InvalidParameter.MixInput"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrClosed is returned by the methods of a closed Mixer or Input.
	ErrClosed = errors.New("mix: closed")
	// ErrFrame is returned by Input.Write for a frame without data or
	// without an Arrival time; the frame is dropped, the Input stays usable.
	ErrFrame = errors.New("mix: unusable frame")
	// ErrFetch is matched by every error of FetchWatermark: the image
	// could not be downloaded or is not usable (the recorder fires event
	// 309 and records without it).
	ErrFetch = errors.New("mix: watermark download failed")
)
