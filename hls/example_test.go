package hls_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/roomrec/roomrec/hls"
)

// A Segmenter for one user's audio track: 20 ms Opus packets in, TS
// segments and a growing playlist out.
func ExampleSegmenter() {
	dir, err := os.MkdirTemp("", "hls-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	start := time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)
	s, err := hls.NewSegmenter(hls.Config{
		Audio:          hls.CodecOpus,
		AudioChannels:  2,
		TargetDuration: 2 * time.Second,
		Start:          start,
		PlaylistName:   "rec.m3u8",
		SegmentName: func(t time.Time) string {
			return "rec_" + strings.ReplaceAll(t.UTC().Format("20060102150405.000"), ".", "") + ".ts"
		},
		Output: hls.DirOutput{Dir: dir},
		OnSegment: func(seg hls.Segment) {
			fmt.Printf("segment %s lasts %v\n", seg.Name, seg.Duration)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	packet := []byte{0xFC, 0xFF, 0xFE} // a 20 ms CELT packet (TOC + payload)
	for i := range 250 {               // 5 s
		if err := s.WriteOpus(int64(i)*1800, packet); err != nil {
			log.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	playlist, err := os.ReadFile(filepath.Join(dir, "rec.m3u8"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(playlist))
	// Output:
	// segment rec_20330531094551825.ts lasts 2s
	// segment rec_20330531094553825.ts lasts 2s
	// segment rec_20330531094555825.ts lasts 1s
	// #EXTM3U
	// #EXT-X-VERSION:3
	// #EXT-X-ALLOW-CACHE:NO
	// #EXT-X-MEDIA-SEQUENCE:0
	// #EXT-X-TARGETDURATION:2
	// #EXT-X-TRTC-START-REC-TIME:2001145551825
	// #EXTINF:2.000,
	// rec_20330531094551825.ts
	// #EXTINF:2.000,
	// rec_20330531094553825.ts
	// #EXTINF:1.000,
	// rec_20330531094555825.ts
	// #EXT-X-ENDLIST
}

// ReadPlaylist reads the playlist of SPEC §3, with or without the comma
// after the EXTINF duration.
func ExampleReadPlaylist() {
	const m3u8 = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-ALLOW-CACHE:NO
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-TARGETDURATION:70
#EXT-X-TRTC-START-REC-TIME:1622425551884
#EXT-X-TRTC-VIDEO-METADATA:WIDTH:1920 HEIGHT:1080
#EXTINF:12.074
1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts
#EXT-X-ENDLIST
`
	p, err := hls.ReadPlaylist(strings.NewReader(m3u8))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.StartRecTime.UnixMilli(), p.Width, p.Height, p.TargetDuration, p.Ended)
	for _, s := range p.Segments {
		fmt.Println(s.Duration, s.URI)
	}
	// Output:
	// 1622425551884 1920 1080 70 true
	// 12.074s 1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts
}
