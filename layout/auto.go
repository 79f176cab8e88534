package layout

// This file holds the three automatic layouts of SPEC §4: Grid, Float and
// ScreenShare. Sizes follow the SPEC's tables, floored to even pixels;
// positions are sums of the rounded sizes (see doc.go, "Rounding").

// gridShape returns the columns and rows of the grid for n screens: the
// screen size is W/cols × H/rows (SPEC §4, grid table).
func gridShape(n int) (cols, rows int) {
	switch {
	case n <= 1:
		return 1, 1
	case n == 2:
		return 2, 1
	case n <= 4:
		return 2, 2
	case n <= 9:
		return 3, 3
	case n <= 16:
		return 4, 4
	}
	return 5, 5
}

// gridLayout fills the screens left→right, top→bottom; an incomplete last row is
// centred horizontally and the block of used rows vertically.
func gridLayout(dst []Rect, p Params) []Rect {
	n := min(len(p.Screens), Grid.MaxScreens())
	if n == 0 {
		return dst
	}
	cols, rows := gridShape(n)
	w, h := part(p.Width, 1, cols), part(p.Height, 1, rows)
	used := (n + cols - 1) / cols
	y0 := even((p.Height - used*h) / 2)
	for i := range n {
		r, c := i/cols, i%cols
		inRow := min(cols, n-r*cols)
		x0 := even((p.Width - inRow*w) / 2)
		dst = append(dst, p.screenRect(i, Box{X: x0 + c*w, Y: y0 + r*h, W: w, H: h}, 0))
	}
	return dst
}

// floatShape returns the small screens per row and the small-screen size
// and the gap (= margin), in thousandths of the canvas, for n screens
// (SPEC §4, float).
func floatShape(n int) (perRow, size, gap int) {
	if n <= 17 {
		return 4, 235, 12
	}
	return 5, 188, 10
}

// floatLayout puts the big screen (the named user, else the first to join) over
// the whole canvas at Z 0 and the others at Z 1, left→right from the
// bottom-left corner, rows stacking upwards.
func floatLayout(dst []Rect, p Params) []Rect {
	n := min(len(p.Screens), Float.MaxScreens())
	if n == 0 {
		return dst
	}
	big := -1
	if p.BigUserID != "" {
		big = p.find(p.BigUserID, p.BigMedia)
	}
	if big < 0 {
		big = 0
	}
	dst = append(dst, p.screenRect(big, Box{W: p.Width, H: p.Height}, 0))
	perRow, size, gap := floatShape(n)
	w, h := part(p.Width, size, 1000), part(p.Height, size, 1000)
	gx, gy := part(p.Width, gap, 1000), part(p.Height, gap, 1000)
	k := 0
	for i := 0; i < len(p.Screens) && k < n-1; i++ {
		if i == big {
			continue
		}
		r, c := k/perRow, k%perRow
		b := Box{X: gx + c*(w+gx), Y: p.Height - gy - h - r*(h+gy), W: w, H: h}
		dst = append(dst, p.screenRect(i, b, 1))
		k++
	}
	return dst
}

// shareShape is the geometry of one row of the screen-share table.
type shareShape struct {
	sw, sh int // small screen size
	perCol int // small screens per right-hand column
	cols   int // right-hand columns
	strip  bool
}

// shareShapeFor returns the geometry for n screens counting the big one
// (SPEC §4, screen-share table). n = 25 (24 small screens and an empty big
// area) uses the 18–24 row, whose 24 small slots it fills exactly.
func shareShapeFor(n, width, height int) shareShape {
	switch {
	case n <= 5:
		return shareShape{sw: part(width, 1, 5), sh: part(height, 1, 4), perCol: 4, cols: 1}
	case n <= 7:
		return shareShape{sw: part(width, 1, 7), sh: part(height, 1, 6), perCol: 6, cols: 1}
	case n <= 9:
		return shareShape{sw: part(width, 1, 9), sh: part(height, 1, 8), perCol: 8, cols: 1}
	case n <= 17:
		return shareShape{sw: part(width, 1, 10), sh: part(height, 1, 8), perCol: 8, cols: 2}
	}
	return shareShape{sw: part(width, 1, 10), sh: part(height, 1, 8), perCol: 8, cols: 2, strip: true}
}

// shareLayout puts the named user in the big screen on the left (a
// placeholder when named but absent, nothing when nobody is named), and the
// others top→bottom in the right-hand columns, the column next to the big
// screen first; past 17 screens the rest go left→right along the bottom
// strip from the bottom-left corner.
func shareLayout(dst []Rect, p Params) []Rect {
	big := -1
	if p.BigUserID != "" {
		big = p.find(p.BigUserID, p.BigMedia)
	}
	maxSmall := ScreenShare.MaxScreens()
	others := len(p.Screens)
	if big >= 0 {
		maxSmall--
		others--
	}
	small := min(others, maxSmall)
	if small == 0 && p.BigUserID == "" {
		return dst
	}
	g := shareShapeFor(small+1, p.Width, p.Height)
	bigBox := Box{W: p.Width - g.cols*g.sw, H: p.Height}
	if g.strip {
		bigBox.H = p.Height - g.sh
	}
	switch {
	case big >= 0:
		dst = append(dst, p.screenRect(big, bigBox, 0))
	case p.BigUserID != "":
		dst = append(dst, Rect{Box: bigBox, Screen: -1, UserID: p.BigUserID, Media: media(p.BigMedia), Absent: true, Render: p.Render})
	}
	k := 0
	for i := 0; i < len(p.Screens) && k < small; i++ {
		if i == big {
			continue
		}
		b := Box{W: g.sw, H: g.sh}
		if k < g.cols*g.perCol {
			b.X = bigBox.W + (k/g.perCol)*g.sw
			b.Y = (k % g.perCol) * g.sh
		} else {
			b.X = (k - g.cols*g.perCol) * g.sw
			b.Y = p.Height - g.sh
		}
		dst = append(dst, p.screenRect(i, b, 0))
		k++
	}
	return dst
}
