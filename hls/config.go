package hls

import (
	"io"
	"path"
	"strings"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"github.com/roomrec/roomrec/errcode"
)

// Defaults applied by NewSegmenter to zero Config fields.
const (
	// DefaultTargetDuration is the segment length aimed at: a segment is cut
	// at the first keyframe (video) or frame (audio only) at or after it.
	// 10 s keeps the number of files (and uploads) per recorded stream low
	// while staying within what every HLS player handles.
	DefaultTargetDuration = 10 * time.Second
	// DefaultGapThreshold is the forward timestamp jump that is treated as a
	// gap in the stream (new segment marked #EXT-X-DISCONTINUITY). Opus DTX
	// pauses (up to 400 ms) stay well below it.
	DefaultGapThreshold = 2 * time.Second
	// DefaultFlushInterval is how much media may wait in the Segmenter's
	// buffer before it is written to the segment file.
	DefaultFlushInterval = 250 * time.Millisecond
)

// Output is where a Segmenter writes its files. Names are the ones returned
// by Config.SegmentName and Config.PlaylistName. An Output that also
// implements Appender lets the Segmenter append to the playlist instead of
// rewriting it (see Appender).
type Output interface {
	// Create returns a writer for a new segment file. Close commits the
	// file; its error is checked and reported by the Segmenter.
	Create(name string) (io.WriteCloser, error)
	// WriteFile atomically replaces the file name with data (used for the
	// playlist: rewritten after every segment, or only when its header
	// changes with an Appender). data is reused after the call returns:
	// copy it to keep it.
	WriteFile(name string, data []byte) error
}

// Config configures a Segmenter. Zero values of the optional fields get the
// documented defaults; Validate reports what is wrong with the rest.
type Config struct {
	// Video is the video codec (CodecH264 or CodecH265), or CodecNone for
	// an audio-only stream. Writing the other video codec later is a codec
	// change (new segment with #EXT-X-DISCONTINUITY).
	Video Codec
	// Audio is the audio codec (CodecOpus or CodecAAC), or CodecNone for a
	// video-only stream. Video and Audio together make a mixed stream in
	// which video drives the segment cuts.
	Audio Codec
	// AudioSampleRate is the AAC sample rate in Hz (one ADTS can signal:
	// 96000 … 7350). Opus is always 48 kHz in MPEG-TS: 0 or 48000.
	AudioSampleRate int
	// AudioChannels is the channel count: AAC 1–6 or 8; Opus 1 or 2
	// (0 = 2 for Opus).
	AudioChannels int
	// AACConfig is an optional MPEG-4 AudioSpecificConfig; when set it gives
	// the AAC object type, sample rate and channels instead of the two
	// fields above. HE-AAC configs are written with their AAC-LC core (the
	// ADTS way of implicit SBR/PS signalling).
	AACConfig []byte
	// TargetDuration is the segment length aimed at (default
	// DefaultTargetDuration, allowed 1 s – 24 h). EXT-X-TARGETDURATION is
	// never below it.
	TargetDuration time.Duration
	// GapThreshold is the forward timestamp jump treated as a gap (default
	// DefaultGapThreshold).
	GapThreshold time.Duration
	// FlushInterval bounds how much media (by timestamps) waits in the
	// Segmenter's buffer before it is written to the open segment file, so
	// that a process that dies loses at most this much of a segment
	// (default DefaultFlushInterval; a negative value writes only when
	// the buffer is full or the segment ends).
	FlushInterval time.Duration
	// Start is the recording start (required): written as
	// #EXT-X-TRTC-START-REC-TIME and mapped to the stream's first timestamp.
	Start time.Time
	// PlaylistName is the playlist's file name (required).
	PlaylistName string
	// SegmentName returns the file name of a segment from the wall time of
	// its first sample (required). Segments must be in the playlist's
	// folder: the playlist lists them by base name.
	SegmentName func(start time.Time) string
	// Output receives the files (required).
	Output Output
	// OnSegment, when set, is called after each segment has been committed
	// and the playlist rewritten (also when the rewrite failed: the error is
	// returned by the write call that cut the segment).
	OnSegment func(Segment)
}

// Validate checks the config without I/O. It returns nil or an
// *errcode.Error with code InvalidParameter.<Field> naming the field.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return errcode.New(errcode.InvalidParameter.Detail(field), "hls: "+format, args...)
	}
	switch {
	case !c.Video.Valid() || c.Video.IsAudio():
		return bad("Video", "Video must be CodecNone, CodecH264 or CodecH265, got %v", c.Video)
	case !c.Audio.Valid() || c.Audio.IsVideo():
		return bad("Audio", "Audio must be CodecNone, CodecOpus or CodecAAC, got %v", c.Audio)
	case c.Video == CodecNone && c.Audio == CodecNone:
		return bad("Video", "set Video, Audio or both")
	case c.TargetDuration != 0 && (c.TargetDuration < time.Second || c.TargetDuration > 24*time.Hour):
		return bad("TargetDuration", "TargetDuration must be within 1s..24h, got %v", c.TargetDuration)
	case c.GapThreshold < 0:
		return bad("GapThreshold", "GapThreshold must not be negative, got %v", c.GapThreshold)
	case c.Start.IsZero():
		return bad("Start", "Start (the recording start time) is required")
	case c.PlaylistName == "" || strings.HasSuffix(c.PlaylistName, "/") || path.Base(c.PlaylistName) == "." ||
		path.Base(c.PlaylistName) == "..":
		return bad("PlaylistName", "PlaylistName must name a file, got %q", c.PlaylistName)
	case c.SegmentName == nil:
		return bad("SegmentName", "SegmentName is required")
	case c.Output == nil:
		return bad("Output", "Output is required")
	}
	if c.Audio == CodecOpus {
		if c.AudioSampleRate != 0 && c.AudioSampleRate != 48000 {
			return bad("AudioSampleRate", "Opus in MPEG-TS is 48000 Hz, got %d", c.AudioSampleRate)
		}
		if c.AudioChannels < 0 || c.AudioChannels > 2 {
			return bad("AudioChannels", "Opus needs 1 or 2 channels, got %d", c.AudioChannels)
		}
	}
	if c.Audio == CodecAAC {
		if _, err := c.aacParams(); err != nil {
			return err
		}
	}
	return nil
}

// withDefaults returns c with the defaults applied.
func (c Config) withDefaults() Config {
	if c.TargetDuration == 0 {
		c.TargetDuration = DefaultTargetDuration
	}
	if c.GapThreshold == 0 {
		c.GapThreshold = DefaultGapThreshold
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.Audio == CodecOpus && c.AudioChannels == 0 {
		c.AudioChannels = 2
	}
	return c
}

// aacParams are the fixed fields of the ADTS headers of a stream.
type aacParams struct {
	profile   byte // object type - 1
	rateIndex byte
	chanCfg   byte
	rate      int
}

// aacParams derives the ADTS parameters from AACConfig or from
// AudioSampleRate/AudioChannels (AAC-LC).
func (c Config) aacParams() (aacParams, error) {
	objType, rate, channels := 2, c.AudioSampleRate, c.AudioChannels
	if len(c.AACConfig) > 0 {
		var asc mpeg4audio.AudioSpecificConfig
		if err := asc.Unmarshal(c.AACConfig); err != nil {
			return aacParams{}, errcode.Wrap(errcode.InvalidParameter.Detail("AACConfig"), err,
				"hls: AACConfig is not a usable AudioSpecificConfig")
		}
		objType, rate, channels = int(asc.Type), asc.SampleRate, asc.ChannelCount
	}
	idx := aacSampleRateIndex(rate)
	if idx < 0 {
		return aacParams{}, errcode.New(errcode.InvalidParameter.Detail("AudioSampleRate"),
			"hls: ADTS cannot signal an AAC sample rate of %d Hz", rate)
	}
	cfg := channels
	if channels == 8 {
		cfg = 7
	}
	if channels < 1 || channels > 8 || channels == 7 {
		return aacParams{}, errcode.New(errcode.InvalidParameter.Detail("AudioChannels"),
			"hls: AAC in ADTS needs 1-6 or 8 channels, got %d", channels)
	}
	if objType < 1 || objType > 4 {
		return aacParams{}, errcode.New(errcode.InvalidParameter.Detail("AACConfig"),
			"hls: ADTS cannot carry AAC object type %d", objType)
	}
	return aacParams{profile: byte(objType - 1), rateIndex: byte(idx), chanCfg: byte(cfg), rate: rate}, nil
}

// ticksToDuration converts 90 kHz ticks to a Duration without overflow.
func ticksToDuration(t int64) time.Duration {
	return time.Duration(t/9*100000 + t%9*100000/9)
}

// durationToTicks converts a Duration to 90 kHz ticks (rounded down).
func durationToTicks(d time.Duration) int64 {
	ns := int64(d)
	return ns/100000*9 + ns%100000*9/100000
}
