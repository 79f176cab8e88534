//go:build cgo

package codec

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
)

func opusClip(t testing.TB) []Unit {
	return loadUnits(t, Opus, filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
}

// transcodeAudio writes the packets (PTS shifted by offset48) through a
// new AudioTranscoder into an HLS recording in dir and returns the AAC
// frames' PTS, the transcoder's stats and the playlist's path. The frames'
// PTS must follow each other by exactly one frame (from the sample count).
func transcodeAudio(t *testing.T, cfg AudioConfig, units []Unit, offset48 int64, dir string) ([]int64, AudioStats, string) {
	t.Helper()
	at, err := NewAudioTranscoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	seg := segmenter(t, dir, hls.Config{Audio: hls.CodecAAC, AACConfig: at.AudioSpecificConfig()})
	var pts []int64
	write := func(pkts []Packet) {
		for _, p := range pkts {
			if err := seg.WriteAAC(p.PTS, p.Data); err != nil {
				t.Fatal(err)
			}
			pts = append(pts, p.PTS)
		}
	}
	for _, u := range units {
		pkts, err := at.Write(u.PTS+offset48, u.Data)
		if err != nil {
			t.Fatal(err)
		}
		write(pkts)
	}
	pkts, err := at.Flush()
	if err != nil {
		t.Fatal(err)
	}
	write(pkts)
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	return pts, at.Stats(), filepath.Join(dir, "rec.m3u8")
}

// checkContiguous checks that frame i starts at first + i×1024 samples.
func checkContiguous(t *testing.T, pts []int64, first int64, rate int) {
	t.Helper()
	for i, p := range pts {
		if want := first + int64(i)*1024*90000/int64(rate); p != want {
			t.Fatalf("AAC frame %d PTS %d, want %d", i, p, want)
		}
	}
}

// The 10 s Opus clip becomes AAC that FFmpeg decodes without complaint,
// lasting 10 s ± 0.1 s, at the configured rate and channel count, with the
// first frame at the first packet's time and no gaps.
func TestAudioTranscodeOracle(t *testing.T) {
	cases := []struct {
		cfg      AudioConfig
		rate, ch int
	}{
		{AudioConfig{}, 48000, 1},
		{AudioConfig{Channels: 2, Bitrate: 96000}, 48000, 2},
		{AudioConfig{SampleRate: 44100}, 44100, 1},
		{AudioConfig{SampleRate: 16000, Channels: 2}, 16000, 2},
	}
	units := opusClip(t)
	for _, tc := range cases {
		t.Run(fmtCase(tc.rate, tc.ch), func(t *testing.T) {
			const offset48 = 123_456 // any start
			pts, stats, playlist := transcodeAudio(t, tc.cfg, units, offset48, t.TempDir())
			checkContiguous(t, pts, offset48*90000/48000, tc.rate)
			if err := oracle.Decode(playlist); err != nil {
				t.Fatal(err)
			}
			info, err := oracle.Probe(playlist, false)
			if err != nil {
				t.Fatal(err)
			}
			s := info.Streams[0]
			if s.CodecName != "aac" || s.SampleRate != itoa(tc.rate) || s.Channels != tc.ch {
				t.Fatalf("ffprobe: %+v", s)
			}
			if d := info.Duration(); math.Abs(d-10) > 0.1 {
				t.Fatalf("duration %.3f s, want 10 ± 0.1", d)
			}
			if stats.Packets != len(units) || stats.Runs != 1 || stats.SilenceSamples != 0 || stats.Frames != len(pts) {
				t.Fatalf("stats %+v", stats)
			}
		})
	}
}

func fmtCase(rate, ch int) string { return itoa(rate) + "Hz_" + itoa(ch) + "ch" }

// lossy drops 5 % of the packets at random and, as DTX would, every packet
// between 0.3 s and 0.7 s of each odd second, sparing the first 120 ms of
// each second (where the clip's beep is).
func lossy(units []Unit) []Unit {
	r := rand.New(rand.NewPCG(1, 2))
	var out []Unit
	for i, u := range units {
		inSecond := i % 50 // 20 ms packets
		dtx := (i/50)%2 == 1 && inSecond >= 15 && inSecond < 35
		lost := r.Float64() < 0.05 && inSecond >= 6
		if !dtx && !lost {
			out = append(out, u)
		}
	}
	return out
}

// With 5 % loss and DTX pauses the AAC output still lasts 10 s ± 0.1 s and
// the beeps of the clip (one each second) are where FFmpeg finds them in
// the source, within 5 ms (a squeezed or stretched packet would move them
// by 20 ms; a lost packet just before a beep blurs its onset by ~2.5 ms):
// holes are filled, time is neither squeezed nor drifting. (The constant
// 6.5 ms is the Ogg file's pre-skip, which RTP Opus does not have: it is
// the sender encoder's delay.)
func TestAudioLossAndDTX(t *testing.T) {
	ref := beepOnsets(t, filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if len(ref) != 9 {
		t.Fatalf("source beeps at %v, want 9", ref)
	}
	clip := opusClip(t)
	for name, units := range map[string][]Unit{"clean": clip, "lossy": lossy(clip)} {
		t.Run(name, func(t *testing.T) {
			pts, stats, playlist := transcodeAudio(t, AudioConfig{}, units, 0, t.TempDir())
			checkContiguous(t, pts, 0, 48000)
			if stats.SilenceSamples < int64(len(clip)-len(units))*960 || stats.Runs != 1 {
				t.Fatalf("stats %+v after dropping %d packets", stats, len(clip)-len(units))
			}
			if err := oracle.Decode(playlist); err != nil {
				t.Fatal(err)
			}
			info, err := oracle.Probe(playlist, false)
			if err != nil {
				t.Fatal(err)
			}
			if d := info.Duration(); math.Abs(d-10) > 0.1 {
				t.Fatalf("duration %.3f s, want 10 ± 0.1", d)
			}
			onsets := beepOnsets(t, playlist)
			if len(onsets) != len(ref) {
				t.Fatalf("beeps at %v, want near %v", onsets, ref)
			}
			for i, o := range onsets {
				if d := o - ref[i] - 312.0/48000; math.Abs(d) > 0.005 {
					t.Fatalf("beep %d at %.4f s, source %.4f s: off by %.4f s", i+1, o, ref[i], d)
				}
			}
		})
	}
}

// beepOnsets decodes path with FFmpeg to 48 kHz mono and returns the times
// (from the first sample, 1 ms resolution) where 1 kHz energy starts, after
// 0.5 s. (The clip's beep has amplitude 1/8: power 1/64 in goertzel's scale.)
func beepOnsets(t *testing.T, path string) []float64 {
	t.Helper()
	args := []string{"-nostdin", "-v", "error", "-i", path, "-ac", "1", "-ar", "48000", "-f", "f32le", "-"}
	if strings.HasSuffix(path, ".m3u8") {
		args = append([]string{"-allowed_extensions", "ALL"}, args...)
	}
	out, err := exec.Command("ffmpeg", args...).Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	pcm := make([]float64, len(out)/4)
	for i := range pcm {
		pcm[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:])))
	}
	const win, step = 240, 48 // 5 ms windows (five periods of 1 kHz), 1 ms apart
	var onsets []float64
	on := false
	for start := 24000; start+win <= len(pcm); start += step {
		p := goertzel(pcm[start:start+win], 1000, 48000)
		switch {
		case !on && p > 0.004:
			onsets = append(onsets, float64(start+win)/48000)
			on = true
		case on && p < 0.001:
			on = false
		}
	}
	return onsets
}

// goertzel returns the normalised power of frequency f in x.
func goertzel(x []float64, f, rate float64) float64 {
	k := 2 * math.Cos(2*math.Pi*f/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+k*s1-s2, s1
	}
	n := float64(len(x))
	return (s1*s1 + s2*s2 - k*s1*s2) / (n * n / 4)
}

// A hole longer than MaxGap, or a jump back by more than MaxGap, ends the
// run: the output PTS jump with the input's; a shorter hole is filled with
// silence.
func TestAudioGaps(t *testing.T) {
	units := opusClip(t)[:100] // 2 s
	var in []Unit
	in = append(in, units[:50]...)
	for _, u := range units[50:] {
		u.PTS += 48000 * 3 / 2 // a 1.5 s hole: filled
		in = append(in, u)
	}
	for _, u := range units[:50] {
		u.PTS += 48000 * 10 // a 5.5 s hole: new run
		in = append(in, u)
	}
	for _, u := range units[:50] {
		u.PTS += 48000 * 20 // 1 s, then ...
		in = append(in, u)
	}
	for _, u := range units[:50] {
		u.PTS += 48000 * 15 // ... 5 s back: new timeline
		in = append(in, u)
	}
	pts, stats, _ := transcodeAudio(t, AudioConfig{}, in, 0, t.TempDir())
	if stats.Runs != 4 || stats.SilenceSamples != 72000 || stats.Late != 0 {
		t.Fatalf("stats %+v", stats)
	}
	// Runs of 3.5 s, 1 s, 1 s and 1 s starting at 0, 10, 20 and 15 s.
	runs := [][]int64{nil}
	for i, p := range pts {
		if i > 0 && p != pts[i-1]+1920 {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], p)
	}
	for i, want := range []struct{ start, seconds float64 }{{0, 3.5}, {10, 1}, {20, 1}, {15, 1}} {
		if i >= len(runs) || float64(runs[i][0]) != want.start*90000 {
			t.Fatalf("run %d of %d does not start at %v s", i, len(runs), want.start)
		}
		if got := float64(len(runs[i])*1024) / 48000; got < want.seconds || got > want.seconds+2*1024.0/48000 {
			t.Fatalf("run %d lasts %.3f s, want %v", i, got, want.seconds)
		}
	}
}

// Over 10 minutes at 44.1 kHz with loss, the last frame's PTS is exactly
// where the sample count puts it: no drift against a 90 kHz video clock.
func TestAudioNoDrift10Minutes(t *testing.T) {
	clip := opusClip(t)
	var units []Unit
	for rep := range 60 {
		for _, u := range clip {
			u.PTS += int64(rep) * 480000
			units = append(units, u)
		}
	}
	units = lossy(units)
	at, err := NewAudioTranscoder(AudioConfig{SampleRate: 44100})
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	var last int64
	n := 0
	for _, u := range units {
		pkts, err := at.Write(u.PTS, u.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			if want := int64(n) * 1024 * 90000 / 44100; p.PTS != want {
				t.Fatalf("frame %d PTS %d, want %d", n, p.PTS, want)
			}
			last, n = p.PTS, n+1
		}
	}
	// 600 s of input: the frames so far cover it but for what the
	// resampler and encoder still hold (under 3 frames).
	if end := float64(last)/90000 + 1024.0/44100; end < 600-3*1024.0/44100 || end > 600 {
		t.Fatalf("output ends at %.4f s of 600 s", end)
	}
}

// Duplicates are dropped, undecodable packets become silence and return
// ErrInvalidData, and the output stays contiguous.
func TestAudioLateAndInvalid(t *testing.T) {
	units := opusClip(t)[:50]
	at, err := NewAudioTranscoder(AudioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	var pts []int64
	for i, u := range units {
		data := u.Data
		if i == 10 {
			data = []byte{0xfc, 0xff, 0xff, 0xff} // CELT 20 ms TOC, then garbage
		}
		pkts, err := at.Write(u.PTS, data)
		if err != nil && !(i == 10 && errors.Is(err, ErrInvalidData)) {
			t.Fatalf("packet %d: %v", i, err)
		}
		for _, p := range pkts {
			pts = append(pts, p.PTS)
		}
		if i == 20 {
			if _, err := at.Write(u.PTS, u.Data); err != nil {
				t.Fatal(err)
			}
		}
	}
	pkts, err := at.Flush()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		pts = append(pts, p.PTS)
	}
	checkContiguous(t, pts, 0, 48000)
	if s := at.Stats(); s.Late != 1 || len(pts) != 48000/1024+1 {
		t.Fatalf("stats %+v, %d frames", s, len(pts))
	}
}

// Bad configs fail with InvalidParameter codes; Close is idempotent and
// calls after it return ErrClosed.
func TestAudioTranscoderConfigAndClose(t *testing.T) {
	for field, cfg := range map[string]AudioConfig{
		"SampleRate": {SampleRate: 22050},
		"Channels":   {Channels: 3},
		"Bitrate":    {Bitrate: 1000},
		"MaxGap":     {MaxGap: -time.Second},
	} {
		if _, err := NewAudioTranscoder(cfg); !errors.Is(err, errcode.InvalidParameter.Detail(field)) {
			t.Errorf("%s: %v", field, err)
		}
	}
	at, err := NewAudioTranscoder(AudioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	closeTwice(t, at)
	if _, err := at.Write(0, []byte{0xfc, 0xff, 0xfe}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	if _, err := at.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
}
