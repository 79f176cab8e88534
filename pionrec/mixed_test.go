package pionrec_test

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/internal/loopback"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/pionrec"
	"github.com/roomrec/roomrec/recorder"
)

// palette are 17 well-separated colours, one per publisher.
var palette = [][3]int{
	{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 0, 255}, {0, 255, 255},
	{255, 255, 255}, {255, 128, 0}, {128, 0, 255}, {0, 128, 0}, {128, 0, 0}, {0, 0, 128},
	{128, 128, 0}, {0, 128, 128}, {255, 128, 192}, {128, 255, 128}, {64, 64, 64},
}

// colourClip makes a 2 s clip of one solid colour with FFmpeg: H.264 for
// even publishers, VP8 for odd ones (both kinds in one room).
func colourClip(t *testing.T, dir string, i int) ([]testpub.Sample, string) {
	t.Helper()
	c := palette[i]
	src := fmt.Sprintf("color=c=0x%02X%02X%02X:size=160x90:rate=15:duration=2", c[0], c[1], c[2])
	if i%2 == 0 {
		p := filepath.Join(dir, fmt.Sprintf("c%d.h264", i))
		ffmpeg(t, "-f", "lavfi", "-i", src, "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
			"-g", "15", "-bf", "0", "-threads", "1", "-x264-params", "repeat-headers=1", "-f", "h264", p)
		s, err := testpub.LoadH264(p, 15)
		if err != nil {
			t.Fatal(err)
		}
		return s, webrtc.MimeTypeH264
	}
	p := filepath.Join(dir, fmt.Sprintf("c%d.ivf", i))
	ffmpeg(t, "-f", "lavfi", "-i", src, "-c:v", "libvpx", "-b:v", "200k", "-g", "15", "-deadline", "realtime", "-f", "ivf", p)
	s, err := testpub.LoadIVF(p)
	if err != nil {
		t.Fatal(err)
	}
	return s, webrtc.MimeTypeVP8
}

func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, out)
	}
}

// TestMixedOverWebRTC records rooms of 1, 2, 4, 9 and 17 publishers (H.264
// and VP8 side by side, over real pion PeerConnections on loopback), each
// sending one solid colour, mixed in a grid; a picture decoded from the
// output shows each colour at the centre of the rectangle the layout gives
// its publisher.
func TestMixedOverWebRTC(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, n := range []int{1, 2, 4, 9, 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { mixedRoom(t, n) })
	}
}

func mixedRoom(t *testing.T, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	const w, h = 640, 360
	rec, err := recorder.New(recorder.Config{Dir: dir, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close(context.Background())
	room, _ := rec.Room(1400123456, naming.RoomID{Num: 7})
	id, err := rec.Start(ctx, recorder.StartParams{SdkAppID: 1400123456, Room: naming.RoomID{Num: 7}, UserID: "bot",
		Record: recorder.RecordParams{Mode: recorder.Mixed},
		Mix:    recorder.MixParams{Transcode: recorder.MixTranscodeParams{Width: w, Height: h, FPS: 15}}})
	if err != nil {
		t.Fatal(err)
	}
	api, err := loopback.API()
	if err != nil {
		t.Fatal(err)
	}
	var pubs []*testpub.Publisher
	screens := make([]layout.Screen, n)
	for i := range n {
		user := fmt.Sprintf("u%02d", i)
		screens[i] = layout.Screen{UserID: user}
		samples, mime := colourClip(t, dir, i)
		server, err := api.NewPeerConnection(loopback.Configuration())
		if err != nil {
			t.Fatal(err)
		}
		defer server.Close()
		server.OnTrack(pionrec.OnTrack(room, server, user, nil))
		p, err := testpub.Publish(ctx, api, server, testpub.Options{Video: samples, VideoMime: mime})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		pubs = append(pubs, p)
		go func() { _ = p.Run(ctx) }()
		waitStreams(t, rec, id, i+1, 1) // join order = publishing order
	}
	waitStreams(t, rec, id, n, 40) // ~2.7 s of media from everyone
	for _, p := range pubs {
		p.Close()
	}
	final, err := rec.Stop(ctx, id)
	if err != nil || len(final.StorageFileList) != 1 {
		t.Fatalf("stop: %+v, %v", final.StorageFileList, err)
	}
	pl := filepath.Join(dir, final.StorageFileList[0].Key)
	if err := oracle.Decode(pl); err != nil {
		t.Fatal(err)
	}
	info, err := oracle.Probe(pl, false)
	if err != nil {
		t.Fatal(err)
	}
	pic := rgbAt(t, pl, info.Duration()-0.7, w, h) // all publishers joined by then
	rects, err := layout.Compute(nil, layout.Params{Width: w, Height: h, Mode: layout.Grid, Screens: screens})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rects {
		x, y := r.X+r.W/2, r.Y+r.H/2
		want := palette[r.Screen]
		if got := rgb(pic, w, x, y); !close3(got, want) {
			t.Errorf("%s (screen %d) at (%d,%d): %v, want %v", r.UserID, r.Screen, x, y, got, want)
		}
	}
}

// waitStreams waits until the task records n streams that each brought at
// least packets packets.
func waitStreams(t *testing.T, rec *recorder.Recorder, id string, n int, packets uint64) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for {
		d, err := rec.Describe(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		rec := 0
		for _, s := range d.Streams {
			if s.Recording && s.Packets >= packets {
				rec++
			}
		}
		if rec >= n {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%d of %d streams recording: %+v", rec, n, d.Streams)
		}
	}
}

func rgbAt(t *testing.T, playlist string, at float64, w, h int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", fmt.Sprintf("%.3f", at), "-i", playlist,
		"-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil || len(out) != w*h*3 {
		t.Fatalf("picture at %.2f s: %v (%d bytes)", at, err, len(out))
	}
	return out
}

func rgb(pic []byte, w, x, y int) [3]int {
	i := (y*w + x) * 3
	return [3]int{int(pic[i]), int(pic[i+1]), int(pic[i+2])}
}

func close3(a, b [3]int) bool {
	for i := range 3 {
		if d := a[i] - b[i]; d < -40 || d > 40 {
			return false
		}
	}
	return true
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) { l.t.Log(string(p)); return len(p), nil }
