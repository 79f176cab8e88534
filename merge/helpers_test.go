package merge

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if roomDir != "" {
		_ = os.RemoveAll(roomDir)
	}
	if err := goleak.Find(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// t0 is the wall time of the test recordings' start.
var t0 = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

// clips holds the test media, loaded once.
type clips struct {
	video [][][]byte // H.264 access units, 15 fps, keyframe every 15
	keys  []bool
	aac   [][]byte // raw AAC-LC frames, 48 kHz mono
	opus  [][]byte // Opus packets, 20 ms, stereo
	err   error
}

var (
	clipsOnce sync.Once
	testClips clips
)

// loadClips loads the committed H.264 and Opus clips and makes an AAC
// sine with ffmpeg.
func loadClips(t testing.TB) *clips {
	t.Helper()
	clipsOnce.Do(func() { testClips = makeClips() })
	if testClips.err != nil {
		t.Fatal(testClips.err)
	}
	return &testClips
}

func makeClips() (c clips) {
	aus, err := testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	if err != nil {
		return clips{err: err}
	}
	for _, au := range aus {
		var n h264.AnnexB
		if err := n.Unmarshal(au.Data); err != nil {
			return clips{err: err}
		}
		c.video, c.keys = append(c.video, n), append(c.keys, au.Keyframe)
	}
	pkts, err := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if err != nil {
		return clips{err: err}
	}
	for _, p := range pkts {
		c.opus = append(c.opus, p.Data)
	}
	dir, err := os.MkdirTemp("", "merge-aac")
	if err != nil {
		return clips{err: err}
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "sine.aac")
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
		"-ac", "1", "-c:a", "aac", "-b:a", "64k", "-f", "adts", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		return clips{err: err}
	} else if len(b) > 0 {
		os.Stderr.Write(b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return clips{err: err}
	}
	for len(data) > 0 {
		_, n, err := parseADTS(data)
		if err != nil {
			return clips{err: err}
		}
		hl := 7
		if data[1]&1 == 0 {
			hl = 9
		}
		c.aac = append(c.aac, data[hl:n])
		data = data[n:]
	}
	return c
}

// run is a stretch of recording: from at to at+dur after t0.
type run struct{ at, dur time.Duration }

// stream describes one recorded stream of a test folder.
type stream struct {
	user  string
	media naming.MediaID
	kind  naming.TrackType
	codec hls.Codec
	runs  []run
	// newTimeline records every run after the first with a new segmenter
	// (timestamps from 0, an ha1_ prefix), as a recovery would.
	newTimeline bool
}

// record writes the streams into dir as the recorder would: one playlist
// per stream whose timestamps keep the wall-clock pauses (discontinuities),
// segments of at most 4 s named by their start.
func record(t testing.TB, dir string, streams ...stream) {
	t.Helper()
	c := loadClips(t)
	for _, s := range streams {
		var seg *hls.Segmenter
		for i, r := range s.runs {
			if seg == nil || s.newTimeline {
				if seg != nil {
					if err := seg.Close(); err != nil {
						t.Fatal(err)
					}
				}
				seg = newTestSegmenter(t, dir, s, i, t0.Add(r.at))
			}
			base := durationToTicks(r.at)
			if s.newTimeline {
				base = 0
			}
			writeRun(t, seg, c, s.codec, base, r.dur)
		}
		if err := seg.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// newTestSegmenter opens the segmenter of stream s (run i) starting at start.
func newTestSegmenter(t testing.TB, dir string, s stream, i int, start time.Time) *hls.Segmenter {
	t.Helper()
	name := naming.Name{SdkAppID: 1400123456, Room: naming.RoomID{Num: 12345}, UserID: s.user, Media: s.media, Type: s.kind, Kind: naming.KindM3U8}
	if s.newTimeline && i > 0 {
		name.HA = i
	}
	cfg := hls.Config{
		TargetDuration: 4 * time.Second,
		Start:          start,
		PlaylistName:   name.File(),
		SegmentName:    func(at time.Time) string { return name.Segment(at).File() },
		Output:         hls.DirOutput{Dir: dir},
	}
	switch s.codec {
	case hls.CodecAAC:
		cfg.Audio, cfg.AudioSampleRate, cfg.AudioChannels = hls.CodecAAC, 48000, 1
	case hls.CodecOpus:
		cfg.Audio, cfg.AudioChannels = hls.CodecOpus, 2
	default:
		cfg.Video = s.codec
	}
	seg, err := hls.NewSegmenter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return seg
}

// writeRun writes dur of media from timestamp base.
func writeRun(t testing.TB, seg *hls.Segmenter, c *clips, codec hls.Codec, base int64, dur time.Duration) {
	t.Helper()
	end := base + durationToTicks(dur)
	var err error
	switch codec {
	case hls.CodecAAC:
		for i := int64(0); base+i*1920 < end && err == nil; i++ {
			err = seg.WriteAAC(base+i*1920, c.aac[i%int64(len(c.aac))])
		}
	case hls.CodecOpus:
		for i := int64(0); base+i*1800 < end && err == nil; i++ {
			err = seg.WriteOpus(base+i*1800, c.opus[i%int64(len(c.opus))])
		}
	default:
		for i := int64(0); base+i*6000 < end && err == nil; i++ {
			pts := base + i*6000
			err = seg.WriteH264(pts, pts, c.video[i%int64(len(c.video))])
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}
