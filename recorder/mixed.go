package recorder

import (
	"context"
	"net/http"
	"path"
	"sync"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/internal/mix"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// watermarkLimits bound each image download of a mixed task.
var watermarkLimits = mix.FetchLimits{Timeout: 10 * time.Second, MaxBytes: 5 << 20, MaxSide: 4096}

// mixOutput is the one playlist of a mixed-stream task: every subscribed
// stream is an input of one mix.Mixer (composited by the layout, audio
// mixed), encoded H.264 + AAC into one HLS. It implements mix.Sink.
type mixOutput struct {
	t      *task
	name   naming.Name
	m      *mix.Mixer
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	seg      *hls.Segmenter
	begin    time.Time
	segments int
	bytes    int64

	// imgMu serialises the image updates handed to the mixer (never taken
	// by the mixer's goroutine: the order is imgMu, then the mixer's lock).
	imgMu  sync.Mutex
	marks  []*mix.Watermark // by list position; nil until downloaded
	markGn int              // generation of the watermark list being shown
	bgGn   int              // generation of the background image
	shown  func()           // tests: called (under imgMu) after an image is handed to the mixer
}

// newMixOutput starts the task's mixer; watermarks and the background
// image are downloaded in the background (309 on failure).
func newMixOutput(t *task) (*mixOutput, error) {
	cfg := t.p.Mix.mixConfig()
	cfg.Clock, cfg.Logger = t.rec.clock, t.log
	m, err := mix.New(cfg)
	if err != nil {
		return nil, err
	}
	o := &mixOutput{t: t, m: m, done: make(chan struct{}), name: naming.Name{
		Prefix: t.p.Storage.Prefix(), TaskID: t.id, HA: t.ha, SdkAppID: t.p.SdkAppID, Room: t.p.Room,
		Mixed: true, Kind: naming.KindM3U8,
	}}
	ctx, cancel := context.WithCancel(t.rec.bg)
	o.cancel = cancel
	go func() {
		defer close(o.done)
		if err := m.Run(ctx, o); err != nil {
			t.log.Error("the mix stopped", "err", err)
		}
	}()
	o.fetchImages(t.p.Mix.Watermarks, t.p.Mix.Layout.BackgroundImageURL)
	return o, nil
}

// fetchImages downloads the watermarks and the background image and hands
// each to the mixer when it arrives; a failure fires 309 with its URL.
func (o *mixOutput) fetchImages(marks []layout.Watermark, background string) {
	o.setWatermarks(marks)
	o.setBackground(background)
}

var imageClient = &http.Client{Timeout: watermarkLimits.Timeout}

// setWatermarks replaces the watermarks by list: the old ones go at once,
// each new one shows when its download ends, stacked in list order; a
// download that fails fires 309 and the others stay. Downloads of an
// earlier list that end later are dropped.
func (o *mixOutput) setWatermarks(list []layout.Watermark) {
	o.imgMu.Lock()
	o.markGn++
	gen := o.markGn
	o.marks = make([]*mix.Watermark, len(list))
	if gen > 1 {
		_ = o.m.SetWatermarks(nil)
	}
	o.imgMu.Unlock()
	for i, w := range list {
		o.t.rec.wg.Go(func() {
			img, err := mix.FetchWatermark(o.t.rec.bg, imageClient, w.URL, watermarkLimits)
			o.imgMu.Lock()
			defer o.imgMu.Unlock()
			if o.markGn != gen {
				return // replaced meanwhile
			}
			if err != nil {
				o.t.log.Warn("watermark not downloaded", "url", w.URL, "err", err)
				o.t.emit(callback.DownloadImageError{URL: w.URL})
				return
			}
			o.marks[i] = &mix.Watermark{Box: layout.Box{X: w.Left, Y: w.Top, W: w.Width, H: w.Height}, Image: img}
			var shown []mix.Watermark
			for _, m := range o.marks {
				if m != nil {
					shown = append(shown, *m)
				}
			}
			if err := o.m.SetWatermarks(shown); err != nil {
				o.t.log.Warn("watermark not used", "url", w.URL, "err", err)
			}
			if o.shown != nil {
				o.shown()
			}
		})
	}
}

// setBackground replaces the background image: "" goes back to the
// colour at once; another URL is downloaded (the colour shows meanwhile;
// a failure fires 309). A download of an earlier image that ends later is
// dropped.
func (o *mixOutput) setBackground(u string) {
	o.imgMu.Lock()
	o.bgGn++
	gen := o.bgGn
	if gen > 1 {
		_ = o.m.SetBackgroundImage(nil)
	}
	o.imgMu.Unlock()
	if u == "" {
		return
	}
	o.t.rec.wg.Go(func() {
		img, err := mix.FetchWatermark(o.t.rec.bg, imageClient, u, watermarkLimits)
		o.imgMu.Lock()
		defer o.imgMu.Unlock()
		if o.bgGn != gen {
			return
		}
		if err != nil {
			o.t.log.Warn("background image not downloaded", "url", u, "err", err)
			o.t.emit(callback.DownloadImageError{URL: u})
			return
		}
		_ = o.m.SetBackgroundImage(img)
		if o.shown != nil {
			o.shown()
		}
	})
}

// WriteH264 writes an encoded picture of the mix (mix.Sink).
func (o *mixOutput) WriteH264(pts, dts int64, au [][]byte) error {
	seg, err := o.segmenter()
	if err != nil {
		return err
	}
	return seg.WriteH264(pts, dts, au)
}

// WriteAAC writes an encoded audio frame of the mix (mix.Sink).
func (o *mixOutput) WriteAAC(pts int64, frame []byte) error {
	seg, err := o.segmenter()
	if err != nil {
		return err
	}
	return seg.WriteAAC(pts, frame)
}

// segmenter opens the playlist at the mix's first output (called from the
// mixer's goroutine only).
func (o *mixOutput) segmenter() (*hls.Segmenter, error) {
	if o.seg != nil {
		return o.seg, nil
	}
	start, _ := o.m.Start()
	seg, err := hls.NewSegmenter(hls.Config{
		Video: hls.CodecH264, Audio: hls.CodecAAC, AACConfig: o.m.AudioSpecificConfig(), // gives rate and channels
		TargetDuration: o.t.rec.cfg.SegmentDuration, Start: start,
		PlaylistName: o.name.File(),
		SegmentName:  func(s time.Time) string { return o.name.Segment(s).File() },
		Output:       taskOutput{u: o.t.up, dir: path.Dir(o.name.String())},
		OnSegment:    o.onSegment,
	})
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	o.seg, o.begin = seg, start
	o.mu.Unlock()
	o.t.up.hold(o.name.String())
	o.t.notePlaylist(o.name.String())
	o.t.markInProgress()
	return seg, nil
}

func (o *mixOutput) onSegment(seg hls.Segment) {
	o.mu.Lock()
	o.segments++
	o.bytes += seg.Size
	first := o.segments == 1
	o.mu.Unlock()
	if first {
		o.t.emit(callback.FileSlice{FileName: o.name.File(), TrackType: callback.TrackAudioVideo, BeginTimeStamp: o.begin.UnixMilli()})
	}
}

// finish drains the mix, closes the playlist (#EXT-X-ENDLIST) and frees
// the mixer.
func (o *mixOutput) finish() {
	o.cancel()
	<-o.done
	if o.seg != nil {
		if err := o.seg.Close(); err != nil {
			o.t.log.Error("closing the mixed playlist failed", "err", err)
		}
		o.t.up.release(o.name.String())
	}
	_ = o.m.Close()
}

// file returns the mix's StorageFileList entry once it has output.
func (o *mixOutput) file() (File, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seg == nil {
		return File{}, false
	}
	return File{FileName: o.name.File(), Key: o.name.String(), TrackType: string(callback.TrackAudioVideo),
		BeginTimeStamp: o.begin.UnixMilli()}, true
}

// state returns the mix output's counters.
func (o *mixOutput) state() MixState {
	ms := o.m.Stats()
	o.mu.Lock()
	defer o.mu.Unlock()
	return MixState{Segments: o.segments, Bytes: o.bytes, VideoFrames: ms.VideoFrames, AudioFrames: ms.AudioFrames,
		Late: ms.Late, Overflow: ms.Overflow, DecodeErrors: ms.DecodeErrors, DriftSteps: ms.DriftSteps, Skipped: ms.Skipped}
}

// mixCodec maps an ingest codec to the codec layer's.
func mixCodec(c ingest.Codec) codec.Codec {
	return map[ingest.Codec]codec.Codec{ingest.H264: codec.H264, ingest.H265: codec.H265, ingest.VP8: codec.VP8,
		ingest.VP9: codec.VP9, ingest.AV1: codec.AV1, ingest.Opus: codec.Opus}[c]
}
