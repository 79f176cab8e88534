package ingest

import (
	"time"
)

// Defaults and limits of Config (documented on its fields).
const (
	DefaultKeyframeRequestInterval = time.Second
	DefaultReorderWindow           = 128
	DefaultMaxReorderDelay         = 150 * time.Millisecond
	MaxReorderWindow               = 1024
	maxClockRate                   = 10_000_000
)

// maxForwardJump is the largest forward timestamp step between two packets
// in sequence order that continues the timeline; a larger one, or any step
// backward (reordering cannot cause one: packets are released in sequence
// order, and WebRTC senders use no B-frames), starts a new epoch whose PTS
// continues by arrival time, so PTS never decreases.
const maxForwardJump = 10 * time.Second

// maxSeqJump is the sequence-number distance (either direction) beyond which
// a packet is not placed in the stream but held on probation: a second packet
// that follows it directly confirms a sequence restart (as RFC 3550 A.1's
// MAX_DROPOUT); otherwise it is dropped and counted Late.
const maxSeqJump = 3000

// Config configures a Track. The zero value of every optional field selects
// the documented default; NewTrack validates the rest.
type Config struct {
	// Codec is the track's codec (required).
	Codec Codec
	// ClockRate is the RTP clock rate in Hz; 0 selects Codec.ClockRate().
	ClockRate uint32
	// OnFrame receives every access unit, synchronously from Push, PushRaw or
	// Flush, in decoding order (required). The Frame's slices are only valid
	// during the call: they point into buffers the Track reuses, so copy what
	// must outlive it. OnFrame must not call the Track's methods other than
	// Stats and BeginTime, and should hand slow work to another goroutine.
	OnFrame func(Frame)
	// RequestKeyframe asks the publisher for a keyframe (send a PLI). It is
	// called synchronously from Push/Flush when video output is waiting for a
	// keyframe, at most once per KeyframeRequestInterval; it must not block
	// or call back into the Track. Optional.
	RequestKeyframe func()
	// KeyframeRequestInterval is the minimum time between two RequestKeyframe
	// calls, measured on the arrival times given to Push (so the throttle
	// is exact however late the packets are processed); 0 selects
	// DefaultKeyframeRequestInterval (1 s).
	KeyframeRequestInterval time.Duration
	// ReorderWindow is the most packets held while waiting for a missing one
	// (1..MaxReorderWindow); 0 selects DefaultReorderWindow (128). A packet
	// that would overflow the window forces the oldest missing ones to be
	// declared lost.
	ReorderWindow int
	// MaxReorderDelay is how long, by the arrival times given to Push, a
	// missing packet is waited for once a later packet has arrived; then it is
	// declared lost. 0 selects DefaultMaxReorderDelay (150 ms). Time only
	// advances with Push: nothing is released between pushes (Flush releases
	// everything).
	MaxReorderDelay time.Duration
}

// withDefaults returns cfg with defaults applied, or an InvalidParameter
// error naming the first field out of range.
func (cfg Config) withDefaults() (Config, error) {
	if !cfg.Codec.Valid() {
		return cfg, invalidConfig("Codec", "codec %v is not one of H264, H265, VP8, VP9, AV1, Opus", cfg.Codec)
	}
	if cfg.OnFrame == nil {
		return cfg, invalidConfig("OnFrame", "OnFrame is required")
	}
	if cfg.ClockRate == 0 {
		cfg.ClockRate = cfg.Codec.ClockRate()
	}
	if cfg.ClockRate > maxClockRate {
		return cfg, invalidConfig("ClockRate", "clock rate %d Hz is above %d Hz", cfg.ClockRate, maxClockRate)
	}
	if cfg.KeyframeRequestInterval < 0 {
		return cfg, invalidConfig("KeyframeRequestInterval", "interval %v is negative", cfg.KeyframeRequestInterval)
	}
	if cfg.KeyframeRequestInterval == 0 {
		cfg.KeyframeRequestInterval = DefaultKeyframeRequestInterval
	}
	if cfg.ReorderWindow < 0 || cfg.ReorderWindow > MaxReorderWindow {
		return cfg, invalidConfig("ReorderWindow", "window %d is outside 1..%d", cfg.ReorderWindow, MaxReorderWindow)
	}
	if cfg.ReorderWindow == 0 {
		cfg.ReorderWindow = DefaultReorderWindow
	}
	if cfg.MaxReorderDelay < 0 {
		return cfg, invalidConfig("MaxReorderDelay", "delay %v is negative", cfg.MaxReorderDelay)
	}
	if cfg.MaxReorderDelay == 0 {
		cfg.MaxReorderDelay = DefaultMaxReorderDelay
	}
	return cfg, nil
}
