package recorder

import (
	"fmt"
	"io"
	"os"
	"time"
)

// The spool's support for long recordings: playlists are appended to
// (copy on write) rather than rewritten by the segmenter, and the live
// playlists are uploaded at most every Config.PlaylistInterval (longer for
// long playlists, see playlistRate).

// AppendFile atomically replaces key in the spool with its content
// followed by data and queues its upload (hls.Appender; used for
// playlists). Copy on write: the new version is a new file (the old
// content copied by the kernel, then data) renamed over the old one under
// u.mu, like every spool write, so an upload of the old version in
// progress is not disturbed. A key that is not in the spool is an error
// (its content would be lost); so is every failed step, which leaves the
// spooled file as it was.
func (u *uploader) AppendFile(key string, data []byte) error {
	old, err := os.Open(u.path(key))
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer old.Close()
	return u.replace(key, func(f *os.File) error {
		if _, err := io.Copy(f, old); err != nil {
			return err
		}
		_, err := f.Write(data)
		return err
	})
}

// ReadFile returns the spooled content of key (hls.Appender).
func (u *uploader) ReadFile(key string) ([]byte, error) {
	b, err := os.ReadFile(u.path(key))
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return b, nil
}

// pickLocked returns the index in the queue of the oldest key that may be
// uploaded now, or -1 and how long until the earliest held-back playlist
// is due (0 when the queue is empty). Keys queued after a held playlist
// (its stream's next segments, other streams' files) pass it; a playlist
// is always queued after the segments it names, so when it is due they
// go first.
func (u *uploader) pickLocked() (int, time.Duration) {
	var wait time.Duration
	var now time.Time
	for i, k := range u.queue {
		if u.plInterval <= 0 || u.draining > 0 || !u.keep[k] {
			return i, 0
		}
		if now.IsZero() {
			now = u.clock.Now()
		}
		d := u.playlistHoldLocked(k, now)
		if d <= 0 {
			return i, 0
		}
		if wait == 0 || d < wait {
			wait = d
		}
	}
	return -1, wait
}

// playlistRate bounds the average upload bandwidth of one live playlist,
// in bytes per second: a playlist of S bytes waits at least S/playlistRate
// after its last upload. Every upload sends the whole growing playlist, so
// a fixed interval costs bytes quadratic in the recording's length (a 24 h
// stream of 10 s segments: ~1 MB at the end, ~2 GB a day of playlist
// uploads at 30 s); with the bound the cost is linear (at most ~180 MB a
// day). The interval starts to stretch past 30 s at 60 KiB, about 85 min
// of 10 s segments; at 24 h a live viewer sees new segments up to ~8 min
// late.
const playlistRate = 2048

// playlistHoldLocked returns how much longer the live playlist key (held:
// its stream is open) waits before its upload: until the longer of
// Config.PlaylistInterval and its size / playlistRate has passed since its
// last successful upload started. Its first version is not held (event 304
// follows its upload), nor its final one (release has removed it from
// u.keep), nor anything while drain waits (see pickLocked).
func (u *uploader) playlistHoldLocked(key string, now time.Time) time.Duration {
	last, ok := u.uploaded[key]
	if !ok {
		return 0
	}
	iv := max(u.plInterval, time.Duration(u.sizes[key])*time.Second/playlistRate)
	return last.Add(iv).Sub(now)
}
