package layout

import (
	"image"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// Limits of the package.
const (
	// MinCanvas and MaxCanvas bound the canvas width and height, in pixels.
	// The minimum keeps every screen of every mode at least 2×2 pixels.
	MinCanvas = 32
	// MaxCanvas is the largest canvas width or height.
	MaxCanvas = 16384
	// MaxLayer is the highest ImageLayer of a custom entry; layers run
	// 0 (the default, bottom) to MaxLayer, enough for each of the 25
	// entries to have its own layer above 0.
	MaxLayer = 25
	// MaxWatermarks is the most watermarks a canvas takes.
	MaxWatermarks = 25
)

// Box is an axis-aligned rectangle in pixels: X, Y is the top-left corner,
// W, H the size. Boxes made by this package have even X, Y, W and H.
type Box struct {
	X, Y, W, H int
}

// Rectangle returns b as an image.Rectangle (Min = X,Y; Max = X+W,Y+H).
func (b Box) Rectangle() image.Rectangle {
	return image.Rect(b.X, b.Y, b.X+b.W, b.Y+b.H)
}

// Rect is one screen of a computed layout: where it goes on the canvas,
// how high it lies, and which stream it shows.
type Rect struct {
	// Box is the screen's place on the canvas; X, Y, W, H are even and
	// inside the canvas.
	Box
	// Z is the z-order: higher is drawn on top. Compute returns rects in
	// painting order (Z non-decreasing).
	Z int
	// Screen is the index in Params.Screens of the stream shown here, or
	// -1 when the slot's user is absent (Absent is then true).
	Screen int
	// UserID and Media name the stream shown here (for an absent user: the
	// one the slot is kept for).
	UserID string
	Media  naming.MediaID
	// AudioOnly says the user sends only audio: the slot is kept and the
	// compositor draws a placeholder.
	AudioOnly bool
	// Absent says the user the slot belongs to is not in the room (custom
	// layout, or the named big screen of ScreenShare): the compositor draws
	// the background colour or a placeholder image.
	Absent bool
	// Render says how the video fills the screen (see Fit).
	Render RenderMode
}

// Placeholder reports whether the compositor draws a placeholder instead of
// video: the user is absent or sends only audio.
func (r Rect) Placeholder() bool { return r.Absent || r.AudioOnly }

// Screen is one stream that may be shown: a user's main (camera) or aux
// (screen-share) video.
type Screen struct {
	// UserID is the user who publishes the stream.
	UserID string
	// Media is MediaMain or MediaAux; "" means MediaMain.
	Media naming.MediaID
	// AudioOnly says the user publishes no video; the screen still takes
	// its slot.
	AudioOnly bool
}

// Slot is one entry of a custom layout (the service's MixLayoutList item).
type Slot struct {
	// UserID is the user shown in the slot. "" takes, in list order, the
	// next stream in join order with the same Media that no other entry
	// names (the service's behaviour for an entry without UserId).
	UserID string
	// Media is MediaMain or MediaAux; "" means MediaMain.
	Media naming.MediaID
	// Top, Left, Width, Height place the slot on the canvas, in pixels.
	// Width and Height are at least 2 and the slot lies inside the canvas.
	// Edges are floored to even pixels, so slots that abut still abut.
	Top, Left, Width, Height int
	// Layer is the z-order (the service's ImageLayer), 0..MaxLayer, higher
	// on top; entries on the same layer are painted in list order.
	Layer int
	// Render says how the video fills the slot.
	Render RenderMode
}

// Params are the inputs of a layout.
type Params struct {
	// Width and Height are the canvas size in pixels: even, within
	// MinCanvas..MaxCanvas.
	Width, Height int
	// Mode is the layout mode; the zero value means Grid.
	Mode Mode
	// Screens are the streams in the room in join order (first joined
	// first). Streams past the mode's maximum (Mode.MaxScreens) are not
	// shown. Unused in Custom mode except to find the entries' users.
	Screens []Screen
	// BigUserID and BigMedia name the stream for the big screen of Float
	// and ScreenShare (the service's MaxResolutionUserId and MediaId);
	// BigUserID "" names nobody. BigMedia "" means MediaMain.
	BigUserID string
	BigMedia  naming.MediaID
	// Render is the render mode of every screen of Float, ScreenShare and
	// Grid; the zero value is RenderCrop.
	Render RenderMode
	// Custom is the MixLayoutList of Custom mode (1..25 entries); ignored
	// by the other modes.
	Custom []Slot
}

// Validate checks p without computing a layout: the canvas, the mode, the
// big-screen MediaId, the render mode, the screens' MediaIds and, in
// Custom mode, the list. It returns nil or an *errcode.Error with one of
// ErrCanvas, ErrMixLayoutMode, ErrMediaID, ErrRenderMode, ErrMixLayoutList.
func (p Params) Validate() error {
	if err := validCanvas(p.Width, p.Height); err != nil {
		return err
	}
	if p.Mode != 0 && !p.Mode.Valid() {
		return errcode.New(ErrMixLayoutMode, "MixLayoutMode %d: must be 1 (float), 2 (screen-share), 3 (grid) or 4 (custom)", int(p.Mode))
	}
	if !validMedia(p.BigMedia) {
		return errcode.New(ErrMediaID, "MediaId %q of the big-screen user: must be main or aux", string(p.BigMedia))
	}
	if !p.Render.Valid() {
		return errcode.New(ErrRenderMode, "RenderMode %d: must be crop, fit or stretch", int(p.Render))
	}
	for i := range p.Screens {
		if !validMedia(p.Screens[i].Media) {
			return errcode.New(ErrMediaID, "screen %d (user %q): MediaId %q must be main or aux", i, p.Screens[i].UserID, string(p.Screens[i].Media))
		}
	}
	if p.Mode == Custom {
		return validateSlots(p.Width, p.Height, p.Custom)
	}
	return nil
}

// Compute lays out p and appends one Rect per shown screen to dst, in
// painting order, and returns the extended slice. With a dst of capacity
// 25 or more it does not allocate. On invalid params it returns dst
// unchanged and the error of Validate.
func Compute(dst []Rect, p Params) ([]Rect, error) {
	if err := p.Validate(); err != nil {
		return dst, err
	}
	switch p.Mode {
	case Float:
		return floatLayout(dst, p), nil
	case ScreenShare:
		return shareLayout(dst, p), nil
	case Custom:
		return customLayout(dst, p), nil
	}
	return gridLayout(dst, p), nil
}

func validCanvas(w, h int) error {
	for _, v := range [2]int{w, h} {
		if v < MinCanvas || v > MaxCanvas || v%2 != 0 {
			return errcode.New(ErrCanvas, "canvas %dx%d: width and height must be even and within %d..%d", w, h, MinCanvas, MaxCanvas)
		}
	}
	return nil
}

func validMedia(m naming.MediaID) bool { return m == "" || m.Valid() }

// media returns m with "" read as MediaMain.
func media(m naming.MediaID) naming.MediaID {
	if m == "" {
		return naming.MediaMain
	}
	return m
}

// even floors a non-negative v to an even number.
func even(v int) int { return v &^ 1 }

// part returns total*num/den floored to an even number: the rounding rule
// for every size and gap taken as a fraction of the canvas.
func part(total, num, den int) int { return even(total * num / den) }

// find returns the index of the first screen of user with media m, or -1.
func (p *Params) find(user string, m naming.MediaID) int {
	m = media(m)
	for i := range p.Screens {
		if p.Screens[i].UserID == user && media(p.Screens[i].Media) == m {
			return i
		}
	}
	return -1
}

// screenRect returns the Rect of screen i at box b and layer z.
func (p *Params) screenRect(i int, b Box, z int) Rect {
	s := &p.Screens[i]
	return Rect{Box: b, Z: z, Screen: i, UserID: s.UserID, Media: media(s.Media), AudioOnly: s.AudioOnly, Render: p.Render}
}
