package mix

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// yuv is a colour in BT.601 limited range, the colour space H.264
// players assume for a stream that does not say (and FFmpeg's default).
type yuv struct{ y, u, v byte }

// toYUV converts an sRGB colour (its alpha ignored) to BT.601 limited range.
func toYUV(c color.RGBA) yuv {
	r, g, b := float64(c.R), float64(c.G), float64(c.B)
	y := 16 + (65.481*r+128.553*g+24.966*b)/255
	u := 128 + (-37.797*r-74.203*g+112.0*b)/255
	v := 128 + (112.0*r-93.786*g-18.214*b)/255
	return yuv{clamp8(y), clamp8(u), clamp8(v)}
}

func clamp8(f float64) byte {
	return byte(math.Max(0, math.Min(255, math.Round(f))))
}

// planes is a YUV 4:2:0 picture in Go memory, with an alpha plane per
// luma pixel and one per chroma sample when it is not opaque.
type planes struct {
	w, h    int
	y, u, v []byte // w×h and (w/2)×(h/2)
	a, ca   []byte // nil when opaque
}

// newPlanes converts img to a w×h (even) picture: the src rectangle of img
// scaled to the whole size. With keepAlpha the alpha planes are kept,
// otherwise the image is flattened over bg.
func newPlanes(img image.Image, src image.Rectangle, w, h int, keepAlpha bool, bg color.RGBA) planes {
	rgba := scaleRGBA(img, src, w, h)
	p := planes{w: w, h: h, y: make([]byte, w*h), u: make([]byte, w*h/4), v: make([]byte, w*h/4)}
	if keepAlpha {
		p.a, p.ca = make([]byte, w*h), make([]byte, w*h/4)
	}
	for y := 0; y < h; y += 2 {
		for x := 0; x < w; x += 2 {
			p.block(rgba, x, y, keepAlpha, bg)
		}
	}
	if p.a != nil && opaque(p.a) {
		p.a, p.ca = nil, nil
	}
	return p
}

// block converts the 2×2 block at x, y of the premultiplied img.
func (p *planes) block(img *image.RGBA, x, y int, keepAlpha bool, bg color.RGBA) {
	var sr, sg, sb, sa int
	for dy := 0; dy < 2; dy++ {
		for dx := 0; dx < 2; dx++ {
			c := img.RGBAAt(x+dx, y+dy)
			if !keepAlpha { // premultiplied over an opaque bg
				inv := 255 - int(c.A)
				c = color.RGBA{R: c.R + byte(int(bg.R)*inv/255), G: c.G + byte(int(bg.G)*inv/255),
					B: c.B + byte(int(bg.B)*inv/255), A: 255}
			}
			i := (y+dy)*p.w + x + dx
			p.y[i] = toYUV(unpremultiply(c)).y
			if p.a != nil {
				p.a[i] = c.A
			}
			sr, sg, sb, sa = sr+int(c.R), sg+int(c.G), sb+int(c.B), sa+int(c.A)
		}
	}
	ci := (y/2)*(p.w/2) + x/2
	if sa > 0 {
		avg := color.RGBA{R: byte(sr * 255 / sa), G: byte(sg * 255 / sa), B: byte(sb * 255 / sa), A: 255}
		c := toYUV(avg)
		p.u[ci], p.v[ci] = c.u, c.v
	} else {
		p.u[ci], p.v[ci] = 128, 128
	}
	if p.ca != nil {
		p.ca[ci] = byte(sa / 4)
	}
}

func unpremultiply(c color.RGBA) color.RGBA {
	if c.A == 0 || c.A == 255 {
		return c
	}
	a := int(c.A)
	return color.RGBA{R: byte(min(255, int(c.R)*255/a)), G: byte(min(255, int(c.G)*255/a)),
		B: byte(min(255, int(c.B)*255/a)), A: 255}
}

func opaque(a []byte) bool {
	for _, v := range a {
		if v != 255 {
			return false
		}
	}
	return true
}

// scaleRGBA scales the src rectangle of img to w×h: bilinear samples,
// averaged over up to 4×4 per output pixel when shrinking (so that a large
// logo does not alias). The result is premultiplied.
func scaleRGBA(img image.Image, src image.Rectangle, w, h int) *image.RGBA {
	in := image.NewRGBA(image.Rect(0, 0, src.Dx(), src.Dy()))
	draw.Draw(in, in.Bounds(), img, src.Min, draw.Src)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	fx, fy := float64(src.Dx())/float64(w), float64(src.Dy())/float64(h)
	kx, ky := min(4, max(1, int(math.Ceil(fx)))), min(4, max(1, int(math.Ceil(fy))))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc [4]float64
			for j := 0; j < ky; j++ {
				sy := (float64(y)+(float64(j)+0.5)/float64(ky))*fy - 0.5
				for i := 0; i < kx; i++ {
					sx := (float64(x)+(float64(i)+0.5)/float64(kx))*fx - 0.5
					bilinear(in, sx, sy, &acc)
				}
			}
			n := float64(kx * ky)
			out.SetRGBA(x, y, color.RGBA{R: clamp8(acc[0] / n), G: clamp8(acc[1] / n), B: clamp8(acc[2] / n), A: clamp8(acc[3] / n)})
		}
	}
	return out
}

// bilinear adds the bilinear sample of img at (sx, sy) to acc.
func bilinear(img *image.RGBA, sx, sy float64, acc *[4]float64) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	sx, sy = math.Max(0, math.Min(sx, float64(w-1))), math.Max(0, math.Min(sy, float64(h-1)))
	x0, y0 := int(sx), int(sy)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	ax, ay := sx-float64(x0), sy-float64(y0)
	for k, wgt := range [4]float64{(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay} {
		px, py := [4]int{x0, x1, x0, x1}[k], [4]int{y0, y0, y1, y1}[k]
		o := py*img.Stride + px*4
		acc[0] += wgt * float64(img.Pix[o])
		acc[1] += wgt * float64(img.Pix[o+1])
		acc[2] += wgt * float64(img.Pix[o+2])
		acc[3] += wgt * float64(img.Pix[o+3])
	}
}
