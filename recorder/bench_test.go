//go:build unix

package recorder

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/internal/testpub"
)

// Benchmarks of the recorder's cost (issue "Speed and memory"). Run them
// with
//
//	go test -run '^$' -bench User -benchmem -benchtime=1000000x ./recorder/
//	go test -run '^$' -bench Day -benchtime=1x ./recorder/
//
// They are not tests: plain go test never runs them.

// benchUsers is how many users BenchmarkUser records at once, and
// benchUsersPerRoom how many share a room (and a task).
const (
	benchUsers        = 50
	benchUsersPerRoom = 5
)

// BenchmarkUser measures the recorder-side cost of recording users who
// publish 1 Mbps H.264 (1280x720, 30 fps, 2 s GOP) and Opus (the committed
// clip: 20 ms packets, 32 kbit/s nominal, about 53 kbit/s of payload), fed
// in-process as RTP packets (MTU 1200) and written as 10 s TS segments
// through the spool into the local-disk storage (the embedded default).
// The audio is written as received (audio=opus) or transcoded to AAC, the
// default of a build with the codec layer (audio=aac: 48 kHz mono 64
// kbit/s). benchUsers users are recorded at once, benchUsersPerRoom per
// room, one single-stream task per room, their clips staggered so
// keyframes do not coincide.
//
// One op is one RTP packet. The timed region ends after every task was
// stopped (last segments and playlists written, fsynced and moved into the
// storage), so no queued work is left out. users/core is user-seconds of
// media recorded per CPU-second of the whole process (getrusage: every
// goroutine and thread, user and system time), i.e. how many such users
// one core keeps up with. -benchtime=1000000x records about 2 minutes per
// user.
func BenchmarkUser(b *testing.B) {
	clip, err := loadgen.GenerateH264(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	video := loadClip(b, "video/H264", clip, loadgen.GeneratedFPS)
	audio := loadClip(b, "audio/opus", filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"), 0)
	b.Logf("input per user: H.264 %.0f kbps %.1f pkt/s, Opus %.1f kbps %.1f pkt/s (RTP payload)",
		video.Bitrate()/1000, video.PacketsPerSecond(), audio.Bitrate()/1000, audio.PacketsPerSecond())
	for _, a := range benchAudioCodecs(b) {
		b.Run(fmt.Sprintf("audio=%s/users=%d", audioName(a), benchUsers), func(b *testing.B) {
			benchRecordUsers(b, video, audio, a, benchUsers)
		})
	}
}

// benchRecordUsers records users users, their audio written as codec,
// for b.N packets in all.
func benchRecordUsers(b *testing.B, video, audio *loadgen.Clip, codec AudioCodec, users int) {
	clk := clock.NewFake(testT0)
	rec := benchRecorder(b, b.TempDir(), clk, nil)
	tasks, tracks := addUsers(b, rec, video, audio, codec, users)
	order := newSendOrder(tracks)
	plan := make([]uint16, b.N) // the tracks in send order, computed before the clock runs
	for i := range plan {
		k, _ := order.next()
		plan[i] = uint16(k)
	}
	f := &feeder{clk: clk, t0: clk.Now(), tracks: tracks}
	b.SetBytes((video.Bytes + audio.Bytes) / int64(len(video.Packets)+len(audio.Packets)))
	b.ReportAllocs()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for _, k := range plan {
		f.write(b, int(k))
	}
	descs := stopAll(b, rec, tasks)
	cpu := cpuTime(b) - cpu0
	b.StopTimer()
	runtime.ReadMemStats(&m1)

	var got uint64
	segments := 0
	for _, d := range descs {
		got += checkClean(b, d)
		for _, st := range d.Streams {
			segments += st.Segments
		}
	}
	if got != uint64(b.N) {
		b.Fatalf("the tasks received %d packets, %d were sent", got, b.N)
	}
	// Media recorded, summed over the users, in seconds.
	userSeconds := float64(b.N) / (video.PacketsPerSecond() + audio.PacketsPerSecond())
	b.ReportMetric(userSeconds/cpu.Seconds(), "users/core")
	b.ReportMetric(cpu.Seconds()*1e9/float64(b.N), "cpu-ns/op")
	// allocs/op is rounded to an integer; this keeps the fraction.
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(b.N), "allocs/pkt")
	if b.N >= 100000 {
		b.Logf("N=%d: %.1f s of media per user, %d segments, %.2f CPU-s, %.0f users/core",
			b.N, userSeconds/float64(users), segments, cpu.Seconds(), userSeconds/cpu.Seconds())
	}
}

// addUsers starts one task per benchUsersPerRoom users and adds the users'
// tracks, each user's clips starting a little later than the previous
// user's (spread over one 2 s GOP).
func addUsers(b *testing.B, rec *Recorder, video, audio *loadgen.Clip, codec AudioCodec, users int) ([]*task, []*benchTrack) {
	var tasks []*task
	var tracks []*benchTrack
	for r := 0; r*benchUsersPerRoom < users; r++ {
		room, tk := startTask(b, rec, uint32(1000+r), codec)
		tasks = append(tasks, tk)
		for u := r * benchUsersPerRoom; u < min(users, (r+1)*benchUsersPerRoom); u++ {
			offset := time.Duration(u) * 2 * time.Second / time.Duration(users)
			tracks = append(tracks, benchUser(b, room, tk, fmt.Sprintf("user%03d", u), video, audio, offset, uint32(10*u+1))...)
		}
	}
	return tasks, tracks
}

// stopAll stops the tasks at once and closes the recorder; it returns the
// tasks' final descriptions.
func stopAll(tb testing.TB, rec *Recorder, tasks []*task) []Description {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	descs := make([]Description, len(tasks))
	var wg sync.WaitGroup
	for i, tk := range tasks {
		wg.Go(func() {
			d, err := rec.Stop(ctx, tk.id)
			if err != nil {
				tb.Error(err)
			}
			descs[i] = d
		})
	}
	wg.Wait()
	if err := rec.Close(ctx); err != nil {
		tb.Fatal(err)
	}
	return descs
}
