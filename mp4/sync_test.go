package mp4

import (
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startTimes returns ffprobe's start_time of every stream, in seconds.
func startTimes(t *testing.T, path string) []float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=start_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var st []float64
	for _, f := range strings.Fields(string(out)) {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f, ","), 64)
		if err != nil {
			t.Fatalf("ffprobe start_time %q: %v", f, err)
		}
		st = append(st, v)
	}
	return st
}

// TestConvertAudioStartsLate records audio that starts 3 s after the video,
// as one mixed playlist and as separate video and audio playlists (whose
// #EXT-X-TRTC-START-REC-TIME differ by 3 s): in the MP4 the audio track
// starts 3 s into the movie (an empty edit), as ffprobe reports, and the
// samples are those of the TS.
func TestConvertAudioStartsLate(t *testing.T) {
	for _, separate := range []bool{false, true} {
		t.Run("separate="+strconv.FormatBool(separate), func(t *testing.T) {
			dir := t.TempDir()
			m := clipMedia(t, 2)
			keys := record(t, dir, m, layout{name: "rec", separate: separate, audioDelay: 3 * time.Second})
			parts := convertDir(t, dir, keys, Options{})
			path := filepath.Join(dir, parts[0].Name)
			info := checkOracle(t, path)
			st := startTimes(t, path)
			if len(st) != 2 || math.Abs(st[0]) > 0.001 || math.Abs(st[1]-3) > 0.002 {
				t.Fatalf("stream start times %v s, want [0 3]", st)
			}
			// The video lasts 20 s, the audio 20.04 s from 3 s on.
			if d := info.Duration(); math.Abs(d-23.04) > 0.05 {
				t.Fatalf("duration %.3f s, want 23.04", d)
			}
			_, tracks := readMP4(t, path)
			audio := tracks[1]
			if len(audio.elst) != 2 || audio.elst[0].MediaTime != -1 || audio.elst[0].SegmentDuration != 3000 {
				t.Fatalf("audio edit list %+v, want an empty edit of 3000 ms first", audio.elst)
			}
			if len(tracks[0].elst) != 1 || tracks[0].elst[0].MediaTime != 0 {
				t.Fatalf("video edit list %+v, want one edit from media time 0", tracks[0].elst)
			}
			ts := tsFrames(t, dir, keys[0])
			if separate {
				ts.audio = tsFrames(t, dir, keys[1]).audio
			}
			checkSamples(t, tracks[0], ts.video, true, false)
			checkSamples(t, audio, ts.audio, false, false)
		})
	}
}
