package merge

import (
	"io"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// Mode is how a user's recording segments become files (-m); a closed set.
type Mode uint8

// The modes of SPEC §7.
const (
	// ModeSegments (-m 0, the default) writes one file per segment.
	ModeSegments Mode = 0
	// ModeMerge (-m 1) writes one file per user holding every segment; the
	// gaps between segments are kept (filled) unless Options.Save is set.
	ModeMerge Mode = 1
)

// Valid reports whether m is ModeSegments or ModeMerge.
func (m Mode) Valid() bool { return m <= ModeMerge }

// String returns "segments", "merge" or "Mode(n)".
func (m Mode) String() string {
	switch m {
	case ModeSegments:
		return "segments"
	case ModeMerge:
		return "merge"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// AV is which video goes with a user's audio (-a); a closed set.
type AV uint8

// The choices of SPEC §7.
const (
	// AVMain (-a 0, the default): the main (camera) video.
	AVMain AV = 0
	// AVAuto (-a 1): the main video if the user has any, else the aux
	// (screen-share) video.
	AVAuto AV = 1
	// AVAux (-a 2): the aux (screen-share) video.
	AVAux AV = 2
)

// Valid reports whether a is AVMain, AVAuto or AVAux.
func (a AV) Valid() bool { return a <= AVAux }

// String returns "main", "auto", "aux" or "AV(n)".
func (a AV) String() string {
	switch a {
	case AVMain:
		return "main"
	case AVAuto:
		return "auto"
	case AVAux:
		return "aux"
	}
	return "AV(" + strconv.Itoa(int(a)) + ")"
}

// Limits of SPEC §7.
const (
	// GapThreshold is the pause that starts a new segment: more than 15 s
	// from the end of one TS file to the start of the next.
	GapThreshold = 15 * time.Second
	// DefaultFPS is the frame rate of re-encoded video when Options.FPS is
	// 0 (-p not given) and the video is re-encoded for Options.Width/Height.
	DefaultFPS = 15
	// MinFPS and MaxFPS bound Options.FPS: a value outside is clamped
	// (SPEC §7: below 5 counts as 5, above 120 as 120).
	MinFPS = 5
	MaxFPS = 120
	// MaxSide is the largest output width or height.
	MaxSide = 8192
)

// Options configure Run. The zero value of every field but Dir is the
// default of SPEC §7 (-m 0 -a 0, no -s, -p and -r not given).
type Options struct {
	// Dir is the recording folder (-f): a task folder holding the
	// single-stream TS segments (and usually their playlists, which are
	// not needed). Required.
	Dir string
	// Out is the folder the files are written to (default Dir, as the
	// SPEC §7 tool does). It is created if missing.
	Out string
	// Mode is -m: ModeSegments (default) or ModeMerge.
	Mode Mode
	// Save is -s (merge mode only): the gaps between segments are removed,
	// so the file is shorter than the wall time. Ignored in ModeSegments,
	// whose files hold no gap of more than 15 s.
	Save bool
	// AV is -a: which video goes with the audio (default AVMain).
	AV AV
	// FPS is -p, the output frame rate; 0 (-p not given) keeps the
	// recording's frame timing. A value below MinFPS counts as MinFPS, one
	// above MaxFPS as MaxFPS. The video is re-encoded only when its median
	// frame rate differs from FPS by more than 10%.
	FPS int
	// Width and Height are -r, the output picture size (even, 2–8192; both
	// 0: keep the recording's). The video is re-encoded only for a
	// recording of another size; the picture is scaled to fit and centred
	// on black (aspect ratio kept).
	Width, Height int
	// TempDir holds the temporary files of the remux and of re-encoding
	// (default os.TempDir()).
	TempDir string
	// MaxDuration and MaxSize split long outputs as package mp4 does
	// (defaults 24 h and 2 GB, SPEC §3); tests use small values.
	MaxDuration time.Duration
	MaxSize     int64
	// Progress, when set, receives a progress bar redrawn with '\r' (the
	// command passes stderr when it is a terminal). Nil is quiet.
	Progress io.Writer
	// OnDecodeError, when set, is told about damaged packets or frames that
	// were dropped; the merge goes on. Nil ignores them.
	OnDecodeError func(error)
}

// Validate checks the options without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field>.
func (o Options) Validate() error {
	bad := func(field, format string, args ...any) error {
		return errcode.New(errcode.InvalidParameter.Detail(field), "merge: "+format, args...)
	}
	switch {
	case o.Dir == "":
		return bad("Dir", "the recording folder (-f) is required")
	case !o.Mode.Valid():
		return bad("Mode", "mode (-m) must be 0 (segments) or 1 (merge), got %d", o.Mode)
	case !o.AV.Valid():
		return bad("AV", "-a must be 0 (main video), 1 (auto) or 2 (aux video), got %d", o.AV)
	case o.FPS < 0:
		return bad("FPS", "frame rate (-p) must be positive, got %d", o.FPS)
	case (o.Width == 0) != (o.Height == 0):
		return bad("Resolution", "give both width and height (-r W H), got %dx%d", o.Width, o.Height)
	case o.Width != 0 && (o.Width < 2 || o.Height < 2 || o.Width > MaxSide || o.Height > MaxSide):
		return bad("Resolution", "resolution (-r) must be within 2..%d, got %dx%d", MaxSide, o.Width, o.Height)
	case o.Width%2 != 0 || o.Height%2 != 0:
		return bad("Resolution", "resolution (-r) must be even (H.264 4:2:0), got %dx%d", o.Width, o.Height)
	}
	return nil
}

// withDefaults returns o with the defaults applied and FPS clamped.
func (o Options) withDefaults() Options {
	if o.Out == "" {
		o.Out = o.Dir
	}
	if o.FPS > 0 {
		o.FPS = ClampFPS(o.FPS)
	}
	return o
}

// ClampFPS returns fps limited to MinFPS..MaxFPS (SPEC §7: "below 5 counts
// as 5, above 120 as 120").
func ClampFPS(fps int) int { return min(max(fps, MinFPS), MaxFPS) }

// Output describes one file Run wrote.
type Output struct {
	// UserID is the user, decoded; the file name holds its encoded form.
	UserID string
	// Name is the file name, Path the file's path (in Options.Out).
	Name, Path string
	// Start is the wall time of the first TS file of the file's first
	// segment: the <timestamp> of the name. A file split by MaxDuration or
	// MaxSize keeps its recording's Start in every part's name.
	Start time.Time
	// Duration is the file's duration; Size its size in bytes.
	Duration time.Duration
	Size     int64
	// Video and Audio tell which tracks the file holds.
	Video, Audio bool
	// Segments is the number of recording segments in the file (1 in
	// ModeSegments).
	Segments int
	// Reencoded reports that the video was re-encoded (-p or -r).
	Reencoded bool
}
