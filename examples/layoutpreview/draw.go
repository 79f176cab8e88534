package main

import (
	"image"
	"image/color"
	"image/draw"
	"strconv"

	"github.com/roomrec/roomrec/layout"
)

// Geometry of a contact sheet: thumbnails in 5 columns, each with a label
// strip above it.
const (
	columns = 5
	pad     = 12
	label   = 22
)

var (
	sheetBG  = color.RGBA{0x20, 0x22, 0x26, 0xff}
	canvasBG = color.RGBA{0x05, 0x05, 0x08, 0xff}
	ink      = color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
	absentBG = color.RGBA{0x70, 0x70, 0x70, 0xff}
)

// sheetSize returns the size of a sheet of n thumbnails of w×h.
func sheetSize(n, w, h int) (int, int) {
	rows := (n + columns - 1) / columns
	return pad + columns*(w+pad), pad + rows*(label+h+pad)
}

// drawSheet draws the thumbnails n = 1…s.maxN of s.
func drawSheet(s sheet, w, h int) (*image.RGBA, error) {
	sw, sh := sheetSize(s.maxN, w, h)
	img := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.Draw(img, img.Bounds(), image.NewUniform(sheetBG), image.Point{}, draw.Src)
	rects := make([]layout.Rect, 0, 26)
	for n := 1; n <= s.maxN; n++ {
		var err error
		rects, err = layout.Compute(rects[:0], s.params(n, w, h))
		if err != nil {
			return nil, err
		}
		i := n - 1
		origin := image.Pt(pad+(i%columns)*(w+pad), pad+(i/columns)*(label+h+pad))
		drawText(img, origin.Add(image.Pt(0, 3)), "n="+strconv.Itoa(n), 3, ink)
		canvas := image.Rectangle{Min: origin.Add(image.Pt(0, label)), Max: origin.Add(image.Pt(w, label+h))}
		draw.Draw(img, canvas, image.NewUniform(canvasBG), image.Point{}, draw.Src)
		for _, r := range rects {
			drawScreen(img, r.Rectangle().Add(canvas.Min), r)
		}
	}
	return img, nil
}

// screenColor returns the colour of the screen with join index i: hues a
// golden angle apart, so neighbours differ.
func screenColor(i int) color.RGBA {
	return hsv(float64(i)*137.508, 0.65, 0.92)
}

// drawScreen fills one screen with its colour, a darker border and its
// number (1-based join order); audio-only screens are striped, absent
// users' slots grey with a cross.
func drawScreen(img *image.RGBA, b image.Rectangle, r layout.Rect) {
	c := absentBG
	if !r.Absent {
		c = screenColor(r.Screen)
	}
	draw.Draw(img, b, image.NewUniform(c), image.Point{}, draw.Src)
	dark := color.RGBA{c.R / 3, c.G / 3, c.B / 3, 0xff}
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			edge := x == b.Min.X || y == b.Min.Y || x == b.Max.X-1 || y == b.Max.Y-1
			dx, dy := x-b.Min.X, y-b.Min.Y
			stripe := r.AudioOnly && (dx+dy)/4%2 == 0
			tol := max(b.Dx(), b.Dy())
			cross := r.Absent && (iabs(dx*b.Dy()-dy*b.Dx()) < tol || iabs(dx*b.Dy()-(b.Dy()-dy)*b.Dx()) < tol)
			if edge || stripe || cross {
				img.SetRGBA(x, y, dark)
			}
		}
	}
	text := "-"
	if !r.Absent {
		text = strconv.Itoa(r.Screen + 1)
	}
	scale := max(1, min(b.Dx()/(4*len(text)+2), b.Dy()/7)/2)
	tw, th := textSize(text, scale)
	at := image.Pt(b.Min.X+(b.Dx()-tw)/2, b.Min.Y+(b.Dy()-th)/2)
	drawText(img, at, text, scale, color.RGBA{0x10, 0x10, 0x10, 0xff})
}

// hsv converts hue (degrees), saturation and value (0..1) to RGB.
func hsv(h, s, v float64) color.RGBA {
	h = h - 360*float64(int(h/360))
	c := v * s
	x := c * (1 - abs(mod2(h/60)-1))
	m := v - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	case h < 120:
		r, g = x, c
	case h < 180:
		g, b = c, x
	case h < 240:
		g, b = x, c
	case h < 300:
		r, b = x, c
	default:
		r, b = c, x
	}
	to8 := func(f float64) uint8 { return uint8((f+m)*255 + 0.5) }
	return color.RGBA{to8(r), to8(g), to8(b), 0xff}
}

func iabs(v int) int { return max(v, -v) }

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// mod2 returns f modulo 2 for f >= 0.
func mod2(f float64) float64 { return f - 2*float64(int(f/2)) }
