//go:build cgo

package codec

import (
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/testpub"
)

// The benchmarks compare the CPU time of a transcode with the ffmpeg CLI
// doing the same job on the same input, side by side in one run:
//
//	go test -run '^$' -bench VsFFmpeg -benchtime 3x ./internal/codec/
//
// Each iteration transcodes the input once in process (into an
// hls.Segmenter writing TS to nowhere) and runs the CLI once (TS to
// /dev/null). Reported: CPU per stream in % of a core for both (user+sys:
// getrusage for ours, os.ProcessState for the CLI, which includes its
// start-up), their ratio (goal for audio: ≤ 1), and Go allocations per
// frame in steady state.

// nullOutput is an hls.Output that discards everything.
type nullOutput struct{}

func (nullOutput) Create(string) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }
func (nullOutput) WriteFile(string, []byte) error        { return nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func nullSegmenter(b *testing.B, cfg hls.Config) *hls.Segmenter {
	cfg.Start, cfg.PlaylistName, cfg.Output = t0, "x.m3u8", nullOutput{}
	cfg.SegmentName = func(s time.Time) string { return strconv.FormatInt(s.UnixNano(), 10) + ".ts" }
	s, err := hls.NewSegmenter(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// cpuTime returns this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cliCPU runs ffmpeg with args and returns its user+system CPU time.
func cliCPU(b *testing.B, args ...string) time.Duration {
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// loop makes a file of the clip repeated n times (stream copy).
func loop(b *testing.B, clip string, n int, name string) string {
	out := filepath.Join(b.TempDir(), name)
	cliCPU(b, "-stream_loop", strconv.Itoa(n-1), "-i", clip, "-c", "copy", out)
	return out
}

// mallocs returns the number of Go heap allocations so far.
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// compare runs ours and the FFmpeg command line cli b.N times each, and
// reports the CPU both take per stream (media long, of frames frames) and
// our allocations per frame.
func compare(b *testing.B, ours func(), cli []string, media time.Duration, frames int) {
	var our, their time.Duration
	var allocs uint64
	for range b.N {
		start, m0 := cpuTime(), mallocs()
		ours()
		our += cpuTime() - start
		allocs += mallocs() - m0
		their += cliCPU(b, cli...)
	}
	n := float64(b.N)
	b.ReportMetric(100*our.Seconds()/n/media.Seconds(), "%core/stream")
	b.ReportMetric(100*their.Seconds()/n/media.Seconds(), "ffmpeg-%core/stream")
	b.ReportMetric(our.Seconds()/their.Seconds(), "ratio")
	b.ReportMetric(float64(allocs)/n/float64(frames), "allocs/frame")
}

func BenchmarkAudioVsFFmpeg(b *testing.B) {
	const loops = 6 // 60 s
	clipPath := filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg")
	long := loop(b, clipPath, loops, "long.ogg")
	clip := opusClip(b)
	cases := []struct {
		name string
		cfg  AudioConfig
		cli  []string
	}{
		{"stereo128k", AudioConfig{Channels: 2, Bitrate: 128000}, []string{"-ac", "2", "-b:a", "128k"}},
		{"mono64k_default", AudioConfig{}, []string{"-ac", "1", "-b:a", "64k"}},
		// The recorder's default (FFmpeg's "fast" AAC coder) against the
		// CLI with the same coder, like for like.
		{"mono64k_fast", AudioConfig{Options: []Option{{"aac_coder", "fast"}}}, []string{"-ac", "1", "-b:a", "64k", "-aac_coder", "fast"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			compare(b, func() { transcodeOpusLoop(b, tc.cfg, clip, loops) },
				append(append([]string{"-i", long, "-c:a", "aac"}, tc.cli...), "-f", "mpegts", "/dev/null"),
				loops*10*time.Second, loops*len(clip))
		})
	}
}

func transcodeOpusLoop(b *testing.B, cfg AudioConfig, clip []Unit, loops int) {
	at, err := NewAudioTranscoder(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer at.Close()
	seg := nullSegmenter(b, hls.Config{Audio: hls.CodecAAC, AACConfig: at.AudioSpecificConfig()})
	write := func(pkts []Packet, err error) {
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pkts {
			if err := seg.WriteAAC(p.PTS, p.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
	for rep := range loops {
		for _, u := range clip {
			write(at.Write(int64(rep)*int64(len(clip))*960+u.PTS, u.Data))
		}
	}
	write(at.Flush())
	if err := seg.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkVideoVsFFmpeg(b *testing.B) {
	const loops = 3 // 30 s of VP8 640x360 15 fps
	clipPath := filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf")
	long := loop(b, clipPath, loops, "long.ivf")
	clip := loadUnits(b, VP8, clipPath)
	cases := []struct {
		name string
		cli  []string
	}{
		{"vs_cli_default_threads", []string{"-i", long, "-c:v", "libx264", "-preset", "veryfast"}},
		{"vs_cli_threads1", []string{"-threads", "1", "-i", long, "-c:v", "libx264", "-preset", "veryfast", "-threads", "1"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			compare(b, func() { transcodeVP8Loop(b, clip, loops) },
				append(tc.cli, "-f", "mpegts", "/dev/null"), loops*10*time.Second, loops*len(clip))
		})
	}
}

func transcodeVP8Loop(b *testing.B, clip []Unit, loops int) {
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
	if err != nil {
		b.Fatal(err)
	}
	defer vt.Close()
	seg := nullSegmenter(b, hls.Config{Video: hls.CodecH264})
	write := func(aus []AccessUnit, err error) {
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range aus {
			if err := seg.WriteH264(a.PTS, a.DTS, a.NALUs); err != nil {
				b.Fatal(err)
			}
		}
	}
	for rep := range loops {
		for _, u := range clip {
			u.PTS += int64(rep*len(clip)) * 6000
			write(vt.Write(u))
		}
	}
	write(vt.Flush())
	if err := seg.Close(); err != nil {
		b.Fatal(err)
	}
}
