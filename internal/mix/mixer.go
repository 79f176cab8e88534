package mix

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// Sink receives the mixed stream, in time order: one H.264 access unit per
// output frame (NAL units without start codes) and the AAC frames of the
// audio, with 90 kHz timestamps. *hls.Segmenter is a Sink. The slices are
// reused after the call returns.
type Sink interface {
	WriteH264(pts, dts int64, au [][]byte) error
	WriteAAC(pts int64, frame []byte) error
}

// Stats counts what a Mixer did.
type Stats struct {
	// VideoFrames and AudioFrames count the H.264 pictures and AAC frames
	// written to the Sink.
	VideoFrames, AudioFrames int64
	// Late counts input frames that reached the Mixer after their play
	// time (video: decoded but not shown; audio: dropped).
	Late int64
	// Overflow counts input frames dropped from a full input queue.
	Overflow int64
	// DecodeErrors counts input frames that could not be decoded, and
	// pictures that could not be scaled (their screen shows the
	// background for that frame).
	DecodeErrors int64
	// DriftSteps counts the corrections of a user's placement on the mix
	// clock (each is a 20 ms hole or cut in that user's audio).
	DriftSteps int64
	// Skipped is output time not produced because the clock jumped
	// further than Tick catches up (a gap in the output's timestamps).
	Skipped time.Duration
	// SinkErrors counts writes the Sink refused.
	SinkErrors int64
}

// screen is one slot of the layout: a user's main (camera and/or audio)
// or aux stream, in join order.
type screen struct {
	user         string
	media        naming.MediaID
	order        uint64 // the smallest InputConfig.Order of its inputs
	video, audio *Input
}

// pendingLayout is a SetLayout (p) or SetWatermarks (marks, with
// isMarks) call, played from mix time at on.
type pendingLayout struct {
	at       time.Duration
	p        layout.Params
	marks    []placedMark
	isMarks  bool
	bg       *planes // with isBg: the new background image (nil: none)
	isBg     bool
	colour   yuv // with isColour: the new background colour
	isColour bool
}

// Mixer composes the video of its inputs on one canvas by the layout,
// mixes their audio, and encodes both (H.264 + AAC) on one clock. Its
// methods are safe for concurrent use; Input.Write never waits for Tick.
type Mixer struct {
	cfg    Config
	clock  clock.Clock
	origin time.Time

	mu        sync.Mutex
	closed    bool
	inputs    []*Input // in join order, until their leave time is played
	users     map[string]*user
	screens   []*screen // at the last relayout
	params    layout.Params
	pending   []pendingLayout // SetLayout and SetWatermarks calls not played yet
	rects     []layout.Rect
	dirty     bool          // inputs or layouts changed: find the next event
	nextEvent time.Duration // the next join, leave or layout change to play

	comp compositor
	venc *codec.Encoder
	aud  audioMixer
	line timeline
	out  output

	stats Stats

	// begin is the time of the first output sample, set (before begun)
	// while Tick holds mu: a Sink may read it during the first write.
	begin time.Time
	begun atomic.Bool
}

// New returns a Mixer whose clock starts now (Config.Clock); nothing is
// output before the first input frame is due. It returns the
// *errcode.Error of Config.Validate for a bad config, or the codec layer's
// error (matching errcode.Unsupported in a build without cgo or an FFmpeg
// without the encoders).
func New(cfg Config) (*Mixer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m := &Mixer{cfg: cfg, clock: cfg.Clock, origin: cfg.Clock.Now(), users: map[string]*user{}, dirty: true}
	m.params = cfg.Layout
	m.params.Width, m.params.Height, m.params.Screens = cfg.Width, cfg.Height, nil
	m.params.Custom = append([]layout.Slot(nil), cfg.Layout.Custom...)
	m.rects = make([]layout.Rect, 0, 25)
	err := m.comp.init(cfg)
	if err == nil {
		m.venc, err = codec.NewVideoEncoder(codec.VideoEncoderConfig{Width: cfg.Width, Height: cfg.Height, Logger: cfg.Logger,
			Encoding: codec.VideoEncoding{Encoder: cfg.Encoder, Preset: preset(cfg.Encoder), Bitrate: cfg.VideoBitrate,
				GOP: cfg.GOP, FrameRate: cfg.FPS}})
	}
	if err == nil {
		err = m.aud.init(cfg)
	}
	m.line = newTimeline(cfg, m.aud.size)
	if err != nil {
		m.free()
		return nil, err
	}
	return m, nil
}

func preset(encoder string) string {
	if encoder == DefaultEncoder {
		return DefaultPreset
	}
	return ""
}

// AudioSpecificConfig returns the MPEG-4 AudioSpecificConfig of the AAC
// output, for hls.Config.AACConfig. The caller must not modify it.
func (m *Mixer) AudioSpecificConfig() []byte { return m.aud.asc }

// Start returns the mix-clock time of the first output sample (the
// output's BeginTimeStamp) and true once output has begun; it is set
// before the first write to the Sink.
func (m *Mixer) Start() (time.Time, bool) {
	if !m.begun.Load() {
		return time.Time{}, false
	}
	return m.begin, true
}

// Stats returns the counters so far.
func (m *Mixer) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

// AddInput adds a stream to the mix. From the mix time of the call on (so
// after the playout delay in the output, in step with its frames), a
// video stream takes a screen in join order, showing a placeholder until
// its first picture; an audio stream is mixed and takes an audio-only
// screen while its user has no main video. It returns an *errcode.Error
// with ErrInput for a bad config or a second open stream of the same kind
// and user+MediaId, the codec layer's error when the decoder cannot open,
// and ErrClosed after Close.
func (m *Mixer) AddInput(cfg InputConfig) (*Input, error) {
	if err := checkInput(&cfg); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	if len(m.inputs) >= MaxInputs {
		return nil, errcode.New(ErrInput, "mix: at most %d inputs", MaxInputs)
	}
	for _, o := range m.inputs {
		if !o.closing && o.cfg.UserID == cfg.UserID && o.cfg.Media == cfg.Media && o.video == cfg.Codec.IsVideo() {
			return nil, errcode.New(ErrInput, "mix: user %q %s already has a %s input", cfg.UserID, cfg.Media, kind(cfg.Codec))
		}
	}
	in, err := m.newInput(cfg)
	if err != nil {
		return nil, err
	}
	in.joined = m.now()
	u := m.users[cfg.UserID]
	if u == nil {
		u = &user{id: cfg.UserID}
		m.users[cfg.UserID] = u
	}
	u.inputs = append(u.inputs, in)
	in.usr = u
	m.inputs = append(m.inputs, in)
	m.dirty = true
	return in, nil
}

// now is the clock's time on the mix clock.
func (m *Mixer) now() time.Duration { return m.clock.Now().Sub(m.origin) }

func checkInput(cfg *InputConfig) error {
	if cfg.Media == "" {
		cfg.Media = naming.MediaMain
	}
	switch {
	case cfg.UserID == "":
		return errcode.New(ErrInput, "mix: an input needs a UserId")
	case !cfg.Media.Valid():
		return errcode.New(ErrInput, "mix: MediaId %q must be main or aux", string(cfg.Media))
	case !cfg.Codec.IsVideo() && cfg.Codec != codec.Opus:
		return errcode.New(ErrInput, "mix: cannot mix %v: inputs are H264, H265, VP8, VP9, AV1 or Opus", cfg.Codec)
	case cfg.Codec == codec.Opus && cfg.Media != naming.MediaMain:
		return errcode.New(ErrInput, "mix: audio is the user's main stream, not %s", cfg.Media)
	}
	return nil
}

func kind(c codec.Codec) string {
	if c.IsVideo() {
		return "video"
	}
	return "audio"
}

func (m *Mixer) newInput(cfg InputConfig) (*Input, error) {
	in := &Input{m: m, cfg: cfg, video: cfg.Codec.IsVideo(), waitKey: true}
	var err error
	if in.dec, err = codec.NewDecoder(cfg.Codec, codec.DecoderConfig{Channels: 2, Logger: m.cfg.Logger}); err != nil {
		return nil, err
	}
	if in.video {
		in.latest, err = codec.NewRefFrame(m.cfg.Logger)
		if err == nil {
			in.scaler, err = codec.NewScaler(codec.ScalerConfig{Filter: codec.ScaleArea, Logger: m.cfg.Logger})
		}
	} else {
		in.rs, err = codec.NewResampler(codec.ResamplerConfig{
			In:     codec.AudioFormat{SampleRate: 48000, Channels: 2, Format: codec.SampleFloatP},
			Out:    codec.AudioFormat{SampleRate: m.cfg.SampleRate, Channels: m.cfg.Channels, Format: codec.SampleFloatP},
			Logger: m.cfg.Logger,
		})
	}
	if err != nil {
		in.release()
		return nil, err
	}
	return in, nil
}

func deleteItem[T comparable](s []T, v T) []T {
	for i, x := range s {
		if x == v {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

// Close frees the Mixer and its inputs without flushing (call Flush first
// to keep the last frames). Later calls do nothing; it returns nil.
func (m *Mixer) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	for _, in := range m.inputs {
		in.mu.Lock()
		in.closed = true
		in.mu.Unlock()
		in.release()
	}
	m.inputs, m.screens = nil, nil
	clear(m.users)
	m.free()
	return nil
}

func (m *Mixer) free() {
	m.comp.close()
	m.venc.Close()
	m.aud.close()
}

// errs collects the glitches of a Tick (sink refusals, codec errors).
func (m *Mixer) sinkErr(err error, errs *error) {
	if err != nil {
		m.stats.SinkErrors++
		*errs = errors.Join(*errs, err)
	}
}
