package layout

import (
	"errors"
	"strings"
	"testing"
)

// TestWatermarks checks validation and placement of watermarks.
func TestWatermarks(t *testing.T) {
	good := Watermark{Left: 11, Top: 3, Width: 101, Height: 50, URL: "https://cdn.example.com/logo.png"}
	cases := []struct {
		name string
		edit func(m []Watermark) []Watermark
		msg  string // "" = valid
	}{
		{"good", func(m []Watermark) []Watermark { return m }, ""},
		{"none", func(m []Watermark) []Watermark { return nil }, ""},
		{"http upper-case scheme", func(m []Watermark) []Watermark { m[0].URL = "HTTP://example.com/a.png"; return m }, ""},
		{"25", func(m []Watermark) []Watermark { return repeat(m[0], 25) }, ""},
		{"26", func(m []Watermark) []Watermark { return repeat(m[0], 26) }, "at most 25"},
		{"ftp", func(m []Watermark) []Watermark { m[0].URL = "ftp://example.com/a.png"; return m }, "http or https"},
		{"file", func(m []Watermark) []Watermark { m[0].URL = "file:///etc/passwd"; return m }, "http or https"},
		{"relative", func(m []Watermark) []Watermark { m[0].URL = "/logo.png"; return m }, "http or https"},
		{"no host", func(m []Watermark) []Watermark { m[0].URL = "https:///logo.png"; return m }, "http or https"},
		{"garbage", func(m []Watermark) []Watermark { m[0].URL = "http://[::1"; return m }, "http or https"},
		{"empty url", func(m []Watermark) []Watermark { m[0].URL = ""; return m }, "http or https"},
		{"zero size", func(m []Watermark) []Watermark { m[0].Width = 0; return m }, "at least 2x2"},
		{"outside", func(m []Watermark) []Watermark { m[0].Left = 600; return m }, "outside"},
		{"negative", func(m []Watermark) []Watermark { m[0].Top = -1; return m }, "outside"},
	}
	for _, c := range cases {
		marks := c.edit([]Watermark{good})
		got, err := Watermarks(nil, 640, 360, marks)
		if c.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if len(got) != len(marks) {
				t.Errorf("%s: %d boxes for %d marks", c.name, len(got), len(marks))
			}
			continue
		}
		if !errors.Is(err, ErrMixWatermark) || !strings.Contains(err.Error(), c.msg) || got != nil {
			t.Errorf("%s: err = %v (%d boxes), want %s with %q", c.name, err, len(got), ErrMixWatermark, c.msg)
		}
	}
	got, _ := Watermarks(nil, 640, 360, []Watermark{good})
	if want := (Box{X: 10, Y: 2, W: 102, H: 50}); got[0] != want {
		t.Errorf("box = %+v, want %+v (edges floored to even)", got[0], want)
	}
	if err := ValidateWatermarks(641, 360, nil); !errors.Is(err, ErrCanvas) {
		t.Errorf("odd canvas: %v", err)
	}
}

func repeat(m Watermark, n int) []Watermark {
	out := make([]Watermark, n)
	for i := range out {
		out[i] = m
	}
	return out
}
