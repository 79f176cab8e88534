package ingest

import (
	"errors"
	"time"
)

var errOpus = errors.New("malformed Opus packet")

// opusDuration returns the play time of an Opus packet from its TOC byte
// (RFC 6716 §3.1), or errOpus when the packet breaks the framing rules
// that can be checked without decoding (R1–R5 of §3.4, in part).
func opusDuration(p []byte) (time.Duration, error) {
	if len(p) == 0 {
		return 0, errOpus
	}
	cfg := p[0] >> 3
	var frame time.Duration
	switch {
	case cfg < 12: // SILK: 10, 20, 40, 60 ms
		frame = [4]time.Duration{10, 20, 40, 60}[cfg&3] * time.Millisecond
	case cfg < 16: // Hybrid: 10, 20 ms
		frame = [2]time.Duration{10, 20}[cfg&1] * time.Millisecond
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = [4]time.Duration{2500, 5000, 10000, 20000}[cfg&3] * time.Microsecond
	}
	frames := 1
	switch p[0] & 3 {
	case 1: // two frames of equal size
		if (len(p)-1)%2 != 0 {
			return 0, errOpus
		}
		frames = 2
	case 2: // two frames, the first one's size coded
		if len(p) < 2 || p[1] >= 252 && len(p) < 3 {
			return 0, errOpus
		}
		frames = 2
	case 3: // M frames
		if len(p) < 2 {
			return 0, errOpus
		}
		frames = int(p[1] & 0x3f)
	}
	d := time.Duration(frames) * frame
	if frames == 0 || d > 120*time.Millisecond {
		return 0, errOpus
	}
	return d, nil
}
