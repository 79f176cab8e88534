package hls

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// openSegment starts a new segment whose first sample (of the driving
// track) has PTS first: names it from its wall time, creates the file and
// writes PAT and PMT.
func (s *Segmenter) openSegment(first int64) error {
	start := s.wallBase + first - s.ptsBase
	if s.prevName != "" && start < s.cur.start+90 {
		// Names come from wall times in ms: keep them strictly increasing.
		start = s.cur.start + 90
	}
	s.cur.start = start // remembered even if the segment cannot be created
	name := s.cfg.SegmentName(s.wallTime(start))
	if err := s.checkSegmentName(name); err != nil {
		s.lastDisc = true
		return err
	}
	s.prevName = name
	w, err := s.cfg.Output.Create(name)
	if err != nil {
		s.lastDisc = true
		return fmt.Errorf("%w: create %q: %w", ErrSegment, name, err)
	}
	s.cur = openSegment{
		open: true, name: name, w: w, start: start, first: first, maxPTS: first,
		disc:  s.lastDisc && s.listed > 0,
		width: s.width, height: s.height,
	}
	s.lastDisc = false
	video, audio := s.video, s.audio
	if s.audioOnly {
		video = CodecNone
	}
	if s.cfg.Audio == CodecNone {
		audio = CodecNone
	}
	s.mux.reset(w)
	s.mux.setTracks(video, audio, s.cfg.AudioChannels)
	s.mux.writePSI()
	return nil
}

// checkSegmentName rejects names the playlist could not list.
func (s *Segmenter) checkSegmentName(name string) error {
	switch {
	case !validURI(path.Base(name)) || strings.HasSuffix(name, "/") || path.Base(name) == "." || path.Base(name) == "..":
		return fmt.Errorf("%w: SegmentName returned the unusable name %q", ErrSegment, name)
	case path.Dir(name) != path.Dir(s.cfg.PlaylistName):
		return fmt.Errorf("%w: segment %q is not in the playlist's folder %q",
			ErrSegment, name, path.Dir(s.cfg.PlaylistName))
	case name == s.prevName || name == s.cfg.PlaylistName:
		return fmt.Errorf("%w: SegmentName returned %q twice", ErrSegment, name)
	}
	return nil
}

// closeSegment commits the current segment, if any (see commitSegment),
// writes the playlist and calls OnSegment. With last (from Close) the
// playlist gets #EXT-X-ENDLIST in the same write, and is written even when
// no segment was open (as long as one was ever listed).
func (s *Segmenter) closeSegment(nextFirst int64, continuous, last bool) error {
	seg, ok, err := s.commitSegment(nextFirst, continuous)
	if !ok && (!last || s.listed == 0) {
		return err
	}
	if last {
		s.pl.end()
	}
	err = errors.Join(err, s.pl.flush())
	if ok && s.cfg.OnSegment != nil {
		s.cfg.OnSegment(seg)
	}
	return err
}

// commitSegment closes the current segment's file and adds it to the
// playlist (not written yet); ok is false when no segment was committed
// (none open, or closing its file failed: the error). With continuous its
// duration runs to nextFirst, the first PTS of the segment that follows;
// otherwise to its last PTS plus one frame.
func (s *Segmenter) commitSegment(nextFirst int64, continuous bool) (seg Segment, ok bool, err error) {
	if !s.cur.open {
		return Segment{}, false, nil
	}
	s.flushAudio()
	cur := s.cur
	s.cur = openSegment{start: cur.start}
	ticks := cur.maxPTS + s.frameDur - cur.first
	if continuous {
		ticks = nextFirst - cur.first
	}
	ticks = max(ticks, 0)
	d := ticksToDuration(ticks)
	s.lastEnd, s.haveEnd = cur.start+ticks, true
	ferr := s.mux.flush()
	if cerr := cur.w.Close(); ferr != nil || cerr != nil {
		s.lastDisc = true
		return Segment{}, false, fmt.Errorf("%w: %q: %w", ErrSegment, cur.name, errors.Join(ferr, cerr))
	}
	seg = Segment{
		Name: cur.name, Start: s.wallTime(cur.start), Duration: d, Discontinuity: cur.disc,
		Width: cur.width, Height: cur.height, Size: s.mux.n,
	}
	s.stats.Segments++
	s.stats.Bytes += seg.Size
	p := &s.playlist
	if p.Width == 0 && cur.width > 0 {
		p.Width, p.Height = cur.width, cur.height
	}
	p.TargetDuration = max(p.TargetDuration, ceilSeconds(d.Round(time.Millisecond)))
	s.listed++
	s.pl.want = *p
	s.pl.add(PlaylistSegment{URI: path.Base(cur.name), Duration: d, Discontinuity: cur.disc})
	return seg, true, nil
}

// checkWrite abandons the current segment when writing it failed: the file
// is closed (not listed) and the next segment is marked discontinuous.
func (s *Segmenter) checkWrite() error {
	if s.mux.err == nil || !s.cur.open {
		return nil
	}
	werr := s.mux.err
	cerr := s.cur.w.Close()
	name := s.cur.name
	s.cur = openSegment{start: s.cur.start}
	s.agg.buf = s.agg.buf[:0]
	s.lastDisc = true
	return fmt.Errorf("%w: write %q: %w", ErrSegment, name, errors.Join(werr, cerr))
}

// wallTime converts a timeline position (ticks after cfg.Start) to a time.
func (s *Segmenter) wallTime(ticks int64) time.Time {
	return s.cfg.Start.Add(ticksToDuration(ticks))
}

// ceilSeconds rounds d up to whole seconds.
func ceilSeconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
