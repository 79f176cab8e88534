package layout

import (
	"slices"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// validateSlots checks a custom MixLayoutList against a width×height canvas.
func validateSlots(width, height int, slots []Slot) error {
	if len(slots) == 0 {
		return errcode.New(ErrMixLayoutList, "MixLayoutList is empty: custom layout mode needs at least one entry")
	}
	if len(slots) > Custom.MaxScreens() {
		return errcode.New(ErrMixLayoutList, "MixLayoutList has %d entries: at most %d", len(slots), Custom.MaxScreens())
	}
	for i := range slots {
		if err := validateSlot(width, height, i, &slots[i]); err != nil {
			return err
		}
		for j := range i {
			if slots[i].UserID != "" && slots[i].UserID == slots[j].UserID && media(slots[i].Media) == media(slots[j].Media) {
				return errcode.New(ErrMixLayoutList, "MixLayoutList[%d]: user %q with MediaId %s is already placed by entry %d", i, slots[i].UserID, media(slots[i].Media), j)
			}
		}
	}
	return nil
}

// validateSlot checks entry i alone.
func validateSlot(width, height, i int, s *Slot) error {
	switch {
	case !validMedia(s.Media):
		return errcode.New(ErrMixLayoutList, "MixLayoutList[%d] (user %q): MediaId %q must be main or aux", i, s.UserID, string(s.Media))
	case !s.Render.Valid():
		return errcode.New(ErrMixLayoutList, "MixLayoutList[%d] (user %q): RenderMode %d must be crop, fit or stretch", i, s.UserID, int(s.Render))
	case s.Layer < 0 || s.Layer > MaxLayer:
		return errcode.New(ErrMixLayoutList, "MixLayoutList[%d] (user %q): ImageLayer %d must be within 0..%d", i, s.UserID, s.Layer, MaxLayer)
	case s.Width < 2 || s.Height < 2:
		return errcode.New(ErrMixLayoutList, "MixLayoutList[%d] (user %q): size %dx%d must be at least 2x2", i, s.UserID, s.Width, s.Height)
	case s.Left < 0 || s.Top < 0 || s.Left > width-s.Width || s.Top > height-s.Height:
		return errcode.New(ErrMixLayoutList, "MixLayoutList[%d] (user %q): Left %d Top %d Width %d Height %d reaches outside the %dx%d canvas", i, s.UserID, s.Left, s.Top, s.Width, s.Height, width, height)
	}
	return nil
}

// customLayout appends one Rect per entry of p.Custom (absent users keep
// their slot, marked Absent), in painting order: by layer, list order
// within a layer. Validate has bounded the list to 25 entries.
func customLayout(dst []Rect, p Params) []Rect {
	n := min(len(p.Custom), len([25]int{}))
	var idx [25]int    // the screen of each entry, -1 when absent
	var order [25]int8 // entry indices in painting order
	for i := range n {
		idx[i] = -1
		if p.Custom[i].UserID != "" {
			idx[i] = p.find(p.Custom[i].UserID, p.Custom[i].Media)
		}
	}
	var cursor [2]int // next screen to try for unnamed entries: main, aux
	for i := range n {
		if p.Custom[i].UserID == "" {
			m := media(p.Custom[i].Media)
			c := &cursor[mediaIndex(m)]
			idx[i], *c = nextUnnamed(p.Screens, m, *c, idx[:n])
		}
		order[i] = int8(i)
		for j := i; j > 0 && p.Custom[order[j-1]].Layer > p.Custom[i].Layer; j-- {
			order[j-1], order[j] = order[j], order[j-1]
		}
	}
	for _, i := range order[:n] {
		dst = append(dst, p.slotRect(&p.Custom[i], idx[i]))
	}
	return dst
}

// slotRect returns the Rect of entry s showing screen idx (-1: absent).
func (p *Params) slotRect(s *Slot, idx int) Rect {
	x0, y0 := even(s.Left), even(s.Top)
	b := Box{X: x0, Y: y0, W: even(s.Left+s.Width) - x0, H: even(s.Top+s.Height) - y0}
	r := Rect{Box: b, Z: s.Layer, Screen: idx, UserID: s.UserID, Media: media(s.Media), Absent: idx < 0, Render: s.Render}
	if idx >= 0 {
		r.UserID = p.Screens[idx].UserID
		r.AudioOnly = p.Screens[idx].AudioOnly
	}
	return r
}

func mediaIndex(m naming.MediaID) int {
	if m == naming.MediaAux {
		return 1
	}
	return 0
}

// nextUnnamed returns the first screen at or after from with media m that
// is not in taken (the screens of named entries, and those already given to
// unnamed ones), and the index to resume from; -1 if none.
func nextUnnamed(screens []Screen, m naming.MediaID, from int, taken []int) (idx, next int) {
	for i := from; i < len(screens); i++ {
		if media(screens[i].Media) == m && !slices.Contains(taken, i) {
			return i, i + 1
		}
	}
	return -1, len(screens)
}
