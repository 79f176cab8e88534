package merge

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"

	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// tsInfo is what a TS segment holds, measured by probe.
type tsInfo struct {
	codec mpegts.Codec
	// first is the DTS of the file's first PES packet in file order (33
	// bits, raw): package mp4 begins the segment there, and so do we.
	first int64
	// end is where the media ends, in 90 kHz ticks after first: the last
	// audio frame's end, or the last video frame plus one frame step.
	end    int64
	frames int
	// step is the median DTS step of the video frames (0 with one frame).
	step          int64
	width, height int
	audio         audioFormat
}

// audioFormat is an audio stream's format, enough to make silence in it.
type audioFormat struct {
	codec    mpegts.Codec
	rate     int // Hz (48000 for Opus)
	channels int // AAC: from ADTS; Opus: from the PMT (0: not given, stereo)
	profile  byte
	rateIdx  byte
	chanCfg  byte
}

// frameTicks returns the length of one silence frame in 90 kHz ticks,
// rounded down (AAC 1024 samples, Opus 20 ms).
func (f audioFormat) frameTicks() int64 {
	if f.codec == mpegts.Opus {
		return 1800
	}
	if f.rate <= 0 {
		return 0
	}
	return 1024 * 90000 / int64(f.rate)
}

// probe measures the video (video true) or audio stream of one TS file.
// It returns an error wrapping mpegts.ErrNotTS for a file that is not MPEG-TS or
// holds no such stream, or the reader's error.
func probe(r io.Reader, video bool, glitch func(error)) (tsInfo, error) {
	d := mpegts.NewReader(r, nil, glitch)
	var inf tsInfo
	var begun, have bool
	var lastRaw, rel, prev int64
	var steps []int64
	for {
		p, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return tsInfo{}, err
		}
		if !begun {
			inf.first, lastRaw, begun = p.DTS, p.DTS, true
		}
		if p.Stream.Codec.IsVideo() != video {
			continue
		}
		rel += mpegts.WrapDelta(p.DTS, lastRaw)
		lastRaw = p.DTS
		pts := rel + mpegts.WrapDelta(p.PTS, p.DTS)
		inf.codec = p.Stream.Codec
		if video {
			if have {
				steps = append(steps, rel-prev)
			}
			inf.probeVideo(p)
			inf.end = max(inf.end, pts)
		} else {
			inf.end = max(inf.end, pts+inf.probeAudio(p, glitch))
		}
		prev, have = rel, true
		inf.frames++
	}
	if !have {
		kind := "audio"
		if video {
			kind = "video"
		}
		return tsInfo{}, fmt.Errorf("%w: no %s stream with media", mpegts.ErrNotTS, kind)
	}
	if len(steps) > 0 {
		slices.Sort(steps)
		inf.step = steps[len(steps)/2]
		inf.end += inf.step
	}
	return inf, nil
}

// probeVideo reads the picture size from the first SPS.
func (inf *tsInfo) probeVideo(p mpegts.PES) {
	if inf.width > 0 {
		return
	}
	var au h264.AnnexB
	if au.Unmarshal(p.Data) != nil {
		return
	}
	for _, n := range au {
		switch {
		case len(n) == 0:
		case p.Stream.Codec == mpegts.H264 && h264.NALUType(n[0]&0x1F) == h264.NALUTypeSPS:
			var sps h264.SPS
			if sps.Unmarshal(n) == nil {
				inf.width, inf.height = sps.Width(), sps.Height()
			}
		case p.Stream.Codec == mpegts.H265 && h265.NALUType(n[0]>>1&0x3F) == h265.NALUType_SPS_NUT:
			var sps h265.SPS
			if sps.Unmarshal(n) == nil {
				inf.width, inf.height = sps.Width(), sps.Height()
			}
		}
	}
}

// probeAudio notes the audio format and returns the PES packet's length
// in 90 kHz ticks.
func (inf *tsInfo) probeAudio(p mpegts.PES, glitch func(error)) int64 {
	if p.Stream.Codec == mpegts.Opus {
		inf.audio = audioFormat{codec: mpegts.Opus, rate: 48000, channels: p.Stream.Channels}
		n := 0
		for b := p.Data; len(b) > 0; {
			pkt, rest, err := mpegts.OpusAccessUnit(b)
			if err != nil {
				glitch(err)
				break
			}
			n += bitstream.OpusSamples(pkt)
			b = rest
		}
		return int64(n) * 90000 / 48000
	}
	n := 0
	for b := p.Data; len(b) > 0; {
		h, size, err := parseADTS(b)
		if err != nil {
			glitch(err)
			break
		}
		inf.audio = h
		n++
		b = b[size:]
	}
	if inf.audio.rate == 0 {
		return 0
	}
	return int64(n) * 1024 * 90000 / int64(inf.audio.rate)
}

// aacRates are the sampling frequencies of the ADTS index.
var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// parseADTS parses the ADTS header at the start of b and returns the
// stream's format and the frame's size, header included.
func parseADTS(b []byte) (audioFormat, int, error) {
	if len(b) < 7 || b[0] != 0xFF || b[1]&0xF6 != 0xF0 {
		return audioFormat{}, 0, errors.New("malformed ADTS header")
	}
	f := audioFormat{codec: mpegts.AAC, profile: b[2] >> 6, rateIdx: b[2] >> 2 & 0x0F, chanCfg: b[2]&1<<2 | b[3]>>6}
	n := int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5]>>5)
	hl := 7
	if b[1]&1 == 0 {
		hl = 9 // with CRC
	}
	switch {
	case int(f.rateIdx) >= len(aacRates):
		return audioFormat{}, 0, errors.New("ADTS header with a reserved sampling frequency")
	case n < hl || n > len(b):
		return audioFormat{}, 0, fmt.Errorf("ADTS frame of %d bytes in %d", n, len(b))
	}
	f.rate = aacRates[f.rateIdx]
	f.channels = int(f.chanCfg)
	if f.chanCfg == 7 {
		f.channels = 8
	}
	return f, n, nil
}
