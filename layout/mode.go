package layout

import "strconv"

// Mode is a mixed-stream layout mode (the service's MixLayoutMode); a closed
// set numbered as the service numbers it: Float 1, ScreenShare 2, Grid 3,
// Custom 4. The zero Mode is not a mode; Params treats it as Grid, the
// service's default.
type Mode uint8

// The layout modes of SPEC §4.
const (
	// Float puts one user full-canvas and the others as small screens
	// floating above it from the bottom-left corner.
	Float Mode = 1
	// ScreenShare puts one named user in a big screen on the left and the
	// others in columns on the right (and a bottom strip past 17 screens).
	ScreenShare Mode = 2
	// Grid gives every user a screen of the same size ("9-grid"); the
	// default.
	Grid Mode = 3
	// Custom places every user where the caller's MixLayoutList says.
	Custom Mode = 4
)

// Valid reports whether m is one of Float, ScreenShare, Grid, Custom.
func (m Mode) Valid() bool { return m >= Float && m <= Custom }

// String returns "float", "screenshare", "grid" or "custom", or
// "Mode(n)" for an invalid value.
func (m Mode) String() string {
	switch m {
	case Float:
		return "float"
	case ScreenShare:
		return "screenshare"
	case Grid:
		return "grid"
	case Custom:
		return "custom"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// MaxScreens returns how many screens the mode shows at most: 24 for
// ScreenShare, 25 for the others (for Custom: MixLayoutList entries). It
// returns 0 for an invalid mode.
func (m Mode) MaxScreens() int {
	switch m {
	case ScreenShare:
		return 24
	case Float, Grid, Custom:
		return 25
	}
	return 0
}

// RenderMode says how a video fills its screen (see Fit); a closed set.
// The zero value is RenderCrop, the default.
//
// The service numbers its RenderMode 0 stretch, 1 crop (default), 2 fit
// with padding ("填黑"), 3 smart stretch; this type is numbered so that its
// zero value is the default, so a caller mapping the service's field must
// translate (0→RenderStretch, 1→RenderCrop, 2→RenderFit). Smart stretch is
// not supported.
type RenderMode uint8

// The render modes of SPEC §4.
const (
	// RenderCrop scales the video to cover the whole screen keeping its
	// aspect ratio and crops the source centrally (crop to fill).
	RenderCrop RenderMode = 0
	// RenderFit scales the whole video into the screen keeping its aspect
	// ratio; the rest of the screen shows the background (fit with
	// padding, letter- or pillar-boxed).
	RenderFit RenderMode = 1
	// RenderStretch scales the whole video to the screen, distorting it
	// when the aspect ratios differ.
	RenderStretch RenderMode = 2
)

// Valid reports whether r is RenderCrop, RenderFit or RenderStretch.
func (r RenderMode) Valid() bool { return r <= RenderStretch }

// String returns "crop", "fit" or "stretch", or "RenderMode(n)" for an
// invalid value.
func (r RenderMode) String() string {
	switch r {
	case RenderCrop:
		return "crop"
	case RenderFit:
		return "fit"
	case RenderStretch:
		return "stretch"
	}
	return "RenderMode(" + strconv.Itoa(int(r)) + ")"
}
