package layout

import (
	"testing"

	"github.com/roomrec/roomrec/naming"
)

// specRows are rows of the SPEC §4 tables with numbers computed by hand
// (not from the golden files): the table's fraction of the canvas, floored
// to even, and the positions the doc.go rules give.
var specRows = []struct {
	name string
	p    Params
	// want lists the first rects in painting order: screen, box, z.
	want []wantRect
}{
	// Grid n=1: W×H.
	{"grid/1/1920x1080", Params{Width: 1920, Height: 1080, Screens: screens(1)}, rows(r(0, 0, 0, 1920, 1080, 0))},
	// Grid n=2: W/2×H side by side.
	{"grid/2/1280x720", Params{Width: 1280, Height: 720, Mode: Grid, Screens: screens(2)}, rows(
		r(0, 0, 0, 640, 720, 0), r(1, 640, 0, 640, 720, 0))},
	// Grid n=3: W/2×H/2, last row of one centred: x = (1920-960)/2 = 480.
	{"grid/3/1920x1080", Params{Width: 1920, Height: 1080, Mode: Grid, Screens: screens(3)}, rows(
		r(0, 0, 0, 960, 540, 0), r(1, 960, 0, 960, 540, 0), r(2, 480, 540, 960, 540, 0))},
	// Grid n=5: W/3×H/3 = 640×360; 2 rows used → y0 = (1080-720)/2 = 180;
	// second row of 2 centred: x0 = (1920-1280)/2 = 320.
	{"grid/5/1920x1080", Params{Width: 1920, Height: 1080, Mode: Grid, Screens: screens(5)}, rows(
		r(0, 0, 180, 640, 360, 0), r(1, 640, 180, 640, 360, 0), r(2, 1280, 180, 640, 360, 0),
		r(3, 320, 540, 640, 360, 0), r(4, 960, 540, 640, 360, 0))},
	// Grid n=10 at 854×480: W/4 = 213.5 → 212, H/4 = 120; 3 rows →
	// y0 = (480-360)/2 = 60; full row x0 = (854-848)/2 = 3 → 2.
	{"grid/10/854x480", Params{Width: 854, Height: 480, Mode: Grid, Screens: screens(10)}, rows(
		r(0, 2, 60, 212, 120, 0), r(1, 214, 60, 212, 120, 0), r(2, 426, 60, 212, 120, 0), r(3, 638, 60, 212, 120, 0),
		r(4, 2, 180, 212, 120, 0), r(5, 214, 180, 212, 120, 0), r(6, 426, 180, 212, 120, 0), r(7, 638, 180, 212, 120, 0),
		// last row of 2: x0 = (854-424)/2 = 215 → 214.
		r(8, 214, 300, 212, 120, 0), r(9, 426, 300, 212, 120, 0))},
	// Grid n=17: W/5×H/5 = 384×216, 4 rows → y0 = (1080-864)/2 = 108.
	{"grid/17/1920x1080", Params{Width: 1920, Height: 1080, Mode: Grid, Screens: screens(17)}, rows(
		r(0, 0, 108, 384, 216, 0), r(1, 384, 108, 384, 216, 0))},
	// Float n=2: 0.235·1920 = 451.2 → 450, 0.235·1080 = 253.8 → 252;
	// margin 0.012·1920 = 23.04 → 22, 0.012·1080 = 12.96 → 12;
	// bottom-left: y = 1080-12-252 = 816.
	{"float/2/1920x1080", Params{Width: 1920, Height: 1080, Mode: Float, Screens: screens(2)}, rows(
		r(0, 0, 0, 1920, 1080, 0), r(1, 22, 816, 450, 252, 1))},
	// Float n=6 named u03: u03 big; u01 u02 u04 on the bottom row,
	// x = 22 + k·(450+22); u05 u06 on the row above, y = 816-12-252 = 552.
	{"float/6/named", Params{Width: 1920, Height: 1080, Mode: Float, Screens: screens(6), BigUserID: "u03"}, rows(
		r(2, 0, 0, 1920, 1080, 0), r(0, 22, 816, 450, 252, 1), r(1, 494, 816, 450, 252, 1),
		r(3, 966, 816, 450, 252, 1), r(4, 1438, 816, 450, 252, 1), r(5, 22, 552, 450, 252, 1))},
	// Float n=18 at 1280×720: 0.188·1280 = 240.64 → 240, 0.188·720 =
	// 135.36 → 134; gap 12.8 → 12, 7.2 → 6; 5 per row; y = 720-6-134 = 580.
	{"float/18/1280x720", Params{Width: 1280, Height: 720, Mode: Float, Screens: screens(18)}, rows(
		r(0, 0, 0, 1280, 720, 0), r(1, 12, 580, 240, 134, 1), r(2, 264, 580, 240, 134, 1),
		r(3, 516, 580, 240, 134, 1), r(4, 768, 580, 240, 134, 1), r(5, 1020, 580, 240, 134, 1),
		r(6, 12, 440, 240, 134, 1))},
	// Screen-share n=5: small W/5×H/4 = 384×270 at x = 4W/5 = 1536.
	{"share/5/1920x1080", Params{Width: 1920, Height: 1080, Mode: ScreenShare, Screens: screens(5), BigUserID: "u01"}, rows(
		r(0, 0, 0, 1536, 1080, 0), r(1, 1536, 0, 384, 270, 0), r(2, 1536, 270, 384, 270, 0),
		r(3, 1536, 540, 384, 270, 0), r(4, 1536, 810, 384, 270, 0))},
	// Screen-share n=7 at 1280×720: W/7 = 182.86 → 182, H/6 = 120;
	// big = 1280-182 = 1098 (6W/7 = 1097.1).
	{"share/7/1280x720", Params{Width: 1280, Height: 720, Mode: ScreenShare, Screens: screens(7), BigUserID: "u01"}, rows(
		r(0, 0, 0, 1098, 720, 0), r(1, 1098, 0, 182, 120, 0), r(2, 1098, 120, 182, 120, 0))},
	// Screen-share n=9 at 1280×720: W/9 = 142.2 → 142, H/8 = 90; big 1138.
	{"share/9/1280x720", Params{Width: 1280, Height: 720, Mode: ScreenShare, Screens: screens(9), BigUserID: "u01"}, rows(
		r(0, 0, 0, 1138, 720, 0), r(1, 1138, 0, 142, 90, 0))},
	// Screen-share n=10, big u02: W/10×H/8 = 128×90; big 4W/5 = 1024;
	// columns at 1024 (8 screens) and 1152 (the 9th small).
	{"share/10/1280x720", Params{Width: 1280, Height: 720, Mode: ScreenShare, Screens: screens(10), BigUserID: "u02"}, rows(
		r(1, 0, 0, 1024, 720, 0), r(0, 1024, 0, 128, 90, 0), r(2, 1024, 90, 128, 90, 0),
		r(3, 1024, 180, 128, 90, 0), r(4, 1024, 270, 128, 90, 0), r(5, 1024, 360, 128, 90, 0),
		r(6, 1024, 450, 128, 90, 0), r(7, 1024, 540, 128, 90, 0), r(8, 1024, 630, 128, 90, 0),
		r(9, 1152, 0, 128, 90, 0))},
	// Screen-share n=19 at 1280×720: big 4W/5×7H/8 = 1024×630; screens
	// 18 and 19 on the bottom strip y = 630 from x = 0.
	{"share/19/1280x720", Params{Width: 1280, Height: 720, Mode: ScreenShare, Screens: screens(19), BigUserID: "u01"}, rows(
		r(0, 0, 0, 1024, 630, 0), r(1, 1024, 0, 128, 90, 0))},
	// Screen-share, nobody named, 2 users: n = 3 (the empty big area
	// counts): no big rect, smalls W/5×H/4 from the top.
	{"share/nobody", Params{Width: 1920, Height: 1080, Mode: ScreenShare, Screens: screens(2)}, rows(
		r(0, 1536, 0, 384, 270, 0), r(1, 1536, 270, 384, 270, 0))},
	// Custom: edges floored to even: Left 3 → 2, Left+Width 3+101 = 104.
	{"custom/edges", Params{Width: 640, Height: 360, Mode: Custom, Screens: screens(1), Custom: []Slot{{UserID: "u01", Left: 3, Top: 5, Width: 101, Height: 51, Layer: 2}}}, rows(
		r(0, 2, 4, 102, 52, 2))},
}

// TestSpecRows checks every row of specRows.
func TestSpecRows(t *testing.T) {
	for _, c := range specRows {
		t.Run(c.name, func(t *testing.T) {
			got, err := Compute(nil, c.p)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.want) > len(got) {
				t.Fatalf("got %d rects, want at least %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				if got[i].Screen != w.screen || got[i].Box != w.box || got[i].Z != w.z {
					t.Errorf("rect %d = screen %d %+v z%d, want screen %d %+v z%d", i, got[i].Screen, got[i].Box, got[i].Z, w.screen, w.box, w.z)
				}
			}
		})
	}
}

type wantRect struct {
	screen int
	box    Box
	z      int
}

func r(screen, x, y, w, h, z int) wantRect { return wantRect{screen, Box{x, y, w, h}, z} }

func rows(rs ...wantRect) []wantRect { return rs }

// TestSpecCounts checks how many rects each mode gives, and the caps.
func TestSpecCounts(t *testing.T) {
	cases := []struct {
		name string
		p    Params
		want int
	}{
		{"grid 0 screens", Params{Width: 640, Height: 360}, 0},
		{"grid 26 screens shows 25", Params{Width: 640, Height: 360, Screens: screens(26)}, 25},
		{"float 30 screens shows 25", Params{Width: 640, Height: 360, Mode: Float, Screens: screens(30)}, 25},
		{"share named 25 screens shows 24", Params{Width: 640, Height: 360, Mode: ScreenShare, Screens: screens(25), BigUserID: "u01"}, 24},
		{"share nobody 25 screens shows 24", Params{Width: 640, Height: 360, Mode: ScreenShare, Screens: screens(25)}, 24},
		{"share absent 24 screens: 24 + placeholder", Params{Width: 640, Height: 360, Mode: ScreenShare, Screens: screens(24), BigUserID: "x"}, 25},
		{"share nobody 0 screens", Params{Width: 640, Height: 360, Mode: ScreenShare}, 0},
		{"share absent 0 screens: placeholder", Params{Width: 640, Height: 360, Mode: ScreenShare, BigUserID: "x"}, 1},
		{"float named aux missing: first joined big", Params{Width: 640, Height: 360, Mode: Float, Screens: screens(3), BigUserID: "u02", BigMedia: naming.MediaAux}, 3},
		{"custom 3 entries no screens", Params{Width: 640, Height: 360, Mode: Custom, Custom: cascade(3, 640, 360)}, 3},
	}
	for _, c := range cases {
		got, err := Compute(nil, c.p)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != c.want {
			t.Errorf("%s: %d rects, want %d", c.name, len(got), c.want)
		}
	}
}

// TestBigScreenChoice checks which stream gets the big screen.
func TestBigScreenChoice(t *testing.T) {
	ss := screens(4)
	ss[2] = Screen{UserID: "u02", Media: naming.MediaAux} // u02's screen share
	got, _ := Compute(nil, Params{Width: 640, Height: 360, Mode: ScreenShare, Screens: ss, BigUserID: "u02", BigMedia: naming.MediaAux})
	if got[0].Screen != 2 || got[0].Media != naming.MediaAux || got[0].X != 0 {
		t.Errorf("big = %+v, want screen 2 (u02 aux)", got[0])
	}
	got, _ = Compute(nil, Params{Width: 640, Height: 360, Mode: Float, Screens: ss, BigUserID: "u02", BigMedia: naming.MediaAux})
	if got[0].Screen != 2 || got[0].W != 640 {
		t.Errorf("float big = %+v, want screen 2 full canvas", got[0])
	}
	got, _ = Compute(nil, Params{Width: 640, Height: 360, Mode: Float, Screens: ss, BigUserID: "nobody"})
	if got[0].Screen != 0 {
		t.Errorf("float with absent named user: big = screen %d, want the first to join", got[0].Screen)
	}
	got, _ = Compute(nil, Params{Width: 640, Height: 360, Mode: ScreenShare, Screens: ss, BigUserID: "nobody", Render: RenderFit})
	if !got[0].Absent || got[0].Screen != -1 || got[0].UserID != "nobody" || !got[0].Placeholder() || got[0].Render != RenderFit {
		t.Errorf("screen-share with absent named user: big = %+v, want an absent placeholder", got[0])
	}
	if !got[4].AudioOnly || !got[4].Placeholder() || got[3].Placeholder() {
		t.Errorf("audio-only marks wrong: %+v / %+v", got[4], got[3])
	}
}

// TestShareFullStrip checks the last screens of a full screen-share layout
// by hand at 854×480: small W/10 = 85.4 → 84, H/8 = 60; big 854-2·84 = 686
// wide, 480-60 = 420 high; screen 17 is the last of the outer column at
// x = 686+84 = 770, y = 7·60 = 420; screen 24 is the 7th on the bottom
// strip at x = 6·84 = 504, y = 420.
func TestShareFullStrip(t *testing.T) {
	got, err := Compute(nil, Params{Width: 854, Height: 480, Mode: ScreenShare, Screens: screens(24), BigUserID: "u01"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]wantRect{0: r(0, 0, 0, 686, 420, 0), 16: r(16, 770, 420, 84, 60, 0), 17: r(17, 0, 420, 84, 60, 0), 23: r(23, 504, 420, 84, 60, 0)}
	for i, w := range want {
		if got[i].Screen != w.screen || got[i].Box != w.box {
			t.Errorf("rect %d = screen %d %+v, want screen %d %+v", i, got[i].Screen, got[i].Box, w.screen, w.box)
		}
	}
}
