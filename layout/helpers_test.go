package layout

import (
	"fmt"

	"github.com/roomrec/roomrec/naming"
)

// canvases are the canvases of the golden files and of the property tests'
// first round.
var canvases = [][2]int{{1920, 1080}, {1280, 720}, {854, 480}}

// oddCanvases are further canvases for the property tests: portrait,
// square, minimum, maximum-ish, and sizes whose fractions never divide.
var oddCanvases = [][2]int{{640, 360}, {1080, 1920}, {32, 32}, {34, 1998}, {3840, 2160}, {998, 562}, {16384, 16384}, {500, 300}}

// screens returns n screens u01…un in join order; every fourth sends audio
// only.
func screens(n int) []Screen {
	s := make([]Screen, n)
	for i := range s {
		s[i] = Screen{UserID: fmt.Sprintf("u%02d", i+1), Media: naming.MediaMain, AudioOnly: i%4 == 3}
	}
	return s
}

// cascade returns a custom list of n entries for a w×h canvas: a staircase
// of overlapping boxes from the top-left, layers descending, every third
// entry naming an absent user, every fifth leaving the user to join order.
func cascade(n, w, h int) []Slot {
	s := make([]Slot, n)
	sw, sh := w/3+1, h/3+1 // odd on purpose: edges are floored to even
	for i := range s {
		s[i] = Slot{
			UserID: fmt.Sprintf("u%02d", i+1),
			Left:   (w - sw) * i / 25, Top: (h - sh) * i / 25,
			Width: sw, Height: sh,
			Layer:  (n - i) % (MaxLayer + 1),
			Render: RenderMode(i % 3),
		}
		switch {
		case i%3 == 2:
			s[i].UserID = fmt.Sprintf("gone%02d", i+1)
		case i%5 == 4:
			s[i].UserID = ""
		}
	}
	return s
}

// modeCase is one golden-file family.
type modeCase struct {
	name string
	max  int
	make func(n, w, h int) Params
}

// modeCases are the families of golden files and property tests.
var modeCases = []modeCase{
	{"grid", 25, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: Grid, Screens: screens(n)}
	}},
	{"float", 25, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: Float, Screens: screens(n)}
	}},
	{"float_named", 25, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: Float, Screens: screens(n), BigUserID: fmt.Sprintf("u%02d", n)}
	}},
	{"screenshare", 24, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: ScreenShare, Screens: screens(n), BigUserID: "u01"}
	}},
	{"screenshare_nobody", 24, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: ScreenShare, Screens: screens(n)}
	}},
	{"screenshare_absent", 24, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: ScreenShare, Screens: screens(n), BigUserID: "teacher", BigMedia: naming.MediaAux}
	}},
	{"custom", 25, func(n, w, h int) Params {
		return Params{Width: w, Height: h, Mode: Custom, Screens: screens(n), Custom: cascade(n, w, h)}
	}},
}
