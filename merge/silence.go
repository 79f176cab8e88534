package merge

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// Audio gaps are filled with silence in the recording's own codec, made
// here without an encoder (so without cgo): a silent AAC-LC frame is a
// raw_data_block whose channels have no scale factor band (max_sfb 0), and
// a silent Opus packet is a 20 ms CELT frame whose range-coded silence flag
// is set (bytes 0xFF 0xFE after the TOC byte). The frames go into TS
// segments written by package hls, so package mp4 reads them like the
// recorded ones.

// maxSilence bounds one silence segment (it is built in memory: about
// 1 MB of TS for 5 minutes).
const maxSilence = 5 * time.Minute

// bitWriter writes big-endian bit fields.
type bitWriter struct {
	b    []byte
	bits int
}

// put writes the n low bits of v.
func (w *bitWriter) put(n int, v uint) {
	for i := n - 1; i >= 0; i-- {
		if w.bits%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>uint(i)&1) << (7 - w.bits%8)
		w.bits++
	}
}

// silentAAC returns a raw AAC-LC frame (no ADTS header) of silence for 1
// or 2 channels (ISO/IEC 14496-3 raw_data_block: one SCE or CPE without
// spectral data, then ID_END), or nil for other channel counts.
func silentAAC(channels int) []byte {
	var w bitWriter
	ics := func() {
		w.put(8, 0) // global_gain
		w.put(1, 0) // ics_reserved_bit
		w.put(2, 0) // window_sequence: ONLY_LONG_SEQUENCE
		w.put(1, 0) // window_shape
		w.put(6, 0) // max_sfb: no band, so no section, scale factor or spectral data
		w.put(1, 0) // predictor_data_present
		w.put(1, 0) // pulse_data_present
		w.put(1, 0) // tns_data_present
		w.put(1, 0) // gain_control_data_present
	}
	switch channels {
	case 1:
		w.put(3, 0) // ID_SCE
		w.put(4, 0) // element_instance_tag
		ics()
	case 2:
		w.put(3, 1) // ID_CPE
		w.put(4, 0) // element_instance_tag
		w.put(1, 0) // common_window
		ics()
		ics()
	default:
		return nil
	}
	w.put(3, 7) // ID_END
	return w.b
}

// silentOpus returns a 20 ms Opus packet of silence (CELT, fullband).
func silentOpus(channels int) []byte {
	toc := byte(31 << 3) // config 31: CELT FB 20 ms, one frame
	if channels != 1 {
		toc |= 0x04 // stereo
	}
	return []byte{toc, 0xFF, 0xFE}
}

// canSilence returns nil if silence can be made in format f, else why not.
func (f audioFormat) canSilence() error {
	switch {
	case f.codec == mpegts.Opus:
		return nil
	case f.codec != mpegts.AAC:
		return fmt.Errorf("no audio format known")
	case f.profile != 1:
		return fmt.Errorf("AAC profile %d is not AAC-LC", f.profile+1)
	case f.channels != 1 && f.channels != 2:
		return fmt.Errorf("AAC with %d channels", f.channels)
	}
	return nil
}

// silenceSpec is one silence segment: frames frames of format format, the
// first at PTS pts (90 kHz, the output timeline).
type silenceSpec struct {
	format audioFormat
	pts    int64
	frames int
}

// newSilence returns a silence segment of format f from PTS from that
// ends at or before to (by less than one frame) and lasts at most
// maxSilence.
func newSilence(f audioFormat, from, to int64) *silenceSpec {
	s := &silenceSpec{format: f, pts: from}
	per, rate := s.samples(), int64(f.rate)
	n := (to - from) * rate / 90000 / per
	s.frames = int(max(min(n, int64(maxSilence/time.Second)*rate/per), 1))
	return s
}

// samples returns the samples per frame of the spec's format.
func (s silenceSpec) samples() int64 {
	if s.format.codec == mpegts.Opus {
		return 960
	}
	return 1024
}

// end returns the PTS where the segment's last frame ends.
func (s silenceSpec) end() int64 {
	return s.pts + int64(s.frames)*s.samples()*90000/int64(s.format.rate)
}

// build writes the silence segment as MPEG-TS with package hls.
func (s silenceSpec) build() ([]byte, error) {
	out := &memOutput{}
	cfg := hls.Config{
		TargetDuration: 24 * time.Hour,
		FlushInterval:  -1,
		Start:          time.Unix(0, 0),
		PlaylistName:   "silence.m3u8",
		SegmentName:    func(time.Time) string { return "silence.ts" },
		Output:         out,
	}
	var frame []byte
	if s.format.codec == mpegts.Opus {
		cfg.Audio, cfg.AudioChannels = hls.CodecOpus, max(s.format.channels, 1)
		if s.format.channels == 0 {
			cfg.AudioChannels = 2
		}
		frame = silentOpus(cfg.AudioChannels)
	} else {
		cfg.Audio = hls.CodecAAC
		cfg.AACConfig = []byte{(s.format.profile+1)<<3 | s.format.rateIdx>>1, s.format.rateIdx<<7 | s.format.chanCfg<<3}
		frame = silentAAC(s.format.channels)
	}
	seg, err := hls.NewSegmenter(cfg)
	if err != nil {
		return nil, err
	}
	rate, per := int64(s.format.rate), s.samples()
	for i := range int64(s.frames) {
		pts := timelineBase + s.pts + i*per*90000/rate
		if s.format.codec == mpegts.Opus {
			err = seg.WriteOpus(pts, frame)
		} else {
			err = seg.WriteAAC(pts, frame)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := seg.Close(); err != nil {
		return nil, err
	}
	return out.buf.Bytes(), nil
}

// memOutput is an hls.Output that keeps the one segment in memory and
// drops the playlist.
type memOutput struct{ buf bytes.Buffer }

// Create returns a writer into the buffer.
func (m *memOutput) Create(string) (io.WriteCloser, error) {
	m.buf.Reset()
	return nopWriteCloser{&m.buf}, nil
}

// WriteFile drops the playlist.
func (m *memOutput) WriteFile(string, []byte) error { return nil }

// nopWriteCloser adds a Close that does nothing.
type nopWriteCloser struct{ io.Writer }

// Close does nothing and returns nil.
func (nopWriteCloser) Close() error { return nil }
