package hls

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seeds from the test tables")

// canonical is a playlist in the exact form the Segmenter writes.
const canonical = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-ALLOW-CACHE:NO
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-TARGETDURATION:70
#EXT-X-TRTC-START-REC-TIME:1622425551884
#EXT-X-TRTC-VIDEO-METADATA:WIDTH:1920 HEIGHT:1080
#EXTINF:12.074,
1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts
#EXT-X-DISCONTINUITY
#EXTINF:64.500,
1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094603899.ts
#EXT-X-ENDLIST
`

// canonicalPlaylist is canonical parsed.
var canonicalPlaylist = Playlist{
	Version: 3, TargetDuration: 70, StartRecTime: time.UnixMilli(1622425551884),
	Width: 1920, Height: 1080, Ended: true,
	Segments: []PlaylistSegment{
		{URI: "1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094551825.ts", Duration: 12074 * time.Millisecond},
		{URI: "1400123456_12345__UserId_s_MTY4NjExOQ..__UserId_e_main_video_20330531094603899.ts", Duration: 64500 * time.Millisecond, Discontinuity: true},
	},
}

// readCases feed TestReadPlaylist and the fuzz seeds.
var readCases = []struct {
	name  string
	in    string
	want  *Playlist // nil when an error is expected
	errIn string    // part of the error message
}{
	{name: "canonical", in: canonical, want: &canonicalPlaylist},
	{name: "spec example without comma", in: strings.ReplaceAll(canonical, ",\n", "\n"), want: &canonicalPlaylist},
	{name: "crlf, bom, blanks, comments, titles, unknown tags",
		in: "\uFEFF#EXTM3U\r\n\r\n# a comment\r\n#EXT-X-VERSION:3\r\n#EXT-X-PLAYLIST-TYPE:VOD\r\n#EXT-X-TARGETDURATION:3\r\n" +
			"#EXTINF:2.5,first part\r\n#EXT-X-BYTERANGE:100@0\r\n a.ts \r\n#EXTINF:3\r\nb.ts\r\n",
		want: &Playlist{Version: 3, TargetDuration: 3, Segments: []PlaylistSegment{
			{URI: "a.ts", Duration: 2500 * time.Millisecond}, {URI: "b.ts", Duration: 3 * time.Second}}}},
	{name: "live, no segments", in: "#EXTM3U\n#EXT-X-TARGETDURATION:10\n", want: &Playlist{TargetDuration: 10}},
	{name: "no header", in: "#EXT-X-VERSION:3\n", errIn: "#EXTM3U"},
	{name: "empty", in: "", errIn: "#EXTM3U"},
	{name: "bad EXTINF", in: "#EXTM3U\n#EXTINF:abc,\na.ts\n", errIn: "line 2"},
	{name: "negative EXTINF", in: "#EXTM3U\n#EXTINF:-1,\na.ts\n", errIn: "decimal"},
	{name: "exponent EXTINF", in: "#EXTM3U\n#EXTINF:1e3,\na.ts\n", errIn: "decimal"},
	{name: "huge EXTINF", in: "#EXTM3U\n#EXTINF:99999999999,\na.ts\n", errIn: "range"},
	{name: "EXTINF without value", in: "#EXTM3U\n#EXTINF\na.ts\n", errIn: "decimal"},
	{name: "URI without EXTINF", in: "#EXTM3U\na.ts\n", errIn: "without #EXTINF"},
	{name: "EXTINF without URI", in: "#EXTM3U\n#EXTINF:1,\n", errIn: "without a URI"},
	{name: "two EXTINF", in: "#EXTM3U\n#EXTINF:1,\n#EXTINF:1,\na.ts\n", errIn: "two #EXTINF"},
	{name: "duplicate target", in: "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-TARGETDURATION:2\n", errIn: "twice"},
	{name: "fractional target", in: "#EXTM3U\n#EXT-X-TARGETDURATION:1.5\n", errIn: "integer"},
	{name: "signed version", in: "#EXTM3U\n#EXT-X-VERSION:+3\n", errIn: "integer"},
	{name: "version 0", in: "#EXTM3U\n#EXT-X-VERSION:0\n", errIn: "at least 1"},
	{name: "bad allow-cache", in: "#EXTM3U\n#EXT-X-ALLOW-CACHE:MAYBE\n", errIn: "YES or NO"},
	{name: "bad start time", in: "#EXTM3U\n#EXT-X-TRTC-START-REC-TIME:yesterday\n", errIn: "START-REC-TIME"},
	{name: "video metadata without height", in: "#EXTM3U\n#EXT-X-TRTC-VIDEO-METADATA:WIDTH:10\n", errIn: "HEIGHT"},
	{name: "video metadata garbage", in: "#EXTM3U\n#EXT-X-TRTC-VIDEO-METADATA:1920x1080\n", errIn: "KEY:value"},
	{name: "video metadata zero", in: "#EXTM3U\n#EXT-X-TRTC-VIDEO-METADATA:WIDTH:0 HEIGHT:10\n", errIn: "WIDTH"},
	{name: "endlist with value", in: "#EXTM3U\n#EXT-X-ENDLIST:YES\n", errIn: "no value"},
	{name: "discontinuity with value", in: "#EXTM3U\n#EXT-X-DISCONTINUITY:1\n", errIn: "no value"},
}

func TestReadPlaylist(t *testing.T) {
	for _, tt := range readCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadPlaylist(strings.NewReader(tt.in))
			if tt.want == nil {
				if !errors.Is(err, ErrPlaylist) || !strings.Contains(err.Error(), tt.errIn) {
					t.Fatalf("err = %v, want ErrPlaylist mentioning %q", err, tt.errIn)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalPlaylists(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func equalPlaylists(a, b *Playlist) bool {
	return a.Version == b.Version && a.MediaSequence == b.MediaSequence && a.TargetDuration == b.TargetDuration &&
		a.StartRecTime.Equal(b.StartRecTime) && a.Width == b.Width && a.Height == b.Height && a.Ended == b.Ended &&
		fmt.Sprint(a.Segments) == fmt.Sprint(b.Segments)
}

func TestMarshalPlaylist(t *testing.T) {
	got, err := canonicalPlaylist.MarshalText()
	if err != nil || string(got) != canonical {
		t.Fatalf("MarshalText = %v\n%s\nwant\n%s", err, got, canonical)
	}
	var buf bytes.Buffer
	if n, err := canonicalPlaylist.WriteTo(&buf); err != nil || n != int64(len(canonical)) || buf.String() != canonical {
		t.Errorf("WriteTo = %d, %v", n, err)
	}
	bad := []Playlist{
		{TargetDuration: 1, Segments: []PlaylistSegment{{URI: "a.ts", Duration: 1001 * time.Millisecond}}},
		{TargetDuration: 1, Segments: []PlaylistSegment{{URI: "a\n.ts", Duration: time.Second}}},
		{TargetDuration: 1, Segments: []PlaylistSegment{{URI: "#a.ts", Duration: time.Second}}},
		{TargetDuration: 1, Segments: []PlaylistSegment{{URI: "a.ts", Duration: -time.Second}}},
		{TargetDuration: -1},
		{Width: -1},
		{StartRecTime: time.Unix(-1, 0)},
	}
	for i, p := range bad {
		if _, err := p.MarshalText(); !errors.Is(err, ErrPlaylist) {
			t.Errorf("bad playlist %d: err = %v, want ErrPlaylist", i, err)
		}
	}
	// A duration just above a whole second rounds down to ms and fits.
	ok := Playlist{TargetDuration: 1, Segments: []PlaylistSegment{{URI: "a.ts", Duration: time.Second + 400*time.Microsecond}}}
	if b, err := ok.MarshalText(); err != nil || !strings.Contains(string(b), "#EXTINF:1.000,\n") {
		t.Errorf("MarshalText = %v\n%s", err, b)
	}
}

// FuzzReadPlaylist checks that ReadPlaylist never panics and that what it
// accepts re-renders to a fixed point.
func FuzzReadPlaylist(f *testing.F) {
	for _, tt := range readCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPlaylist(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrPlaylist) {
				t.Fatalf("error not wrapping ErrPlaylist: %v", err)
			}
			return
		}
		first, err := p.MarshalText()
		if err != nil {
			if !errors.Is(err, ErrPlaylist) {
				t.Fatalf("MarshalText error not wrapping ErrPlaylist: %v", err)
			}
			return
		}
		q, err := ReadPlaylist(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("re-reading our own output: %v\n%s", err, first)
		}
		second, err := q.MarshalText()
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("not a fixed point (%v):\n%s\n---\n%s", err, first, second)
		}
	})
}

// TestFuzzSeedsCommitted keeps testdata/fuzz/FuzzReadPlaylist in step with
// readCases (go test -run FuzzSeeds -update rewrites it).
func TestFuzzSeedsCommitted(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReadPlaylist")
	for i, tt := range readCases {
		file := filepath.Join(dir, fmt.Sprintf("seed%02d", i))
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", tt.in)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (%v); run go test ./hls -run FuzzSeeds -update", file, err)
		}
	}
}
