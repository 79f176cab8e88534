//go:build cgo

package codec

/*
#include "ffmpeg.h"
*/
import "C"

import (
	"fmt"
	"runtime"
)

// Scaler scales and converts pictures with swscale: a source picture (or a
// rectangle of it, for crop-to-fill) into a rectangle of a destination
// picture, such as one tile of a mixed-layout canvas, in one pass and
// without a copy in between. It keeps the swscale context for as long as
// sizes and formats stay the same, so use one Scaler per input stream. A
// Scaler is not safe for concurrent use.
type Scaler struct {
	c     *C.rr_scaler
	clean runtime.Cleanup
}

// NewScaler returns a Scaler. It returns an InvalidParameter error for a
// bad config or an InternalError when out of memory.
func NewScaler(cfg ScalerConfig) (*Scaler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := C.rr_scaler_new(C.int(cfg.Filter))
	if p == nil {
		return nil, failure("allocating a scaler", C.RR_EINVAL)
	}
	s := &Scaler{c: p}
	s.clean = watch(s, "Scaler", cfg.Logger, func() { C.rr_scaler_free(p) })
	return s, nil
}

// Scale scales the rectangle srcRect of src (zero Rect: all of it) into
// dstRect of dst (zero Rect: all of it), converting the pixel layout. For
// 4:2:0 pictures rectangle origins must be even. It returns ErrClosed after
// Close or for a freed Frame, an InvalidParameter error for a rectangle out
// of its picture, or ErrInvalidData when swscale refuses the conversion.
func (s *Scaler) Scale(dst *Frame, dstRect Rect, src *Frame, srcRect Rect) error {
	if s.c == nil || dst == nil || dst.p == nil || src == nil || src.p == nil {
		return ErrClosed
	}
	defer runtime.KeepAlive(s)
	d, err := fitRect(dstRect, dst, "destination")
	if err != nil {
		return err
	}
	r, err := fitRect(srcRect, src, "source")
	if err != nil {
		return err
	}
	ret := C.rr_scale(s.c, dst.p, C.int(d.X), C.int(d.Y), C.int(d.Width), C.int(d.Height),
		src.p, C.int(r.X), C.int(r.Y), C.int(r.Width), C.int(r.Height))
	if ret < 0 {
		return failure(fmt.Sprintf("scaling %v of a %dx%d picture into %v", r, src.Width(), src.Height(), d), ret)
	}
	return nil
}

// fitRect resolves the zero Rect to the whole picture and checks r lies
// inside f.
func fitRect(r Rect, f *Frame, which string) (Rect, error) {
	w, h := f.Width(), f.Height()
	if r.Empty() {
		r = Rect{Width: w, Height: h}
	}
	if r.X < 0 || r.Y < 0 || r.Width < 1 || r.Height < 1 || r.X+r.Width > w || r.Y+r.Height > h {
		return r, invalid("Rect", "%s rectangle %+v is not inside the %dx%d picture", which, r, w, h)
	}
	return r, nil
}

// Close frees the Scaler. Later calls do nothing. It returns nil.
func (s *Scaler) Close() error {
	if s == nil || s.c == nil {
		return nil
	}
	s.clean.Stop()
	C.rr_scaler_free(s.c)
	s.c = nil
	return nil
}
