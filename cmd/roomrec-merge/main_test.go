package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/merge"
	"github.com/roomrec/roomrec/naming"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recording writes user "alice": 15 fps H.264 video and Opus audio,
// 0–3 s and 20–22 s.
func recording(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	aus, err := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)
	for _, kind := range []naming.TrackType{naming.TrackVideo, naming.TrackAudio} {
		name := naming.Name{SdkAppID: 1400123456, Room: naming.RoomID{Num: 12345}, UserID: "alice", Media: naming.MediaMain, Type: kind, Kind: naming.KindM3U8}
		cfg := hls.Config{Start: start, PlaylistName: name.File(), Output: hls.DirOutput{Dir: dir},
			SegmentName: func(at time.Time) string { return name.Segment(at).File() }}
		if kind == naming.TrackVideo {
			cfg.Video = hls.CodecH264
		} else {
			cfg.Audio = hls.CodecOpus
		}
		seg, err := hls.NewSegmenter(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range [][2]int64{{0, 3}, {20, 22}} {
			for i, pts := 0, r[0]*90000; pts < r[1]*90000; i++ {
				if kind == naming.TrackVideo {
					nalus, err := splitNALUs(aus[i%len(aus)].Data)
					if err == nil {
						err = seg.WriteH264(pts, pts, nalus)
					}
					if err != nil {
						t.Fatal(err)
					}
					pts += 6000
				} else {
					if err := seg.WriteOpus(pts, []byte{0xFC, 0xFF, 0xFE}); err != nil {
						t.Fatal(err)
					}
					pts += 1800
				}
			}
		}
		if err := seg.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// splitNALUs splits an Annex B access unit into NAL units.
func splitNALUs(b []byte) ([][]byte, error) {
	var out [][]byte
	for _, part := range bytes.Split(b, []byte{0, 0, 1}) {
		part = bytes.TrimRight(part, "\x00")
		if len(part) > 0 {
			out = append(out, part)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no NAL unit")
	}
	return out, nil
}

func TestRun(t *testing.T) {
	dir := recording(t)
	user := naming.EncodeID("alice")
	tests := []struct {
		name  string
		args  []string
		files []string // printed and written, in order
		info  string   // in every line
	}{
		{"segments", nil, []string{user + "_20330531094551825_av.mp4", user + "_20330531094611825_av.mp4"}, "video+audio"},
		{"merge", []string{"-m", "1"}, []string{user + "_20330531094551825_av.mp4"}, "22.000s"},
		{"merge, save, all flags", []string{"-m", "1", "-s", "-a", "1", "-p", "15", "-r", "640", "360"},
			[]string{user + "_20330531094551825_av.mp4"}, "5.000s\tvideo+audio\n"},
		{"re-encoded", []string{"-r=320x180", "-m", "1", "-s"}, []string{user + "_20330531094551825_av.mp4"}, "(video re-encoded)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			args := append([]string{"-f", dir, "-o", out}, tc.args...)
			if err := run(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("run: %v\n%s", err, stderr.String())
			}
			lines := strings.SplitAfter(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			if len(lines) != len(tc.files) {
				t.Fatalf("stdout %q, want %d files", stdout.String(), len(tc.files))
			}
			for i, f := range tc.files {
				path := filepath.Join(out, f)
				if !strings.HasPrefix(lines[i], path+"\t") || !strings.Contains(lines[i]+"\n", tc.info) {
					t.Errorf("line %q, want %s and %q", lines[i], path, tc.info)
				}
				if err := oracle.Decode(path); err != nil {
					t.Error(err)
				}
			}
			if strings.Contains(stderr.String(), "\r") {
				t.Errorf("progress bar drawn on a buffer: %q", stderr.String())
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		err     error
		message string // on stderr
	}{
		{"no folder", nil, errUsage, "-f DIR is required"},
		{"bad mode", []string{"-f", "x", "-m", "2"}, errUsage, "-m must be 0 or 1, got 2"},
		{"bad av", []string{"-f", "x", "-a", "-1"}, errUsage, "-a must be 0, 1 or 2, got -1"},
		{"odd size", []string{"-f", "x", "-r", "641", "360"}, errUsage, "must be even"},
		{"one size value", []string{"-f", "x", "-r", "640"}, errUsage, "want -r W H or -r WxH"},
		{"unknown flag", []string{"-f", "x", "-q"}, errUsage, "flag provided but not defined: -q"},
		{"stray argument", []string{"-f", "x", "y"}, errUsage, `unexpected argument "y"`},
		{"empty folder", []string{"-f", t.TempDir()}, merge.ErrEmpty, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if !errors.Is(err, tc.err) || !strings.Contains(stderr.String(), tc.message) {
				t.Errorf("run = %v, stderr %q; want %v and %q", err, stderr.String(), tc.err, tc.message)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		want merge.Options
	}{
		{[]string{"-f", "d"}, merge.Options{Dir: "d"}},
		{[]string{"-f", "d", "-p", "3"}, merge.Options{Dir: "d", FPS: 5}},
		{[]string{"-f", "d", "-p", "500"}, merge.Options{Dir: "d", FPS: 120}},
		{[]string{"-f", "d", "-p", "15"}, merge.Options{Dir: "d", FPS: 15}},
		{[]string{"-r", "640", "360", "-f", "d"}, merge.Options{Dir: "d", Width: 640, Height: 360}},
		{[]string{"-f", "d", "-r", "1280X720", "-m", "1", "-s", "-a", "2"}, merge.Options{Dir: "d", Width: 1280, Height: 720, Mode: merge.ModeMerge, Save: true, AV: merge.AVAux}},
	}
	for _, tc := range tests {
		got, err := parseFlags(tc.args, &bytes.Buffer{})
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseFlags(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer taken for a terminal")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if !isTerminal(null) {
		t.Error("a character device not taken for a terminal")
	}
}
