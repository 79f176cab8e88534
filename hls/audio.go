package hls

import (
	"errors"
	"fmt"

	"github.com/roomrec/roomrec/internal/bitstream"
)

// Audio frames are gathered into one PES of up to about 100 ms (FFmpeg
// gathers up to 350 ms): one PES per 20 ms Opus packet would more than
// double the size of a 32 kbit/s audio stream in TS overhead. A frame whose
// PTS does not follow the gathered ones starts a new PES, so demuxers that
// derive the later frames' timestamps from the first one stay exact.
const (
	aggMaxTicks  = 9000 // 100 ms
	aggMaxBytes  = 4096
	aggTolerance = 90 // 1 ms
	maxAACFrame  = 8191 - 7
	maxOpusFrame = 1275 * 48
	aacFrameLen  = 1024 // samples per AAC-LC frame
)

// audioAgg is the PES payload being gathered.
type audioAgg struct {
	buf     []byte
	codec   Codec
	pts     int64 // PTS of the first frame
	samples int64 // samples gathered, at rate
	rate    int64
}

// end returns the expected PTS of the next contiguous frame.
func (a *audioAgg) end() int64 { return a.pts + a.samples*90000/a.rate }

func (s *Segmenter) writeAudio(c Codec, pts int64, frame []byte) error {
	switch {
	case s.closed:
		return ErrClosed
	case s.cfg.Audio == CodecNone:
		return fmt.Errorf("%w: %v frame for a segmenter without audio", ErrNoTrack, c)
	}
	samples, rate, err := s.audioFrameInfo(c, frame)
	if err != nil {
		s.stats.Invalid++
		return err
	}
	if s.brk {
		err = s.interrupt(true)
	}
	if c != s.audio {
		s.audio = c
		err = errors.Join(err, s.interrupt(false))
	}
	dur := samples * 90000 / rate
	if s.audioOnly {
		err = errors.Join(err, s.timelineBreaks(pts))
		s.observe(pts, pts)
		s.frameDur = dur
		if !s.cur.open {
			err = errors.Join(err, s.openSegment(pts))
		} else if pts-s.cur.first >= durationToTicks(s.cfg.TargetDuration) {
			err = errors.Join(err, s.closeSegment(pts, true, false), s.openSegment(pts))
		}
	} else {
		s.anchor(pts)
	}
	if !s.cur.open {
		if !s.audioOnly {
			s.stats.DroppedAudio++
		}
		return err
	}
	s.appendAudio(c, pts, frame, samples, rate)
	if s.audioOnly {
		s.cur.maxPTS = max(s.cur.maxPTS, pts)
		s.maybeFlush(pts)
	}
	return errors.Join(err, s.checkWrite())
}

// audioFrameInfo validates an audio frame and returns its duration as a
// sample count at rate.
func (s *Segmenter) audioFrameInfo(c Codec, frame []byte) (samples, rate int64, err error) {
	if c == CodecOpus {
		if len(frame) > maxOpusFrame {
			return 0, 0, fmt.Errorf("%w: Opus packet of %d bytes", ErrInvalidSample, len(frame))
		}
		d := bitstream.OpusSamples(frame)
		if d == 0 {
			return 0, 0, fmt.Errorf("%w: malformed Opus packet", ErrInvalidSample)
		}
		return int64(d), 48000, nil
	}
	if len(frame) == 0 || len(frame) > maxAACFrame {
		return 0, 0, fmt.Errorf("%w: AAC frame of %d bytes", ErrInvalidSample, len(frame))
	}
	if s.aac.rate == 0 { // audio switched to AAC from another codec
		p, perr := s.cfg.aacParams()
		if perr != nil {
			return 0, 0, fmt.Errorf("%w: %w", ErrInvalidSample, perr)
		}
		s.aac = p
	}
	return aacFrameLen, int64(s.aac.rate), nil
}

// appendAudio adds a frame, with its ADTS header or Opus control header, to
// the PES being gathered, writing the gathered PES first when the frame
// does not continue it.
func (s *Segmenter) appendAudio(c Codec, pts int64, frame []byte, samples, rate int64) {
	a := &s.agg
	if len(a.buf) > 0 {
		d := pts - a.end()
		if a.codec != c || d < -aggTolerance || d > aggTolerance || len(a.buf)+len(frame) > aggMaxBytes {
			s.flushAudio()
		}
	}
	if len(a.buf) == 0 {
		a.codec, a.pts, a.samples, a.rate = c, pts, 0, rate
	}
	if c == CodecAAC {
		a.buf = s.appendADTSHeader(a.buf, len(frame))
	} else {
		a.buf = append(a.buf, 0x7F, 0xE0) // opus_control_header prefix, no trim, no extension
		for n := len(frame); ; n -= 255 {
			if n < 255 {
				a.buf = append(a.buf, byte(n))
				break
			}
			a.buf = append(a.buf, 255)
		}
	}
	a.buf = append(a.buf, frame...)
	a.samples += samples
	if a.end()-a.pts >= aggMaxTicks {
		s.flushAudio()
	}
}

// appendADTSHeader appends the 7-byte ADTS header (no CRC) of a raw AAC
// frame of n bytes.
func (s *Segmenter) appendADTSHeader(b []byte, n int) []byte {
	l := n + 7
	p := s.aac
	return append(b,
		0xFF, 0xF1, // syncword, MPEG-4, layer 0, protection_absent
		p.profile<<6|p.rateIndex<<2|p.chanCfg>>2,
		(p.chanCfg&3)<<6|byte(l>>11),
		byte(l>>3),
		byte(l&7)<<5|0x1F, // buffer fullness 0x7FF (VBR)
		0xFC)              // one raw data block
}

// flushAudio writes the gathered audio PES, if any.
func (s *Segmenter) flushAudio() {
	a := &s.agg
	if len(a.buf) == 0 {
		return
	}
	if s.cur.open {
		s.mux.writeAudio(a.codec, a.pts, a.buf)
	}
	a.buf = a.buf[:0]
}
