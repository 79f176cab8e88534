//go:build cgo

package mix

import (
	"image"
	"image/color"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/layout"
)

// solidClip makes a clip of one colour at test time: 15 fps, d seconds per
// part, one part per size (a change of size mid-stream when there are
// several: each part starts with a keyframe and, for H.264, its SPS).
func solidClip(t testing.TB, dir, name string, c codec.Codec, rgb [3]int, d float64, sizes ...[2]int) string {
	t.Helper()
	enc := []string{"-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-bsf:v", "h264_mp4toannexb", "-f", "h264"}
	ext := ".h264"
	if c == codec.VP8 {
		enc, ext = []string{"-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "ivf"}, ".ivf"
	}
	var parts []string // elementary streams concatenate
	for i, sz := range sizes {
		part := filepath.Join(dir, sprintf("%s_%d%s", name, i, ext))
		src := sprintf("color=c=0x%02X%02X%02X:size=%dx%d:rate=15:duration=%g", rgb[0], rgb[1], rgb[2], sz[0], sz[1], d)
		ffmpeg(t, append(append([]string{"-f", "lavfi", "-i", src, "-pix_fmt", "yuv420p", "-g", "15"}, enc...), part)...)
		parts = append(parts, part)
	}
	if c == codec.VP8 && len(parts) > 1 {
		t.Fatal("solidClip: one size only for VP8 (IVF files do not concatenate)")
	}
	out := filepath.Join(dir, name+ext)
	concatFiles(t, out, parts...)
	return out
}

// TestRenderModes checks a custom layout in frames decoded by FFmpeg:
// crop-to-fill of an odd-sized VP8 picture, fit with padding of an H.264
// stream that changes from 4:3 to 16:9 mid-stream (the padding goes away),
// stretch, the placeholders of an audio-only and of an absent user, the
// background colour, and an alpha-blended watermark.
func TestRenderModes(t *testing.T) {
	dir := t.TempDir()
	odd := solidClip(t, dir, "odd", codec.VP8, colours[2].rgb, 2, [2]int{321, 241})                          // blue
	change := solidClip(t, dir, "change", codec.H264, colours[3].rgb, 2, [2]int{320, 240}, [2]int{480, 270}) // yellow
	mark := image.NewNRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			c := color.NRGBA{R: 255, G: 255, A: 255} // left half: opaque yellow
			if x >= 32 {
				c = color.NRGBA{R: 255, G: 255, B: 255, A: 128} // right half: half-transparent white
			}
			mark.SetNRGBA(x, y, c)
		}
	}
	bg, ph := color.RGBA{B: 96, A: 255}, color.RGBA{R: 64, G: 64, B: 64, A: 255}
	slots := []layout.Slot{
		{UserID: "odd", Left: 0, Top: 0, Width: 320, Height: 180, Render: layout.RenderCrop},
		{UserID: "change", Left: 320, Top: 0, Width: 320, Height: 180, Render: layout.RenderFit},
		{UserID: "stretch", Left: 0, Top: 180, Width: 320, Height: 180, Render: layout.RenderStretch},
		{UserID: "voice", Left: 320, Top: 180, Width: 320, Height: 180},
		{UserID: "nobody", Left: 560, Top: 300, Width: 80, Height: 60, Layer: 1},
	}
	s := newSim(t, Config{Width: 640, Height: 360, FPS: 10, Background: bg, Placeholder: ph,
		Layout:     layout.Params{Mode: layout.Custom, Custom: slots},
		Watermarks: []Watermark{{Box: layout.Box{X: 16, Y: 16, W: 64, H: 32}, Image: mark}}})
	s.add("odd", codec.VP8, odd, 0)
	s.add("change", codec.H264, change, 0).loop(4 * time.Second)
	s.add("stretch", codec.H264, "solid_red.h264", 0)
	s.add("voice", codec.Opus, "opus_48k_stereo.ogg", 0)
	s.runUntil(2 * time.Second)
	if err := s.m.SetWatermarks(nil); err != nil { // from 2 s on: none
		t.Fatal(err)
	}
	s.runUntil(4*time.Second + s.m.cfg.PlayoutDelay)
	pl := s.sink.close(t)
	if err := oracle.Decode(pl); err != nil {
		t.Fatal(err)
	}
	pics := rgbFrames(t, pl, 640, 360, 10, 30) // 1 s: 4:3 part; 3 s: 16:9 part
	blue, yellow, red, grey := colours[2].rgb, colours[3].rgb, colours[0].rgb, [3]int{64, 64, 64}
	bgRGB := [3]int{0, 0, 96}
	for _, c := range []struct {
		pic, x, y int
		want      [3]int
		what      string
	}{
		{0, 160, 90, blue, "crop: centre"}, {0, 300, 170, blue, "crop: corner filled"},
		{0, 480, 90, yellow, "fit 4:3: centre"}, {0, 330, 90, bgRGB, "fit 4:3: pillar-box padding"},
		{1, 330, 90, yellow, "fit 16:9: no padding after the size change"},
		{0, 10, 190, red, "stretch: corner"}, {0, 480, 250, grey, "audio-only placeholder"},
		{0, 600, 330, grey, "absent user's placeholder"},
		{0, 30, 30, [3]int{255, 255, 0}, "watermark: opaque half"},
		{0, 66, 30, [3]int{128, 128, 255}, "watermark: half-transparent white over blue"},
		{1, 30, 30, blue, "watermark removed by SetWatermarks"},
	} {
		if got := pixel(pics[c.pic], 640, c.x, c.y); !near(got, c.want, colourTol) {
			t.Errorf("%s: (%d,%d) of picture %d is %v, want %v", c.what, c.x, c.y, c.pic, got, c.want)
		}
	}
}

// TestBackgroundImage checks that the background image covers the
// canvas (scaled to fill it) where no screen is drawn.
func TestBackgroundImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	quad := [4]color.RGBA{{R: 255, A: 255}, {G: 255, A: 255}, {B: 255, A: 255}, {R: 255, G: 255, B: 255, A: 255}}
	for y := 0; y < 36; y++ {
		for x := 0; x < 64; x++ {
			img.SetRGBA(x, y, quad[x/32+2*(y/18)])
		}
	}
	s := newSim(t, Config{Width: 320, Height: 180, FPS: 10, BackgroundImage: img})
	s.add("voice", codec.Opus, "opus_48k_stereo.ogg", 0) // one audio-only screen: nothing drawn over it
	s.runUntil(2 * time.Second)
	pl := s.sink.close(t)
	pic := rgbFrames(t, pl, 320, 180, 5)[0]
	for i, p := range [][2]int{{80, 45}, {240, 45}, {80, 135}, {240, 135}} {
		want := [3]int{int(quad[i].R), int(quad[i].G), int(quad[i].B)}
		if got := pixel(pic, 320, p[0], p[1]); !near(got, want, colourTol) {
			t.Errorf("quadrant %d at %v: %v, want %v", i, p, got, want)
		}
	}
}

// TestSetBackgroundImage: a background image set after New (its download
// ended later) covers the canvas from then on.
func TestSetBackgroundImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 32, 18))
	for y := 0; y < 18; y++ {
		for x := 0; x < 32; x++ {
			img.SetRGBA(x, y, color.RGBA{B: 255, A: 255})
		}
	}
	s := newSim(t, Config{Width: 320, Height: 180, FPS: 10, Background: color.RGBA{R: 255, A: 255}})
	s.add("voice", codec.Opus, "opus_48k_stereo.ogg", 0)
	s.runUntil(time.Second)
	if err := s.m.SetBackgroundImage(img); err != nil {
		t.Fatal(err)
	}
	s.runUntil(3 * time.Second)
	pl := s.sink.close(t)
	pics := rgbFrames(t, pl, 320, 180, 1, 18) // before and after the change (1 s playout delay)
	first, last := pixel(pics[0], 320, 160, 90), pixel(pics[1], 320, 160, 90)
	if !near(first, [3]int{255, 0, 0}, colourTol) || !near(last, [3]int{0, 0, 255}, colourTol) {
		t.Errorf("background before %v, after %v: want red, then blue", first, last)
	}
}
