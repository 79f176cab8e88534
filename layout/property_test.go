package layout

import (
	"fmt"
	"testing"
)

// TestProperties checks, for every family, every n and many canvases: even
// values, inside the canvas, the count of rects, painting order, every
// screen shown at most once, no overlap in Grid and ScreenShare, and in
// Float the small screens above the big one and not overlapping each other.
func TestProperties(t *testing.T) {
	all := append(append([][2]int{}, canvases...), oddCanvases...)
	for _, mc := range modeCases {
		for _, c := range all {
			for n := 0; n <= mc.max+2; n++ {
				if mc.name == "custom" && (n < 1 || n > mc.max) {
					continue // outside 1..25 entries is a validation error (TestCustomValidation)
				}
				p := mc.make(n, c[0], c[1])
				rs, err := Compute(nil, p)
				if err != nil {
					t.Fatalf("%s n=%d %dx%d: %v", mc.name, n, c[0], c[1], err)
				}
				if msg := checkLayout(p, rs); msg != "" {
					t.Errorf("%s n=%d %dx%d: %s", mc.name, n, c[0], c[1], msg)
				}
			}
		}
	}
}

// checkLayout returns "" or what is wrong with rs as a layout of p.
func checkLayout(p Params, rs []Rect) string {
	if want := wantCount(p); len(rs) != want {
		return fmt.Sprintf("%d rects, want %d", len(rs), want)
	}
	seen := map[int]bool{}
	for i, r := range rs {
		if r.X%2 != 0 || r.Y%2 != 0 || r.W%2 != 0 || r.H%2 != 0 {
			return fmt.Sprintf("rect %d %+v is not even", i, r.Box)
		}
		if r.W < 2 || r.H < 2 || r.X < 0 || r.Y < 0 || r.X+r.W > p.Width || r.Y+r.H > p.Height {
			return fmt.Sprintf("rect %d %+v is empty or leaves the %dx%d canvas", i, r.Box, p.Width, p.Height)
		}
		if i > 0 && r.Z < rs[i-1].Z {
			return fmt.Sprintf("rect %d: z %d after %d: not in painting order", i, r.Z, rs[i-1].Z)
		}
		if (r.Screen < 0) != r.Absent || (r.Screen >= 0 && (p.Screens[r.Screen].UserID != r.UserID || p.Screens[r.Screen].AudioOnly != r.AudioOnly)) {
			return fmt.Sprintf("rect %d %+v does not match its screen", i, r)
		}
		if r.Screen >= 0 && seen[r.Screen] {
			return fmt.Sprintf("screen %d shown twice", r.Screen)
		}
		seen[r.Screen] = true
	}
	switch p.Mode {
	case Grid, ScreenShare:
		return noOverlap(rs, 0)
	case Float:
		if len(rs) > 0 && (rs[0].Z != 0 || rs[0].Box != (Box{W: p.Width, H: p.Height})) {
			return fmt.Sprintf("float big %+v is not the whole canvas at z 0", rs[0])
		}
		for _, r := range rs[min(1, len(rs)):] {
			if r.Z <= rs[0].Z {
				return fmt.Sprintf("float small %+v is not above the big screen", r)
			}
		}
		return noOverlap(rs, 1)
	}
	return ""
}

// wantCount is the number of rects p should give, from the SPEC's limits.
func wantCount(p Params) int {
	n := len(p.Screens)
	switch p.Mode {
	case Custom:
		return len(p.Custom)
	case ScreenShare:
		if p.BigUserID != "" && p.find(p.BigUserID, p.BigMedia) < 0 {
			return min(n, 24) + 1 // the absent big user's placeholder
		}
		return min(n, 24)
	}
	return min(n, 25)
}

// noOverlap returns "" or the first two rects of rs[from:] that overlap.
func noOverlap(rs []Rect, from int) string {
	for i := from; i < len(rs); i++ {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].Rectangle().Overlaps(rs[j].Rectangle()) {
				return fmt.Sprintf("rects %d %+v and %d %+v overlap", i, rs[i].Box, j, rs[j].Box)
			}
		}
	}
	return ""
}

// TestGridSameSize checks that every grid screen of one layout has the
// same size and that full rows abut with no gap.
func TestGridSameSize(t *testing.T) {
	for _, c := range append(append([][2]int{}, canvases...), oddCanvases...) {
		for n := 1; n <= 25; n++ {
			rs, _ := Compute(nil, Params{Width: c[0], Height: c[1], Screens: screens(n)})
			cols, _ := gridShape(n)
			for i, r := range rs {
				if r.W != rs[0].W || r.H != rs[0].H {
					t.Fatalf("%dx%d n=%d: rect %d is %dx%d, rect 0 %dx%d", c[0], c[1], n, i, r.W, r.H, rs[0].W, rs[0].H)
				}
				if i%cols != 0 && r.X != rs[i-1].X+r.W {
					t.Fatalf("%dx%d n=%d: rect %d does not abut its left neighbour", c[0], c[1], n, i)
				}
			}
		}
	}
}

// TestShareCoversCanvas checks that in ScreenShare with a big user and full
// columns the big screen and the smalls abut: big width + columns = W.
func TestShareCoversCanvas(t *testing.T) {
	for _, c := range append(append([][2]int{}, canvases...), oddCanvases...) {
		for n := 1; n <= 24; n++ {
			rs, _ := Compute(nil, Params{Width: c[0], Height: c[1], Mode: ScreenShare, Screens: screens(n), BigUserID: "u01"})
			big := rs[0]
			for _, r := range rs[1:] {
				inStrip := big.H < c[1] && r.Y == big.H
				if !inStrip && r.X < big.W {
					t.Fatalf("%dx%d n=%d: small %+v does not abut the big screen %+v", c[0], c[1], n, r.Box, big.Box)
				}
			}
			if len(rs) > 1 && rs[1].X != big.W {
				t.Fatalf("%dx%d n=%d: first column at x=%d, big screen ends at %d", c[0], c[1], n, rs[1].X, big.W)
			}
		}
	}
}
