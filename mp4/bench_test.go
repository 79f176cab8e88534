package mp4

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/testpub"
)

// benchInput makes, once per benchmark, a mixed HLS recording of 10
// minutes of ~2 Mbit/s H.264 (1280x720, 30 fps, 2 s GOP) and 32 kbit/s
// Opus: FFmpeg encodes one minute of lavfi test sources, our segmenter
// writes it ten times over (continuing timestamps) in 10 s segments. It
// returns the folder and the playlist key.
func benchInput(b testing.TB) (string, string) {
	b.Helper()
	dir := b.TempDir()
	v, a := filepath.Join(dir, "v.h264"), filepath.Join(dir, "a.ogg")
	run := func(args ...string) {
		if out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v: %s", err, out)
		}
	}
	run("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=60", "-c:v", "libx264", "-preset", "ultrafast",
		"-b:v", "2M", "-maxrate", "2M", "-bufsize", "2M", "-g", "60", "-bf", "0", "-x264-params", "repeat-headers=1",
		"-f", "h264", v)
	run("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=60", "-ac", "2", "-c:a", "libopus",
		"-b:a", "32k", "-frame_duration", "20", "-page_duration", "20000", a)
	aus, err := testpub.LoadH264(v, 30)
	if err != nil {
		b.Fatal(err)
	}
	pkts, err := testpub.LoadOgg(a)
	if err != nil {
		b.Fatal(err)
	}
	var m media
	m.vcodec, m.acodec, m.rate, m.channels = hls.CodecH264, hls.CodecOpus, 48000, 2
	for i, au := range aus {
		var nalus h264.AnnexB
		if err := nalus.Unmarshal(au.Data); err != nil {
			b.Fatal(err)
		}
		m.video = append(m.video, frame{pts: int64(i) * 3000, dts: int64(i) * 3000, data: nalus})
	}
	for i, p := range pkts {
		m.audio = append(m.audio, frame{pts: int64(i) * 1800, dts: int64(i) * 1800, data: [][]byte{p.Data}})
	}
	m.video, m.audio = repeat(m.video, 10, 60*90000), repeat(m.audio, 10, int64(len(pkts))*1800)
	keys := record(b, dir, m, layout{name: "index", target: 10 * time.Second})
	return dir, keys[0]
}

// BenchmarkRemuxVsFFmpeg times, side by side in one run, the remux of the
// 10-minute recording of benchInput by
//
//	ffmpeg -i index.m3u8 -c copy -movflags +faststart out.mp4
//
// and by Convert (Dir source and sink, all files on the same disk), taking
// turns at going first. It reports both wall times and their ratio (ours /
// FFmpeg: below 1 is faster), both CPU times (user + system, steadier on a
// shared machine) and their ratio, and our peak RSS (VmHWM, measured in a
// child process running TestHelperConvert) for this output and for one of
// more than 2 GB (the recording's segments listed 14 times over with
// discontinuities, cut in two at DefaultMaxSize). Allocations are ours
// (FFmpeg runs in its own process).
func BenchmarkRemuxVsFFmpeg(b *testing.B) {
	dir, key := benchInput(b)
	var ours, theirs, oursCPU, theirCPU time.Duration
	var size int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ffmpeg := func() {
			cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y",
				"-i", filepath.Join(dir, key), "-c", "copy", "-movflags", "+faststart", filepath.Join(b.TempDir(), "ff.mp4"))
			t0 := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("ffmpeg: %v: %s", err, out)
			}
			theirs += time.Since(t0)
			theirCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		if i%2 == 0 {
			ffmpeg()
		}
		t0, c0 := time.Now(), cpuTime()
		parts, err := Convert(context.Background(), Dir(dir), []string{key}, Dir(b.TempDir()), Options{TempDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t0)
		oursCPU += cpuTime() - c0
		size = parts[0].Size
		if i%2 == 1 {
			ffmpeg()
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "ours-s/op")
	b.ReportMetric(theirs.Seconds()/n, "ffmpeg-s/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
	b.ReportMetric(oursCPU.Seconds()/n, "ours-cpu-s/op")
	b.ReportMetric(theirCPU.Seconds()/n, "ffmpeg-cpu-s/op")
	b.ReportMetric(oursCPU.Seconds()/theirCPU.Seconds(), "cpu-ratio")
	b.ReportMetric(float64(size)/1e6, "MB-out")
	b.ReportMetric(float64(peakRSS(b, dir, key))/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(peakRSS(b, dir, bigPlaylist(b, dir, key, 14)))/(1<<20), "2GB-peak-RSS-MiB")
}

// cpuTime returns the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS converts the playlist in a child process (this test binary
// running TestHelperConvert) and returns the VmHWM it reports. (The
// ru_maxrss of a child is no use: Linux counts the parent's RSS at the
// fork in it.)
func peakRSS(b *testing.B, dir, key string) int64 {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperConvert$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "ROOMREC_MP4_HELPER="+dir+"|"+key+"|"+b.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n << 10
		}
	}
	b.Fatalf("no VmHWM in the helper's output: %s", out)
	return 0
}

// bigPlaylist writes a playlist listing key's segments n times over, each
// repetition marked with a discontinuity, and returns its key.
func bigPlaylist(b *testing.B, dir, key string, n int) string {
	b.Helper()
	pl := readPlaylist(b, filepath.Join(dir, key))
	segs := pl.Segments
	pl.Segments = nil
	for i := range n {
		for j, s := range segs {
			s.Discontinuity = i > 0 && j == 0
			pl.Segments = append(pl.Segments, s)
		}
	}
	text, err := pl.MarshalText()
	if err != nil {
		b.Fatal(err)
	}
	big := "big" + strconv.Itoa(n) + ".m3u8"
	if err := os.WriteFile(filepath.Join(dir, big), text, 0o644); err != nil {
		b.Fatal(err)
	}
	return big
}

// TestHelperConvert is the child process of peakRSS: with
// ROOMREC_MP4_HELPER="<dir>|<playlist>|<out dir>" it converts the playlist
// and prints the parts; without it (a normal test run) it checks nothing.
func TestHelperConvert(t *testing.T) {
	env := os.Getenv("ROOMREC_MP4_HELPER")
	if env == "" {
		return
	}
	args := strings.Split(env, "|")
	if len(args) != 3 {
		t.Fatalf("ROOMREC_MP4_HELPER=%q: want <dir>|<playlist>|<out dir>", env)
	}
	dir, key, out := args[0], args[1], args[2]
	res, err := Convert(context.Background(), Dir(dir), []string{key}, Dir(out), Options{TempDir: out})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res {
		fmt.Printf("%s %d bytes %v\n", p.Name, p.Size, p.Duration)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Println(line)
		}
	}
}
