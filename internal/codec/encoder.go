//go:build cgo

package codec

/*
#include <stdlib.h>
#include "ffmpeg.h"
*/
import "C"

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"
	"unsafe"

	"github.com/roomrec/roomrec/errcode"
)

// Encoder encodes raw Frames into H.264 (pictures of the configured size,
// YUV420P, PTS in 90 kHz ticks) or AAC (FrameSize samples of float planar
// audio per frame, PTS in samples).
//
// H.264 keyframes come at the start, every GOP of PTS time and on
// RequestKeyframe; each carries SPS and PPS. Output Packets are copied into
// buffers the Encoder reuses: valid until the next call. An Encoder is not
// safe for concurrent use.
type Encoder struct {
	c       *C.rr_enc
	video   bool
	vcfg    VideoEncoderConfig
	acfg    AudioEncoderConfig
	log     *slog.Logger
	name    string
	extra   []byte
	frameSz int
	drained bool // Flush was called: the next Encode re-opens

	gop              int64 // 90 kHz ticks
	lastKey, lastPTS int64
	haveKey, havePTS bool
	forceKey         bool

	pkts  []Packet
	bufs  [][]byte
	clean runtime.Cleanup
}

// NewVideoEncoder opens an H.264 encoder. It returns an InvalidParameter
// error for a bad config or an encoder of another codec, and an error
// matching ErrUnsupported when the FFmpeg build lacks the named encoder or
// cannot open it on this host (a hardware encoder without its device).
func NewVideoEncoder(cfg VideoEncoderConfig) (*Encoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Encoding = cfg.Encoding.withDefaults()
	e := &Encoder{video: true, vcfg: cfg, log: cfg.Logger, gop: int64(cfg.Encoding.GOP) * 90000 / int64(time.Second)}
	return e, e.open()
}

// NewAudioEncoder opens an AAC encoder. Errors as NewVideoEncoder.
func NewAudioEncoder(cfg AudioEncoderConfig) (*Encoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	e := &Encoder{acfg: cfg, log: cfg.Logger}
	return e, e.open()
}

func (e *Encoder) open() error {
	codec, name, opts := AAC, e.acfg.Encoder, e.acfg.Options
	if e.video {
		codec, name, opts = H264, e.vcfg.Encoding.Encoder, e.vcfg.Encoding.Options
	}
	if _, err := find(codec, name, true); err != nil {
		return err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var p *C.rr_enc
	if ret := C.rr_enc_alloc(&p, cname); ret < 0 {
		return failure("allocating encoder "+name, ret)
	}
	if err := e.configure(p, name, opts); err != nil {
		C.rr_enc_free(p)
		return err
	}
	e.c, e.name, e.drained, e.haveKey, e.havePTS = p, name, false, false, false
	e.frameSz = int(C.rr_enc_frame_size(p))
	var n C.int
	if x := C.rr_enc_extradata(p, &n); x != nil && n > 0 {
		e.extra = C.GoBytes(unsafe.Pointer(x), n)
	}
	e.clean = watch(e, name+" Encoder", e.log, func() { C.rr_enc_free(p) })
	return nil
}

// configure sets up and opens the allocated encoder p.
func (e *Encoder) configure(p *C.rr_enc, name string, opts []Option) error {
	var ret C.int
	if e.video {
		v := e.vcfg.Encoding
		preset := C.CString(v.Preset)
		defer C.free(unsafe.Pointer(preset))
		gop := max(1, int(2*v.GOP.Seconds()*float64(v.FrameRate))) // forced keyframes come first
		ret = C.rr_venc_open(p, C.int(e.vcfg.Width), C.int(e.vcfg.Height), C.int(v.FrameRate), C.int(gop),
			C.int(v.Threads), C.int64_t(v.Bitrate), C.int(v.CRF), preset)
	} else {
		ret = C.rr_aenc_open(p, C.int(e.acfg.SampleRate), C.int(e.acfg.Channels), C.int64_t(e.acfg.Bitrate))
	}
	if ret < 0 {
		return errcode.New(errcode.InvalidParameter.Detail("Encoder"), "codec: %q cannot be configured as an %v encoder: %s",
			name, map[bool]Codec{true: H264, false: AAC}[e.video], averror(ret))
	}
	for _, o := range opts {
		k, v := C.CString(o.Name), C.CString(o.Value)
		ret = C.rr_enc_option(p, k, v)
		C.free(unsafe.Pointer(k))
		C.free(unsafe.Pointer(v))
		if ret < 0 {
			return errcode.New(errcode.InvalidParameter.Detail("Options"), "codec: option %s=%q of %s: %s",
				o.Name, o.Value, name, averror(ret))
		}
	}
	if ret = C.rr_enc_start(p); ret < 0 {
		return errcode.New(ErrUnsupported, "codec: cannot open encoder %s (%s): %s",
			name, e.describe(), averror(ret))
	}
	return nil
}

func (e *Encoder) describe() string {
	if e.video {
		v := e.vcfg.Encoding
		return fmt.Sprintf("%dx%d, preset %q, crf %d, bitrate %d", e.vcfg.Width, e.vcfg.Height, v.Preset, v.CRF, v.Bitrate)
	}
	return fmt.Sprintf("%d Hz, %d channels, %d bit/s", e.acfg.SampleRate, e.acfg.Channels, e.acfg.Bitrate)
}

// Name returns the FFmpeg encoder's name ("libx264", "aac", ...).
func (e *Encoder) Name() string { return e.name }

// FrameSize returns the number of samples per channel each audio frame
// must have (1024 for AAC; the last frame before Flush may be shorter), or
// 0 for video.
func (e *Encoder) FrameSize() int { return e.frameSz }

// Extradata returns a copy of the codec's global header: the
// AudioSpecificConfig of AAC (for hls.Config.AACConfig); nil for H.264,
// whose SPS/PPS are in band.
func (e *Encoder) Extradata() []byte { return append([]byte(nil), e.extra...) }

// RequestKeyframe makes the next picture an IDR keyframe (for example to
// align a segment cut).
func (e *Encoder) RequestKeyframe() { e.forceKey = true }

// Encode encodes one frame and returns the packets completed (often none
// at first: the encoder looks ahead a few frames). A picture must have the
// configured size and a PTS above the previous one. It returns ErrClosed
// after Close, ErrInvalidData for a frame that does not fit, or an
// InternalError from FFmpeg.
func (e *Encoder) Encode(f *Frame) ([]Packet, error) {
	if e.c == nil {
		return nil, ErrClosed
	}
	if f == nil || f.p == nil {
		return nil, fmt.Errorf("%w: no frame (use Flush to end the stream)", ErrInvalidData)
	}
	defer runtime.KeepAlive(e)
	if e.drained {
		C.rr_enc_free(e.c)
		e.c = nil
		e.clean.Stop()
		if err := e.open(); err != nil {
			return nil, err
		}
	}
	key := false
	if e.video {
		if err := e.checkPicture(f); err != nil {
			return nil, err
		}
		pts := f.PTS()
		key = e.forceKey || !e.haveKey || pts-e.lastKey >= e.gop
		if key {
			e.lastKey, e.haveKey, e.forceKey = pts, true, false
		}
		e.lastPTS, e.havePTS = pts, true
	}
	e.pkts = e.pkts[:0]
	if ret := C.rr_enc_send(e.c, f.p, cbool(key)); ret < 0 {
		return nil, failure("encoding with "+e.name, ret)
	}
	return e.pkts, e.receive()
}

func (e *Encoder) checkPicture(f *Frame) error {
	switch {
	case f.Width() != e.vcfg.Width || f.Height() != e.vcfg.Height:
		return fmt.Errorf("%w: picture is %dx%d, the encoder's size is %dx%d", ErrInvalidData,
			f.Width(), f.Height(), e.vcfg.Width, e.vcfg.Height)
	case e.havePTS && f.PTS() <= e.lastPTS:
		return fmt.Errorf("%w: picture PTS %d does not follow %d", ErrInvalidData, f.PTS(), e.lastPTS)
	}
	return nil
}

// Flush drains the encoder at the end of a stream and returns the last
// packets. The next Encode starts a new stream (a new encoder instance
// with the same settings; H.264 starts with a keyframe). It returns
// ErrClosed after Close.
func (e *Encoder) Flush() ([]Packet, error) {
	if e.c == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(e)
	e.pkts = e.pkts[:0]
	if e.drained {
		return e.pkts, nil
	}
	e.drained = true
	if ret := C.rr_enc_send(e.c, nil, 0); ret < 0 && ret != C.RR_EOF {
		return nil, failure("draining "+e.name, ret)
	}
	return e.pkts, e.receive()
}

// receive appends every packet the encoder has ready to e.pkts, copying
// the data into e.bufs.
func (e *Encoder) receive() error {
	for {
		p := C.rr_enc_receive(e.c)
		if p.err == C.RR_EAGAIN || p.err == C.RR_EOF {
			return nil
		}
		if p.err < 0 {
			return failure("encoding with "+e.name, p.err)
		}
		i := len(e.pkts)
		if i == len(e.bufs) {
			e.bufs = append(e.bufs, nil)
		}
		e.bufs[i] = appendC(e.bufs[i][:0], p.data, p.size)
		e.pkts = append(e.pkts, Packet{Data: e.bufs[i], PTS: int64(p.pts), DTS: int64(p.dts), Keyframe: p.key != 0})
	}
}

// appendC appends n bytes of C memory at p to b, growing b with headroom
// so that steady-state packets do not allocate.
func appendC(b []byte, p *C.uint8_t, n C.int) []byte {
	if n <= 0 || p == nil {
		return b
	}
	src := unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
	if cap(b)-len(b) < len(src) {
		nb := make([]byte, len(b), 2*(len(b)+len(src)))
		copy(nb, b)
		b = nb
	}
	return append(b, src...)
}

// Close frees the encoder without draining it (call Flush first to keep
// the last packets). Later calls do nothing. It returns nil.
func (e *Encoder) Close() error {
	if e == nil || e.c == nil {
		return nil
	}
	e.clean.Stop()
	C.rr_enc_free(e.c)
	e.c = nil
	return nil
}
