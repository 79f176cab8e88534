package hls

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCodec(t *testing.T) {
	tests := []struct {
		c            Codec
		name         string
		valid, video bool
		audio        bool
	}{
		{CodecNone, "none", true, false, false},
		{CodecH264, "h264", true, true, false},
		{CodecH265, "h265", true, true, false},
		{CodecOpus, "opus", true, false, true},
		{CodecAAC, "aac", true, false, true},
		{Codec(42), "codec(42)", false, false, false},
	}
	for _, tt := range tests {
		if tt.c.String() != tt.name || tt.c.Valid() != tt.valid || tt.c.IsVideo() != tt.video || tt.c.IsAudio() != tt.audio {
			t.Errorf("%d: %s valid=%v video=%v audio=%v", tt.c, tt.c, tt.c.Valid(), tt.c.IsVideo(), tt.c.IsAudio())
		}
	}
}

func TestKeyframeAndSPS(t *testing.T) {
	aus := readH264(t, clipH264)
	if !isKeyframe(CodecH264, aus[0].nalus) || isKeyframe(CodecH264, aus[1].nalus) {
		t.Errorf("keyframe detection on the clip")
	}
	sps := findSPS(CodecH264, aus[0].nalus)
	if w, h, err := spsSize(CodecH264, sps); err != nil || w != 640 || h != 360 {
		t.Errorf("spsSize = %d x %d, %v", w, h, err)
	}
	for _, bad := range [][]byte{{0x67}, {0x67, 0x42}, {0x67, 0xFF, 0xFF, 0xFF, 0xFF}} {
		if _, _, err := spsSize(CodecH264, bad); err == nil {
			t.Errorf("spsSize(% x) accepted", bad)
		}
	}
	if _, _, err := spsSize(CodecH265, []byte{0x42, 0x01, 0x01}); err == nil {
		t.Errorf("truncated H.265 SPS accepted")
	}
	for _, typ := range []byte{16, 19, 20, 21} { // BLA, IDR_W_RADL, IDR_N_LP, CRA
		if !isKeyframe(CodecH265, [][]byte{{}, {typ << 1, 1}}) {
			t.Errorf("H.265 NAL type %d is not a keyframe", typ)
		}
	}
	if isKeyframe(CodecH265, [][]byte{{1 << 1, 1}, {22 << 1, 1}}) {
		t.Errorf("H.265 non-IRAP types taken as keyframe")
	}
}

func TestBadSPSIsCountedNotFatal(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Video: CodecH264})
	au := [][]byte{{0x67, 0xFF}, {0x65, 0x88}}
	if err := s.WriteH264(0, 0, au); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.BadSPS != 1 || st.Segments != 1 {
		t.Errorf("stats = %+v, want 1 bad SPS, 1 segment", st)
	}
	if bytes.Contains(out.files["task/rec.m3u8"], []byte("VIDEO-METADATA")) {
		t.Errorf("video metadata written without a size")
	}
}

func TestDirOutput(t *testing.T) {
	dir := t.TempDir()
	o := DirOutput{Dir: dir}
	for _, bad := range []string{"../x.ts", "/abs.ts", "a/../../x.ts", ""} {
		if _, err := o.Create(bad); err == nil {
			t.Errorf("Create(%q) accepted", bad)
		}
		if err := o.WriteFile(bad, nil); err == nil {
			t.Errorf("WriteFile(%q) accepted", bad)
		}
	}
	w, err := o.Create("sub/a.ts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("ts")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"one", "two"} {
		if err := o.WriteFile("sub/p.m3u8", []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "sub", "p.m3u8"))
	if err != nil || string(got) != "two" {
		t.Errorf("playlist = %q, %v", got, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "sub", "p.m3u8"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("playlist mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(entries) != 2 {
		t.Errorf("left-over temporary files: %v", entries)
	}
}

// FuzzSegmenterInput feeds arbitrary samples and calls: the Segmenter must
// answer with errors, never panic, and keep its output decodable by the
// strict test TS reader.
func FuzzSegmenterInput(f *testing.F) {
	aus := readH264(f, clipH264)
	var seed []byte
	for _, n := range aus[0].nalus[:2] {
		seed = append(seed, 0, byte(len(n)))
		seed = append(seed, n...)
	}
	f.Add(byte(0), seed)
	f.Add(byte(2), []byte{2, 3, 0xFC, 0xFF, 0xFE, 4, 0, 2, 1, 0x03})
	f.Add(byte(1), []byte{1, 4, 0x42, 0x01, 0x01, 0x01, 1, 3, 0x26, 0x01, 0xAF})
	f.Add(byte(3), []byte{3, 5, 1, 2, 3, 4, 5, 0, 2, 0x65, 0x88})
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		cfgs := []Config{
			{Video: CodecH264}, {Video: CodecH265}, {Audio: CodecOpus},
			{Video: CodecH264, Audio: CodecAAC, AudioSampleRate: 44100, AudioChannels: 1},
		}
		out := newMemOutput()
		cfg := cfgs[int(mode)%len(cfgs)]
		cfg.Output, cfg.Start, cfg.PlaylistName = out, testStart, "rec.m3u8"
		cfg.SegmentName, cfg.TargetDuration = utcName("s"), time.Second
		s, err := NewSegmenter(cfg)
		if err != nil {
			t.Fatal(err)
		}
		pts := int64(0)
		for len(data) >= 2 {
			op, n := data[0], int(data[1])
			data = data[2:]
			payload := data[:min(n, len(data))]
			data = data[len(payload):]
			pts += int64(op>>3) * 1000 * int64(1-int(op>>7&1)*2) // forward or backward
			var err error
			switch op % 5 {
			case 0:
				err = s.WriteH264(pts, pts, bytes.Split(payload, []byte{0xFF}))
			case 1:
				err = s.WriteH265(pts, pts-int64(op&1)*3000, bytes.Split(payload, []byte{0xFF}))
			case 2:
				err = s.WriteOpus(pts, payload)
			case 3:
				err = s.WriteAAC(pts, payload)
			case 4:
				s.Discontinuity()
			}
			if err != nil && !errors.Is(err, ErrInvalidSample) && !errors.Is(err, ErrNoTrack) {
				t.Fatalf("unexpected error class: %v", err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for name, file := range out.files {
			if filepath.Ext(name) == ".ts" {
				parseTS(t, file)
			}
		}
	})
}
