package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
)

// TestRun runs a short load (3 tasks, 5 s, the generated 720p clip, AAC)
// and checks the table, the summary and the recording left in -dir.
func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	var out bytes.Buffer
	err := run(ctx, []string{"-tasks", "3", "-duration", "5s", "-interval", "2s", "-segment", "2s", "-dir", dir}, &out)
	text := out.String()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, text)
	}
	rows := regexp.MustCompile(`(?m)^ +\d+s +[\d.]+ +[\d.]+% +[\d.]+ +[\d.]+ +\d+ +(\d+) +0 +0 +\d+ +\d+/[\d.]+MiB +\S+ +\S+$`).FindAllStringSubmatch(text, -1)
	if len(rows) < 2 {
		t.Errorf("want at least 2 rows of the table:\n%s", text)
	}
	for _, want := range []string{
		"elapsed   cpu%  cpu/task",
		"audio written as AAC",
		"dropped by the recorder: 0 (queue full 0, late 0, malformed 0); lost 0",
		"decoded:                 6 of 6 playlists, 0 failed",
		"peak RSS (VmHWM):",
		"memory trend:            heap ",
		"result:                  PASS",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	playlists, err := filepath.Glob(filepath.Join(dir, "recordings", "*", "*.m3u8"))
	if err != nil || len(playlists) != 6 {
		t.Fatalf("playlists %v, %v", playlists, err)
	}
	// The command's own check is an ffmpeg decode; confirm one independently.
	info, err := oracle.Probe(playlists[0], false)
	if err != nil {
		t.Fatal(err)
	}
	if d := info.Duration(); d < 3 || d > 7 {
		t.Errorf("%s lasts %.1f s, want about 5", playlists[0], d)
	}
}

// TestRunFails: a recorder that drops packets (a 2-packet queue, bursts of
// a whole keyframe every tick) makes run report FAIL and return an error.
func TestRunFails(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"-tasks", "1", "-duration", "2s", "-queue", "2", "-audio", "opus",
		"-video", filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), "-fps", "15"}, &out)
	if err == nil || !strings.Contains(err.Error(), "packets dropped by the recorder") {
		t.Fatalf("run: %v, want an error about dropped packets\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "result:                  FAIL") {
		t.Errorf("output lacks the FAIL line:\n%s", out.String())
	}
}

func TestFlags(t *testing.T) {
	tests := [][]string{
		{"-tasks", "0"},
		{"-duration", "0s"},
		{"-audio", "mp3"},
		{"-segment", "100ms"},
		{"-interval", "-1s"},
		{"-fps", "0"},
		{"-queue", "-1"},
		{"-nosuchflag"},
		{"extra"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), args, &out); err == nil {
				t.Errorf("run %q succeeded:\n%s", args, out.String())
			}
		})
	}
}
