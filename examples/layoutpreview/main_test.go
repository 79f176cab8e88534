package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun draws every sheet into a temporary folder and checks each PNG
// decodes with the expected size, and that pixels are where the layout
// puts them.
func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layouts")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-out", dir, "-size", "160x90"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, s := range sheets() {
		path := filepath.Join(dir, s.name+".png")
		if !strings.Contains(out.String(), path) {
			t.Errorf("stdout %q does not name %s", out.String(), path)
		}
		img := decode(t, path)
		w, h := sheetSize(s.maxN, 160, 90)
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%s: %v, want %dx%d", path, b, w, h)
		}
		// Thumbnail n=1 in every mode shows screen 1 over its canvas:
		// one pixel inside its top-left corner has screen 1's colour.
		at := image.Pt(pad+3, pad+label+3)
		if got, want := color.RGBAModel.Convert(img.At(at.X, at.Y)), screenColor(0); got != want {
			t.Errorf("%s: pixel %v = %v, want screen 1's colour %v", s.name, at, got, want)
		}
	}
	// Grid n=2 (second thumbnail): screen 2 fills the right half.
	img := decode(t, filepath.Join(dir, "grid.png"))
	at := image.Pt(pad+(160+pad)+80+10, pad+label+5)
	if got := color.RGBAModel.Convert(img.At(at.X, at.Y)); got != screenColor(1) {
		t.Errorf("grid n=2: pixel %v = %v, want screen 2's colour %v", at, got, screenColor(1))
	}
}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// TestRunErrors checks bad flags, a bad size, an unwritable folder and a
// cancelled context give errors.
func TestRunErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		args []string
		want string
	}{
		{"unknown flag", context.Background(), []string{"-nope"}, "not defined"},
		{"extra args", context.Background(), []string{"-out", t.TempDir(), "x"}, "unexpected arguments"},
		{"bad size", context.Background(), []string{"-out", t.TempDir(), "-size", "big"}, "want WxH"},
		{"odd size", context.Background(), []string{"-out", t.TempDir(), "-size", "161x90"}, "MixTranscodeParams"},
		{"out is a file", context.Background(), []string{"-out", filepath.Join(file, "sub")}, "not a directory"},
		{"cancelled", cancelled, []string{"-out", t.TempDir()}, "context canceled"},
	}
	for _, c := range cases {
		err := run(c.ctx, c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}
