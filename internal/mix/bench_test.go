//go:build cgo

package mix

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/testpub"
)

// composeSetup returns a Mixer on a 1920×1080 canvas with n H.264 inputs
// of 640×360 that all have a picture.
func composeSetup(b testing.TB, n int) *sim {
	s := newSim(b, Config{Width: 1920, Height: 1080})
	colours := []string{"red", "green", "blue", "yellow", "magenta", "cyan", "white", "orange"}
	for i := 0; i < n; i++ {
		s.add(fmt.Sprintf("u%02d", i), codec.H264, "solid_"+colours[i%8]+".h264", 0)
	}
	s.runUntil(s.m.cfg.PlayoutDelay + 200*time.Millisecond)
	for _, sc := range s.m.screens {
		if !sc.video.hasPic {
			b.Fatalf("input %s has no picture", sc.user)
		}
	}
	if len(s.m.rects) != n {
		b.Fatalf("%d rects", len(s.m.rects))
	}
	return s
}

// BenchmarkCompose25 draws one 1920×1080 output picture of 25 screens
// (5×5 grid of 384×216, each a 640×360 picture scaled into it) plus a
// watermark-free background: the compositor alone, no decode or encode.
func BenchmarkCompose25(b *testing.B) {
	s := composeSetup(b, 25)
	m := s.m
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	cpu0 := threadCPU()
	n := 0
	for b.Loop() {
		if err := m.comp.compose(m.rects, m.screens); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64((threadCPU()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/frame")
}

// threadCPU returns the CPU time (user+system) of the calling OS thread;
// with the goroutine locked to its thread it measures the goroutine's own
// work (and its cgo calls) even on a loaded machine.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMixTask mixes 4 users (640×360 H.264 15 fps + Opus stereo, the
// committed 10 s clips) into 1280×720 at 15 fps, H.264 1.5 Mbit/s x264
// veryfast + AAC 64 kbit/s stereo, into an hls.Segmenter writing nowhere,
// and runs the ffmpeg CLI on the same job (xstack + amix + libx264
// veryfast + aac to MPEG-TS on /dev/null) in the same iteration:
//
//	go test -run '^$' -bench MixTask -benchtime 3x ./internal/mix/
//
// Reported: CPU seconds (user+sys) per second of media for both (ours:
// getrusage of the process; the CLI: its process state, start-up
// included), their ratio, and how many such tasks fit in real time on 2
// cores.
func BenchmarkMixTask(b *testing.B) {
	const media = 10 * time.Second
	h264 := filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264")
	opus := filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg")
	var ours, cli time.Duration
	for b.Loop() {
		start := processCPU()
		mixTask(b, h264, opus, media)
		ours += processCPU() - start
		cli += cliCPU(b, "-framerate", "15", "-i", h264, "-framerate", "15", "-i", h264, "-framerate", "15", "-i", h264,
			"-framerate", "15", "-i", h264, "-i", opus, "-i", opus, "-i", opus, "-i", opus, "-filter_complex",
			"[0:v][1:v][2:v][3:v]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0[v];[4:a][5:a][6:a][7:a]amix=inputs=4[a]",
			"-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "1.5M",
			"-c:a", "aac", "-b:a", "64k", "-f", "mpegts", "/dev/null")
	}
	n := float64(b.N) * media.Seconds()
	b.ReportMetric(ours.Seconds()/n, "cpu-s/media-s")
	b.ReportMetric(cli.Seconds()/n, "ffmpeg-cpu-s/media-s")
	b.ReportMetric(ours.Seconds()/cli.Seconds(), "ratio")
	b.ReportMetric(2/(ours.Seconds()/n), "tasks/2cores")
}

func mixTask(b *testing.B, h264, opus string, media time.Duration) {
	s := newSim(b, Config{})
	s.sink.out = nullOutput{}
	for i := 0; i < 4; i++ {
		u := fmt.Sprintf("u%d", i)
		s.add(u, codec.H264, h264, 0).until = t0.Add(media)
		s.add(u, codec.Opus, opus, 0).until = t0.Add(media)
	}
	s.runUntil(media + s.m.cfg.PlayoutDelay)
	s.sink.close(b)
	s.m.Close()
}

// processCPU returns this process's user+system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
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
