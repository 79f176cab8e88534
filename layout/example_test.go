package layout_test

import (
	"errors"
	"fmt"

	"github.com/roomrec/roomrec/layout"
)

// A grid of five users on a 1920×1080 canvas: three screens on the top row,
// two centred below, the two rows centred vertically.
func ExampleCompute() {
	p := layout.Params{
		Width: 1920, Height: 1080,
		Mode:    layout.Grid,
		Screens: []layout.Screen{{UserID: "ann"}, {UserID: "bob"}, {UserID: "cy"}, {UserID: "dee", AudioOnly: true}, {UserID: "eve"}},
	}
	buf := make([]layout.Rect, 0, 25) // reuse between frames: no allocation
	rects, err := layout.Compute(buf, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rects {
		fmt.Printf("%-3s %4d,%-4d %dx%d placeholder=%v\n", r.UserID, r.X, r.Y, r.W, r.H, r.Placeholder())
	}
	// Output:
	// ann    0,180  640x360 placeholder=false
	// bob  640,180  640x360 placeholder=false
	// cy  1280,180  640x360 placeholder=false
	// dee  320,540  640x360 placeholder=true
	// eve  960,540  640x360 placeholder=false
}

// Screen-share: the named user's screen share on the left, the others in a
// column on the right.
func ExampleCompute_screenShare() {
	p := layout.Params{
		Width: 1280, Height: 720,
		Mode:      layout.ScreenShare,
		Screens:   []layout.Screen{{UserID: "ann"}, {UserID: "bob"}, {UserID: "bob", Media: "aux"}},
		BigUserID: "bob", BigMedia: "aux",
	}
	rects, _ := layout.Compute(nil, p)
	for _, r := range rects {
		fmt.Printf("%s/%s %d,%d %dx%d\n", r.UserID, r.Media, r.X, r.Y, r.W, r.H)
	}
	// Output:
	// bob/aux 0,0 1024x720
	// ann/main 1024,0 256x180
	// bob/main 1024,180 256x180
}

// A custom layout: a picture-in-picture with the guest above the host; the
// guest has not joined yet, so their slot is a placeholder.
func ExampleCompute_custom() {
	p := layout.Params{
		Width: 1280, Height: 720,
		Mode:    layout.Custom,
		Screens: []layout.Screen{{UserID: "host"}},
		Custom: []layout.Slot{
			{UserID: "guest", Left: 960, Top: 520, Width: 300, Height: 180, Layer: 1, Render: layout.RenderFit},
			{UserID: "host", Width: 1280, Height: 720},
		},
	}
	rects, _ := layout.Compute(nil, p)
	for _, r := range rects {
		fmt.Printf("%s z=%d %d,%d %dx%d absent=%v %s\n", r.UserID, r.Z, r.X, r.Y, r.W, r.H, r.Absent, r.Render)
	}

	p.Custom[0].Layer = 99
	_, err := layout.Compute(nil, p)
	fmt.Println(errors.Is(err, layout.ErrMixLayoutList))
	// Output:
	// host z=0 0,0 1280x720 absent=false crop
	// guest z=1 960,520 300x180 absent=true fit
	// true
}

// Fit says which part of a 4:3 camera to scale onto a 16:9 screen.
func ExampleFit() {
	screen := layout.Box{X: 0, Y: 0, W: 640, H: 360}
	crop, inner := layout.Fit(640, 480, screen, layout.RenderCrop)
	fmt.Println("crop", crop, "onto", inner)
	crop, inner = layout.Fit(640, 480, screen, layout.RenderFit)
	fmt.Println("whole", crop, "onto", inner)
	// Output:
	// crop {0 60 640 360} onto {0 0 640 360}
	// whole {0 0 640 480} onto {80 0 480 360}
}

// Watermarks checks the images and gives their places on the canvas.
func ExampleWatermarks() {
	boxes, err := layout.Watermarks(nil, 1280, 720, []layout.Watermark{
		{Left: 1100, Top: 20, Width: 160, Height: 90, URL: "https://example.com/logo.png"},
	})
	fmt.Println(boxes, err)
	_, err = layout.Watermarks(nil, 1280, 720, []layout.Watermark{
		{Left: 1200, Top: 20, Width: 160, Height: 90, URL: "ftp://example.com/logo.png"},
	})
	fmt.Println(err)
	// Output:
	// [{1100 20 160 90}] <nil>
	// InvalidParameter.MixWatermark: MixWatermark[0]: Left 1200 Top 20 Width 160 Height 90 reaches outside the 1280x720 canvas
}
