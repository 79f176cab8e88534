package layout

// MaxSource is the largest source video width or height Fit accepts.
const MaxSource = 1 << 16

// Fit returns how a srcW×srcH video is drawn into the screen dst under
// mode: crop is the part of the source to scale (in source pixels) and
// inner the part of the canvas it is scaled onto (inside dst). crop is
// always even (an odd source size loses its last row or column); inner is
// even when dst is, as every Box from Compute is.
//
//   - RenderCrop: inner = dst; crop is the largest central part of the
//     source with dst's aspect ratio.
//   - RenderFit: crop = the whole source; inner is the largest box with the
//     source's aspect ratio centred in dst (letter- or pillar-boxed).
//   - RenderStretch: crop = the whole source; inner = dst.
//
// Fit never fails: when the source or dst is smaller than 2×2 or larger
// than MaxSource, or mode is invalid, crop is the zero Box (draw no video)
// and inner is dst.
func Fit(srcW, srcH int, dst Box, mode RenderMode) (crop, inner Box) {
	if !fitInput(srcW, srcH) || !fitInput(dst.W, dst.H) || !mode.Valid() {
		return Box{}, dst
	}
	whole := Box{W: even(srcW), H: even(srcH)}
	wider := srcW*dst.H > srcH*dst.W // source wider than the screen
	switch mode {
	case RenderStretch:
		return whole, dst
	case RenderFit:
		inner = dst
		if wider {
			inner.H = max(2, even(dst.W*srcH/srcW))
			inner.Y = dst.Y + even((dst.H-inner.H)/2)
		} else {
			inner.W = max(2, even(dst.H*srcW/srcH))
			inner.X = dst.X + even((dst.W-inner.W)/2)
		}
		return whole, inner
	}
	crop = whole
	if wider {
		crop.W = max(2, even(whole.H*dst.W/dst.H))
		crop.X = even((srcW - crop.W) / 2)
	} else {
		crop.H = max(2, even(whole.W*dst.H/dst.W))
		crop.Y = even((srcH - crop.H) / 2)
	}
	return crop, dst
}

func fitInput(w, h int) bool { return w >= 2 && h >= 2 && w <= MaxSource && h <= MaxSource }
