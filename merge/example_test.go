package merge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/merge"
	"github.com/roomrec/roomrec/naming"
)

// ExampleRun merges a small recording: one user's Opus audio with a 20 s
// pause, in merge mode with the pause removed (-m 1 -s).
func ExampleRun() {
	dir, err := os.MkdirTemp("", "merge-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	start := time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)
	if err := recordSilence(dir, start); err != nil {
		fmt.Println(err)
		return
	}
	outs, err := merge.Run(context.Background(), merge.Options{Dir: dir, Mode: merge.ModeMerge, Save: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range outs {
		fmt.Println(o.Name, o.Duration, o.Segments, "segments")
	}
	// Output:
	// Ym9i_20330531094551825.m4a 5s 2 segments
}

// recordSilence records user "bob" as the recorder would: 2 s of Opus
// audio, a 20 s pause, 3 s more.
func recordSilence(dir string, start time.Time) error {
	name := naming.Name{SdkAppID: 1400123456, Room: naming.RoomID{Num: 12345}, UserID: "bob",
		Media: naming.MediaMain, Type: naming.TrackAudio, Kind: naming.KindM3U8}
	seg, err := hls.NewSegmenter(hls.Config{
		Audio:        hls.CodecOpus,
		Start:        start,
		PlaylistName: name.File(),
		SegmentName:  func(t time.Time) string { return name.Segment(t).File() },
		Output:       hls.DirOutput{Dir: dir},
	})
	if err != nil {
		return err
	}
	silence := []byte{0xFC, 0xFF, 0xFE} // 20 ms of stereo Opus silence
	for _, run := range [][2]int64{{0, 2}, {22, 25}} {
		for pts := run[0] * 90000; pts < run[1]*90000; pts += 1800 {
			if err := seg.WriteOpus(pts, silence); err != nil {
				return err
			}
		}
	}
	if err := seg.Close(); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.ts"))
	if err == nil && len(files) != 2 {
		err = fmt.Errorf("%d segments recorded, want 2", len(files))
	}
	return err
}
