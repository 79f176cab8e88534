package layout

import (
	"net/url"
	"strings"

	"github.com/roomrec/roomrec/errcode"
)

// Watermark is one image drawn over the mixed video (the service's
// MixWatermark item).
type Watermark struct {
	// Top, Left, Width, Height place the image on the canvas, in pixels;
	// Width and Height are at least 2 and the image lies inside the canvas.
	Top, Left, Width, Height int
	// URL is where the image is downloaded from: http or https only.
	URL string
}

// ValidateWatermarks checks marks against a width×height canvas: at most
// MaxWatermarks, each inside the canvas, at least 2×2 pixels, with an http
// or https URL that names a host. It returns nil, or an *errcode.Error with
// ErrCanvas or ErrMixWatermark that says which watermark is wrong.
func ValidateWatermarks(width, height int, marks []Watermark) error {
	if err := validCanvas(width, height); err != nil {
		return err
	}
	if len(marks) > MaxWatermarks {
		return errcode.New(ErrMixWatermark, "MixWatermark has %d images: at most %d", len(marks), MaxWatermarks)
	}
	for i := range marks {
		m := &marks[i]
		switch {
		case m.Width < 2 || m.Height < 2:
			return errcode.New(ErrMixWatermark, "MixWatermark[%d]: size %dx%d must be at least 2x2", i, m.Width, m.Height)
		case m.Left < 0 || m.Top < 0 || m.Left > width-m.Width || m.Top > height-m.Height:
			return errcode.New(ErrMixWatermark, "MixWatermark[%d]: Left %d Top %d Width %d Height %d reaches outside the %dx%d canvas", i, m.Left, m.Top, m.Width, m.Height, width, height)
		}
		if u, err := url.Parse(m.URL); err != nil || !httpURL(u) {
			return errcode.Wrap(ErrMixWatermark, err, "MixWatermark[%d]: url %q must be an http or https URL with a host", i, m.URL)
		}
	}
	return nil
}

// httpURL reports whether u is an absolute http or https URL with a host.
func httpURL(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return (s == "http" || s == "https") && u.Host != ""
}

// Watermarks validates marks like ValidateWatermarks and appends the place
// of each on the canvas to dst, in list order (the painting order: later
// images on top), with edges floored to even pixels. On error it returns
// dst unchanged.
func Watermarks(dst []Box, width, height int, marks []Watermark) ([]Box, error) {
	if err := ValidateWatermarks(width, height, marks); err != nil {
		return dst, err
	}
	for i := range marks {
		m := &marks[i]
		x0, y0 := even(m.Left), even(m.Top)
		dst = append(dst, Box{X: x0, Y: y0, W: even(m.Left+m.Width) - x0, H: even(m.Top+m.Height) - y0})
	}
	return dst, nil
}
