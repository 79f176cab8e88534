package merge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/naming"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		opts Options
		code string // "" valid
	}{
		{Options{Dir: "d"}, ""},
		{Options{Dir: "d", Mode: ModeMerge, Save: true, AV: AVAux, FPS: 500, Width: 8192, Height: 2}, ""},
		{Options{}, "InvalidParameter.Dir"},
		{Options{Dir: "d", Mode: 2}, "InvalidParameter.Mode"},
		{Options{Dir: "d", AV: 3}, "InvalidParameter.AV"},
		{Options{Dir: "d", FPS: -1}, "InvalidParameter.FPS"},
		{Options{Dir: "d", Width: 640}, "InvalidParameter.Resolution"},
		{Options{Dir: "d", Width: 641, Height: 360}, "InvalidParameter.Resolution"},
		{Options{Dir: "d", Width: 8194, Height: 360}, "InvalidParameter.Resolution"},
		{Options{Dir: "d", Width: -2, Height: -2}, "InvalidParameter.Resolution"},
	}
	for i, tc := range tests {
		err := tc.opts.Validate()
		if got := string(errcode.CodeOf(err)); (err == nil) != (tc.code == "") || err != nil && got != tc.code {
			t.Errorf("case %d: Validate() = %v, want code %q", i, err, tc.code)
		}
	}
	for in, want := range map[int]int{1: 5, 4: 5, 5: 5, 15: 15, 120: 120, 121: 120, 1000: 120} {
		if got := ClampFPS(in); got != want {
			t.Errorf("ClampFPS(%d) = %d, want %d", in, got, want)
		}
	}
}

// TestRunErrors checks the clear errors of SPEC §7, and that a failing
// user does not stop the others.
func TestRunErrors(t *testing.T) {
	good := []stream{
		{user: "erin", media: naming.MediaMain, kind: naming.TrackVideo, codec: hls.CodecH264, runs: []run{{0, 3 * time.Second}}},
		{user: "erin", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: []run{{0, 3 * time.Second}}},
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		err     error
		mention []string // in the error message
		outputs int
	}{
		{"empty folder", func(*testing.T, string) {}, ErrEmpty, []string{"no file named"}, 0},
		{"playlists and other files only", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "1400123456_12345__UserId_s_YWxpY2U.__UserId_e_main_video.m3u8"), "#EXTM3U\n")
			write(t, filepath.Join(dir, "notes.ts"), "x")
		}, ErrEmpty, nil, 0},
		{"task folder one level down", func(t *testing.T, dir string) {
			record(t, filepath.Join(dir, "task1"), good...)
		}, ErrEmpty, []string{"subfolder task1"}, 0},
		{"mixed-stream recording", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "1400123456_12345_20330531094551825.ts"), "")
		}, ErrEmpty, []string{"mixed-stream"}, 0},
		{"corrupt TS", func(t *testing.T, dir string) {
			record(t, dir, append(good, stream{user: "frank", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: []run{{0, 2 * time.Second}}})...)
			bad := filepath.Join(dir, naming.Name{SdkAppID: 1, Room: naming.RoomID{Num: 2}, UserID: "frank", Media: naming.MediaMain, Type: naming.TrackAudio, Kind: naming.KindTS, UTC: t0.Add(time.Second)}.File())
			write(t, bad, strings.Repeat("not a transport stream ", 100))
		}, ErrCorrupt, []string{`"frank"`, "_20330531094552825.ts", "not MPEG-TS"}, 1},
		{"empty TS", func(t *testing.T, dir string) {
			record(t, dir, good...)
			write(t, filepath.Join(dir, naming.Name{SdkAppID: 1, Room: naming.RoomID{Num: 2}, UserID: "frank", Media: naming.MediaMain, Type: naming.TrackAudio, Kind: naming.KindTS, UTC: t0}.File()), "")
		}, ErrCorrupt, []string{`"frank"`, "no program map table"}, 1},
		{"video without audio", func(t *testing.T, dir string) {
			record(t, dir, append(good, stream{user: "gina", media: naming.MediaMain, kind: naming.TrackVideo, codec: hls.CodecH264, runs: []run{{0, 2 * time.Second}}})...)
		}, ErrNoAudio, []string{`"gina"`, "no audio"}, 1},
		{"audio without the main video", func(t *testing.T, dir string) {
			record(t, dir, append(good,
				stream{user: "hugo", media: naming.MediaAux, kind: naming.TrackVideo, codec: hls.CodecH264, runs: []run{{0, 2 * time.Second}}},
				stream{user: "hugo", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: []run{{0, 2 * time.Second}}})...)
		}, ErrNoVideo, []string{`"hugo"`, "only aux video", "-a 1"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			outs, err := Run(context.Background(), Options{Dir: dir, Out: t.TempDir()})
			if !errors.Is(err, tc.err) {
				t.Fatalf("Run() = %v, want %v", err, tc.err)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if len(outs) != tc.outputs {
				t.Errorf("%d outputs, want %d", len(outs), tc.outputs)
			}
		})
	}
}

func TestRunMissingFolder(t *testing.T) {
	_, err := Run(context.Background(), Options{Dir: filepath.Join(t.TempDir(), "missing")})
	if !errors.Is(err, errcode.InvalidParameter.Detail("Dir")) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
}

// TestRunCanceled checks that a canceled context stops the run.
func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Options{Dir: room(t), Out: t.TempDir(), AV: AVAuto})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
