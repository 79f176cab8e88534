package recorder

import (
	"errors"
	"io"
	"path"
	"sync"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/internal/mix"
	"github.com/roomrec/roomrec/naming"
)

// stream is one recorded stream of a task (a user's main or aux audio or
// video): one playlist and its segments. It outlives the tracks that feed
// it: when a user leaves and comes back, or is unsubscribed and subscribed
// again, the same playlist continues after an #EXT-X-DISCONTINUITY, so no
// file is ever overwritten.
type stream struct {
	t    *task
	key  streamKey
	name naming.Name // the playlist's name

	// mu serialises the write path (depacketized frame -> codec ->
	// segmenter -> spool), which can take long: an encode, a segment's
	// fsync. Describe and Stats never wait for it: what they read is in
	// the fields below vmu, written with both locks held and read with
	// either, so a slow disk or a starved CPU cannot stall a metrics scrape.
	mu       sync.Mutex
	seg      *hls.Segmenter
	media    media // remux or transcode stage
	codec    ingest.Codec
	rate     int64     // the tracks' clock rate
	cur      *pipeline // the pipeline whose frames are written
	base     int64     // offset added to cur's timestamps, in clock ticks
	baseSet  bool
	last     int64 // last timestamp written, in clock ticks
	lastWall time.Time
	written  bool
	finished bool
	in       *mix.Input // mixed-stream task: the stream's input of the mix

	vmu      sync.Mutex // held briefly; never while waiting for mu
	mime     string
	begin    time.Time
	src      *pipeline // = cur, for the counters
	segments int
	bytes    int64
	past     StreamState // counters of pipelines that ended
}

func newStream(t *task, k streamKey) *stream {
	return &stream{t: t, key: k, name: naming.Name{
		Prefix:   t.p.Storage.Prefix(),
		TaskID:   t.id,
		HA:       t.ha,
		SdkAppID: t.p.SdkAppID,
		Room:     t.p.Room,
		UserID:   k.user,
		Media:    k.media,
		Type:     k.kind,
		Kind:     naming.KindM3U8,
	}}
}

func (s *stream) less(o *stream) bool { return s.name.String() < o.name.String() }

// accepts returns "" if a track of codec c can feed the stream, else why not.
func (s *stream) accepts(c ingest.Codec) string {
	switch c {
	case ingest.VP8, ingest.VP9, ingest.AV1:
		if err := codecLayer(); err != nil {
			return c.String() + " cannot be stored in MPEG-TS as received and this build cannot transcode it to H.264: " + err.Error()
		}
	case ingest.H264, ingest.H265, ingest.Opus:
	default:
		return c.String() + " cannot be recorded"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seg != nil && tsCodec(s.codec) != tsCodec(c) {
		return "the stream changed codec from " + s.codec.String() + " to " + c.String() + " (" + tsCodec(c) +
			" in MPEG-TS instead of " + tsCodec(s.codec) + "); the new track is not recorded"
	}
	return ""
}

// tsCodec names the codec a track of codec c is written as: tracks with
// the same one can follow each other in one playlist (a user who comes
// back from a browser that sends VP8 instead of H.264).
func tsCodec(c ingest.Codec) string {
	switch c {
	case ingest.H264, ingest.VP8, ingest.VP9, ingest.AV1:
		return "H.264"
	case ingest.H265:
		return "H.265"
	}
	return c.String()
}

// switchMedia replaces the stream's media stage by one for p's codec (same
// TS codec, another input: see tsCodec); what the old stage held is
// written first, and the playlist goes on after a discontinuity. s.mu is
// held. It reports false (the old stage stays) when the new one cannot be
// made.
func (s *stream) switchMedia(p *pipeline) bool {
	m, err := newMedia(p.codec, s.t.p.Record.Audio, s.t.rec.cfg.H264Encoder, s.t.rec.cfg.AACCoder)
	if err != nil {
		s.t.log.Error("cannot start the stream's codec", "user", s.key.user, "kind", s.key.kind, "codec", p.codec, "err", err)
		return false
	}
	if err := errors.Join(s.media.drain(s.seg), s.seg.Flush()); err != nil {
		s.t.log.Warn("flushing the stream failed", "user", s.key.user, "kind", s.key.kind, "err", err)
	}
	s.media.close()
	s.media, s.codec = m, p.codec
	return true
}

// attach makes p the stream's source; the next frame continues the
// playlist after a discontinuity if something was written before.
func (s *stream) attach(p *pipeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur, s.baseSet = p, false
	s.vmu.Lock()
	s.src, s.mime = p, p.track.info.MimeType
	s.vmu.Unlock()
}

// join makes the stream an input of the task's mix, at once (the task's
// lock is held); its screen's place follows the user's join order.
func (s *stream) join(p *pipeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.in != nil {
		_ = s.in.Close()
	}
	in, err := s.t.mix.m.AddInput(mix.InputConfig{UserID: s.key.user, Media: s.key.media, Codec: mixCodec(p.codec),
		Order: p.track.order, RequestKeyframe: p.track.keyframe})
	if err != nil {
		s.t.log.Warn("stream not mixed", "user", s.key.user, "media", s.key.media, "kind", s.key.kind, "err", err)
	}
	s.in = in
}

// detach ends p's part of the stream and keeps its counters.
func (s *stream) detach(p *pipeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vmu.Lock()
	addStats(&s.past, p)
	if s.src == p {
		s.src = nil
	}
	s.vmu.Unlock()
	if s.cur != p {
		return
	}
	s.cur = nil
	if s.in != nil {
		_ = s.in.Close() // leaves the layout
		s.in = nil
	}
	// Commit what the track gave so far: a stream that pauses (track ended,
	// unsubscribed) has all its media in the storage, not in an open segment.
	if s.seg != nil && !s.finished {
		if err := errors.Join(s.media.drain(s.seg), s.seg.Flush()); err != nil {
			s.t.log.Warn("flushing the stream failed", "user", s.key.user, "kind", s.key.kind, "err", err)
		}
	}
}

// write appends one frame of p to the playlist.
func (s *stream) write(p *pipeline, f ingest.Frame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != p || s.finished {
		return
	}
	if s.t.mix != nil {
		if s.in != nil {
			if err := s.in.Write(f); err != nil {
				s.t.log.Debug("frame not mixed", "user", s.key.user, "kind", s.key.kind, "err", err)
			}
		}
		return
	}
	if s.seg == nil && !s.open(p, f.Arrival) {
		return
	}
	if p.codec != s.codec && !s.switchMedia(p) {
		return
	}
	// Pauses are measured on the receiver's clock (sender reports are the
	// sender's clock: never mix them into the gap between two tracks).
	wall := f.Arrival
	if !s.baseSet {
		// A new track of the stream: continue the timeline after the real
		// pause, so segment names keep their wall-clock times.
		s.baseSet = true
		s.base = -f.PTS
		if s.written {
			gap := int64(wall.Sub(s.lastWall)) * s.rate / int64(time.Second)
			s.base += s.last + max(gap, 1)
		}
	}
	if f.Discontinuity && s.written {
		// A new SSRC or a timestamp jump: ingest keeps PTS on the arrival
		// timeline, so the segmenter marks the break and keeps its clock.
		_ = errors.Join(s.media.drain(s.seg), s.seg.Flush())
	}
	ticks := f.PTS + s.base
	err := s.media.write(s.seg, f, ticks, ticks*90000/s.rate)
	if errors.Is(err, codec.ErrInvalidData) {
		p.track.keyframe() // the decoder lost its reference: ask for a new one
	}
	if err != nil {
		s.t.log.Warn("frame not written", "user", s.key.user, "kind", s.key.kind, "err", err)
		return
	}
	s.last, s.lastWall = ticks, wall
	if !s.written {
		s.written = true
		s.t.markInProgress()
	}
}

// open creates the segmenter at the stream's first frame, which arrived at
// begin: the stream's BeginTimeStamp (and its first segment's name). For
// video that is the first keyframe's arrival, so BeginTimeStamp, the
// playlist's EXT-X-TRTC-START-REC-TIME and the first segment's <UTC> agree.
// s.mu is held.
func (s *stream) open(p *pipeline, begin time.Time) bool {
	m, err := newMedia(p.codec, s.t.p.Record.Audio, s.t.rec.cfg.H264Encoder, s.t.rec.cfg.AACCoder)
	if err != nil {
		s.t.log.Error("cannot start the stream's codec", "user", s.key.user, "kind", s.key.kind, "err", err)
		return false
	}
	s.media, s.codec, s.rate = m, p.codec, int64(p.track.info.ClockRate)
	s.vmu.Lock()
	s.begin = begin
	s.vmu.Unlock()
	cfg := hls.Config{
		TargetDuration: s.t.rec.cfg.SegmentDuration,
		Start:          s.begin,
		PlaylistName:   s.name.File(),
		SegmentName:    func(start time.Time) string { return s.name.Segment(start).File() },
		Output:         taskOutput{u: s.t.up, dir: path.Dir(s.name.String())},
		OnSegment:      s.onSegment,
	}
	m.configure(&cfg)
	seg, err := hls.NewSegmenter(cfg)
	if err != nil {
		m.close()
		s.media = nil
		s.t.log.Error("cannot start the playlist", "user", s.key.user, "kind", s.key.kind, "err", err)
		return false
	}
	s.seg = seg
	s.t.up.hold(s.name.String()) // the spool keeps the live playlist until it ends
	s.t.notePlaylist(s.name.String())
	return true
}

// onSegment runs (under s.mu, from the segmenter) after each segment.
func (s *stream) onSegment(seg hls.Segment) {
	s.vmu.Lock()
	s.segments++
	s.bytes += seg.Size
	first := s.segments == 1
	s.vmu.Unlock()
	if first {
		s.t.emit(callback.FileSlice{
			FileName:       s.name.File(),
			UserID:         s.key.user,
			TrackType:      callback.TrackType(s.key.kind),
			BeginTimeStamp: s.begin.UnixMilli(),
		})
	}
}

// finish closes the playlist (#EXT-X-ENDLIST); later frames are ignored.
func (s *stream) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return
	}
	s.finished = true
	if s.in != nil {
		_ = s.in.Close()
		s.in = nil
	}
	if s.seg != nil {
		if err := errors.Join(s.media.drain(s.seg), s.seg.Close()); err != nil {
			s.t.log.Error("closing the playlist failed", "user", s.key.user, "kind", s.key.kind, "err", err)
		}
		s.media.close()
		s.t.up.release(s.name.String())
	}
}

// file returns the stream's StorageFileList entry once it has media.
func (s *stream) file() (File, bool) {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	if s.begin.IsZero() {
		return File{}, false
	}
	return File{
		FileName:       s.name.File(),
		Key:            s.name.String(),
		UserID:         s.key.user,
		MediaID:        s.key.media,
		TrackType:      string(s.key.kind),
		BeginTimeStamp: s.begin.UnixMilli(),
	}, true
}

// state returns the stream's counters.
func (s *stream) state() StreamState {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	st := s.past
	st.UserID, st.MediaID, st.Kind, st.Codec = s.key.user, s.key.media, s.key.kind, s.mime
	st.Recording = s.src != nil
	if s.src != nil {
		addStats(&st, s.src)
	}
	st.Segments, st.Bytes = s.segments, s.bytes
	return st
}

// addStats adds the media counters of pipeline p to st.
func addStats(st *StreamState, p *pipeline) {
	in := p.ing.Stats()
	st.add(StreamState{
		Packets: in.Packets, Lost: in.Lost, Reordered: in.Reordered, Duplicates: in.Duplicates,
		Late: in.Late, Malformed: in.Malformed, FramesDropped: in.FramesDropped,
		KeyframeRequests: in.KeyframeRequests, QueueDropped: p.dropped.Load(),
		SSRCChanges: in.SSRCChanges, Discontinuities: in.Discontinuities,
	})
}

// add adds o's counters to s.
func (s *StreamState) add(o StreamState) {
	s.Packets += o.Packets
	s.Lost += o.Lost
	s.Reordered += o.Reordered
	s.Duplicates += o.Duplicates
	s.Late += o.Late
	s.Malformed += o.Malformed
	s.QueueDropped += o.QueueDropped
	s.FramesDropped += o.FramesDropped
	s.KeyframeRequests += o.KeyframeRequests
	s.SSRCChanges += o.SSRCChanges
	s.Discontinuities += o.Discontinuities
	s.Segments += o.Segments
	s.Bytes += o.Bytes
}

// taskOutput maps the segmenter's file names to object keys in the task's
// folder and writes them into the spool. It is an hls.Appender, so the
// segmenter appends to the playlist instead of keeping its text.
type taskOutput struct {
	u   *uploader
	dir string
}

func (o taskOutput) Create(name string) (io.WriteCloser, error) {
	w, err := o.u.Create(path.Join(o.dir, name))
	o.u.spoolResult(err)
	if err != nil {
		return nil, err
	}
	return spoolWriter{w, o.u}, nil
}

func (o taskOutput) WriteFile(name string, data []byte) error {
	err := o.u.WriteFile(path.Join(o.dir, name), data)
	o.u.spoolResult(err)
	return err
}

// AppendFile appends to a spooled playlist (hls.Appender): the segmenter
// keeps no playlist text, and the spool copies the file on write.
func (o taskOutput) AppendFile(name string, data []byte) error {
	err := o.u.AppendFile(path.Join(o.dir, name), data)
	o.u.spoolResult(err)
	return err
}

// ReadFile reads a spooled playlist back (hls.Appender), for the rare
// rewrite of its header.
func (o taskOutput) ReadFile(name string) ([]byte, error) {
	return o.u.ReadFile(path.Join(o.dir, name))
}

// spoolWriter reports write and commit failures of a segment file.
type spoolWriter struct {
	io.WriteCloser
	u *uploader
}

func (w spoolWriter) Write(p []byte) (int, error) {
	n, err := w.WriteCloser.Write(p)
	if err != nil {
		w.u.spoolResult(err)
	}
	return n, err
}

func (w spoolWriter) Close() error {
	err := w.WriteCloser.Close()
	w.u.spoolResult(err)
	return err
}
