//go:build cgo

package mix

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// colours are the committed solid clips (testdata/media/solid_<name>.*)
// and, past 8, clips made at test time; all differ by more than 2×tol in
// some channel.
var colours = []struct {
	name string
	rgb  [3]int
}{
	{"red", [3]int{255, 0, 0}}, {"green", [3]int{0, 255, 0}}, {"blue", [3]int{0, 0, 255}},
	{"yellow", [3]int{255, 255, 0}}, {"magenta", [3]int{255, 0, 255}}, {"cyan", [3]int{0, 255, 255}},
	{"white", [3]int{255, 255, 255}}, {"orange", [3]int{255, 128, 0}},
	{"maroon", [3]int{128, 0, 0}}, {"darkgreen", [3]int{0, 128, 0}}, {"navy", [3]int{0, 0, 128}},
	{"olive", [3]int{128, 128, 0}}, {"purple", [3]int{128, 0, 128}}, {"teal", [3]int{0, 128, 128}},
	{"gray", [3]int{128, 128, 128}}, {"pink", [3]int{255, 128, 192}}, {"sky", [3]int{128, 192, 255}},
}

// colourTol is the per-channel tolerance of a decoded colour (H.264 at a
// low bitrate, 4:2:0, BT.601 round trips).
const colourTol = 40

// colourClip returns the clip of colour i in codec c (even i: H.264, odd
// i: VP8 when c is 0): a committed one, or one made in dir.
func colourClip(t testing.TB, dir string, i int, c codec.Codec) (string, codec.Codec) {
	if c == 0 {
		c = []codec.Codec{codec.H264, codec.VP8}[i%2]
	}
	ext := map[codec.Codec]string{codec.H264: ".h264", codec.VP8: ".ivf"}[c]
	if i < 8 {
		return "solid_" + colours[i].name + ext, c
	}
	rgb := colours[i].rgb
	path := filepath.Join(dir, colours[i].name+ext)
	if _, err := os.Stat(path); err == nil {
		return path, c
	}
	src := fmt.Sprintf("color=c=0x%02X%02X%02X:size=320x240:rate=15:duration=1", rgb[0], rgb[1], rgb[2])
	args := []string{"-f", "lavfi", "-i", src, "-pix_fmt", "yuv420p", "-g", "15"}
	if c == codec.H264 {
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-bsf:v", "h264_mp4toannexb", "-f", "h264", path)
	} else {
		args = append(args, "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-f", "ivf", path)
	}
	ffmpeg(t, args...)
	return path, c
}

// checkScreens checks, in the RGB picture pic of the w×h output, the
// centre of every screen the layout p gives: the colour of the user shown
// there (users are named by their colour index), or black for a
// placeholder.
func checkScreens(t testing.TB, pic []byte, w, h int, p layout.Params, what string) {
	t.Helper()
	p.Width, p.Height = w, h
	rects, err := layout.Compute(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rects {
		want := [3]int{0, 0, 0}
		if !r.Placeholder() {
			var i int
			fmt.Sscanf(r.UserID, "c%d", &i)
			want = colours[i].rgb
		}
		// the top-most screen at the centre: a later rect covering it wins
		cx, cy := r.X+r.W/2, r.Y+r.H/2
		if covered(rects, r, cx, cy) {
			continue
		}
		if got := pixel(pic, w, cx, cy); !near(got, want, colourTol) {
			t.Errorf("%s: screen of %s at %+v shows %v at its centre, want %v", what, r.UserID, r.Box, got, want)
		}
	}
}

// covered reports whether a rect painted after r covers (x, y).
func covered(rects []layout.Rect, r layout.Rect, x, y int) bool {
	after := false
	for _, o := range rects {
		if o == r {
			after = true
			continue
		}
		if after && x >= o.X && x < o.X+o.W && y >= o.Y && y < o.Y+o.H {
			return true
		}
	}
	return false
}

// screensOf returns the layout screens of users c<i> in join order.
func screensOf(idx ...int) []layout.Screen {
	var s []layout.Screen
	for _, i := range idx {
		s = append(s, layout.Screen{UserID: fmt.Sprintf("c%d", i)})
	}
	return s
}

// TestLayoutColours mixes N users (H.264 and VP8 alternately), each a
// solid colour, in a grid, and checks in frames decoded by FFmpeg that
// every screen the layout gives shows its user's colour.
func TestLayoutColours(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{1, 2, 4, 9, 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := newSim(t, Config{Width: 640, Height: 360, FPS: 10})
			var idx []int
			for i := 0; i < n; i++ {
				clip, c := colourClip(t, dir, i, 0)
				s.add(fmt.Sprintf("c%d", i), c, clip, time.Duration(i)*10*time.Millisecond)
				idx = append(idx, i)
			}
			s.runUntil(s.m.cfg.PlayoutDelay + 1500*time.Millisecond)
			pl := s.sink.close(t)
			if err := oracle.Decode(pl); err != nil {
				t.Fatal(err)
			}
			pics := rgbFrames(t, pl, 640, 360, 5, 12)
			for i, pic := range pics {
				checkScreens(t, pic, 640, 360, layout.Params{Screens: screensOf(idx...)}, fmt.Sprintf("frame %d", i))
			}
		})
	}
}

// TestLayoutJoinOrder: screens follow InputConfig.Order (the users' join
// order), not the order the inputs were added; a user's screen share
// comes right after their camera.
func TestLayoutJoinOrder(t *testing.T) {
	s := newSim(t, Config{Width: 640, Height: 360, FPS: 10})
	for _, in := range []struct {
		i     int
		media naming.MediaID
		order uint64
	}{{2, naming.MediaMain, 3}, {3, naming.MediaAux, 1}, {1, naming.MediaMain, 2}, {0, naming.MediaMain, 1}} {
		clip, c := colourClip(t, "", in.i, 0)
		user := fmt.Sprintf("c%d", in.i)
		if in.media == naming.MediaAux {
			user = "c0"
		}
		s.addInput(InputConfig{UserID: user, Media: in.media, Codec: c, Order: in.order}, clip, 0)
	}
	s.runUntil(s.m.cfg.PlayoutDelay + 1500*time.Millisecond)
	pl := s.sink.close(t)
	if err := oracle.Decode(pl); err != nil {
		t.Fatal(err)
	}
	// c0's camera, c0's screen share (colour 3), c1, c2.
	want := layout.Params{Screens: []layout.Screen{{UserID: "c0"}, {UserID: "c0", Media: naming.MediaAux}, {UserID: "c1"}, {UserID: "c2"}}}
	rects, err := layout.Compute(nil, layout.Params{Width: 640, Height: 360, Screens: want.Screens})
	if err != nil {
		t.Fatal(err)
	}
	pic := rgbFrames(t, pl, 640, 360, 12)[0]
	colour := []int{0, 3, 1, 2} // by screen
	if len(rects) != len(colour) {
		t.Fatalf("%d rectangles, want %d", len(rects), len(colour))
	}
	for _, r := range rects {
		k := r.Screen
		if got := pixel(pic, 640, r.X+r.W/2, r.Y+r.H/2); !near(got, colours[colour[k]].rgb, colourTol) {
			t.Errorf("screen %d (%s %s): %v, want %s", k, want.Screens[k].UserID, want.Screens[k].Media, got, colours[colour[k]].name)
		}
	}
}

// TestLayoutChanges switches grid → float → screen-share with SetLayout
// while recording, lets a user leave and rejoin, and checks the frames
// FFmpeg decodes around each change: every change shows from the output
// frame of its mix time on (in step with the media around it).
func TestLayoutChanges(t *testing.T) {
	s := newSim(t, Config{Width: 640, Height: 360, FPS: 10})
	clip := func(i int) (string, codec.Codec) { return colourClip(t, "", i, 0) }
	var feeds [3]*feed
	for i := range feeds {
		p, c := clip(i)
		feeds[i] = s.add(fmt.Sprintf("c%d", i), c, p, 0)
	}
	float := layout.Params{Mode: layout.Float, BigUserID: "c1"}
	share := layout.Params{Mode: layout.ScreenShare, BigUserID: "c2"}
	steps := []struct {
		at     time.Duration
		action func()
	}{
		{2 * time.Second, func() { mustSet(t, s.m, float) }},
		{4 * time.Second, func() { mustSet(t, s.m, share) }},
		{6 * time.Second, func() { feeds[0].in.Close(); s.feeds = s.feeds[1:] }},
		{8 * time.Second, func() { p, c := clip(0); s.add("c0", c, p, 8*time.Second) }},
		{10 * time.Second, func() { mustSet(t, s.m, layout.Params{}) }},
	}
	for _, st := range steps {
		s.runUntil(st.at)
		st.action()
	}
	s.runUntil(12*time.Second + s.m.cfg.PlayoutDelay)
	pl := s.sink.close(t)
	if err := oracle.Decode(pl); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		frame int // output frame n is at n/10 s: the first media is at 0
		p     layout.Params
	}{
		{15, layout.Params{Screens: screensOf(0, 1, 2)}},
		{19, layout.Params{Screens: screensOf(0, 1, 2)}},
		{20, withScreens(float, 0, 1, 2)},
		{45, withScreens(share, 0, 1, 2)},
		{59, withScreens(share, 0, 1, 2)},
		{60, withScreens(share, 1, 2)},
		{85, withScreens(share, 1, 2, 0)},
		{105, layout.Params{Screens: screensOf(1, 2, 0)}},
	}
	var frames []int
	for _, c := range checks {
		frames = append(frames, c.frame)
	}
	pics := rgbFrames(t, pl, 640, 360, frames...)
	for i, c := range checks {
		checkScreens(t, pics[i], 640, 360, c.p, fmt.Sprintf("frame %d (%v)", c.frame, c.p.Mode))
	}
	checkIndependent(t, pics[2], pics[3])
}

// checkIndependent checks pixels the SPEC places without layout.Compute:
// float puts c1 full-canvas under c0's small screen at the bottom left;
// screen-share puts c2 big on the left and c0 first in the right column.
func checkIndependent(t *testing.T, float, share []byte) {
	for _, c := range []struct {
		pic        []byte
		x, y, want int
	}{{float, 320, 100, 1}, {float, 20, 10, 1}, {float, 80, 320, 0}, {share, 256, 180, 2}, {share, 600, 40, 0}} {
		if got := pixel(c.pic, 640, c.x, c.y); !near(got, colours[c.want].rgb, colourTol) {
			t.Errorf("(%d,%d): %v, want %s", c.x, c.y, got, colours[c.want].name)
		}
	}
}

func mustSet(t testing.TB, m *Mixer, p layout.Params) {
	t.Helper()
	if err := m.SetLayout(p); err != nil {
		t.Fatal(err)
	}
}

func withScreens(p layout.Params, idx ...int) layout.Params {
	p.Screens = screensOf(idx...)
	return p
}
