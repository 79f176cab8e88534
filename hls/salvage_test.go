package hls

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSalvageSegment cuts a real segment short at every kind of place and
// checks that what SalvageSegment keeps decodes without a word and lasts
// about what it says.
func TestSalvageSegment(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSegmenter(Config{
		Video: CodecH264, TargetDuration: time.Hour, Start: testStart,
		PlaylistName: "rec.m3u8", SegmentName: utcName("seg"), Output: DirOutput{Dir: dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	aus := readH264(t, clipH264)
	for i, au := range aus {
		pts := int64(i) * 6000 // 15 fps
		if err := s.WriteH264(pts, pts, au.nalus); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	segs := segmentFiles(t, dir)
	whole, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, frac := range []float64{0.3, 0.5, 0.77, 1} {
		cut := int(float64(len(whole)) * frac)
		cut -= cut % 7 // not on a packet boundary
		sv, err := SalvageSegment(whole[:cut])
		if err != nil || sv.Size == 0 || sv.Size > cut || sv.Size%tsPacketSize != 0 {
			t.Fatalf("cut at %d: %+v, %v", cut, sv, err)
		}
		p := filepath.Join(dir, "salvaged.ts")
		if err := os.WriteFile(p, whole[:sv.Size], 0o644); err != nil {
			t.Fatal(err)
		}
		checkDecodes(t, p)
		got := ffprobe(t, p).durationOf(t)
		if d := got - sv.Duration.Seconds(); d < -0.15 || d > 0.15 {
			t.Errorf("cut at %.0f%%: ffprobe %.3f s, salvage says %v", frac*100, got, sv.Duration)
		}
	}
	if _, err := SalvageSegment([]byte("#EXTM3U\n")); !errors.Is(err, ErrNotTS) {
		t.Errorf("playlist bytes: %v", err)
	}
	if sv, err := SalvageSegment(whole[:2*tsPacketSize]); err != nil || sv.Size != 0 {
		t.Errorf("PAT+PMT only: %+v %v", sv, err)
	}
}
