package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/browsertest"
	"github.com/roomrec/roomrec/internal/oracle"
)

// TestRun runs the demo on a short recording and checks what it prints and
// writes: four playlists that FFmpeg decodes.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(ctx, []string{"-dir", dir, "-duration", "3s", "-speed", "3"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"recorded files (5 playlists)", "301 RECORDER_START", "305 UPLOAD_STOP", "codec_name=h264", "codec_name=aac"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	playlists, err := filepath.Glob(filepath.Join(dir, "*", "*.m3u8"))
	if err != nil || len(playlists) != 5 {
		t.Fatalf("playlists %v, %v", playlists, err)
	}
	for _, p := range playlists {
		if err := oracle.Decode(p); err != nil {
			t.Error(err)
		}
	}
	// Everything was uploaded: the spool holds no file.
	err = filepath.WalkDir(filepath.Join(dir, ".spool"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left in the spool: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRecordingPlaysInChromium: the demo's recording — every playlist, audio
// and video, of the H.264 publisher and of the VP8 one, and the mix — plays
// in headless Chromium with hls.js, without an hls.js error.
func TestRecordingPlaysInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(ctx, []string{"-dir", dir, "-duration", "5s", "-speed", "2"}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	playlists, err := filepath.Glob(filepath.Join(dir, "*", "*.m3u8"))
	if err != nil || len(playlists) != 5 {
		t.Fatalf("playlists %v, %v", playlists, err)
	}
	browser := browsertest.Start(t)
	player := browsertest.NewPlayer(t, dir)
	for _, p := range playlists {
		key, _ := filepath.Rel(dir, p)
		t.Logf("%s: %s", filepath.Base(p), player.Play(t, browser, filepath.ToSlash(key), 2))
	}
}
