//go:build cgo

package codec

/*
#include "ffmpeg.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/roomrec/roomrec/internal/bitstream"
)

// maxUnit bounds the size of one compressed frame (a 4K keyframe is a few
// MB).
const maxUnit = 64 << 20

// Decoder decodes one stream of compressed frames (H.264, H.265, VP8, VP9,
// AV1 or Opus) into raw Frames: pictures in the decoder's pixel layout
// (YUV420P for 8-bit 4:2:0 sources) or Opus as 48 kHz float planar samples.
//
// Each Decode copies the frame into a pooled C buffer (one cgo call to send,
// one per output frame and one to see there is no more). The output Frames
// are reused: they are valid until the next call on the Decoder. A Decoder
// is not safe for concurrent use.
type Decoder struct {
	c      *C.rr_dec
	codec  Codec
	name   string
	pool   []*Frame // output frames, reused
	cpool  *cFrames // their C frames, for the leak safety net
	out    []*Frame
	annexb []byte // H.264/H.265 NAL units joined with start codes
	clean  runtime.Cleanup
}

// NewDecoder opens a decoder for c. It returns an InvalidParameter error
// for a bad config or a codec that is not decodable (AAC), and an error
// matching ErrUnsupported when the FFmpeg build lacks a decoder for c (an
// FFmpeg without libdav1d or libaom has no software AV1 decoder) or the
// named one.
func NewDecoder(c Codec, cfg DecoderConfig) (*Decoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !c.Valid() || c == AAC {
		return nil, invalid("Codec", "cannot decode %v: use H264, H265, VP8, VP9, AV1 or Opus", c)
	}
	cfg = cfg.withDefaults()
	name, err := find(c, cfg.Decoder, false)
	if err != nil {
		return nil, err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var p *C.rr_dec
	if ret := C.rr_dec_open(&p, C.int(c), cname, C.int(cfg.Threads), C.int(cfg.Channels)); ret < 0 {
		return nil, failure(fmt.Sprintf("opening the %s decoder", name), ret)
	}
	cp := &cFrames{}
	d := &Decoder{c: p, codec: c, name: name, cpool: cp}
	d.clean = watch(d, name+" Decoder", cfg.Logger, func() { C.rr_dec_free(p); cp.free() })
	return d, nil
}

// Codec returns the codec the Decoder decodes.
func (d *Decoder) Codec() Codec { return d.codec }

// Name returns the FFmpeg decoder's name ("vp8", "libdav1d", ...).
func (d *Decoder) Name() string { return d.name }

// Decode decodes one compressed frame and returns the frames it completed
// (usually one; none while a decoder with delay fills up). The Frames'
// PTS come from u.PTS. It returns ErrInvalidData (the Decoder stays usable)
// for an empty, oversized or corrupt frame, ErrClosed after Close.
func (d *Decoder) Decode(u Unit) ([]*Frame, error) {
	if d.c == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(d)
	data := u.Data
	if len(data) == 0 && len(u.NALUs) > 0 && (d.codec == H264 || d.codec == H265) {
		d.annexb = bitstream.AppendAnnexB(d.annexb[:0], u.NALUs)
		data = d.annexb
	}
	if len(data) == 0 || len(data) > maxUnit {
		return nil, fmt.Errorf("%w: %v frame of %d bytes", ErrInvalidData, d.codec, len(data))
	}
	d.out = d.out[:0]
	send := func() C.int {
		return C.rr_dec_send(d.c, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.int(len(data)), C.int64_t(u.PTS), cbool(u.Keyframe))
	}
	ret := send()
	if ret == C.RR_EAGAIN { // output pending: take it, then send again
		if err := d.receive(); err != nil {
			return d.out, err
		}
		ret = send()
	}
	err := d.receive()
	if ret < 0 {
		return d.out, failure(fmt.Sprintf("decoding %v", d.codec), ret)
	}
	return d.out, err
}

// Flush returns the frames still inside the decoder at the end of a stream
// and resets it: the next Decode starts a new stream (video needs a
// keyframe). It returns ErrClosed after Close.
func (d *Decoder) Flush() ([]*Frame, error) {
	if d.c == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(d)
	d.out = d.out[:0]
	var err error
	if ret := C.rr_dec_drain(d.c); ret < 0 && ret != C.RR_EOF {
		err = failure("draining the decoder", ret)
	} else {
		err = d.receive()
	}
	C.rr_dec_reset(d.c)
	return d.out, err
}

// receive appends every frame the decoder has ready to d.out.
func (d *Decoder) receive() error {
	for {
		n := len(d.out)
		if n == len(d.pool) {
			p := C.av_frame_alloc()
			if p == nil {
				return failure("allocating a frame", C.RR_EINVAL)
			}
			d.pool = append(d.pool, borrowed(p, d))
			d.cpool.list = append(d.cpool.list, p)
		}
		f := d.pool[n]
		ret := C.rr_dec_receive(d.c, f.p)
		if ret == C.RR_EAGAIN || ret == C.RR_EOF {
			return nil
		}
		if ret < 0 {
			return failure(fmt.Sprintf("decoding %v", d.codec), ret)
		}
		f.p.pts = C.rr_frame_pts(f.p)
		d.out = append(d.out, f)
	}
}

// Close frees the decoder and its frames; Frames it returned become empty.
// Later calls do nothing. It returns nil.
func (d *Decoder) Close() error {
	if d == nil || d.c == nil {
		return nil
	}
	d.clean.Stop()
	C.rr_dec_free(d.c)
	d.c = nil
	d.cpool.free()
	for _, f := range d.pool {
		f.p = nil
	}
	d.pool, d.out = nil, nil
	return nil
}

// cFrames is a list of C frames freed together.
type cFrames struct{ list []*C.AVFrame }

func (c *cFrames) free() {
	for i := range c.list {
		C.av_frame_free(&c.list[i])
	}
	c.list = nil
}
