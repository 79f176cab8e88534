package mix

import (
	"bytes"
	"image/color"
	"testing"
	"time"
)

// annexBCases feed the round-trip test and the fuzz seeds.
var annexBCases = [][][]byte{
	{{0x67, 1, 2}, {0x68, 3}, {0x65, 4, 5, 6}},
	{{0x41, 0, 0, 3, 1}},
	{{0x09, 0x10}},
	nil,
}

func TestAnnexBRoundTrip(t *testing.T) {
	for i, nalus := range annexBCases {
		got := splitAnnexB(nil, appendAnnexB(nil, nalus))
		if len(got) != len(nalus) {
			t.Fatalf("case %d: %d units, want %d", i, len(got), len(nalus))
		}
		for j := range got {
			if !bytes.Equal(got[j], nalus[j]) {
				t.Errorf("case %d unit %d: %x, want %x", i, j, got[j], nalus[j])
			}
		}
	}
	// 3-byte start codes and trailing zeros, as encoders write them.
	got := splitAnnexB(nil, []byte{0, 0, 1, 0x67, 7, 0, 0, 0, 1, 0x68, 8, 0, 0})
	if len(got) != 2 || !bytes.Equal(got[0], []byte{0x67, 7}) || !bytes.Equal(got[1], []byte{0x68, 8}) {
		t.Errorf("got %x", got)
	}
}

func FuzzSplitAnnexB(f *testing.F) {
	for _, c := range annexBCases {
		f.Add(appendAnnexB(nil, c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, n := range splitAnnexB(nil, b) {
			if len(n) == 0 || n[len(n)-1] == 0 {
				t.Fatalf("unit %x from %x", n, b)
			}
		}
	})
}

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
