package mix

import (
	"math"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
)

// ringSamples is the size of the mix ring per channel (a power of two, a
// multiple of the AAC frame): 0.68 s at 48 kHz, far more than the audio of
// the packets due for one frame.
const ringSamples = 1 << 15

// limiterCeiling is the highest sample magnitude the limiter lets through
// (-0.5 dBFS: a little room for the AAC encoder's overshoot).
const limiterCeiling = 0.94

// audioMixer sums the inputs' audio at their positions on the mix clock
// (in output samples since the origin), limits and encodes it.
type audioMixer struct {
	enc      *codec.Encoder
	asc      []byte
	frame    *codec.Frame // one AAC frame of input, reused
	rate     int64
	channels int
	size     int64 // samples per AAC frame
	ring     [2][]float32
	lim      limiter
	next     int64 // PTS (samples) of the next AAC frame to keep
}

func (a *audioMixer) init(cfg Config) error {
	a.rate, a.channels = int64(cfg.SampleRate), cfg.Channels
	var err error
	a.enc, err = codec.NewAudioEncoder(codec.AudioEncoderConfig{SampleRate: cfg.SampleRate, Channels: cfg.Channels,
		Bitrate: cfg.AudioBitrate, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	a.asc, a.size = a.enc.Extradata(), int64(a.enc.FrameSize())
	if a.size <= 0 || ringSamples%a.size != 0 {
		a.size = 1024
	}
	a.frame, err = codec.NewAudioFrame(codec.AudioFormat{SampleRate: cfg.SampleRate, Channels: cfg.Channels,
		Format: codec.SampleFloatP}, int(a.size), cfg.Logger)
	if err != nil {
		return err
	}
	for c := 0; c < a.channels; c++ {
		a.ring[c] = make([]float32, ringSamples)
	}
	a.lim.init(a.rate)
	return nil
}

func (a *audioMixer) close() {
	a.enc.Close()
	a.frame.Close()
	a.enc, a.frame = nil, nil
}

// position converts a mix-clock time to an output sample position.
func (a *audioMixer) position(t time.Duration) int64 {
	return durationTo(t, a.rate)
}

// place adds n samples of the resampled frame f of input in, starting at
// position pos, to the ring; b0 is the first position not yet output.
// Contiguous audio continues at the input's cursor (rounding never adds up
// to a drift); a hole (loss, DTX, a later placement) leaves silence; an
// overlap (an earlier placement) drops the samples already covered.
func (a *audioMixer) place(in *Input, pos int64, f *codec.Frame, b0 int64) {
	all := int64(f.Samples())
	n := all
	tol := a.rate / 500 // 2 ms
	start := pos
	if in.placed && pos >= in.cursor-tol && pos <= in.cursor+tol {
		start = in.cursor
	}
	from := int64(0)
	if in.placed && start < in.cursor { // overlap
		from = in.cursor - start
	}
	if start+from < b0 { // late
		from = b0 - start
	}
	if end := b0 + ringSamples; start+n > end { // beyond the ring: cannot happen for due packets
		n = max(0, end-start)
	}
	for c := 0; c < a.channels; c++ {
		src := f.Float32(min(c, f.Channels()-1))
		ring := a.ring[c]
		for i := from; i < n && int(i) < len(src); i++ {
			ring[(start+i)&(ringSamples-1)] += src[i]
		}
	}
	if !in.placed || start+n > in.cursor {
		in.cursor = start + all
	}
	in.placed = true
}

// decodeAudio decodes the input's packets due before until and places
// them; b0 is the first position not yet output.
func (a *audioMixer) decodeAudio(in *Input, until time.Duration, b0 int64, stats *Stats) {
	for _, u := range in.take(until, true) {
		frames, err := in.dec.Decode(codec.Unit{Data: u.data, Keyframe: true})
		if err != nil {
			stats.DecodeErrors++
			continue
		}
		for _, f := range frames {
			if err := in.rs.Write(f); err != nil {
				stats.DecodeErrors++
			}
		}
		if n := in.rs.Buffered(); n > 0 {
			if f, err := in.rs.Read(n); err == nil && f != nil {
				a.place(in, a.position(u.arrival+in.offset), f, b0)
			}
		}
	}
	in.recycle()
}

// block moves the mix of positions [b0, b0+size) out of the ring into the
// AAC input frame, limited, and clears them. It returns the frame.
func (a *audioMixer) block(b0 int64) (*codec.Frame, error) {
	if err := a.frame.MakeWritable(); err != nil {
		return nil, err
	}
	o := b0 & (ringSamples - 1)
	var out [2][]float32
	for c := 0; c < a.channels; c++ {
		out[c] = a.frame.Float32(c)[:a.size]
		copy(out[c], a.ring[c][o:o+a.size])
		clear(a.ring[c][o : o+a.size])
	}
	a.lim.apply(out[:a.channels])
	a.frame.SetPTS(b0)
	return a.frame, nil
}

// discard clears positions [b0, b0+size) of the ring (audio before the
// output started).
func (a *audioMixer) discard(b0 int64) {
	o := b0 & (ringSamples - 1)
	for c := 0; c < a.channels; c++ {
		clear(a.ring[c][o : o+a.size])
	}
}

// clear empties the ring (the output jumped).
func (a *audioMixer) clear() {
	for c := 0; c < a.channels; c++ {
		clear(a.ring[c])
	}
}

// limiter keeps the sum of the inputs within limiterCeiling without
// look-ahead: the gain drops at once to what the loudest sample allows and
// recovers with a 150 ms time constant, so a peak is never clipped (let
// alone wrapped around) and quiet passages keep unity gain.
type limiter struct {
	gain    float32
	release float32
}

func (l *limiter) init(rate int64) {
	l.gain = 1
	l.release = float32(1 - math.Exp(-1/(0.15*float64(rate))))
}

func (l *limiter) apply(ch [][]float32) {
	if len(ch) == 0 {
		return
	}
	for i := range ch[0] {
		peak := float32(0)
		for _, s := range ch {
			peak = max(peak, s[i], -s[i])
		}
		l.gain += (1 - l.gain) * l.release
		if peak*l.gain > limiterCeiling {
			l.gain = limiterCeiling / peak
		}
		for _, s := range ch {
			s[i] *= l.gain
		}
	}
}

// durationTo converts a time to ticks of rate without overflow.
func durationTo(t time.Duration, rate int64) int64 {
	sec, rem := int64(t/time.Second), int64(t%time.Second)
	return sec*rate + floorDiv(rem*rate, int64(time.Second))
}

// ticksToDuration converts ticks of rate to a time.
func ticksToDuration(ticks, rate int64) time.Duration {
	sec := floorDiv(ticks, rate)
	rem := ticks - sec*rate
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/rate)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
