package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/roomrec/roomrec/layout"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "layoutpreview:", err)
		os.Exit(1)
	}
}

// run parses args, draws one contact sheet per layout mode into the -out
// folder and prints the path of each file to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("layoutpreview", flag.ContinueOnError)
	fs.SetOutput(stdout)
	out := fs.String("out", "./recordings/layouts/", "folder for the PNG contact sheets")
	size := fs.String("size", "384x216", "thumbnail canvas size WxH (even, at least 32x32)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	w, h, err := parseSize(*size)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, s := range sheets() {
		if err := ctx.Err(); err != nil {
			return err
		}
		img, err := drawSheet(s, w, h)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		path := filepath.Join(*out, s.name+".png")
		if err := writePNG(path, img); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
	}
	return nil
}

// parseSize reads "WxH".
func parseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(s, "x")
	if ok {
		w, err = strconv.Atoi(ws)
		if err == nil {
			h, err = strconv.Atoi(hs)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("-size %q: want WxH, for example 384x216", s)
	}
	return w, h, nil
}

// writePNG encodes img into path, through a temporary file renamed into
// place, and reports a failed close.
func writePNG(path string, img image.Image) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".layoutpreview-*.png")
	if err != nil {
		return err
	}
	err = f.Chmod(0o644)
	if err == nil {
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sheet is one contact sheet: a mode and how to build its params for n
// screens on a w×h canvas.
type sheet struct {
	name   string
	maxN   int
	params func(n, w, h int) layout.Params
}

// sheets returns the contact sheets, one per layout mode.
func sheets() []sheet {
	return []sheet{
		{"grid", 25, func(n, w, h int) layout.Params {
			return layout.Params{Width: w, Height: h, Mode: layout.Grid, Screens: demoScreens(n)}
		}},
		{"float", 25, func(n, w, h int) layout.Params {
			return layout.Params{Width: w, Height: h, Mode: layout.Float, Screens: demoScreens(n)}
		}},
		{"screenshare", 24, func(n, w, h int) layout.Params {
			return layout.Params{Width: w, Height: h, Mode: layout.ScreenShare, Screens: demoScreens(n), BigUserID: "user1"}
		}},
		{"custom", 25, func(n, w, h int) layout.Params {
			return layout.Params{Width: w, Height: h, Mode: layout.Custom, Screens: demoScreens(n), Custom: demoSlots(n, w, h)}
		}},
	}
}

// demoScreens returns n users user1…userN in join order; every fifth sends
// audio only.
func demoScreens(n int) []layout.Screen {
	s := make([]layout.Screen, n)
	for i := range s {
		s[i] = layout.Screen{UserID: "user" + strconv.Itoa(i+1), AudioOnly: i%5 == 4}
	}
	return s
}

// demoSlots returns a custom list for n users: user1 over the whole canvas,
// the others in a staircase of overlapping boxes, each above the previous
// one; every fourth slot is kept for a user who has not joined.
func demoSlots(n, w, h int) []layout.Slot {
	s := make([]layout.Slot, n)
	s[0] = layout.Slot{UserID: "user1", Width: w, Height: h}
	sw, sh := w/4, h/4
	for i := 1; i < n; i++ {
		user := "user" + strconv.Itoa(i+1)
		if i%4 == 3 {
			user = "absent" + strconv.Itoa(i+1)
		}
		s[i] = layout.Slot{
			UserID: user,
			Left:   (w - sw) * (i - 1) / 23, Top: (h - sh) * (i - 1) / 23,
			Width: sw, Height: sh, Layer: i,
		}
	}
	return s
}
