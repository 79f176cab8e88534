package mix

import (
	"image"
	"image/color"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/layout"
)

// compositor draws one output picture: background, the screens in
// painting order (each input's latest picture scaled straight into its
// rectangle of the canvas), placeholders, then the watermarks.
type compositor struct {
	canvas   *codec.Frame
	bg       yuv
	bgImage  *planes // nil: the colour
	ph       yuv
	hasPh    bool
	marks    []placedMark
	failures int64 // pictures the scaler refused
	covered  bool  // the rects cover the whole canvas (see cover)
}

// placedMark is a watermark converted once to the size of its box.
type placedMark struct {
	x, y int
	p    planes
}

func (c *compositor) init(cfg Config) error {
	var err error
	if c.canvas, err = codec.NewVideoFrame(cfg.Width, cfg.Height, cfg.Logger); err != nil {
		return err
	}
	c.bg = toYUV(cfg.Background)
	c.ph, c.hasPh = toYUV(cfg.Placeholder), cfg.Placeholder.A != 0
	c.bgImage = backgroundPlanes(cfg.BackgroundImage, cfg)
	c.marks = placeMarks(cfg.Watermarks, cfg.Background)
	return nil
}

// backgroundPlanes converts a background image to the canvas size, cropped
// to fill it; nil for no image.
func backgroundPlanes(img image.Image, cfg Config) *planes {
	if img == nil || img.Bounds().Empty() {
		return nil
	}
	b := img.Bounds()
	crop, _ := layout.Fit(b.Dx(), b.Dy(), layout.Box{W: cfg.Width, H: cfg.Height}, layout.RenderCrop)
	src := b // an image under 2×2 is stretched whole
	if crop.W > 0 {
		src = image.Rect(b.Min.X+crop.X, b.Min.Y+crop.Y, b.Min.X+crop.X+crop.W, b.Min.Y+crop.Y+crop.H)
	}
	p := newPlanes(img, src, cfg.Width, cfg.Height, false, cfg.Background)
	return &p
}

// placeMarks converts watermark images to their boxes' size.
func placeMarks(marks []Watermark, bg color.RGBA) []placedMark {
	placed := make([]placedMark, 0, len(marks))
	for _, w := range marks {
		p := newPlanes(w.Image, w.Image.Bounds(), w.Box.W, w.Box.H, true, bg)
		placed = append(placed, placedMark{x: w.Box.X, y: w.Box.Y, p: p})
	}
	return placed
}

// cover records whether rects (just computed for mode) cover the whole
// canvas: one rect is the canvas (Float's big screen), or the mode never
// overlaps its rects (Grid, ScreenShare) and their areas add up to it.
// Then a frame whose screens all show a picture needs no background.
func (c *compositor) cover(rects []layout.Rect, mode layout.Mode) {
	w, h := c.canvas.Width(), c.canvas.Height()
	area := 0
	c.covered = false
	for _, r := range rects {
		if r.Box == (layout.Box{W: w, H: h}) {
			c.covered = true
		}
		area += r.W * r.H
	}
	if mode == layout.Grid || mode == layout.ScreenShare || mode == 0 {
		c.covered = c.covered || area == w*h
	}
}

// background paints the background unless the screens cover it.
func (c *compositor) background(rects []layout.Rect, screens []*screen) error {
	if c.covered {
		full := true
		for i := range rects {
			if in := c.input(&rects[i], screens); (in == nil || !in.hasPic) && !c.hasPh {
				full = false
				break
			}
		}
		if full {
			return nil
		}
	}
	if c.bgImage != nil {
		copyPlanes(c.canvas, c.bgImage)
		return nil
	}
	return c.canvas.Fill(c.bg.y, c.bg.u, c.bg.v)
}

// input returns the video input shown in r, or nil.
func (c *compositor) input(r *layout.Rect, screens []*screen) *Input {
	if r.Screen >= 0 && r.Screen < len(screens) {
		return screens[r.Screen].video
	}
	return nil
}

// compose draws the canvas for the rectangles rects of screens.
func (c *compositor) compose(rects []layout.Rect, screens []*screen) error {
	if err := c.canvas.MakeWritable(); err != nil {
		return err
	}
	if err := c.background(rects, screens); err != nil {
		return err
	}
	for i := range rects {
		r := &rects[i]
		in := c.input(r, screens)
		if in == nil || !in.hasPic {
			if c.hasPh {
				fillBox(c.canvas, r.Box, c.ph)
			}
			continue
		}
		c.drawScreen(r, in)
	}
	for i := range c.marks {
		blendPlanes(c.canvas, c.marks[i].x, c.marks[i].y, &c.marks[i].p)
	}
	return nil
}

// drawScreen scales the input's picture into its rectangle by the render
// mode; the padding of RenderFit is the background colour (also over a
// screen below).
func (c *compositor) drawScreen(r *layout.Rect, in *Input) {
	pic := in.latest
	crop, inner := layout.Fit(pic.Width(), pic.Height(), r.Box, r.Render)
	if crop.W == 0 || inner != r.Box {
		fillBox(c.canvas, r.Box, c.bg)
	}
	if crop.W == 0 { // a picture under 2×2: nothing to scale
		return
	}
	err := in.scaler.Scale(c.canvas, codec.Rect{X: inner.X, Y: inner.Y, Width: inner.W, Height: inner.H},
		pic, codec.Rect{X: crop.X, Y: crop.Y, Width: crop.W, Height: crop.H})
	if err != nil {
		c.failures++
		fillBox(c.canvas, r.Box, c.bg) // not what the last frame left there
	}
}

// takeFailures returns and resets the count of refused pictures.
func (c *compositor) takeFailures() int64 {
	n := c.failures
	c.failures = 0
	return n
}

func (c *compositor) close() {
	c.canvas.Close()
	c.canvas = nil
}
