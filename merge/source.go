package merge

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/roomrec/roomrec/hls"
)

// timelineBase is where the output timeline's position 0 sits in the
// rewritten 33-bit timestamps (10 s: clear of 0 for the PCR, which runs
// behind the DTS).
const timelineBase = 10 * 90000

// jobSource is the mp4.Source of one job: the playlists it makes up for
// the video and audio tracks, and their segments — recorded files with
// their timestamps moved onto the output timeline, silence made on
// demand, re-encoded files as they are.
type jobSource struct {
	entries map[string]entry
	count   func(int)
}

// entry is one object of a jobSource.
type entry struct {
	data    []byte       // a playlist
	file    *tsFile      // a recorded file
	off     int64        // its timestamp offset
	silence *silenceSpec // silence
	path    string       // a re-encoded file
}

// Get opens the object under key. It returns an error matching
// os.ErrNotExist for an unknown key.
func (s *jobSource) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e, ok := s.entries[key]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: %w", key, os.ErrNotExist)
	case e.data != nil:
		return io.NopCloser(bytes.NewReader(e.data)), nil
	case e.silence != nil:
		b, err := e.silence.build()
		if err != nil {
			return nil, fmt.Errorf("silence: %w", err)
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	case e.path != "":
		return os.Open(e.path)
	}
	f, err := os.Open(e.file.path)
	if err != nil {
		return nil, err
	}
	return readCloser{newRetimeReader(f, e.off, s.count), f}, nil
}

// readCloser joins a reader and the file under it.
type readCloser struct {
	io.Reader
	io.Closer
}

// newJobSource makes the source of j; origin is the wall time of output
// position 0. It returns the playlist keys to convert (video first).
func newJobSource(j *job, origin time.Time, count func(int)) (*jobSource, []string, error) {
	s := &jobSource{entries: map[string]entry{}, count: count}
	var keys []string
	for _, t := range []struct {
		name   string
		pieces []piece
	}{{"video", j.video}, {"audio", j.audio}} {
		if len(t.pieces) == 0 {
			continue
		}
		pl := &hls.Playlist{Ended: true, StartRecTime: origin.Add(ticksToDuration(t.pieces[0].pos).Round(time.Millisecond))}
		for i, p := range t.pieces {
			uri := fmt.Sprintf("%s%06d.ts", t.name[:1], i)
			e := entry{file: p.file, silence: p.silence, path: p.encoded}
			if p.file != nil {
				e.off = timelineBase + p.pos - p.file.info.first
			}
			s.entries[uri] = e
			d := ticksToDuration(p.end - p.pos)
			pl.Segments = append(pl.Segments, hls.PlaylistSegment{URI: uri, Duration: d, Discontinuity: i > 0 && p.pos > t.pieces[i-1].end})
			pl.TargetDuration = max(pl.TargetDuration, int(math.Ceil(d.Round(time.Millisecond).Seconds())))
		}
		data, err := pl.MarshalText()
		if err != nil {
			return nil, nil, err
		}
		key := t.name + ".m3u8"
		s.entries[key] = entry{data: data}
		keys = append(keys, key)
	}
	return s, keys, nil
}
