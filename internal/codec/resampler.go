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

// Resampler converts PCM audio between sample rates, channel counts and
// sample formats with swresample, and buffers the result so that it can be
// read in frames of any size (AAC takes 1024 samples at a time). Downmixes
// are normalised so that mono content in a stereo stream does not clip. A
// Resampler is not safe for concurrent use.
type Resampler struct {
	c     *C.rr_rs
	cfg   ResamplerConfig
	frame Frame // the frame Read returns, reused
	clean runtime.Cleanup
}

// NewResampler returns a Resampler from cfg.In to cfg.Out. It returns an
// InvalidParameter error for a bad config or an error from swresample.
func NewResampler(cfg ResamplerConfig) (*Resampler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var p *C.rr_rs
	ret := C.rr_rs_open(&p, C.int(cfg.In.SampleRate), C.int(cfg.In.Channels), C.int(cfg.In.Format),
		C.int(cfg.Out.SampleRate), C.int(cfg.Out.Channels), C.int(cfg.Out.Format))
	if ret < 0 {
		return nil, failure(fmt.Sprintf("opening a resampler %+v -> %+v", cfg.In, cfg.Out), ret)
	}
	r := &Resampler{c: p, cfg: cfg}
	r.frame.owner = r
	r.clean = watch(r, "Resampler", cfg.Logger, func() { C.rr_rs_free(p) })
	return r, nil
}

// Write converts an audio frame into the buffer. A frame of another format
// than the last one reconfigures the converter. It returns ErrClosed after
// Close, or ErrInvalidData for a frame that is not audio.
func (r *Resampler) Write(f *Frame) error {
	if r.c == nil || f == nil || f.p == nil {
		return ErrClosed
	}
	defer runtime.KeepAlive(r)
	if ret := C.rr_rs_write(r.c, f.p); ret < 0 {
		return failure("resampling", ret)
	}
	return nil
}

// WriteSilence writes samples of silence at the input format's rate (the
// format of the last frame written, else cfg.In). It returns ErrClosed
// after Close or an InvalidParameter error for a negative count.
func (r *Resampler) WriteSilence(samples int) error {
	if r.c == nil {
		return ErrClosed
	}
	if samples < 0 {
		return invalid("Samples", "cannot write %d samples of silence", samples)
	}
	defer runtime.KeepAlive(r)
	if ret := C.rr_rs_silence(r.c, C.int(samples)); ret < 0 {
		return failure("writing silence", ret)
	}
	return nil
}

// Flush moves the samples the converter holds back (its filter delay) into
// the buffer, at the end of a stream or before a hole. It returns ErrClosed
// after Close.
func (r *Resampler) Flush() error {
	if r.c == nil {
		return ErrClosed
	}
	defer runtime.KeepAlive(r)
	if ret := C.rr_rs_flush(r.c); ret < 0 {
		return failure("flushing the resampler", ret)
	}
	return nil
}

// Buffered returns the number of output samples (per channel) ready to
// Read; 0 after Close.
func (r *Resampler) Buffered() int {
	if r.c == nil {
		return 0
	}
	defer runtime.KeepAlive(r)
	return int(C.rr_rs_size(r.c))
}

// Read returns a frame of exactly samples output samples, or nil when fewer
// are buffered. Its PTS is the number of samples read before it. The frame
// is reused: valid until the next call on the Resampler. It returns
// ErrClosed after Close, an InvalidParameter error for a count below 1.
func (r *Resampler) Read(samples int) (*Frame, error) {
	if r.c == nil {
		return nil, ErrClosed
	}
	if samples < 1 {
		return nil, invalid("Samples", "cannot read %d samples", samples)
	}
	defer runtime.KeepAlive(r)
	res := C.rr_rs_read(r.c, C.int(samples))
	if res.err < 0 {
		return nil, failure("reading resampled audio", res.err)
	}
	if res.frame == nil {
		return nil, nil
	}
	r.frame.p = res.frame
	return &r.frame, nil
}

// Close frees the Resampler and its frame. Later calls do nothing. It
// returns nil.
func (r *Resampler) Close() error {
	if r == nil || r.c == nil {
		return nil
	}
	r.clean.Stop()
	C.rr_rs_free(r.c)
	r.c, r.frame.p = nil, nil
	return nil
}
