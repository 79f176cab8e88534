package hls

import "errors"

// Sentinel errors of the package; match them with errors.Is. Configuration
// errors are *errcode.Error values with an InvalidParameter.* code instead.
var (
	// ErrClosed is returned by the Segmenter's write methods after Close.
	ErrClosed = errors.New("hls: segmenter is closed")
	// ErrNoTrack is returned when a sample is written for a track kind
	// (audio or video) that the Config does not declare.
	ErrNoTrack = errors.New("hls: no such track in the segmenter's config")
	// ErrInvalidSample is returned for a sample that cannot be muxed (empty
	// access unit, DTS after PTS, oversized or malformed frame). The sample
	// is dropped; the segmenter stays usable.
	ErrInvalidSample = errors.New("hls: invalid sample")
	// ErrSegment is returned when a segment file could not be created,
	// written or committed. The segment is abandoned (it is not listed in
	// the playlist) and the next sample starts a new segment marked with a
	// discontinuity.
	ErrSegment = errors.New("hls: segment output failed")
	// ErrPlaylist is returned by ReadPlaylist for a malformed playlist and by
	// Playlist.MarshalText for a playlist that cannot be written.
	ErrPlaylist = errors.New("hls: malformed playlist")

	errBadSize = errors.New("picture size out of range")
)
