package mix

import (
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/layout"
)

// The drawing primitives of the compositor: plain Go on the planes of a
// YUV 4:2:0 codec.Frame (boxes are even, so chroma covers them exactly).
// Rows are filled by doubling copies, which run at memmove speed.

// fillBox paints b of f with c.
func fillBox(f *codec.Frame, b layout.Box, c yuv) {
	fillPlane(f.Plane(0), f.Stride(0), b.X, b.Y, b.W, b.H, c.y)
	fillPlane(f.Plane(1), f.Stride(1), b.X/2, b.Y/2, b.W/2, b.H/2, c.u)
	fillPlane(f.Plane(2), f.Stride(2), b.X/2, b.Y/2, b.W/2, b.H/2, c.v)
}

func fillPlane(p []byte, stride, x, y, w, h int, v byte) {
	if w <= 0 || h <= 0 || len(p) < (y+h-1)*stride+x+w {
		return
	}
	first := p[y*stride+x : y*stride+x+w]
	first[0] = v
	for n := 1; n < w; n *= 2 {
		copy(first[n:], first[:n])
	}
	for r := 1; r < h; r++ {
		o := (y+r)*stride + x
		copy(p[o:o+w], first)
	}
}

// copyPlanes paints the opaque picture p at the top-left corner of f.
func copyPlanes(f *codec.Frame, p *planes) {
	copyPlane(f.Plane(0), f.Stride(0), p.y, p.w, p.h)
	copyPlane(f.Plane(1), f.Stride(1), p.u, p.w/2, p.h/2)
	copyPlane(f.Plane(2), f.Stride(2), p.v, p.w/2, p.h/2)
}

func copyPlane(dst []byte, stride int, src []byte, w, h int) {
	if len(dst) < (h-1)*stride+w {
		return
	}
	for r := 0; r < h; r++ {
		copy(dst[r*stride:r*stride+w], src[r*w:(r+1)*w])
	}
}

// blendPlanes draws p at x, y of f, mixing by its alpha (copying when it
// is opaque).
func blendPlanes(f *codec.Frame, x, y int, p *planes) {
	blendPlane(f.Plane(0), f.Stride(0), x, y, p.y, p.a, p.w, p.h)
	blendPlane(f.Plane(1), f.Stride(1), x/2, y/2, p.u, p.ca, p.w/2, p.h/2)
	blendPlane(f.Plane(2), f.Stride(2), x/2, y/2, p.v, p.ca, p.w/2, p.h/2)
}

func blendPlane(dst []byte, stride, x, y int, src, alpha []byte, w, h int) {
	if len(dst) < (y+h-1)*stride+x+w {
		return
	}
	for r := 0; r < h; r++ {
		d := dst[(y+r)*stride+x : (y+r)*stride+x+w]
		s := src[r*w : (r+1)*w]
		if alpha == nil {
			copy(d, s)
			continue
		}
		a := alpha[r*w : (r+1)*w]
		for i := range d {
			k := uint32(a[i])
			d[i] = byte((uint32(d[i])*(255-k) + uint32(s[i])*k + 127) / 255)
		}
	}
}
