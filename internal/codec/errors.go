package codec

import (
	"errors"

	"github.com/roomrec/roomrec/errcode"
)

// Sentinel errors of the package; match them with errors.Is. Configuration
// errors are *errcode.Error values with an InvalidParameter.<Field> code.
var (
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("codec: closed")
	// ErrInvalidData is returned when a frame or packet cannot be decoded
	// (corrupt, truncated, or not of the declared codec). The input is
	// dropped and the object stays usable: it is a glitch to count and log,
	// not a reason to stop recording.
	ErrInvalidData = errors.New("codec: invalid data")
)

// ErrUnsupported is matched (with errors.Is) by the error of a constructor
// when the build or the FFmpeg libraries cannot do what was asked: a build
// without cgo, a codec or encoder missing from the FFmpeg build (for
// example no AV1 decoder, or "h264_nvenc" without NVIDIA's driver). It is
// errcode.Unsupported (FailedOperation.Unsupported).
const ErrUnsupported = errcode.Unsupported

// invalid returns the error of a config field out of range.
func invalid(field, format string, args ...any) error {
	return errcode.New(errcode.InvalidParameter.Detail(field), "codec: "+format, args...)
}
