package ingest

import "time"

// Frame is one access unit of a Track: a video frame or an Opus packet.
//
// Its slices point into buffers the Track reuses: they are valid only during
// the OnFrame call that delivers the Frame.
type Frame struct {
	// PTS is the frame's RTP time, unwrapped to 64 bits, in ticks of the
	// track's clock rate (90 kHz video, 48 kHz Opus). It is 0 for the first
	// frame output and continues across SSRC changes and timestamp jumps (see
	// Discontinuity); it never decreases. A gap in PTS means missing media
	// (lost audio packets, dropped video frames, a paused sender).
	PTS int64
	// Duration is the play time of an Opus packet, from its TOC byte; 0 for
	// video, whose duration is only known from the next frame.
	Duration time.Duration
	// Wall is the frame's best wall-clock time: the sender's NTP time from the
	// latest RTCP sender report of the current SSRC when there is one, else
	// BeginTime plus the frame's media time since the first packet.
	Wall time.Time
	// Arrival is the frame's time on the receiver's clock: the first
	// packet's arrival (BeginTime) plus the frame's media time since that
	// packet. Unlike Wall it never comes from the sender's clock, so it is
	// the time to name files by and to measure pauses with.
	Arrival time.Time
	// NALUs holds the NAL units of an H.264/H.265 access unit, without start
	// codes or length prefixes, in bitstream order. A keyframe that lacks its
	// parameter sets (SPS/PPS, and VPS for H.265) gets the latest ones seen
	// prepended (after a leading access unit delimiter). Nil for other codecs.
	NALUs [][]byte
	// Data holds the frame of the other codecs: an Opus packet, a VP8 or VP9
	// frame, or an AV1 temporal unit as OBUs with size fields (temporal
	// delimiters removed). Nil for H.264/H.265.
	Data []byte
	// Keyframe reports a frame that decodes on its own (an H.264 IDR, an
	// H.265 IRAP, a VP8/VP9 key frame, an AV1 temporal unit with a sequence
	// header). Always true for Opus.
	Keyframe bool
	// Discontinuity marks the first frame of a new epoch: after an SSRC
	// change, a sequence restart or a timestamp jump. The consumer should start
	// a new segment. A video Discontinuity frame is always a keyframe.
	Discontinuity bool
}
