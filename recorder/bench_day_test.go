//go:build unix

package recorder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/storage"
)

// dayHours is how long BenchmarkDay records with Opus audio, and
// dayHoursAAC with AAC audio (transcoding costs about 9 ms of CPU per
// second of audio: 24 hours would take a quarter of an hour).
const (
	dayHours    = 24
	dayHoursAAC = 2
)

// BenchmarkDay records one user (the committed 640x360 15 fps H.264 clip,
// about 300 kbps, and the Opus clip, looped) for dayHours hours of media
// on a fake clock, into a storage that reads and discards every file (so
// the spool deletes each segment after its upload and the disk stays
// small). Every simulated hour it settles the pipelines, drains the spool,
// runs the GC and samples the heap and the process's RSS (which also
// holds the codec layer's C memory); it prints the series as a table. The
// audio is kept as Opus (audio=opus) or transcoded to AAC (audio=aac,
// dayHoursAAC hours). Run it once:
//
//	go test -run '^$' -bench Day -benchtime=1x ./recorder/
//
// Metrics: MiB/track is the task's heap per recorded track at the last hour
// (HeapInuse minus HeapInuse before the task started, divided by the 2
// tracks); KiB/track/h is the least-squares slope of that over hours
// 1..last (0 when memory is flat); RSS-MiB/track is the same difference
// of RSS. With ROOMREC_DAY_HEAPPROFILE=path it also writes a heap profile
// at the last hour (use -memprofilerate=1 for exact figures).
func BenchmarkDay(b *testing.B) {
	video := loadClip(b, "video/H264", filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	audio := loadClip(b, "audio/opus", filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"), 0)
	b.Logf("input: H.264 %.0f kbps %.1f pkt/s, Opus %.1f kbps %.1f pkt/s (RTP payload)",
		video.Bitrate()/1000, video.PacketsPerSecond(), audio.Bitrate()/1000, audio.PacketsPerSecond())
	for _, a := range benchAudioCodecs(b) {
		hours := dayHours
		if a == AudioAAC {
			hours = dayHoursAAC
		}
		b.Run(fmt.Sprintf("audio=%s/hours=%d", audioName(a), hours), func(b *testing.B) {
			var samples []daySample
			for b.Loop() {
				samples = recordDay(b, video, audio, a, hours, os.Getenv("ROOMREC_DAY_HEAPPROFILE"))
			}
			printDay(b.Name(), samples)
			last := samples[len(samples)-1]
			b.ReportMetric(mib(last.perTrack), "MiB/track")
			b.ReportMetric(slope(samples[1:])/1024, "KiB/track/h")
			b.ReportMetric(mib(float64(int64(last.rss)-int64(samples[0].rss))/2), "RSS-MiB/track")
		})
	}
}

// printDay prints the samples as a table on stdout (a benchmark's log is
// cut after 10 lines).
func printDay(name string, samples []daySample) {
	fmt.Printf("%s: by simulated hour; heap after GC, task heap = (heap - hour 0) / 2 tracks; uploads cumulative\n", name)
	fmt.Printf("%4s %12s %14s %10s %10s %10s %12s %12s %14s %8s\n",
		"hour", "heapInuse", "taskHeap/track", "RSS", "goroutines", "spool", "playlist", "TS up", "playlists up", "CPU")
	for _, s := range samples {
		fmt.Printf("%4d %8.3f MiB %10.3f MiB %6.1f MiB %10d %6d KiB %8.1f KiB %8.0f MiB %10.0f MiB %7.2fs\n",
			s.hour, mib(float64(s.heapInuse)), mib(s.perTrack), mib(float64(s.rss)), s.goroutines, s.spool>>10,
			float64(s.playlist)/1024, mib(float64(s.ts)), mib(float64(s.playlists)), s.cpu.Seconds())
	}
}

// daySample is the state of BenchmarkDay's recorder at a simulated hour
// (hour 0: before the task started).
type daySample struct {
	hour          int
	heapInuse     uint64
	rss           uint64  // resident set size (0 where /proc is missing)
	perTrack      float64 // (heapInuse - hour 0) / tracks
	goroutines    int
	spool         int64         // bytes in the spool folder
	playlist      int64         // size of the last video playlist uploaded
	ts, playlists int64         // bytes of segments and playlists uploaded so far
	cpu           time.Duration // process CPU time used in the hour
}

// recordDay records one user, the audio written as codec, for hours hours
// of media and returns the hourly samples; with heapProfile != "" it
// writes a heap profile there at the last hour.
func recordDay(b *testing.B, video, audio *loadgen.Clip, codec AudioCodec, hours int, heapProfile string) []daySample {
	dir := b.TempDir()
	clk := clock.NewFake(testT0)
	store := &discardStorage{}
	rec := benchRecorder(b, dir, clk, store)
	samples := []daySample{sampleDay(b, 0, dir, store, nil)}
	room, tk := startTask(b, rec, 2000, codec)
	tracks := benchUser(b, room, tk, "daylong", video, audio, 0, 1)
	order := newSendOrder(tracks)
	f := &feeder{clk: clk, t0: clk.Now(), tracks: tracks}
	for h := 1; h <= hours; h++ {
		cpu0 := cpuTime(b)
		for order.peek() < time.Duration(h)*time.Hour {
			k, _ := order.next()
			f.write(b, k)
		}
		s := sampleDay(b, h, dir, store, tk)
		s.cpu = cpuTime(b) - cpu0
		s.perTrack = float64(int64(s.heapInuse)-int64(samples[0].heapInuse)) / float64(len(tracks))
		samples = append(samples, s)
	}
	if heapProfile != "" {
		writeHeapProfile(b, heapProfile)
	}
	checkClean(b, stopAll(b, rec, []*task{tk})[0])
	return samples
}

// sampleDay settles the task (if any), drains its spool and reads the heap.
func sampleDay(b *testing.B, hour int, dir string, store *discardStorage, tk *task) daySample {
	if tk != nil {
		tk.settle()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		ok := tk.up.drain(ctx)
		cancel()
		if !ok {
			b.Fatalf("hour %d: the spool did not drain", hour)
		}
	}
	// Twice: packet buffers parked in the recorder's sync.Pool survive one
	// GC (victim cache). They are a cache of transient buffers, not state.
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := daySample{hour: hour, heapInuse: m.HeapInuse, rss: rss(), goroutines: runtime.NumGoroutine(),
		playlist: store.playlist.Load(), ts: store.ts.Load(), playlists: store.playlists.Load()}
	err := filepath.WalkDir(filepath.Join(dir, "recordings"), func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			s.spool += fi.Size()
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		b.Fatal(err)
	}
	return s
}

// rss returns the process's resident set size from /proc/self/status, or 0.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// writeHeapProfile writes the heap profile (as of the last GC) to path.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// slope returns the least-squares slope of perTrack over the hours, in
// bytes per hour.
func slope(s []daySample) float64 {
	var n, sx, sy, sxx, sxy float64
	for _, p := range s {
		x, y := float64(p.hour), p.perTrack
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

// discardStorage is a Storage that reads every file it is given to the end
// and keeps nothing; it counts the bytes.
type discardStorage struct {
	ts, playlists atomic.Int64 // bytes read
	playlist      atomic.Int64 // size of the last video playlist
}

// Get fails: a discarding storage keeps nothing to read back.
func (s *discardStorage) Get(context.Context, string) (io.ReadCloser, error) {
	return nil, storage.ErrNotExist
}

func (s *discardStorage) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("discard: %s: read %d bytes, size %d", key, n, size)
	}
	switch {
	case strings.HasSuffix(key, ".ts"):
		s.ts.Add(n)
	case strings.HasSuffix(key, "video.m3u8"):
		s.playlist.Store(n)
		fallthrough
	default:
		s.playlists.Add(n)
	}
	return nil
}
