package hls

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// Segment describes a committed segment file.
type Segment struct {
	// Name is the file name given by Config.SegmentName.
	Name string
	// Start is the wall time of the segment's first sample.
	Start time.Time
	// Duration is the segment's EXTINF duration.
	Duration time.Duration
	// Discontinuity is set when the segment follows a gap, a codec or
	// resolution change or an explicit Discontinuity call.
	Discontinuity bool
	// Width and Height are the video size (0 without video or before an
	// SPS was seen).
	Width, Height int
	// Size is the file size in bytes.
	Size int64
}

// Stats counts what a Segmenter did with its input.
type Stats struct {
	// Segments is the number of committed segments.
	Segments int
	// Bytes is the number of bytes of committed segments.
	Bytes int64
	// DroppedVideo counts video access units dropped while waiting for a
	// keyframe (at the start and after a discontinuity).
	DroppedVideo int
	// DroppedAudio counts audio frames of a mixed stream dropped while no
	// segment was open (waiting for the first video keyframe).
	DroppedAudio int
	// Invalid counts samples rejected with ErrInvalidSample.
	Invalid int
	// BadSPS counts SPS that could not be parsed (the size stays unknown).
	BadSPS int
}

// Segmenter cuts timestamped access units into MPEG-TS segment files and
// keeps an HLS playlist of them up to date (SPEC §3). It is not safe for
// concurrent use: one goroutine feeds one Segmenter.
type Segmenter struct {
	cfg    Config
	aac    aacParams
	mux    *tsMuxer
	closed bool

	video, audio Codec // current codecs (may change from the config's)
	audioOnly    bool

	// timeline: wall = cfg.Start + ticks(wallBase + pts - ptsBase), in
	// 90 kHz ticks so that re-anchoring does not accumulate rounding
	anchored, reanchor bool
	wallBase, ptsBase  int64
	lastEnd            int64 // wall end (ticks) of the last closed segment
	haveEnd            bool

	cur      openSegment
	prevName string
	lastDisc bool // the next segment starts with a discontinuity
	brk      bool // Discontinuity was called: break before the next sample

	lastTS   int64 // last DTS (video) or PTS (audio only) of the driving track
	haveTS   bool
	frameDur int64 // estimated duration of one frame of the driving track

	width, height int
	sps           []byte // last parsed SPS, to parse only when it changes

	agg audioAgg

	flushedAt int64 // timestamp of the sample after which the buffer was last written

	// The playlist: playlist holds the header fields (no Segments), pl
	// writes it (rewriting a text kept in memory, or appending to the
	// output's file when the Output is an Appender).
	playlist Playlist
	pl       playlistOut
	listed   int
	stats    Stats
}

// openSegment is the state of the segment being written.
type openSegment struct {
	open          bool
	name          string
	w             io.WriteCloser
	start         int64 // wall time in ticks after cfg.Start
	first, maxPTS int64
	disc          bool
	width, height int
}

// NewSegmenter validates cfg, applies the defaults and returns a Segmenter.
// No file is written before the first sample. It returns the *errcode.Error
// of Config.Validate for a bad config.
func NewSegmenter(cfg Config) (*Segmenter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Segmenter{
		cfg:       cfg,
		mux:       newTSMuxer(),
		video:     cfg.Video,
		audio:     cfg.Audio,
		audioOnly: cfg.Video == CodecNone,
		agg:       audioAgg{buf: make([]byte, 0, aggMaxBytes+512)},
		playlist: Playlist{
			Version:        3,
			TargetDuration: ceilSeconds(cfg.TargetDuration),
			StartRecTime:   cfg.Start,
		},
	}
	if cfg.Audio == CodecAAC {
		s.aac, _ = cfg.aacParams() // validated above
	}
	s.pl = newPlaylistOut(cfg.PlaylistName, cfg.Output, s.playlist)
	return s, nil
}

// Stats returns the counters so far.
func (s *Segmenter) Stats() Stats { return s.stats }

// Discontinuity makes the next sample start a new segment marked
// #EXT-X-DISCONTINUITY (the caller's SSRC change, restart, ...). The
// timestamps after it may belong to a new timeline: the wall clock of the
// next segment continues from the end of the previous one.
func (s *Segmenter) Discontinuity() {
	if !s.closed {
		s.brk = true
	}
}

// Flush commits the segment being written and rewrites the playlist, so
// that everything written so far is in the output; the next sample starts a
// new segment marked #EXT-X-DISCONTINUITY on the same timeline (a pause
// keeps its wall-clock time, unlike Discontinuity). Callers use it when a
// stream pauses (its track ended) or its source changed (a new SSRC) while
// the timestamps they pass stay on one timeline. It returns ErrClosed after
// Close, or the segment/playlist error of the cut.
func (s *Segmenter) Flush() error {
	if s.closed {
		return ErrClosed
	}
	return s.interrupt(false)
}

// WriteH264 writes an H.264 access unit (NAL units without start codes)
// with its 90 kHz PTS and DTS. It returns ErrInvalidSample (sample dropped),
// ErrNoTrack, ErrClosed, or an ErrSegment/playlist error from the cut the
// sample caused; the Segmenter stays usable after all but ErrClosed.
func (s *Segmenter) WriteH264(pts, dts int64, au [][]byte) error {
	return s.writeVideo(CodecH264, pts, dts, au)
}

// WriteH265 writes an H.265 access unit; see WriteH264.
func (s *Segmenter) WriteH265(pts, dts int64, au [][]byte) error {
	return s.writeVideo(CodecH265, pts, dts, au)
}

// WriteOpus writes one Opus packet with its 90 kHz PTS. Errors as WriteH264.
func (s *Segmenter) WriteOpus(pts int64, packet []byte) error {
	return s.writeAudio(CodecOpus, pts, packet)
}

// WriteAAC writes one raw AAC frame (no ADTS header) with its 90 kHz PTS;
// the Segmenter adds the ADTS header. Errors as WriteH264.
func (s *Segmenter) WriteAAC(pts int64, frame []byte) error {
	return s.writeAudio(CodecAAC, pts, frame)
}

// Close flushes and commits the last segment and writes the playlist with
// it and #EXT-X-ENDLIST (one write). When no segment was ever committed
// nothing is written. Later calls return nil.
func (s *Segmenter) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.closeSegment(0, false, true)
}

func (s *Segmenter) writeVideo(c Codec, pts, dts int64, au [][]byte) error {
	switch {
	case s.closed:
		return ErrClosed
	case s.cfg.Video == CodecNone:
		return fmt.Errorf("%w: %v access unit for a segmenter without video", ErrNoTrack, c)
	}
	if err := checkVideo(pts, dts, au); err != nil {
		s.stats.Invalid++
		return err
	}
	key := isKeyframe(c, au)
	err := s.videoBreaks(c, dts, au)
	s.observe(dts, pts)
	if !s.cur.open {
		if !key {
			s.stats.DroppedVideo++
			return err
		}
		err = errors.Join(err, s.openSegment(pts))
	} else if key && pts-s.cur.first >= durationToTicks(s.cfg.TargetDuration) {
		err = errors.Join(err, s.closeSegment(pts, true, false), s.openSegment(pts))
	}
	if !s.cur.open {
		return err
	}
	s.mux.writeVideo(c, pts, dts, key, au)
	s.cur.maxPTS = max(s.cur.maxPTS, pts)
	s.maybeFlush(dts)
	return errors.Join(err, s.checkWrite())
}

// maybeFlush writes the buffered packets to the segment file once
// FlushInterval of media has passed since the last write (ts is the
// timestamp of the sample just written). Audio frames still being gathered
// into a PES (at most 100 ms) stay in memory, so PES sizes do not depend on
// the interval.
func (s *Segmenter) maybeFlush(ts int64) {
	if s.cfg.FlushInterval < 0 {
		return
	}
	if d := ts - s.flushedAt; d >= 0 && d < durationToTicks(s.cfg.FlushInterval) {
		return
	}
	s.flushedAt = ts
	_ = s.mux.flush() // a write error is sticky: checkWrite reports it
}

// checkVideo validates a video sample.
func checkVideo(pts, dts int64, au [][]byte) error {
	if dts > pts {
		return fmt.Errorf("%w: DTS %d after PTS %d", ErrInvalidSample, dts, pts)
	}
	for _, n := range au {
		if len(n) > 0 {
			return nil
		}
	}
	return fmt.Errorf("%w: empty access unit", ErrInvalidSample)
}

// videoBreaks ends the current segment (and marks the next one
// discontinuous) on a pending Discontinuity call, a codec change, a
// resolution change or a timestamp jump.
func (s *Segmenter) videoBreaks(c Codec, dts int64, au [][]byte) error {
	var err error
	if s.brk {
		err = s.interrupt(true)
	}
	if c != s.video {
		s.video, s.sps, s.width, s.height = c, s.sps[:0], 0, 0
		err = errors.Join(err, s.interrupt(false))
	}
	if sps := findSPS(c, au); sps != nil && !bytes.Equal(sps, s.sps) {
		s.sps = append(s.sps[:0], sps...)
		w, h, perr := spsSize(c, sps)
		switch {
		case perr != nil:
			s.stats.BadSPS++
		case s.width != 0 && (w != s.width || h != s.height):
			err = errors.Join(err, s.interrupt(false))
			fallthrough
		default:
			s.width, s.height = w, h
		}
	}
	return errors.Join(err, s.timelineBreaks(dts))
}

// timelineBreaks checks the driving track's timestamp against the last one:
// backwards is a new timeline, a jump beyond GapThreshold is a gap.
func (s *Segmenter) timelineBreaks(ts int64) error {
	if !s.haveTS {
		return nil
	}
	switch d := ts - s.lastTS; {
	case d < 0:
		return s.interrupt(true)
	case d > durationToTicks(s.cfg.GapThreshold):
		return s.interrupt(false)
	}
	return nil
}

// observe records a valid sample of the driving track: timeline anchor,
// last timestamp and frame duration estimate (video: last DTS step).
func (s *Segmenter) observe(ts, pts int64) {
	s.anchor(pts)
	if d := ts - s.lastTS; s.haveTS && !s.audioOnly && d > 0 && d <= durationToTicks(s.cfg.GapThreshold) {
		s.frameDur = d
	}
	s.lastTS, s.haveTS = ts, true
}

// anchor maps pts to the wall clock if the timeline has no anchor yet (first
// sample: cfg.Start) or must be re-anchored (after a break onto a new
// timeline: the end of the previous segment).
func (s *Segmenter) anchor(pts int64) {
	switch {
	case !s.anchored:
		s.wallBase, s.ptsBase, s.anchored = 0, pts, true
	case s.reanchor && s.haveEnd:
		s.wallBase, s.ptsBase = s.lastEnd, pts
	}
	s.reanchor = false
}

// interrupt closes the current segment as the end of a continuous run; the
// next segment is marked with a discontinuity, and with newTimeline its
// wall clock continues from the end of this one.
func (s *Segmenter) interrupt(newTimeline bool) error {
	s.brk = false
	s.lastDisc = true
	if newTimeline {
		s.reanchor = true
	}
	return s.closeSegment(0, false, false)
}
