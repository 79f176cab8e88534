//go:build cgo

package codec

/*
#include "ffmpeg.h"
*/
import "C"

import (
	"errors"
	"log/slog"
	"runtime"
	"unsafe"
)

// Frame is a raw picture or block of PCM samples in C memory (an FFmpeg
// AVFrame), read and written in place through Plane.
//
// A Frame made by NewVideoFrame or NewAudioFrame is owned by the caller, who
// must Close it. A Frame returned by a Decoder or Resampler is borrowed: it
// is valid until the next call on its producer, and freed by the producer's
// Close (after which its methods return zero values; its Close does
// nothing). A Frame is not safe for concurrent use.
type Frame struct {
	p     *C.AVFrame
	owner any // keeps a borrowed frame's producer alive
	owned bool
	clean runtime.Cleanup
}

// NewVideoFrame allocates a YUV 4:2:0 planar picture (Y, U, V planes)
// of width×height, for example the canvas of a mixed layout. Its content
// is undefined until filled. It returns an InvalidParameter error for a
// size that is odd or outside 2..8192, or an InternalError when out of
// memory. logger receives the leak warning (nil: slog.Default()).
func NewVideoFrame(width, height int, logger *slog.Logger) (*Frame, error) {
	if err := checkSize(width, height); err != nil {
		return nil, err
	}
	p := C.rr_frame_video(C.int(width), C.int(height))
	if p == nil {
		return nil, failure("allocating a picture", C.RR_EINVAL)
	}
	return ownFrame(p, "video Frame", logger), nil
}

// NewAudioFrame allocates a block of samples PCM samples in format f, for
// example a mixer's output handed to a Resampler. Its content is undefined
// until filled. It returns an InvalidParameter error for a bad format or a
// count outside 1..192000.
func NewAudioFrame(f AudioFormat, samples int, logger *slog.Logger) (*Frame, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if samples < 1 || samples > 192000 {
		return nil, invalid("Samples", "samples must be within 1..192000, got %d", samples)
	}
	p := C.rr_frame_audio(C.int(f.Format), C.int(f.SampleRate), C.int(f.Channels), C.int(samples))
	if p == nil {
		return nil, failure("allocating samples", C.RR_EINVAL)
	}
	return ownFrame(p, "audio Frame", logger), nil
}

func ownFrame(p *C.AVFrame, what string, logger *slog.Logger) *Frame {
	f := &Frame{p: p, owned: true}
	f.clean = watch(f, what, logger, func() { C.rr_frame_free(p) })
	return f
}

// borrowed returns a Frame wrapping a producer's AVFrame.
func borrowed(p *C.AVFrame, owner any) *Frame { return &Frame{p: p, owner: owner} }

// Close frees an owned Frame; later calls and calls on a borrowed Frame do
// nothing. It returns nil.
func (f *Frame) Close() error {
	if f == nil || !f.owned || f.p == nil {
		return nil
	}
	f.clean.Stop()
	C.rr_frame_free(f.p)
	f.p = nil
	return nil
}

// Width returns the picture width in pixels (0 for audio or a freed Frame).
func (f *Frame) Width() int {
	if f == nil || f.p == nil {
		return 0
	}
	return int(f.p.width)
}

// Height returns the picture height in pixels (0 for audio or a freed Frame).
func (f *Frame) Height() int {
	if f == nil || f.p == nil {
		return 0
	}
	return int(f.p.height)
}

// YUV420P reports whether the picture is 8-bit YUV 4:2:0 planar (full or
// limited range), the layout NewVideoFrame allocates and H.264 encodes.
// Other layouts (10-bit, 4:4:4, ...) go through a Scaler.
func (f *Frame) YUV420P() bool {
	return f != nil && f.p != nil && C.rr_frame_is_yuv420p(f.p) != 0
}

// Plane returns plane i of the frame as bytes in C memory: for a picture
// Stride(i) bytes per row (more than the visible width); for planar audio
// one plane per channel, for packed audio all channels in plane 0. It
// returns nil for a plane that does not exist or a freed Frame. The slice is
// valid as long as the Frame is.
func (f *Frame) Plane(i int) []byte {
	if f == nil || f.p == nil {
		return nil
	}
	n := int(C.rr_frame_plane_len(f.p, C.int(i)))
	if n <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(f.p.data[i])), n)
}

// Float32 returns plane i of a float (SampleFloat or SampleFloatP) audio
// frame as samples, or nil for another format.
func (f *Frame) Float32(i int) []float32 {
	sf := f.SampleFormat()
	if sf != SampleFloat && sf != SampleFloatP {
		return nil
	}
	b := f.Plane(i)
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// Int16 returns plane i of a 16-bit (SampleS16 or SampleS16P) audio frame
// as samples, or nil for another format.
func (f *Frame) Int16(i int) []int16 {
	sf := f.SampleFormat()
	if sf != SampleS16 && sf != SampleS16P {
		return nil
	}
	b := f.Plane(i)
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}

// Stride returns the length in bytes of a row of plane i of a picture (0
// for a plane that does not exist).
func (f *Frame) Stride(i int) int {
	if f == nil || f.p == nil || i < 0 || i >= len(f.p.linesize) {
		return 0
	}
	return int(f.p.linesize[i])
}

// PTS returns the frame's timestamp: 90 kHz ticks for video, samples for
// audio (a Decoder sets it from the Unit's PTS).
func (f *Frame) PTS() int64 {
	if f == nil || f.p == nil {
		return 0
	}
	return int64(f.p.pts)
}

// SetPTS sets the frame's timestamp (see PTS); it does nothing on a freed
// Frame.
func (f *Frame) SetPTS(pts int64) {
	if f != nil && f.p != nil {
		f.p.pts = C.int64_t(pts)
	}
}

// Samples returns the number of samples per channel of an audio frame (0
// for a picture).
func (f *Frame) Samples() int {
	if f == nil || f.p == nil || f.p.width != 0 {
		return 0
	}
	return int(f.p.nb_samples)
}

// SampleRate returns the sample rate of an audio frame in Hz.
func (f *Frame) SampleRate() int {
	if f == nil || f.p == nil {
		return 0
	}
	return int(f.p.sample_rate)
}

// Channels returns the channel count of an audio frame.
func (f *Frame) Channels() int {
	if f == nil || f.p == nil || f.p.width != 0 {
		return 0
	}
	return int(C.rr_frame_channels(f.p))
}

// SampleFormat returns the sample format of an audio frame, or 0 for a
// picture or a format outside the package's set.
func (f *Frame) SampleFormat() SampleFormat {
	if f == nil || f.p == nil || f.p.width != 0 {
		return 0
	}
	return SampleFormat(C.rr_frame_sample_format(f.p))
}

// Fill paints a YUV 4:2:0 picture with one colour (for example a canvas
// background). It returns ErrClosed for a freed Frame or an error for
// another pixel layout.
func (f *Frame) Fill(y, u, v byte) error {
	if f == nil || f.p == nil {
		return ErrClosed
	}
	if C.rr_frame_fill(f.p, C.int(y), C.int(u), C.int(v)) < 0 {
		return errors.New("codec: Fill needs a YUV 4:2:0 picture")
	}
	return nil
}

// MakeWritable makes sure no encoder still references the frame's buffers
// (copying them if one does) before the caller writes into it: call it
// before drawing the next picture on a canvas that was encoded. Plane
// slices taken before the call may be stale after it. It returns ErrClosed
// for a freed Frame or an InternalError when out of memory.
func (f *Frame) MakeWritable() error {
	if f == nil || f.p == nil {
		return ErrClosed
	}
	if ret := C.av_frame_make_writable(f.p); ret < 0 {
		return failure("making a frame writable", ret)
	}
	return nil
}
