package recorder

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/naming"
)

// codecLayer reports whether this build can transcode (nil) or why not.
var codecLayer = sync.OnceValue(codec.Available)

// RecordMode says how a task records (SPEC §2). The zero value means Single.
type RecordMode int

const (
	// Single records every subscribed user's audio and video as separate
	// HLS files (the service's RecordMode 1).
	Single RecordMode = 1
	// Mixed composites all users into one HLS file (RecordMode 2).
	Mixed RecordMode = 2
)

// Valid reports whether m is Single or Mixed.
func (m RecordMode) Valid() bool { return m == Single || m == Mixed }

// String returns "single" or "mixed".
func (m RecordMode) String() string {
	switch m {
	case Single:
		return "single"
	case Mixed:
		return "mixed"
	}
	return fmt.Sprintf("RecordMode(%d)", int(m))
}

// StreamType says which media a task records (the service's StreamType).
type StreamType int

const (
	// AudioVideo records audio and video (the default, 0).
	AudioVideo StreamType = 0
	// AudioOnly records only audio (1).
	AudioOnly StreamType = 1
	// VideoOnly records only video (2).
	VideoOnly StreamType = 2
)

// Valid reports whether t is one of the three stream types.
func (t StreamType) Valid() bool { return t >= AudioVideo && t <= VideoOnly }

// Records reports whether streams of the given kind are recorded.
func (t StreamType) Records(k naming.TrackType) bool {
	switch t {
	case AudioOnly:
		return k == naming.TrackAudio
	case VideoOnly:
		return k == naming.TrackVideo
	}
	return k.Valid()
}

// OutputFormat says which files a task produces (SPEC §3), numbered as the
// service's OutputFormat.
type OutputFormat int

const (
	// HLS writes M3U8 playlists and TS segments (the default, 0).
	HLS OutputFormat = 0
	// HLSAndMP4 writes HLS and, after the recording, MP4 files converted
	// from the HLS read back from the storage (1), announced by event 310.
	HLSAndMP4 OutputFormat = 1
	// HLSAndAAC writes HLS and, after the recording, audio-only M4A files (2).
	HLSAndAAC OutputFormat = 2
	// MP4 delivers MP4 files (3). The HLS they are made from is recorded and
	// stored as with HLSAndMP4 (the Storage interface has no delete, and a
	// failed conversion can be repeated from it); only the events differ in
	// nothing — use HLSAndMP4 or MP4 as the service's clients expect.
	MP4 OutputFormat = 3
	// AAC keeps HLS only as an intermediate and delivers audio-only M4A
	// files (4).
	AAC OutputFormat = 4
)

// Valid reports whether f is a known output format.
func (f OutputFormat) Valid() bool { return f >= HLS && f <= AAC }

// AudioCodec says how single-stream audio is written (SPEC §2).
type AudioCodec int

const (
	// AudioDefault is AudioAAC when the build has the codec layer (cgo and
	// FFmpeg), else AudioOpus with a warning logged at Start.
	AudioDefault AudioCodec = 0
	// AudioAAC transcodes the Opus that WebRTC carries to AAC, which every
	// HLS player plays.
	AudioAAC AudioCodec = 1
	// AudioOpus keeps Opus as received: the cheapest, but hls.js and
	// Apple's players refuse Opus in MPEG-TS.
	AudioOpus AudioCodec = 2
)

// AudioParams say how a task writes audio. The zero value gives AAC, 48 kHz,
// mono, 64 kbit/s (or Opus as received in a build without cgo).
type AudioParams struct {
	// Codec is AudioAAC or AudioOpus; AudioDefault picks as documented.
	Codec AudioCodec
	// SampleRate of the AAC: 48000 (default), 44100 or 16000.
	SampleRate int
	// Channels of the AAC: 1 (default) or 2.
	Channels int
	// Bitrate of the AAC in bit/s, 8000–320000; 0 means 64000 per channel.
	Bitrate int
}

func (a AudioParams) validate() error {
	code := errcode.InvalidParameter.Detail("AudioParams")
	switch {
	case a.Codec < AudioDefault || a.Codec > AudioOpus:
		return errcode.New(code, "audio codec %d: must be 0 (default), 1 (AAC) or 2 (Opus)", int(a.Codec))
	case a.SampleRate != 0 && a.SampleRate != 48000 && a.SampleRate != 44100 && a.SampleRate != 16000:
		return errcode.New(code, "audio sample rate %d: must be 48000, 44100 or 16000", a.SampleRate)
	case a.Channels < 0 || a.Channels > 2:
		return errcode.New(code, "audio channels %d: must be 1 or 2", a.Channels)
	case a.Bitrate != 0 && (a.Bitrate < 8000 || a.Bitrate > 320000):
		return errcode.New(code, "audio bitrate %d: must be between 8000 and 320000 bit/s", a.Bitrate)
	}
	return nil
}

// Limits on task parameters (SPEC §1).
const (
	// DefaultMaxIdleTime is the idle time after which a task with no
	// publishing user in its room ends itself.
	DefaultMaxIdleTime = 60 * time.Second
	// MinMaxIdleTime and MaxMaxIdleTime bound RecordParams.MaxIdleTime.
	MinMaxIdleTime = 5 * time.Second
	// MaxMaxIdleTime is the largest allowed MaxIdleTime (24 h).
	MaxMaxIdleTime = 86400 * time.Second
	// maxPatterns bounds each subscription list.
	maxPatterns = 100
)

// StartParams are the parameters of Start: the service's
// CreateCloudRecording request in Go form.
type StartParams struct {
	// SdkAppID identifies the application (required, non-zero).
	SdkAppID uint64
	// Room is the room to record: a numeric or a string room id.
	Room naming.RoomID
	// UserID is the recorder's own identity in the room: it appears in
	// every callback and must not be a user who publishes in the room
	// (streams of this user are never recorded).
	UserID string
	// Record says what to record and how.
	Record RecordParams
	// Storage says where the files go.
	Storage StorageParams
	// Mix are the parameters of a mixed-stream task (Record.Mode Mixed);
	// ignored in single-stream mode.
	Mix MixParams
}

// RecordParams are the service's RecordParams.
type RecordParams struct {
	// Mode is Single (the zero value) or Mixed.
	Mode RecordMode
	// MaxIdleTime ends the task when the room has had no publishing user
	// for this long. Zero means DefaultMaxIdleTime; allowed 5 s to 24 h.
	MaxIdleTime time.Duration
	// StreamType selects audio and video, audio only or video only.
	StreamType StreamType
	// Subscribe are the allow and deny lists; the zero value subscribes to
	// every stream in the room.
	Subscribe Subscription
	// Output is the output format; the zero value is HLS.
	Output OutputFormat
	// Audio says how audio is written in single-stream mode.
	Audio AudioParams
	// MaxMediaFileDuration splits MP4 files before they would last longer
	// (the service's MaxMediaFileDuration). Zero means 24 h; allowed 1 min
	// to 24 h.
	MaxMediaFileDuration time.Duration
}

// StorageParams say where a task's files go.
type StorageParams struct {
	// Storage overrides the Recorder's storage for this task; nil uses
	// Config.Storage.
	Storage Storage
	// VOD sends the recording to a video-on-demand platform instead of a
	// storage (SPEC §5: exactly one of the two): the HLS is recorded into
	// the Recorder's own storage as an intermediate, then one MP4 per user
	// stream (one for a mixed recording) is uploaded; events 311 and 312
	// report them and Describe lists no file. Setting both VOD and Storage
	// is an InvalidParameter.StorageParams error.
	VOD VOD
	// FileNamePrefix are path segments put in front of every object key:
	// []string{"a", "b"} gives "a/b/<TaskId>/...". Each segment must be a
	// safe path segment (naming.ValidatePrefix).
	FileNamePrefix []string
}

// Prefix returns the file-name prefix joined with "/".
func (p StorageParams) Prefix() string { return strings.Join(p.FileNamePrefix, "/") }

// withDefaults returns p with zero values replaced by the defaults.
func (p StartParams) withDefaults() StartParams {
	if p.Record.Mode == 0 {
		p.Record.Mode = Single
	}
	if p.Record.MaxIdleTime == 0 {
		p.Record.MaxIdleTime = DefaultMaxIdleTime
	}
	if p.Record.MaxMediaFileDuration == 0 {
		p.Record.MaxMediaFileDuration = 24 * time.Hour
	}
	a := &p.Record.Audio
	if a.Codec == AudioDefault {
		a.Codec = AudioAAC
		if codecLayer() != nil {
			a.Codec = AudioOpus
		}
	}
	if a.SampleRate == 0 {
		a.SampleRate = 48000
	}
	if a.Channels == 0 {
		a.Channels = 1
	}
	return p
}

// Validate checks the parameters without doing any I/O and returns an
// *errcode.Error with the service's InvalidParameter.* code naming the first
// wrong parameter, or nil. Zero values that have defaults are accepted.
func (p StartParams) Validate() error {
	if err := p.Record.Audio.validate(); err != nil {
		return err // before defaults hide a bad value
	}
	p = p.withDefaults()
	if p.SdkAppID == 0 {
		return errcode.New(errcode.InvalidParameter.Detail("SdkAppId"), "SdkAppID must be set")
	}
	if err := p.Room.Validate(); err != nil {
		return err
	}
	if err := naming.ValidateUserID(p.UserID); err != nil {
		return err
	}
	if err := p.Record.validate(); err != nil {
		return err
	}
	if p.Record.Mode == Mixed {
		if err := codecLayer(); err != nil {
			return errcode.Wrap(errcode.Unsupported, err, "mixed-stream recording needs the codec layer")
		}
		if p.Record.StreamType != AudioVideo {
			return errcode.New(errcode.Unsupported, "mixed-stream recording is audio and video; StreamType %d is not available for it", int(p.Record.StreamType))
		}
		if err := p.Mix.validate(); err != nil {
			return err
		}
	}
	if p.Storage.VOD != nil && p.Storage.Storage != nil {
		return errcode.New(errcode.InvalidParameter.Detail("StorageParams"), "give either a cloud storage or a VOD destination, not both")
	}
	return naming.ValidatePrefix(p.Storage.Prefix())
}

func (r RecordParams) validate() error {
	if !r.Mode.Valid() {
		return errcode.New(errcode.InvalidParameter.Detail("RecordMode"), "RecordMode %d: must be 1 (single) or 2 (mixed)", int(r.Mode))
	}
	if r.MaxIdleTime < MinMaxIdleTime || r.MaxIdleTime > MaxMaxIdleTime {
		return errcode.New(errcode.InvalidParameter.Detail("MaxIdleTime"), "MaxIdleTime %v: must be between %v and %v", r.MaxIdleTime, MinMaxIdleTime, MaxMaxIdleTime)
	}
	if !r.StreamType.Valid() {
		return errcode.New(errcode.InvalidParameter.Detail("StreamType"), "StreamType %d: must be 0 (audio+video), 1 (audio) or 2 (video)", int(r.StreamType))
	}
	if !r.Output.Valid() {
		return errcode.New(errcode.InvalidParameter.Detail("OutputFormat"), "OutputFormat %d: must be 0 (hls), 1 (hls+mp4), 2 (hls+aac), 3 (mp4) or 4 (aac)", int(r.Output))
	}
	if err := r.Audio.validate(); err != nil {
		return err
	}
	if r.Audio.Codec == AudioAAC {
		if err := codecLayer(); err != nil {
			return errcode.Wrap(errcode.Unsupported, err, "AAC audio needs the codec layer")
		}
	}
	if r.Output == HLSAndAAC || r.Output == AAC {
		return errcode.New(errcode.Unsupported, "OutputFormat %d: audio-only output is not available in this version; use 0 (hls), 1 (hls+mp4) or 3 (mp4)", int(r.Output))
	}
	if r.MaxMediaFileDuration < time.Minute || r.MaxMediaFileDuration > 24*time.Hour {
		return errcode.New(errcode.InvalidParameter.Detail("MaxMediaFileDuration"), "MaxMediaFileDuration %v: must be between 1 min and 24 h", r.MaxMediaFileDuration)
	}
	return r.Subscribe.Validate()
}
