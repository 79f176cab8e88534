package layout

import (
	"errors"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// slotCases are custom lists on a 640×360 canvas with the code each must
// give ("" = valid). The same table seeds FuzzCustom.
var slotCases = []struct {
	name  string
	slots []Slot
	code  errcode.Code
	msg   string // a part of the message
}{
	{"one full", []Slot{{UserID: "a", Width: 640, Height: 360}}, "", ""},
	{"corner 2x2", []Slot{{UserID: "a", Left: 638, Top: 358, Width: 2, Height: 2, Layer: MaxLayer}}, "", ""},
	{"same user main and aux", []Slot{{UserID: "a", Width: 10, Height: 10}, {UserID: "a", Media: naming.MediaAux, Width: 10, Height: 10}}, "", ""},
	{"two unnamed", []Slot{{Width: 10, Height: 10}, {Width: 10, Height: 10}}, "", ""},
	{"odd edges", []Slot{{UserID: "a", Left: 1, Top: 1, Width: 3, Height: 3, Render: RenderStretch}}, "", ""},
	{"empty list", nil, ErrMixLayoutList, "empty"},
	{"26 entries", make26(), ErrMixLayoutList, "at most 25"},
	{"duplicate", []Slot{{UserID: "a", Width: 10, Height: 10}, {UserID: "a", Media: naming.MediaMain, Width: 20, Height: 20}}, ErrMixLayoutList, "already placed by entry 0"},
	{"zero width", []Slot{{UserID: "a", Height: 10}}, ErrMixLayoutList, "at least 2x2"},
	{"1 px high", []Slot{{UserID: "a", Width: 10, Height: 1}}, ErrMixLayoutList, "at least 2x2"},
	{"negative left", []Slot{{UserID: "a", Left: -2, Width: 10, Height: 10}}, ErrMixLayoutList, "outside"},
	{"past right", []Slot{{UserID: "a", Left: 632, Width: 10, Height: 10}}, ErrMixLayoutList, "outside"},
	{"past bottom", []Slot{{UserID: "a", Top: 351, Width: 10, Height: 10}}, ErrMixLayoutList, "outside"},
	{"huge width", []Slot{{UserID: "a", Left: 10, Width: int(^uint(0) >> 1), Height: 10}}, ErrMixLayoutList, "outside"},
	{"layer high", []Slot{{UserID: "a", Width: 10, Height: 10, Layer: MaxLayer + 1}}, ErrMixLayoutList, "ImageLayer"},
	{"layer negative", []Slot{{UserID: "a", Width: 10, Height: 10, Layer: -1}}, ErrMixLayoutList, "ImageLayer"},
	{"render mode", []Slot{{UserID: "a", Width: 10, Height: 10, Render: 3}}, ErrMixLayoutList, "RenderMode"},
	{"media", []Slot{{UserID: "a", Width: 10, Height: 10, Media: "sub"}}, ErrMixLayoutList, "MediaId"},
}

func make26() []Slot {
	s := make([]Slot, 26)
	for i := range s {
		s[i] = Slot{Width: 10, Height: 10}
	}
	return s
}

// TestCustomValidation checks every case of slotCases through Compute.
func TestCustomValidation(t *testing.T) {
	for _, c := range slotCases {
		t.Run(c.name, func(t *testing.T) {
			p := Params{Width: 640, Height: 360, Mode: Custom, Screens: screens(3), Custom: c.slots}
			dst := make([]Rect, 1, 30)
			got, err := Compute(dst, p)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if msg := checkLayout(p, got[1:]); msg != "" {
					t.Fatal(msg)
				}
				return
			}
			if !errors.Is(err, c.code) || !errors.Is(err, errcode.InvalidParameter) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want %s containing %q", err, c.code, c.msg)
			}
			if len(got) != 1 {
				t.Errorf("dst changed on error: %d rects", len(got))
			}
		})
	}
}

// TestValidate checks the other parameters.
func TestValidate(t *testing.T) {
	ok := Params{Width: 640, Height: 360}
	cases := []struct {
		name string
		edit func(p *Params)
		code errcode.Code
	}{
		{"zero mode is grid", func(p *Params) {}, ""},
		{"each mode", func(p *Params) { p.Mode = Float }, ""},
		{"min canvas", func(p *Params) { p.Width, p.Height = MinCanvas, MinCanvas }, ""},
		{"max canvas", func(p *Params) { p.Width, p.Height = MaxCanvas, MaxCanvas }, ""},
		{"odd width", func(p *Params) { p.Width = 641 }, ErrCanvas},
		{"odd height", func(p *Params) { p.Height = 361 }, ErrCanvas},
		{"small", func(p *Params) { p.Width = MinCanvas - 2 }, ErrCanvas},
		{"big", func(p *Params) { p.Height = MaxCanvas + 2 }, ErrCanvas},
		{"negative", func(p *Params) { p.Width = -640 }, ErrCanvas},
		{"mode 5", func(p *Params) { p.Mode = 5 }, ErrMixLayoutMode},
		{"big media", func(p *Params) { p.BigMedia = "AUX" }, ErrMediaID},
		{"screen media", func(p *Params) { p.Screens = []Screen{{UserID: "a", Media: "x"}} }, ErrMediaID},
		{"render", func(p *Params) { p.Render = 9 }, ErrRenderMode},
		{"custom list ignored by grid", func(p *Params) { p.Custom = make26() }, ""},
		{"custom needs a list", func(p *Params) { p.Mode = Custom }, ErrMixLayoutList},
	}
	for _, c := range cases {
		p := ok
		c.edit(&p)
		err := p.Validate()
		if c.code == "" && err != nil || c.code != "" && !errors.Is(err, c.code) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.code)
		}
		if _, cerr := Compute(nil, p); (cerr == nil) != (err == nil) {
			t.Errorf("%s: Compute err %v, Validate err %v", c.name, cerr, err)
		}
	}
}

// TestModeStrings checks the closed sets' Valid and String.
func TestModeStrings(t *testing.T) {
	for m, want := range map[Mode]string{Float: "float", ScreenShare: "screenshare", Grid: "grid", Custom: "custom", 0: "Mode(0)", 5: "Mode(5)"} {
		if m.String() != want || m.Valid() != !strings.HasPrefix(want, "Mode(") {
			t.Errorf("Mode %d: %q valid=%v", m, m.String(), m.Valid())
		}
	}
	for r, want := range map[RenderMode]string{RenderCrop: "crop", RenderFit: "fit", RenderStretch: "stretch", 3: "RenderMode(3)"} {
		if r.String() != want || r.Valid() != !strings.HasPrefix(want, "RenderMode(") {
			t.Errorf("RenderMode %d: %q valid=%v", r, r.String(), r.Valid())
		}
	}
	if Grid.MaxScreens() != 25 || ScreenShare.MaxScreens() != 24 || Mode(0).MaxScreens() != 0 {
		t.Error("MaxScreens wrong")
	}
}

// TestCustomMatching checks how entries find their streams: by user and
// MediaId, and entries without a user take unnamed streams in join order.
func TestCustomMatching(t *testing.T) {
	ss := []Screen{{UserID: "a"}, {UserID: "b"}, {UserID: "a", Media: naming.MediaAux}, {UserID: "c", AudioOnly: true}, {UserID: "d", Media: naming.MediaAux}}
	slots := []Slot{
		{Width: 10, Height: 10, Layer: 3},                            // next unnamed main: b (a is named below)
		{UserID: "a", Media: naming.MediaAux, Width: 10, Height: 10}, // a's screen share
		{Width: 10, Height: 10, Media: naming.MediaAux, Layer: 1},    // next unnamed aux: d
		{UserID: "a", Width: 10, Height: 10, Layer: 3},               // a main
		{Width: 10, Height: 10},                                      // next unnamed main: c
		{Width: 10, Height: 10},                                      // none left
		{UserID: "z", Width: 10, Height: 10},                         // absent
	}
	got, err := Compute(nil, Params{Width: 640, Height: 360, Mode: Custom, Screens: ss, Custom: slots})
	if err != nil {
		t.Fatal(err)
	}
	// painting order: layer 0 entries (1, 4, 5, 6), layer 1 (2), layer 3 (0, 3).
	want := []struct {
		screen int
		user   string
		absent bool
	}{{2, "a", false}, {3, "c", false}, {-1, "", true}, {-1, "z", true}, {4, "d", false}, {1, "b", false}, {0, "a", false}}
	for i, w := range want {
		if got[i].Screen != w.screen || got[i].UserID != w.user || got[i].Absent != w.absent {
			t.Errorf("rect %d = screen %d user %q absent %v, want %+v", i, got[i].Screen, got[i].UserID, got[i].Absent, w)
		}
	}
	if !got[1].AudioOnly || got[0].Media != naming.MediaAux {
		t.Errorf("flags lost: %+v %+v", got[0], got[1])
	}
}

// FuzzCustom feeds arbitrary one- and two-entry lists: Compute must either
// return InvalidParameter.MixLayoutList or a layout inside the canvas with
// even values; it never panics.
func FuzzCustom(f *testing.F) {
	for _, c := range slotCases {
		if len(c.slots) == 0 || len(c.slots) > 2 {
			continue
		}
		a := c.slots[0]
		b := a
		if len(c.slots) == 2 {
			b = c.slots[1]
		}
		f.Add(a.UserID, string(a.Media), a.Left, a.Top, a.Width, a.Height, a.Layer, uint8(a.Render), b.UserID, b.Left, b.Top, b.Width, b.Height)
	}
	f.Fuzz(func(t *testing.T, user, med string, left, top, w, h, layer int, render uint8, user2 string, left2, top2, w2, h2 int) {
		slots := []Slot{
			{UserID: user, Media: naming.MediaID(med), Left: left, Top: top, Width: w, Height: h, Layer: layer, Render: RenderMode(render)},
			{UserID: user2, Left: left2, Top: top2, Width: w2, Height: h2},
		}
		p := Params{Width: 640, Height: 360, Mode: Custom, Screens: screens(3), Custom: slots}
		got, err := Compute(nil, p)
		if err != nil {
			if !errors.Is(err, ErrMixLayoutList) {
				t.Fatalf("err = %v, want %s", err, ErrMixLayoutList)
			}
			return
		}
		if msg := checkLayout(p, got); msg != "" {
			t.Fatal(msg)
		}
	})
}
