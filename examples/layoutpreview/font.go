package main

import (
	"image"
	"image/color"
)

// glyph returns ch in a 3×5 pixel font that has the few characters the
// sheets need (digits, 'n', '=', '-'); each row is 3 bits, most
// significant on the left. Other characters are blank.
func glyph(ch rune) [5]uint8 {
	if ch >= '0' && ch <= '9' {
		return [...][5]uint8{
			{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
			{7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
		}[ch-'0']
	}
	switch ch {
	case 'n':
		return [5]uint8{0, 6, 5, 5, 5}
	case '=':
		return [5]uint8{0, 7, 0, 7, 0}
	case '-':
		return [5]uint8{0, 0, 7, 0, 0}
	}
	return [5]uint8{}
}

// textSize returns the size of text drawn at scale (pixels per font dot).
func textSize(text string, scale int) (w, h int) {
	n := len([]rune(text))
	return (4*n - 1) * scale, 5 * scale
}

// drawText draws text with its top-left corner at p; characters without a
// glyph are left blank.
func drawText(img *image.RGBA, p image.Point, text string, scale int, c color.RGBA) {
	for _, ch := range text {
		g := glyph(ch)
		for row := range 5 {
			for col := range 3 {
				if g[row]&(4>>col) == 0 {
					continue
				}
				for dy := range scale {
					for dx := range scale {
						pt := image.Pt(p.X+col*scale+dx, p.Y+row*scale+dy)
						if pt.In(img.Rect) {
							img.SetRGBA(pt.X, pt.Y, c)
						}
					}
				}
			}
		}
		p.X += 4 * scale
	}
}
