//go:build cgo

package codec

import (
	"errors"
	"time"

	"github.com/roomrec/roomrec/internal/bitstream"
)

// AudioTranscoder turns a WebRTC Opus stream into AAC-LC frames for
// MPEG-TS (hls.Segmenter.WriteAAC with hls.Config.AACConfig set to
// AudioSpecificConfig): Opus decoder -> Resampler -> AAC Encoder.
//
// Time is kept, never squeezed: a packet whose PTS lies after the end of
// the audio so far (lost packets, DTX pauses) is preceded by silence for the
// hole (silence rather than Opus loss concealment: FFmpeg's send/receive API
// has no concealment call, and recordings prefer a clean hole to a guess);
// an undecodable packet becomes silence too (its duration read from its TOC
// byte); a packet that overlaps the audio already output is dropped (Late).
// A hole longer than MaxGap is not filled, and a PTS more than MaxGap
// before the expected one is a new timeline: either way the run ends (the
// encoder is drained) and a new run starts at the packet, so that the
// output PTS jump like the input's.
//
// Output PTS are 90 kHz ticks computed from the absolute sample count of
// the run: base + samples×90000/rate, never accumulated, so they do not
// drift. The AAC encoder's priming frame (1024 samples before the first
// input sample) is dropped, so the first frame's PTS is the first packet's
// PTS and audio stays in sync with video to the sample; its cost is a
// 21 ms fade-in at the start of each run. An AudioTranscoder is not safe
// for concurrent use.
type AudioTranscoder struct {
	cfg AudioConfig
	dec *Decoder
	rs  *Resampler
	enc *Encoder
	asc []byte

	running bool
	base48  int64 // 48 kHz PTS of the run's first sample
	in      int64 // 48 kHz samples of the run so far (decoded and silence)
	base90  int64 // base48 in 90 kHz ticks
	outBase int64 // resampler output count at the run's start
	read    int64 // resampler output count read so far

	out   []Packet
	bufs  [][]byte
	stats AudioStats
}

// NewAudioTranscoder opens the Opus decoder, resampler and AAC encoder. It
// returns an InvalidParameter error for a bad config and an error matching
// ErrUnsupported when FFmpeg lacks a codec.
func NewAudioTranscoder(cfg AudioConfig) (*AudioTranscoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	t := &AudioTranscoder{cfg: cfg}
	var err error
	if t.dec, err = NewDecoder(Opus, DecoderConfig{Channels: 2, Logger: cfg.Logger}); err != nil {
		return nil, err
	}
	t.rs, err = NewResampler(ResamplerConfig{
		In:     AudioFormat{SampleRate: 48000, Channels: 2, Format: SampleFloatP},
		Out:    AudioFormat{SampleRate: cfg.SampleRate, Channels: cfg.Channels, Format: SampleFloatP},
		Logger: cfg.Logger,
	})
	if err == nil {
		t.enc, err = NewAudioEncoder(AudioEncoderConfig{Encoder: cfg.Encoder, SampleRate: cfg.SampleRate,
			Channels: cfg.Channels, Bitrate: cfg.Bitrate, Options: cfg.Options, Logger: cfg.Logger})
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	t.asc = t.enc.Extradata()
	return t, nil
}

// AudioSpecificConfig returns the MPEG-4 AudioSpecificConfig of the output
// (for hls.Config.AACConfig). The caller must not modify it.
func (t *AudioTranscoder) AudioSpecificConfig() []byte { return t.asc }

// Stats returns the counters so far.
func (t *AudioTranscoder) Stats() AudioStats { return t.stats }

// Write transcodes one Opus packet with its PTS in 48 kHz ticks (64-bit,
// continuous) and returns the AAC frames completed, with PTS in 90 kHz
// ticks. The Packets and their Data are reused: valid until the next call.
// It returns ErrInvalidData for an undecodable packet (replaced by silence;
// the transcoder stays usable) and ErrClosed after Close.
func (t *AudioTranscoder) Write(pts int64, packet []byte) ([]Packet, error) {
	if t.dec == nil {
		return nil, ErrClosed
	}
	t.out = t.out[:0]
	t.stats.Packets++
	dur := bitstream.StrictOpusSamples(packet)
	maxGap := int64(t.cfg.MaxGap) * 48000 / int64(time.Second)
	gap := pts - (t.base48 + t.in)
	switch {
	case !t.running:
		t.start(pts)
	case gap > maxGap || gap < -maxGap: // a long hole, or a new timeline
		if err := t.endRun(); err != nil {
			return t.out, err
		}
		t.start(pts)
	case gap < 0:
		t.stats.Late++
		return t.out, nil
	case gap > 0:
		if err := t.silence(gap); err != nil {
			return t.out, err
		}
	}
	frames, derr := t.dec.Decode(Unit{PTS: pts, Data: packet, Keyframe: true})
	if derr != nil {
		t.stats.Invalid++
		if dur == 0 {
			return t.out, derr // unknown duration: the next packet's gap fills it
		}
		if err := t.silence(int64(dur)); err != nil {
			return t.out, err
		}
	}
	for _, f := range frames {
		if err := t.rs.Write(f); err != nil {
			return t.out, err
		}
		t.in += int64(f.Samples())
	}
	return t.out, errors.Join(derr, t.encode(false))
}

// Flush ends the current run: it drains the resampler and the encoder and
// returns the last AAC frames (the last one padded to 1024 samples). The
// next Write starts a new run at its PTS without filling the time between.
// It returns ErrClosed after Close.
func (t *AudioTranscoder) Flush() ([]Packet, error) {
	if t.dec == nil {
		return nil, ErrClosed
	}
	t.out = t.out[:0]
	return t.out, t.endRun()
}

func (t *AudioTranscoder) start(pts int64) {
	t.running = true
	t.base48, t.in, t.outBase = pts, 0, t.read
	t.base90 = floorDiv(pts*15, 8) // 90000/48000
	t.stats.Runs++
}

func (t *AudioTranscoder) silence(n int64) error {
	t.stats.SilenceSamples += n
	t.in += n
	return t.rs.WriteSilence(int(n))
}

// endRun drains everything of the current run into t.out.
func (t *AudioTranscoder) endRun() error {
	if !t.running {
		return nil
	}
	t.running = false
	frames, err := t.dec.Flush()
	for _, f := range frames {
		err = errors.Join(err, t.rs.Write(f))
	}
	if err != nil {
		return err
	}
	if err := t.rs.Flush(); err != nil {
		return err
	}
	return t.encode(true)
}

// encode feeds whole encoder frames from the resampler to the encoder;
// with final also the partial last frame, then drains the encoder.
func (t *AudioTranscoder) encode(final bool) error {
	size := t.enc.FrameSize()
	for {
		n := size
		if b := t.rs.Buffered(); b < n && final && b > 0 {
			n = b
		}
		f, err := t.rs.Read(n)
		if err != nil {
			return err
		}
		if f == nil {
			break
		}
		t.read += int64(f.Samples())
		pkts, err := t.enc.Encode(f)
		t.emit(pkts)
		if err != nil {
			return err
		}
	}
	if !final {
		return nil
	}
	pkts, err := t.enc.Flush()
	t.emit(pkts)
	return err
}

// emit converts encoder packets to output frames: priming dropped, PTS
// from the run's sample count, data copied (the encoder reuses its
// buffers at its next call).
func (t *AudioTranscoder) emit(pkts []Packet) {
	rate := int64(t.cfg.SampleRate)
	for _, p := range pkts {
		if p.PTS < t.outBase {
			continue
		}
		i := len(t.out)
		if i == len(t.bufs) {
			t.bufs = append(t.bufs, make([]byte, 0, 2*len(p.Data)))
		}
		t.bufs[i] = append(t.bufs[i][:0], p.Data...)
		pts := t.base90 + (p.PTS-t.outBase)*90000/rate
		t.out = append(t.out, Packet{Data: t.bufs[i], PTS: pts, DTS: pts, Keyframe: true})
		t.stats.Frames++
	}
}

// Close frees the decoder, resampler and encoder without draining (call
// Flush first to keep the last frames). Later calls do nothing. It returns
// nil.
func (t *AudioTranscoder) Close() error {
	t.dec.Close()
	t.rs.Close()
	t.enc.Close()
	t.dec, t.rs, t.enc = nil, nil, nil
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}
