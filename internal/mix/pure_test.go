package mix

import (
	"image/color"
	"testing"
	"time"
)

func TestDriftCorrection(t *testing.T) {
	const d = time.Second
	ms := time.Millisecond
	for _, c := range []struct {
		min, max time.Duration
		want     time.Duration
	}{
		{0, 500 * ms, 0},                   // the reorder buffer's hold: fine
		{-300 * ms, 200 * ms, 0},           // a lip-sync shift: fine
		{100 * ms, 900 * ms, driftStep},    // about to be late: later
		{-1100 * ms, 200 * ms, -driftStep}, // waiting too long: earlier
		{-1900 * ms, 840 * ms, 0},          // earlier would make others late
		{-1900 * ms, 900 * ms, driftStep},  // lateness wins
	} {
		if got := driftCorrection(window{lateMin: c.min, lateMax: c.max, seen: true}, d); got != c.want {
			t.Errorf("lateness %v..%v: %v, want %v", c.min, c.max, got, c.want)
		}
	}
}

func TestTimeConversions(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		rate int64
		want int64
	}{
		{time.Second, 48000, 48000},
		{-time.Millisecond, 48000, -48},
		{-time.Nanosecond, 44100, -1},
		{240 * time.Hour, 90000, 240 * 3600 * 90000},
	} {
		if got := durationTo(c.d, c.rate); got != c.want {
			t.Errorf("durationTo(%v, %d) = %d, want %d", c.d, c.rate, got, c.want)
		}
		if back := ticksToDuration(c.want, c.rate); back > c.d || c.d-back > time.Second/time.Duration(c.rate) {
			t.Errorf("ticksToDuration(%d, %d) = %v, want about %v", c.want, c.rate, back, c.d)
		}
	}
}

func TestColour(t *testing.T) {
	for _, c := range []struct {
		in   color.RGBA
		want yuv
	}{
		{color.RGBA{A: 255}, yuv{16, 128, 128}},
		{color.RGBA{R: 255, G: 255, B: 255}, yuv{235, 128, 128}},
		{color.RGBA{R: 255}, yuv{81, 90, 240}},
	} {
		if got := toYUV(c.in); got != c.want {
			t.Errorf("%v: %v, want %v", c.in, got, c.want)
		}
	}
}
