package merge

import (
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
)

// open prepares the output at the first picture f: its size when the spec
// has none, the canvas, the scaler and the encoder.
func (e *videoEncoder) open(f *codec.Frame) error {
	if e.spec.width == 0 {
		e.spec.width, e.spec.height = max(f.Width()&^1, 2), max(f.Height()&^1, 2)
	}
	var err error
	if e.canvas, err = codec.NewVideoFrame(e.spec.width, e.spec.height, nil); err != nil {
		return err
	}
	if e.scaler, err = codec.NewScaler(codec.ScalerConfig{Filter: codec.ScaleBicubic}); err != nil {
		return err
	}
	e.enc, err = codec.NewVideoEncoder(codec.VideoEncoderConfig{
		Width: e.spec.width, Height: e.spec.height,
		// A command-line tool may use the machine: up to 8 encoder threads.
		Encoding: codec.VideoEncoding{FrameRate: e.spec.fps, Threads: min(runtime.NumCPU(), 8)},
	})
	return err
}

// emit encodes the canvas as the picture of slot s.
func (e *videoEncoder) emit(s int64) error {
	e.canvas.SetPTS(s)
	pkts, err := e.enc.Encode(e.canvas)
	if err != nil {
		return err
	}
	return e.write(pkts)
}

// write puts encoded packets into the TS segments, opening the segmenter
// at the first one.
func (e *videoEncoder) write(pkts []codec.Packet) error {
	for _, p := range pkts {
		if e.seg == nil {
			if err := e.openSegmenter(p.PTS); err != nil {
				return err
			}
		}
		var au h264.AnnexB
		if err := au.Unmarshal(p.Data); err != nil {
			return fmt.Errorf("encoder output: %w", err)
		}
		if err := e.seg.WriteH264(p.PTS, min(p.DTS, p.PTS), au); err != nil {
			return err
		}
	}
	return nil
}

// openSegmenter starts the TS segments of the encoded video; first is the
// first packet's PTS, which the segmenter maps to e.epoch + its position.
func (e *videoEncoder) openSegmenter(first int64) error {
	start := e.epoch.Add(ticksToDuration(first - timelineBase))
	n := 0
	seg, err := hls.NewSegmenter(hls.Config{
		Video:        hls.CodecH264,
		Start:        start,
		PlaylistName: "video.m3u8",
		SegmentName: func(time.Time) string {
			n++
			return fmt.Sprintf("enc%06d.ts", n)
		},
		Output: hls.DirOutput{Dir: e.dir},
		OnSegment: func(s hls.Segment) {
			pos := durationToTicks(s.Start.Sub(e.epoch))
			e.pieces = append(e.pieces, piece{encoded: filepath.Join(e.dir, s.Name), pos: pos, end: pos + durationToTicks(s.Duration)})
		},
	})
	if err != nil {
		return err
	}
	e.seg = seg
	return nil
}

// finish drains the decoder, shows the last picture for its frame step,
// drains the encoder and closes the segments.
func (e *videoEncoder) finish() error {
	if e.dec != nil {
		frames, err := e.dec.Flush()
		if err != nil {
			return err
		}
		if err := e.pictures(frames); err != nil {
			return err
		}
	}
	if !e.have {
		return fmt.Errorf("no picture could be decoded")
	}
	if err := e.emitUntil(e.srcPTS + max(e.step, 1)); err != nil {
		return err
	}
	pkts, err := e.enc.Flush()
	if err != nil {
		return err
	}
	if err := e.write(pkts); err != nil {
		return err
	}
	if e.seg == nil {
		return fmt.Errorf("the encoder gave no picture")
	}
	err = e.seg.Close()
	e.seg = nil
	return err
}

// close frees the codec objects and closes an open segmenter (after a
// failure: its files are temporary).
func (e *videoEncoder) close() {
	if e.seg != nil {
		_ = e.seg.Close() // the job failed already; its folder is removed
	}
	if e.dec != nil {
		e.dec.Close()
	}
	if e.enc != nil {
		e.enc.Close()
	}
	if e.scaler != nil {
		e.scaler.Close()
	}
	if e.canvas != nil {
		e.canvas.Close()
	}
}
