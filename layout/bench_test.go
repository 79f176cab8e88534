package layout

import (
	"fmt"
	"testing"
)

// BenchmarkCompute lays out 25 screens (24 for ScreenShare) per mode at
// 1920×1080 into a reused buffer: the compositor's per-change cost.
func BenchmarkCompute(b *testing.B) {
	cases := []Params{
		{Mode: Grid, Screens: screens(25)},
		{Mode: Float, Screens: screens(25), BigUserID: "u13"},
		{Mode: ScreenShare, Screens: screens(24), BigUserID: "u13"},
		{Mode: Custom, Screens: screens(25), Custom: cascade(25, 1920, 1080)},
	}
	for _, p := range cases {
		p.Width, p.Height = 1920, 1080
		b.Run(fmt.Sprint(p.Mode), func(b *testing.B) {
			buf := make([]Rect, 0, 25)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = Compute(buf[:0], p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFit measures one crop computation.
func BenchmarkFit(b *testing.B) {
	b.ReportAllocs()
	var sink Box
	for b.Loop() {
		c, _ := Fit(640, 480, Box{W: 384, H: 216}, RenderCrop)
		sink = c
	}
	_ = sink
}
