package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// holdTicks is the longest time between two source pictures that is
// filled with copies of the first at the output frame rate; a longer pause
// is left to the MP4 (the last picture lasts until the next one).
const holdTicks = 90000

// encodeSpec is how a job's video is re-encoded: the output size (0: the
// first picture's) and frame rate.
type encodeSpec struct {
	width, height, fps int
}

// reencodeFor decides whether the job's video must be re-encoded (SPEC
// §7: only when -p or -r ask for what the recording is not): a picture
// size other than Width×Height, or a median frame rate more than 10% away
// from FPS.
func (o Options) reencodeFor(j *job) (encodeSpec, bool) {
	need := false
	for _, p := range j.video {
		inf := p.file.info
		if o.Width > 0 && (inf.width != o.Width || inf.height != o.Height) {
			need = true
		}
		if o.FPS > 0 && inf.step > 0 {
			fps := 90000 / float64(inf.step)
			if d := fps - float64(o.FPS); d > 0.1*float64(o.FPS) || d < -0.1*float64(o.FPS) {
				need = true
			}
		}
	}
	if !need {
		return encodeSpec{}, false
	}
	spec := encodeSpec{width: o.Width, height: o.Height, fps: o.FPS}
	if spec.fps == 0 {
		spec.fps = DefaultFPS
	}
	return spec, true
}

// videoEncoder decodes a job's video, resamples it to the output frame
// rate (a slot shows the latest picture at or before it, for at most
// holdTicks), scales it to the output size and encodes it to H.264 TS
// segments in a temporary folder.
type videoEncoder struct {
	spec     encodeSpec
	dir      string
	dec      *codec.Decoder
	decCodec mpegts.Codec
	scaler   *codec.Scaler
	canvas   *codec.Frame
	fit      codec.Rect
	enc      *codec.Encoder
	seg      *hls.Segmenter
	epoch    time.Time
	have     bool  // the canvas holds a picture
	srcPTS   int64 // its PTS
	lastPTS  int64 // the last picture's PTS given to the decoder
	decoded  bool  // lastPTS is set
	step     int64 // the last source frame step
	slot0, k int64 // output slots: slot0 + k*90000/fps
	pieces   []piece
	glitch   func(error)
	count    func(int)
}

// encodeVideo re-encodes the job's video into dir and replaces its video
// pieces with the encoded segments. It returns an error wrapping
// ErrReencode, ErrCorrupt, or the context's error.
func encodeVideo(ctx context.Context, j *job, spec encodeSpec, dir string, glitch func(error), count func(int)) (err error) {
	if err := codec.Available(); err != nil {
		return fmt.Errorf("%w: %w", ErrReencode, err)
	}
	e := &videoEncoder{spec: spec, dir: dir, glitch: glitch, count: count, epoch: time.Unix(0, 0)}
	defer e.close()
	for _, p := range j.video {
		if err := e.file(ctx, p); err != nil {
			return err
		}
	}
	if err := e.finish(); err != nil {
		return fmt.Errorf("%w: %w", ErrReencode, err)
	}
	j.video = e.pieces
	return nil
}

// file decodes and encodes one recorded file placed by p.
func (e *videoEncoder) file(ctx context.Context, p piece) error {
	f, err := os.Open(p.file.path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	defer f.Close() // read-only
	d := mpegts.NewReader(countReader{f, e.count}, nil, func(err error) { e.glitch(fmt.Errorf("%s: %w", p.file.name, err)) })
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		pkt, err := d.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrCorrupt, p.file.name, err)
		}
		if !pkt.Stream.Codec.IsVideo() {
			continue
		}
		pts := timelineBase + p.pos + mpegts.WrapDelta(pkt.PTS, p.file.info.first)
		if err := e.decode(pkt, pts); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrReencode, p.file.name, err)
		}
	}
}

// decode decodes one access unit and handles the pictures it completes.
func (e *videoEncoder) decode(pkt mpegts.PES, pts int64) error {
	var au h264.AnnexB
	if err := au.Unmarshal(pkt.Data); err != nil {
		e.glitch(fmt.Errorf("%w: %w", ErrCorrupt, err))
		return nil
	}
	if e.dec == nil || e.decCodec != pkt.Stream.Codec {
		if err := e.openDecoder(pkt.Stream.Codec); err != nil {
			return err
		}
	}
	if e.decoded && pts <= e.lastPTS {
		e.glitch(fmt.Errorf("video timestamp %d does not follow %d: picture dropped", pts, e.lastPTS))
		return nil
	}
	if e.decoded && pts-e.lastPTS <= holdTicks {
		e.step = pts - e.lastPTS
	}
	e.lastPTS, e.decoded = pts, true
	key := h264.IsRandomAccess(au)
	if pkt.Stream.Codec == mpegts.H265 {
		key = h265.IsRandomAccess(au)
	}
	frames, err := e.dec.Decode(codec.Unit{PTS: pts, Keyframe: key, NALUs: au})
	if errors.Is(err, codec.ErrInvalidData) {
		e.glitch(err)
		err = nil
	}
	if err != nil {
		return err
	}
	return e.pictures(frames)
}

// openDecoder opens a decoder for c, draining the previous one.
func (e *videoEncoder) openDecoder(c mpegts.Codec) error {
	if e.dec != nil {
		frames, err := e.dec.Flush()
		if err == nil {
			err = e.pictures(frames)
		}
		e.dec.Close()
		e.dec = nil
		if err != nil {
			return err
		}
	}
	cc := codec.H264
	if c == mpegts.H265 {
		cc = codec.H265
	}
	dec, err := codec.NewDecoder(cc, codec.DecoderConfig{})
	if err != nil {
		return err
	}
	e.dec, e.decCodec = dec, c
	return nil
}

// pictures handles decoded pictures in order.
func (e *videoEncoder) pictures(frames []*codec.Frame) error {
	for _, f := range frames {
		if err := e.picture(f); err != nil {
			return err
		}
	}
	return nil
}

// slot returns the time of output slot k.
func (e *videoEncoder) slot(k int64) int64 { return e.slot0 + k*90000/int64(e.spec.fps) }

// picture emits the slots that show the previous picture, then makes f
// the current one.
func (e *videoEncoder) picture(f *codec.Frame) error {
	p := f.PTS()
	if !e.have {
		e.slot0, e.k = p, 0
		if err := e.open(f); err != nil {
			return err
		}
	}
	if e.have && p <= e.srcPTS {
		return nil
	}
	if err := e.emitUntil(p); err != nil {
		return err
	}
	if err := e.canvas.MakeWritable(); err != nil {
		return err
	}
	e.fit = fitRect(f.Width(), f.Height(), e.spec.width, e.spec.height)
	if e.fit.Width != e.spec.width || e.fit.Height != e.spec.height {
		if err := e.canvas.Fill(16, 128, 128); err != nil { // black bars
			return err
		}
	}
	if err := e.scaler.Scale(e.canvas, e.fit, f, codec.Rect{}); err != nil {
		return err
	}
	e.srcPTS, e.have = p, true
	return nil
}

// emitUntil encodes the current picture in the slots before t, the next
// picture's time: all of them when t is within holdTicks of the current
// picture (a source slower than the output rate), else only those within
// the picture's own frame step (a pause, which the MP4 bridges by letting
// the last sample last until the next).
func (e *videoEncoder) emitUntil(t int64) error {
	if !e.have {
		return nil
	}
	limit := t
	if t-e.srcPTS > holdTicks {
		limit = e.srcPTS + max(e.step, 1)
	}
	for s := e.slot(e.k); s < limit; s = e.slot(e.k) {
		if err := e.emit(s); err != nil {
			return err
		}
		e.k++
	}
	if e.slot(e.k) < t {
		e.k = ceilDiv((t-e.slot0)*int64(e.spec.fps), 90000)
	}
	return nil
}

// ceilDiv divides rounding up (a >= 0, b > 0).
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// fitRect returns the largest rectangle of even size and position that
// has the aspect ratio of sw×sh and is centred in w×h.
func fitRect(sw, sh, w, h int) codec.Rect {
	if sw <= 0 || sh <= 0 {
		return codec.Rect{Width: w, Height: h}
	}
	fw, fh := w, sh*w/sw
	if fh > h {
		fw, fh = sw*h/sh, h
	}
	fw, fh = max(fw&^1, 2), max(fh&^1, 2)
	return codec.Rect{X: (w - fw) / 2 &^ 1, Y: (h - fh) / 2 &^ 1, Width: fw, Height: fh}
}
