package api

import (
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

// TestMixEnumerations checks every value of the service's enumerations
// against the recorder's (the service's numbering differs for RenderMode
// and SampleRate).
func TestMixEnumerations(t *testing.T) {
	u := func(v uint64) *uint64 { return &v }
	renders := []struct {
		in   *uint64
		out  layout.RenderMode
		code errcode.Code
	}{
		{nil, layout.RenderCrop, ""},
		{u(0), layout.RenderStretch, ""},
		{u(1), layout.RenderCrop, ""},
		{u(2), layout.RenderFit, ""},
		{u(3), 0, errcode.Unsupported},
		{u(4), 0, layout.ErrRenderMode},
		{u(1 << 63), 0, layout.ErrRenderMode},
	}
	for _, c := range renders {
		got, err := renderMode(c.in, layout.ErrRenderMode, "RenderMode")
		if errcode.CodeOf(err) != c.code || (err == nil && got != c.out) {
			t.Errorf("renderMode(%v) = %v, %v; want %v, %q", c.in, got, err, c.out, c.code)
		}
	}
	rates := map[uint64]int{0: 0, 1: 48000, 2: 44100, 3: 16000}
	for in, want := range rates {
		if got, err := sampleRate(u(in)); err != nil || got != want {
			t.Errorf("sampleRate(%d) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []uint64{4, 16000, 48000} {
		if _, err := sampleRate(u(in)); errcode.CodeOf(err) != layout.ErrCanvas {
			t.Errorf("sampleRate(%d) = %v, want %s", in, err, layout.ErrCanvas)
		}
	}
	medias := []struct {
		in  *uint64
		out naming.MediaID
		ok  bool
	}{{nil, naming.MediaMain, true}, {u(0), naming.MediaMain, true}, {u(1), naming.MediaAux, true}, {u(2), "", false}}
	for _, c := range medias {
		got, err := mediaID(c.in, layout.ErrMediaID, "MediaId")
		if (err == nil) != c.ok || got != c.out {
			t.Errorf("mediaID(%v) = %q, %v", c.in, got, err)
		}
	}
}

func TestBackgroundColor(t *testing.T) {
	s := func(v string) *string { return &v }
	good := map[string]uint32{"": 0, "#000000": 0, "#FFA500": 0xFFA500, "#ffa500": 0xFFA500, "#FFFFFF": 0xFFFFFF}
	for in, want := range good {
		if got, err := backgroundColor(s(in)); err != nil || got != want {
			t.Errorf("backgroundColor(%q) = %06X, %v; want %06X", in, got, err, want)
		}
	}
	for _, in := range []string{"FFA500", "#FFA50", "#FFA5000", "#+FFA50", "#GGGGGG", "0xFFA500", "orange", "#FF_A50"} {
		if _, err := backgroundColor(s(in)); errcode.CodeOf(err) != errcode.InvalidParameter.Detail("BackGroundColor") {
			t.Errorf("backgroundColor(%q) = %v, want InvalidParameter.BackGroundColor", in, err)
		}
	}
	if got, err := backgroundColor(nil); err != nil || got != 0 {
		t.Errorf("backgroundColor(nil) = %06X, %v", got, err)
	}
}
