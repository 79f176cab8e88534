package ingest

import "github.com/roomrec/roomrec/errcode"

// ErrUnsupportedCodec is matched (with errors.Is) by the error of
// CodecFromMimeType for a codec this package cannot depacketize. It is
// errcode.Unsupported, so callers may also match the errcode class.
const ErrUnsupportedCodec = errcode.Unsupported

// invalidConfig returns the error of a Config field out of range.
func invalidConfig(field, format string, args ...any) error {
	return errcode.New(errcode.InvalidParameter.Detail(field), "ingest: "+format, args...)
}
