package mp4

import "errors"

// Sentinel errors of the package; match them with errors.Is. Every error
// Convert returns wraps one of them (or is an *errcode.Error with an
// InvalidParameter.* code for bad arguments), together with the cause.
var (
	// ErrSource says that a playlist or a segment could not be read from the
	// Source: missing, unreadable, or the read failed midway. The caller
	// reports the recording as not convertible (event 310 Status 2).
	ErrSource = errors.New("mp4: cannot read the HLS recording")
	// ErrCorrupt says that a playlist or a segment was read but is not a
	// usable HLS recording: a malformed playlist, a segment that is not
	// MPEG-TS or has no H.264/H.265/AAC/Opus stream, parameter sets that
	// cannot be parsed, or two playlists holding the same kind of track.
	ErrCorrupt = errors.New("mp4: corrupt HLS recording")
	// ErrNoMedia says that the recording holds no sample that can go into an
	// MP4 (no segment, or no decodable audio or video in them).
	ErrNoMedia = errors.New("mp4: the recording holds no audio or video")
	// ErrSink says that an MP4 file could not be handed to the Sink, or the
	// temporary file it is assembled in could not be written.
	ErrSink = errors.New("mp4: cannot store the MP4 file")
)

// Errors reported through Options.OnDecodeError (the damaged data is
// dropped and the conversion goes on).
var (
	// ErrDamaged marks a packet, PES packet or frame that was dropped
	// because it is damaged (lost TS packets, a bad header, a truncated
	// frame) or unusable (video before the first keyframe of a part).
	ErrDamaged = errors.New("mp4: damaged media dropped")
)
