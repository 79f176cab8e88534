package recorder

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// solid loads a committed solid-colour clip packetized for d.
func solid(t *testing.T, colour string, d time.Duration, ssrc uint32) []testpub.Packet {
	t.Helper()
	s, err := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "solid_"+colour+".h264"), 15)
	if err != nil {
		t.Fatal(err)
	}
	p, err := testpub.Packetize(s, testpub.RTPOptions{MimeType: "video/H264", Duration: d, SSRC: ssrc})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// frameRGB decodes the picture of the playlist at second at, as RGB.
func frameRGB(t *testing.T, playlist string, at float64, w, h int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", fmt.Sprint(at), "-i", playlist,
		"-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-").Output()
	if err != nil || len(out) != w*h*3 {
		t.Fatalf("decoding the picture at %v s: %v (%d bytes)", at, err, len(out))
	}
	return out
}

func near(pic []byte, w, x, y int, want [3]int) bool {
	i := (y*w + x) * 3
	for c := range 3 {
		if d := int(pic[i+c]) - want[c]; d < -40 || d > 40 {
			return false
		}
	}
	return true
}

// TestMixedRecording: four publishers in solid colours are composited in a
// grid into one HLS (one M3U8 for the room, audio and video); Modify
// switches to float with a named big screen; the pictures show each colour
// where the layout says.
func TestMixedRecording(t *testing.T) {
	h := newHarness(t, nil)
	const w, hh = 320, 180
	id := h.start(func(p *StartParams) {
		p.Record.Mode = Mixed
		p.Mix.Transcode = MixTranscodeParams{Width: w, Height: hh, FPS: 15}
	})
	colours := []string{"red", "green", "blue", "yellow"}
	rgb := map[string][3]int{"red": {255, 0, 0}, "green": {0, 255, 0}, "blue": {0, 0, 255}, "yellow": {255, 255, 0}}
	var sends []send
	const part = 3 * time.Second
	tracks := map[string]*Track{}
	for i, c := range colours {
		tracks[c] = h.track("u"+c, naming.MediaMain, "video/H264")
		sends = append(sends, send{tracks[c], solid(t, c, 2*part, uint32(i+1))})
	}
	aa := h.track("ured", naming.MediaMain, "audio/opus")
	sends = append(sends, send{aa, load(t, "audio/opus", 2*part, testpub.RTPOptions{SSRC: 9})})
	// Every pipeline has joined the mix (in this order) before media flows.
	tk, err := h.rec.task(id)
	if err != nil {
		t.Fatal(err)
	}
	tk.settle()
	// The first half in a grid, then float with blue big.
	var first, second []send
	for _, s := range sends {
		var a, b []testpub.Packet
		for _, p := range s.pkts {
			if p.At < part {
				a = append(a, p)
			} else {
				b = append(b, p)
			}
		}
		first, second = append(first, send{s.tr, a}), append(second, send{s.tr, b})
	}
	h.feed(first...)
	if err := h.rec.Modify(context.Background(), id, ModifyParams{Layout: &MixLayoutParams{Mode: layout.Float, BigUserID: "ublue"}}); err != nil {
		t.Fatal(err)
	}
	h.feed(second...)
	live, err := h.rec.Describe(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if m := live.Mix; m == nil || m.VideoFrames < 60 || m.AudioFrames == 0 || m.Skipped != 0 {
		t.Errorf("Describe.Mix while recording: %+v, want ≥ 60 pictures, audio, nothing skipped", m)
	}
	final := h.stop(id)
	if m := final.Mix; m == nil || m.Segments == 0 || m.Bytes == 0 {
		t.Fatalf("final Mix: %+v, want segments", m)
	}
	if st := h.rec.Stats(); st.Segments != uint64(final.Mix.Segments) || st.Bytes != uint64(final.Mix.Bytes) {
		t.Errorf("Stats after the mixed task: %d segments, %d bytes; want the mix's %d and %d", st.Segments, st.Bytes, final.Mix.Segments, final.Mix.Bytes)
	}
	if len(final.StorageFileList) != 1 {
		t.Fatalf("files %+v", final.StorageFileList)
	}
	f := final.StorageFileList[0]
	want := naming.Name{TaskID: id, SdkAppID: testApp, Room: testRoom, Mixed: true, Kind: naming.KindM3U8}
	if f.Key != want.String() || f.UserID != "" || f.TrackType != "audio_video" {
		t.Fatalf("file %+v, want %s", f, want.String())
	}
	info := h.checkDecodes(f.Key, 2*part, 1500*time.Millisecond)
	if len(info.Streams) != 2 {
		t.Fatalf("streams %+v", info.Streams)
	}
	pl := filepath.Join(h.dir, f.Key)
	grid := frameRGB(t, pl, 1.0, w, hh)
	for i, c := range colours { // 2×2 grid in join order
		x, y := w/4+(i%2)*w/2, hh/4+(i/2)*hh/2
		if !near(grid, w, x, y, rgb[c]) {
			t.Errorf("grid: %s expected at (%d,%d)", c, x, y)
		}
	}
	float := frameRGB(t, pl, 4.5, w, hh)
	if !near(float, w, w/2, hh/4, rgb["blue"]) {
		t.Error("float: blue should fill the canvas behind the small screens")
	}
	if !near(float, w, w*1/10, hh-hh/10, rgb["red"]) {
		t.Error("float: the first small screen (red) should be at the bottom left")
	}
	if n := len(h.events.OfType(callback.EventFileSlice)); n != 1 {
		t.Errorf("%d FILE_SLICE events, want 1", n)
	}
}

// TestMixedJoinOrder: the grid follows the order users joined the room
// (Room.Join), not the order their tracks were added, also for a task
// started after the tracks were there.
func TestMixedJoinOrder(t *testing.T) {
	h := newHarness(t, nil)
	const w, hh = 320, 180
	joined := []string{"yellow", "blue", "green", "red"}
	for _, c := range joined {
		h.room.Join("u" + c)
	}
	var sends []send
	for i, c := range []string{"red", "green", "blue", "yellow"} {
		sends = append(sends, send{h.track("u"+c, naming.MediaMain, "video/H264"), solid(t, c, 4*time.Second, uint32(i+1))})
	}
	id := h.start(func(p *StartParams) {
		p.Record.Mode = Mixed
		p.Mix.Transcode = MixTranscodeParams{Width: w, Height: hh, FPS: 15}
	})
	tk, err := h.rec.task(id)
	if err != nil {
		t.Fatal(err)
	}
	tk.settle()
	h.feed(sends...)
	final := h.stop(id)
	if len(final.StorageFileList) != 1 {
		t.Fatalf("files %+v", final.StorageFileList)
	}
	grid := frameRGB(t, filepath.Join(h.dir, final.StorageFileList[0].Key), 1.0, w, hh)
	rgb := map[string][3]int{"red": {255, 0, 0}, "green": {0, 255, 0}, "blue": {0, 0, 255}, "yellow": {255, 255, 0}}
	for i, c := range joined { // 2×2 grid in join order
		x, y := w/4+(i%2)*w/2, hh/4+(i/2)*hh/2
		if !near(grid, w, x, y, rgb[c]) {
			t.Errorf("grid: %s (joined #%d) expected at (%d,%d)", c, i+1, x, y)
		}
	}
}

// TestMixedWatermarkFailures: a watermark that cannot be downloaded (the
// server answers 404, or a picture over the pixel cap) fires 309 with its
// URL; the recording goes on without it.
func TestMixedWatermarkFailures(t *testing.T) {
	huge := func(w http.ResponseWriter, _ *http.Request) {
		// A PNG header that claims 100000×100000 pixels: refused before decoding.
		var b bytes.Buffer
		_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
		data := b.Bytes()
		binary.BigEndian.PutUint32(data[16:], 100000)
		binary.BigEndian.PutUint32(data[20:], 100000)
		_, _ = w.Write(data)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/huge.png", huge)
	srv := httptest.NewServer(mux) // 127.0.0.1
	defer srv.Close()
	h := newHarness(t, nil)
	marks := []layout.Watermark{
		{Top: 0, Left: 0, Width: 64, Height: 32, URL: srv.URL + "/missing.png"},
		{Top: 40, Left: 0, Width: 64, Height: 32, URL: srv.URL + "/huge.png"},
	}
	id := h.start(func(p *StartParams) {
		p.Record.Mode = Mixed
		p.Mix = MixParams{Transcode: MixTranscodeParams{Width: 320, Height: 180}, Watermarks: marks}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := h.events.WaitFor(ctx, func(ev []callback.Event) bool {
		n := 0
		for _, e := range ev {
			if _, ok := e.Payload.(callback.DownloadImageError); ok {
				n++
			}
		}
		return n == 2
	})
	if err != nil {
		t.Fatalf("309s: %v (%v)", err, h.events.Events())
	}
	got := map[string]bool{}
	for _, e := range h.events.OfType(callback.EventDownloadImageError) {
		got[e.Payload.(callback.DownloadImageError).URL] = true
	}
	for _, m := range marks {
		if !got[m.URL] {
			t.Errorf("no 309 for %s", m.URL)
		}
	}
	av := h.track("alice", naming.MediaMain, "video/H264")
	h.feed(send{av, solid(t, "red", 3*time.Second, 1)})
	if d := h.stop(id); len(d.StorageFileList) != 1 {
		t.Errorf("the recording did not go on: %+v", d.StorageFileList)
	}
}

// TestMixedModifyOverwrites: Modify replaces the layout, the background
// colour and the watermarks as a whole (the service's MixLayoutParams):
// a new colour and a downloaded watermark show from the Modify on; the
// next Modify, which leaves the watermarks out, removes them and sets the
// colour back to black.
func TestMixedModifyOverwrites(t *testing.T) {
	const w, hh = 320, 180
	blue := func(rw http.ResponseWriter, _ *http.Request) {
		img := image.NewRGBA(image.Rect(0, 0, 32, 32))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i+2], img.Pix[i+3] = 255, 255
		}
		_ = png.Encode(rw, img)
	}
	srv := httptest.NewServer(http.HandlerFunc(blue)) // 127.0.0.1
	defer srv.Close()
	h := newHarness(t, nil)
	corner := &MixLayoutParams{Mode: layout.Custom, Custom: []layout.Slot{{UserID: "ured", Width: 160, Height: 90}}}
	id := h.start(func(p *StartParams) {
		p.Record.Mode = Mixed
		p.Mix = MixParams{Transcode: MixTranscodeParams{Width: w, Height: hh, FPS: 15}, Layout: *corner}
	})
	tk, err := h.rec.task(id)
	if err != nil {
		t.Fatal(err)
	}
	shown := make(chan struct{}, 1)
	tk.mix.imgMu.Lock()
	tk.mix.shown = func() { shown <- struct{}{} }
	tk.mix.imgMu.Unlock()
	mark := layout.Watermark{Left: 240, Top: 120, Width: 32, Height: 32, URL: srv.URL + "/blue.png"}
	if err := h.rec.Modify(context.Background(), id, ModifyParams{Layout: corner, BackgroundColor: 0x00FF00, Watermarks: []layout.Watermark{mark}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-shown:
	case <-time.After(20 * time.Second):
		t.Fatal("the watermark was not downloaded")
	}
	red := h.track("ured", naming.MediaMain, "video/H264")
	pkts := solid(t, "red", 6*time.Second, 1)
	var first, second []testpub.Packet
	for _, p := range pkts {
		if p.At < 3*time.Second {
			first = append(first, p)
		} else {
			second = append(second, p)
		}
	}
	h.feed(send{red, first})
	if err := h.rec.Modify(context.Background(), id, ModifyParams{Layout: corner}); err != nil {
		t.Fatal(err)
	}
	h.feed(send{red, second})
	final := h.stop(id)
	if len(final.StorageFileList) != 1 {
		t.Fatalf("files %+v", final.StorageFileList)
	}
	pl := filepath.Join(h.dir, final.StorageFileList[0].Key)
	for _, c := range []struct {
		at   float64
		x, y int
		want [3]int
		what string
	}{
		{1.0, 80, 45, [3]int{255, 0, 0}, "the user's slot"},
		{1.0, 280, 40, [3]int{0, 255, 0}, "the new background colour"},
		{1.0, 256, 136, [3]int{0, 0, 255}, "the new watermark"},
		{4.5, 80, 45, [3]int{255, 0, 0}, "the user's slot after the second Modify"},
		{4.5, 280, 40, [3]int{0, 0, 0}, "the colour back to black"},
		{4.5, 256, 136, [3]int{0, 0, 0}, "no watermark any more"},
	} {
		if pic := frameRGB(t, pl, c.at, w, hh); !near(pic, w, c.x, c.y, c.want) {
			i := (c.y*w + c.x) * 3
			t.Errorf("%s at %v s (%d,%d): %v, want %v", c.what, c.at, c.x, c.y, pic[i:i+3], c.want)
		}
	}
}
