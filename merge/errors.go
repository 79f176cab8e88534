package merge

import "errors"

// Sentinel errors of the package; match them with errors.Is. Run's errors
// wrap one of them (or are *errcode.Error values with an
// InvalidParameter.* code for bad Options) and name the folder, user or
// file concerned.
var (
	// ErrEmpty says that the folder holds no single-stream recording: no
	// file named like a single-stream TS segment of SPEC §3
	// (<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<MediaId>_<Type>_<UTC>.ts).
	ErrEmpty = errors.New("merge: no single-stream recording in the folder")
	// ErrCorrupt says that a TS segment is not usable MPEG-TS (no sync
	// byte, no PAT/PMT, no H.264/H.265/AAC/Opus stream of the kind its name
	// says), or that the remux found the recording corrupt. The user's files
	// are not written; the other users are processed.
	ErrCorrupt = errors.New("merge: corrupt TS segment")
	// ErrNoVideo says that a user has audio and video, but not the video
	// Options.AV asks for (-a 0 and only screen-share video, or -a 2 and
	// only camera video): audio without its video. Use AVAuto (-a 1).
	ErrNoVideo = errors.New("merge: the user has audio but not the video asked for")
	// ErrNoAudio says that a user has video but no audio at all: video
	// without audio, which the SPEC §7 names (<UserId>_<timestamp>_av.mp4 or
	// .m4a) have no file for.
	ErrNoAudio = errors.New("merge: the user has video but no audio")
	// ErrReencode says that the video had to be re-encoded (Options.FPS or
	// Options.Width/Height differ from the recording) and could not be: a
	// build without the codec layer (CGO_ENABLED=0), or a codec failure.
	ErrReencode = errors.New("merge: cannot re-encode the video")
	// ErrWrite says that an output file could not be written.
	ErrWrite = errors.New("merge: cannot write the output file")
)
