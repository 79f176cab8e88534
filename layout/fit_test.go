package layout

import "testing"

// TestFit checks the three render modes with hand-computed boxes.
func TestFit(t *testing.T) {
	dst := Box{X: 100, Y: 50, W: 640, H: 360} // 16:9 screen
	cases := []struct {
		name        string
		sw, sh      int
		mode        RenderMode
		crop, inner Box
	}{
		// 4:3 source cropped to 16:9: height 480·... width 640 kept,
		// height 640·360/640 = 360, centred: y = (480-360)/2 = 60.
		{"crop 4:3 into 16:9", 640, 480, RenderCrop, Box{0, 60, 640, 360}, dst},
		// 9:16 portrait cropped: width 360 kept, height 360·360/640 = 202.5 → 202, y = (640-202)/2 = 219 → 218.
		{"crop portrait", 360, 640, RenderCrop, Box{0, 218, 360, 202}, dst},
		// 21:9 wide source: height 360 kept, width 360·640/360 = 640, x = (840-640)/2 = 100.
		{"crop wide", 840, 360, RenderCrop, Box{100, 0, 640, 360}, dst},
		{"crop same aspect", 1280, 720, RenderCrop, Box{0, 0, 1280, 720}, dst},
		// odd source: 641×361 → whole 640×360.
		{"crop odd source", 641, 361, RenderCrop, Box{0, 0, 640, 360}, dst},
		// fit 4:3 into 16:9: pillar-boxed, width 360·640/480 = 480, x = 100 + (640-480)/2 = 180.
		{"fit 4:3", 640, 480, RenderFit, Box{0, 0, 640, 480}, Box{180, 50, 480, 360}},
		// fit wide: letter-boxed, height 640·360/840 = 274.3 → 274, y = 50 + (360-274)/2 = 93 → 92.
		{"fit wide", 840, 360, RenderFit, Box{0, 0, 840, 360}, Box{100, 92, 640, 274}},
		// fit extreme: never below 2 pixels.
		{"fit sliver", 60000, 2, RenderFit, Box{0, 0, 60000, 2}, Box{100, 228, 640, 2}},
		{"stretch", 641, 480, RenderStretch, Box{0, 0, 640, 480}, dst},
		{"bad source", 1, 480, RenderCrop, Box{}, dst},
		{"huge source", MaxSource + 2, 480, RenderFit, Box{}, dst},
		{"bad mode", 640, 480, 7, Box{}, dst},
	}
	for _, c := range cases {
		crop, inner := Fit(c.sw, c.sh, dst, c.mode)
		if crop != c.crop || inner != c.inner {
			t.Errorf("%s: Fit = crop %+v inner %+v, want %+v %+v", c.name, crop, inner, c.crop, c.inner)
		}
	}
}

// TestFitProperties checks, over many sources and screens, that crop lies
// in the source, inner in dst, all even, and the aspect ratio is kept to
// within the even rounding.
func TestFitProperties(t *testing.T) {
	sizes := []int{2, 3, 16, 90, 176, 241, 360, 480, 639, 720, 1080, 1920, 4096}
	for _, sw := range sizes {
		for _, sh := range sizes {
			for _, d := range []Box{{0, 0, 2, 2}, {10, 20, 384, 216}, {0, 0, 1920, 1080}, {500, 2, 96, 400}} {
				for _, m := range []RenderMode{RenderCrop, RenderFit, RenderStretch} {
					crop, inner := Fit(sw, sh, d, m)
					if msg := checkFit(sw, sh, d, m, crop, inner); msg != "" {
						t.Fatalf("Fit(%d, %d, %+v, %s) = %+v %+v: %s", sw, sh, d, m, crop, inner, msg)
					}
				}
			}
		}
	}
}

func checkFit(sw, sh int, d Box, m RenderMode, crop, inner Box) string {
	for _, v := range []int{crop.X, crop.Y, crop.W, crop.H, inner.X, inner.Y, inner.W, inner.H} {
		if v%2 != 0 {
			return "odd value"
		}
	}
	if crop.W < 2 || crop.H < 2 || crop.X < 0 || crop.Y < 0 || crop.X+crop.W > sw || crop.Y+crop.H > sh {
		return "crop outside the source"
	}
	if inner.W < 2 || inner.H < 2 || inner.X < d.X || inner.Y < d.Y || inner.X+inner.W > d.X+d.W || inner.Y+inner.H > d.Y+d.H {
		return "inner outside dst"
	}
	// aspect: crop.W/crop.H ≈ inner.W/inner.H, the cross products within
	// the error of flooring a side by less than 2 pixels (and an odd source
	// losing one); not checked where the 2-pixel minimum applied.
	if m != RenderStretch && min(crop.W, crop.H, inner.W, inner.H) > 2 {
		a, b := crop.W*inner.H, crop.H*inner.W
		tol := 4 * max(crop.W, crop.H, inner.W, inner.H)
		if a-b > tol || b-a > tol {
			return "aspect ratio not kept"
		}
	}
	return ""
}
