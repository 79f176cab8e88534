//go:build cgo

package codec

/*
#include "ffmpeg.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/roomrec/roomrec/internal/bitstream"
)

// VideoTranscoder turns a VP8, VP9, AV1, H.265 (or H.264) stream into H.264
// access units at the source's size and frame rate (each output picture
// keeps its source PTS): Decoder -> (Scaler when the source is not 8-bit
// 4:2:0) -> H.264 Encoder.
//
// The encoder is opened at the first picture's size. When the size changes
// the old encoder is drained (its last pictures are output first) and a new
// one opened; its first access unit is a keyframe marked ResolutionChanged,
// so the caller can start a new segment with a discontinuity. Odd sizes
// lose their last column/row (4:2:0 H.264 needs even sizes). Input is
// dropped until the first keyframe, and again after a decoding error until
// the next one (ask the sender for one then). A VideoTranscoder is not safe
// for concurrent use.
type VideoTranscoder struct {
	cfg    VideoConfig
	dec    *Decoder
	enc    *Encoder
	scaler *Scaler
	conv   *Frame     // pixel-layout conversion target
	ref    *C.AVFrame // cropped/relabelled reference to a decoded picture
	refF   Frame      // its wrapper

	w, h     int
	waitKey  bool
	forceKey bool
	resized  bool // the next output AU is the first at a new size
	lastPTS  int64
	havePTS  bool

	aus   []AccessUnit
	bufs  [][]byte
	nalus [][][]byte
	stats VideoStats
	clean runtime.Cleanup
}

// NewVideoTranscoder opens the decoder; the encoder opens at the first
// picture. It returns an InvalidParameter error for a bad config and an
// error matching ErrUnsupported when FFmpeg lacks the decoder (for example
// no AV1 decoder) or the H.264 encoder.
func NewVideoTranscoder(cfg VideoConfig) (*VideoTranscoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Encoding = cfg.Encoding.withDefaults()
	if _, err := find(H264, cfg.Encoding.Encoder, true); err != nil {
		return nil, err
	}
	dec, err := NewDecoder(cfg.Input, DecoderConfig{Decoder: cfg.Decoder, Threads: cfg.Encoding.Threads, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	ref := C.av_frame_alloc()
	if ref == nil {
		dec.Close()
		return nil, failure("allocating a frame", C.RR_EINVAL)
	}
	t := &VideoTranscoder{cfg: cfg, dec: dec, ref: ref, waitKey: true}
	t.clean = watch(t, "VideoTranscoder frame", cfg.Logger, func() { C.av_frame_free(&ref) })
	return t, nil
}

// Stats returns the counters so far.
func (t *VideoTranscoder) Stats() VideoStats { return t.stats }

// RequestKeyframe makes the next output picture an IDR keyframe (for
// example to align a segment cut).
func (t *VideoTranscoder) RequestKeyframe() { t.forceKey = true }

// Write transcodes one source frame (u.PTS in 90 kHz ticks) and returns the
// H.264 access units completed: usually none for the first few frames (the
// encoder looks ahead), then about one per frame. The AccessUnits and their
// NAL units are reused: valid until the next call. It returns
// ErrInvalidData for a frame the decoder rejects (the transcoder then waits
// for a keyframe and stays usable), ErrClosed after Close, or an encoder
// error (for example ErrUnsupported when a hardware encoder cannot open).
func (t *VideoTranscoder) Write(u Unit) ([]AccessUnit, error) {
	if t.dec == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(t)
	t.aus = t.aus[:0]
	t.stats.Frames++
	if t.waitKey && !u.Keyframe {
		t.stats.WaitingKeyframe++
		return t.aus, nil
	}
	frames, err := t.dec.Decode(u)
	if err != nil {
		t.stats.Invalid++
		t.waitKey = true
		return t.aus, err
	}
	t.waitKey = false
	return t.aus, t.encodeAll(frames)
}

// Flush drains the decoder and the encoder at the end of the stream (or
// before a pause) and returns the last access units. The next Write needs
// a keyframe, starts with an output keyframe and may start a new timeline
// (its PTS may be lower). It returns ErrClosed after Close.
func (t *VideoTranscoder) Flush() ([]AccessUnit, error) {
	if t.dec == nil {
		return nil, ErrClosed
	}
	defer runtime.KeepAlive(t)
	t.aus = t.aus[:0]
	frames, err := t.dec.Flush()
	t.waitKey, t.havePTS = true, false
	err = errors.Join(err, t.encodeAll(frames))
	if t.enc != nil {
		pkts, ferr := t.enc.Flush()
		t.emit(pkts)
		err = errors.Join(err, ferr)
	}
	return t.aus, err
}

func (t *VideoTranscoder) encodeAll(frames []*Frame) error {
	for _, f := range frames {
		t.stats.Decoded++
		if err := t.encode(f); err != nil {
			return err
		}
	}
	return nil
}

// encode encodes one decoded picture, re-opening the encoder at a new size.
func (t *VideoTranscoder) encode(f *Frame) error {
	w, h := f.Width()&^1, f.Height()&^1
	if w < 2 || h < 2 {
		return fmt.Errorf("%w: %dx%d picture", ErrInvalidData, f.Width(), f.Height())
	}
	pts := f.PTS()
	if t.havePTS && pts <= t.lastPTS {
		t.stats.NonMonotonic++
		return nil
	}
	if err := t.reopen(w, h); err != nil {
		return err
	}
	src, err := t.prepare(f, w, h)
	if err != nil {
		return err
	}
	t.lastPTS, t.havePTS = pts, true
	if t.forceKey {
		t.enc.RequestKeyframe()
		t.forceKey = false
	}
	pkts, err := t.enc.Encode(src)
	t.emit(pkts)
	return err
}

// reopen opens the encoder for w×h if it is not open at that size,
// draining the previous one into the output first.
func (t *VideoTranscoder) reopen(w, h int) error {
	if t.enc != nil && w == t.w && h == t.h {
		return nil
	}
	if t.enc != nil {
		pkts, err := t.enc.Flush()
		t.emit(pkts)
		t.enc.Close()
		t.enc = nil
		if err != nil {
			return err
		}
		t.resized = true
		t.stats.Resizes++
	}
	enc, err := NewVideoEncoder(VideoEncoderConfig{Width: w, Height: h, Encoding: t.cfg.Encoding, Logger: t.cfg.Logger})
	if err != nil {
		return err
	}
	t.enc, t.w, t.h = enc, w, h
	return nil
}

// prepare returns f as a w×h YUV420P picture: f itself, a cropped or
// relabelled reference to it, or its conversion by the Scaler.
func (t *VideoTranscoder) prepare(f *Frame, w, h int) (*Frame, error) {
	if !f.YUV420P() {
		if t.conv == nil || t.conv.Width() != w || t.conv.Height() != h {
			t.conv.Close()
			var err error
			if t.conv, err = NewVideoFrame(w, h, t.cfg.Logger); err != nil {
				return nil, err
			}
		}
		if t.scaler == nil {
			var err error
			if t.scaler, err = NewScaler(ScalerConfig{Logger: t.cfg.Logger}); err != nil {
				return nil, err
			}
		}
		if err := t.conv.MakeWritable(); err != nil {
			return nil, err
		}
		if err := t.scaler.Scale(t.conv, Rect{}, f, Rect{}); err != nil {
			return nil, err
		}
		t.conv.SetPTS(f.PTS())
		return t.conv, nil
	}
	if w == f.Width() && h == f.Height() && f.p.format == C.AV_PIX_FMT_YUV420P {
		return f, nil
	}
	if ret := C.rr_frame_crop_ref(t.ref, f.p, C.int(w), C.int(h)); ret < 0 {
		return nil, failure("cropping a picture", ret)
	}
	t.refF.p = t.ref
	return &t.refF, nil
}

// emit converts encoder packets to access units (data copied, NAL units
// split out).
func (t *VideoTranscoder) emit(pkts []Packet) {
	for _, p := range pkts {
		i := len(t.aus)
		if i == len(t.bufs) {
			t.bufs = append(t.bufs, make([]byte, 0, 2*len(p.Data)))
			t.nalus = append(t.nalus, nil)
		}
		if cap(t.bufs[i]) < len(p.Data) {
			t.bufs[i] = make([]byte, 0, 2*len(p.Data))
		}
		t.bufs[i] = append(t.bufs[i][:0], p.Data...)
		t.nalus[i] = bitstream.SplitAnnexB(t.nalus[i][:0], t.bufs[i])
		dts := min(p.DTS, p.PTS)
		t.aus = append(t.aus, AccessUnit{NALUs: t.nalus[i], PTS: p.PTS, DTS: dts, Keyframe: p.Keyframe,
			Width: t.w, Height: t.h, ResolutionChanged: t.resized})
		t.resized = false
		t.stats.Encoded++
		if p.Keyframe {
			t.stats.Keyframes++
		}
	}
}

// Close frees the decoder, encoder and scaler without draining (call Flush
// first to keep the last pictures). Later calls do nothing. It returns nil.
func (t *VideoTranscoder) Close() error {
	if t.dec == nil {
		return nil
	}
	t.clean.Stop()
	t.dec.Close()
	t.enc.Close()
	t.scaler.Close()
	t.conv.Close()
	C.av_frame_free(&t.ref)
	t.refF.p = nil
	t.dec, t.enc, t.scaler, t.conv = nil, nil, nil, nil
	return nil
}
