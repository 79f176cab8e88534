package hls

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
)

// Tests in this file read our TS back with mediacommon's mpegts.Reader, a
// second demuxer independent of FFmpeg, and compare the payloads byte for
// byte.

// tsSample is one access unit read back: video NAL units or one audio frame.
type tsSample struct {
	pts, dts int64
	data     [][]byte
}

// tsContent is what mediacommon reads from one TS file.
type tsContent struct {
	video, audio       []tsSample
	videoCodec, audioC mpegts.Codec
}

// readTS reads a TS file with mediacommon. Audio PES packets holding several
// frames are split into frames; their timestamps are derived from the first
// one with frameTicks. Decode errors fail the test.
func readTS(t *testing.T, data []byte, frameTicks int64) tsContent {
	t.Helper()
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		t.Fatal(err)
	}
	r.OnDecodeError(func(err error) { t.Errorf("mediacommon decode error: %v", err) })
	var c tsContent
	onAudio := func(pts int64, frames [][]byte) error {
		for i, f := range frames {
			p := pts + int64(i)*frameTicks
			c.audio = append(c.audio, tsSample{pts: p, dts: p, data: [][]byte{slices.Clone(f)}})
		}
		return nil
	}
	for _, tr := range r.Tracks() {
		switch codec := tr.Codec.(type) {
		case *mpegts.CodecH264:
			c.videoCodec = codec
			r.OnDataH264(tr, func(pts, dts int64, au [][]byte) error {
				c.video = append(c.video, tsSample{pts, dts, cloneAll(au)})
				return nil
			})
		case *mpegts.CodecOpus:
			c.audioC = codec
			r.OnDataOpus(tr, onAudio)
		case *mpegts.CodecMPEG4Audio:
			c.audioC = codec
			r.OnDataMPEG4Audio(tr, onAudio)
		default:
			t.Fatalf("unexpected track %#v", tr.Codec)
		}
	}
	for {
		err := r.Read()
		if errors.Is(err, io.EOF) {
			return c
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

func cloneAll(in [][]byte) [][]byte {
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = slices.Clone(b)
	}
	return out
}

// readSegments reads every segment of the playlist in dir, in order.
func readSegments(t *testing.T, dir string, frameTicks int64) []tsContent {
	t.Helper()
	var out []tsContent
	for _, seg := range readPlaylistFile(t, filepath.Join(dir, "rec.m3u8")).Segments {
		data, err := os.ReadFile(filepath.Join(dir, seg.URI))
		if err != nil {
			t.Fatal(err)
		}
		if len(data)%tsPacketSize != 0 {
			t.Errorf("%s: %d bytes is not a whole number of packets", seg.URI, len(data))
		}
		checkSegmentStructure(t, seg.URI, data)
		out = append(out, readTS(t, data, frameTicks))
	}
	return out
}

func TestMediacommonReadsH264(t *testing.T) {
	dir := t.TempDir()
	aus := readH264(t, clipH264)
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, TargetDuration: 2 * time.Second})
	const pts0 = 1<<33 - 30000 // wraps after 5 frames
	writeH264Clip(t, s, aus, pts0, 15)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	i := 0
	for k, seg := range readSegments(t, dir, 0) {
		if _, ok := seg.videoCodec.(*mpegts.CodecH264); !ok || seg.audioC != nil {
			t.Fatalf("segment %d: tracks %T %T, want H.264 only", k, seg.videoCodec, seg.audioC)
		}
		for _, got := range seg.video {
			want := (pts0 + int64(i)*6000) & tsMask
			if got.pts != want || got.dts != want {
				t.Errorf("AU %d: pts/dts %d/%d, want %d", i, got.pts, got.dts, want)
			}
			if !slices.EqualFunc(got.data, aus[i].nalus, bytes.Equal) {
				t.Errorf("AU %d differs: %d NALUs read, %d written", i, len(got.data), len(aus[i].nalus))
			}
			i++
		}
	}
	if i != len(aus) {
		t.Errorf("read %d access units, wrote %d", i, len(aus))
	}
}

func TestMediacommonReadsOpus(t *testing.T) {
	dir := t.TempDir()
	packets := readOgg(t, "../testdata/media/opus_48k_stereo.ogg")
	s := newDirSegmenter(t, dir, Config{Audio: CodecOpus, TargetDuration: 3 * time.Second})
	for i, p := range packets {
		if err := s.WriteOpus(int64(i)*1800, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var got []tsSample
	for _, seg := range readSegments(t, dir, 1800) {
		if c, ok := seg.audioC.(*mpegts.CodecOpus); !ok || c.ChannelCount != 2 {
			t.Fatalf("audio track %#v, want Opus stereo", seg.audioC)
		}
		got = append(got, seg.audio...)
	}
	checkAudioRoundTrip(t, got, packets, 1800)
}

func TestMediacommonReadsMixed(t *testing.T) {
	dir := t.TempDir()
	aus := readH264(t, clipH264)
	frames := make([][]byte, 469) // 10 s of synthetic AAC payloads: the muxer does not decode them
	for i := range frames {
		frames[i] = bytes.Repeat([]byte{byte(i), 0x21}, 40+i%50)
	}
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, Audio: CodecAAC, AudioSampleRate: 48000,
		AudioChannels: 2, TargetDuration: 2 * time.Second})
	writeMixed(t, s, aus, frames, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var video, audio []tsSample
	for k, seg := range readSegments(t, dir, 1920) {
		c, ok := seg.audioC.(*mpegts.CodecMPEG4Audio)
		if !ok || c.SampleRate != 48000 || c.ChannelCount != 2 || c.Type != 2 {
			t.Fatalf("segment %d: audio track %#v, want AAC-LC 48 kHz stereo", k, seg.audioC)
		}
		video, audio = append(video, seg.video...), append(audio, seg.audio...)
	}
	if len(video) != len(aus) {
		t.Errorf("read %d access units, wrote %d", len(video), len(aus))
	}
	for i := range min(len(video), len(aus)) {
		if !slices.EqualFunc(video[i].data, aus[i].nalus, bytes.Equal) || video[i].pts != int64(i)*6000 {
			t.Errorf("AU %d differs", i)
		}
	}
	checkAudioRoundTrip(t, audio, frames, 1920)
}

// checkAudioRoundTrip compares the frames read back with the ones written
// at step ticks apart from 0.
func checkAudioRoundTrip(t *testing.T, got []tsSample, want [][]byte, step int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d audio frames, wrote %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i].data[0], want[i]) || got[i].pts != int64(i)*step {
			t.Fatalf("frame %d: pts %d (want %d), %d bytes (want %d), equal=%v", i, got[i].pts,
				int64(i)*step, len(got[i].data[0]), len(want[i]), bytes.Equal(got[i].data[0], want[i]))
		}
	}
}

// checkSegmentStructure parses a segment with the strict test reader: PAT
// and PMT come first, and the first video PES is a random access point.
func checkSegmentStructure(t *testing.T, name string, data []byte) {
	t.Helper()
	if len(data) < 2*tsPacketSize || data[1]&0x1F != 0 || data[2] != 0 || data[tsPacketSize+1]&0x1F != 0x10 {
		t.Fatalf("%s does not start with PAT and PMT", name)
	}
	pes, _ := parseTS(t, data)
	for _, p := range pes {
		if p.pid == pidVideo {
			if !p.rai || !p.pcr {
				t.Errorf("%s: first video PES without RAI/PCR", name)
			}
			return
		}
	}
}

// TestBFramesKeepDTS remuxes an H.264 stream with B-frames (PTS ≠ DTS),
// read from an FFmpeg-made TS, and checks both timestamps and the payload
// survive, and that ffmpeg decodes every frame.
func TestBFramesKeepDTS(t *testing.T) {
	src := filepath.Join(t.TempDir(), "b.ts")
	ffmpegGen(t, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
		"-profile:v", "main", "-bf", "2", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
		"-x264-params", "aud=0", "-f", "mpegts", src)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	in := readTS(t, data, 0).video
	if len(in) != 100 || in[1].pts == in[1].dts {
		t.Fatalf("source: %d AUs, second pts/dts %d/%d; want 100 with B-frames", len(in), in[1].pts, in[1].dts)
	}
	dir := t.TempDir()
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, TargetDuration: 2 * time.Second})
	for _, au := range in {
		if err := s.WriteH264(au.pts, au.dts, au.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var out []tsSample
	for _, seg := range readSegments(t, dir, 0) {
		out = append(out, seg.video...)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d AUs back, wrote %d", len(out), len(in))
	}
	for i := range in {
		if out[i].pts != in[i].pts || out[i].dts != in[i].dts || !slices.EqualFunc(out[i].data, in[i].data, bytes.Equal) {
			t.Fatalf("AU %d: pts/dts %d/%d, want %d/%d (same data: %v)", i, out[i].pts, out[i].dts,
				in[i].pts, in[i].dts, slices.EqualFunc(out[i].data, in[i].data, bytes.Equal))
		}
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	if p := ffprobe(t, pl, "-count_frames"); p.Streams[0].NbReadFrames != "100" {
		t.Errorf("ffprobe decoded %s frames, want 100", p.Streams[0].NbReadFrames)
	}
	checkSegmentsStartWithKeyframe(t, segmentFiles(t, dir))
}

// TestAudioPESGathering checks that contiguous frames share a PES of about
// 100 ms and that a frame off the expected PTS starts a new PES, so every
// frame keeps its exact timestamp.
func TestAudioPESGathering(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Audio: CodecOpus, TargetDuration: time.Hour})
	var want []int64
	pts := int64(0)
	for i := range 40 {
		if i >= 20 && i%2 == 0 {
			pts += 500 // jitter beyond the 1 ms tolerance from frame 20 on
		}
		want = append(want, pts)
		if err := s.WriteOpus(pts, opus); err != nil {
			t.Fatal(err)
		}
		pts += 1800
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data := out.files["task/seg_20330531094551825.ts"]
	pes, _ := parseTS(t, data)
	// 20 contiguous frames in 4 PES of 5, then jittered pairs in 10 PES of 2.
	if len(pes) != 14 {
		t.Errorf("%d audio PES, want 14", len(pes))
	}
	got := readTS(t, data, 1800).audio
	if len(got) != len(want) {
		t.Fatalf("read %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].pts != want[i] || !bytes.Equal(got[i].data[0], opus) {
			t.Errorf("frame %d: pts %d, want %d", i, got[i].pts, want[i])
		}
	}
}
