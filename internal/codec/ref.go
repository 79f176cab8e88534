//go:build cgo

package codec

/*
#include "ffmpeg.h"
*/
import "C"

import (
	"log/slog"
	"runtime"
)

// NewRefFrame returns an owned, empty Frame meant to hold a reference to
// another Frame's picture (Ref): for example the latest picture of a
// decoder kept after the decoder moved on, without copying its pixels. It
// must be Closed. It returns an InternalError when out of memory.
func NewRefFrame(logger *slog.Logger) (*Frame, error) {
	p := C.av_frame_alloc()
	if p == nil {
		return nil, failure("allocating a frame", C.RR_EINVAL)
	}
	return ownFrame(p, "reference Frame", logger), nil
}

// Ref makes f a reference to src's data (no copy: the buffers are shared
// and reference-counted, so they stay valid after src's producer reuses
// src), dropping what f held before. f must be an owned Frame (from
// NewRefFrame, NewVideoFrame or NewAudioFrame); src may be borrowed.
// Nothing may write into the shared picture while f references it. It
// returns ErrClosed for a freed or borrowed f or a freed src, or an
// InternalError when out of memory.
func (f *Frame) Ref(src *Frame) error {
	if f == nil || f.p == nil || !f.owned || src == nil || src.p == nil || f.p == src.p {
		return ErrClosed
	}
	defer runtime.KeepAlive(src)
	C.av_frame_unref(f.p)
	if ret := C.av_frame_ref(f.p, src.p); ret < 0 {
		return failure("referencing a frame", ret)
	}
	return nil
}

// Unref drops what an owned Frame references or holds, leaving it empty
// (Width 0) until the next Ref; it does nothing on a borrowed or freed
// Frame.
func (f *Frame) Unref() {
	if f != nil && f.p != nil && f.owned {
		C.av_frame_unref(f.p)
	}
}
