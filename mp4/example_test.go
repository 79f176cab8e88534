package mp4_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/mp4"
)

// Convert a finished recording (here 25 s of Opus written by an
// hls.Segmenter into a folder) into MP4 files of at most 10 s.
func ExampleConvert() {
	dir, err := os.MkdirTemp("", "mp4-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	start := time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)
	seg, err := hls.NewSegmenter(hls.Config{
		Audio: hls.CodecOpus, Start: start, PlaylistName: "rec/audio.m3u8",
		SegmentName: func(t time.Time) string {
			return "rec/audio_" + strings.ReplaceAll(t.UTC().Format("20060102150405.000"), ".", "") + ".ts"
		},
		Output: hls.DirOutput{Dir: dir},
	})
	if err != nil {
		log.Fatal(err)
	}
	for i := range 1250 { // 20 ms CELT packets
		if err := seg.WriteOpus(int64(i)*1800, []byte{0xFC, 0xFF, 0xFE}); err != nil {
			log.Fatal(err)
		}
	}
	if err := seg.Close(); err != nil {
		log.Fatal(err)
	}

	parts, err := mp4.Convert(context.Background(), mp4.Dir(dir), []string{"rec/audio.m3u8"}, mp4.Dir(dir),
		mp4.Options{
			MaxDuration: 10 * time.Second,
			Name: func(i int) string {
				if i == 0 {
					return "rec/audio.mp4"
				}
				return fmt.Sprintf("rec/audio_%d.mp4", i)
			},
		})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range parts {
		fmt.Println(p.Name, p.Duration, p.Start.Format("15:04:05.000"), p.Audio, p.Video)
	}
	// Output:
	// rec/audio_1.mp4 10s 09:45:51.825 true false
	// rec/audio_2.mp4 10s 09:46:01.825 true false
	// rec/audio_3.mp4 5s 09:46:11.825 true false
}
