package mp4

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testStart is the recording start of the tests.
var testStart = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

// frame is an access unit given to the segmenter: video NAL units or one
// audio frame (Opus packet, raw AAC frame).
type frame struct {
	pts, dts int64 // 90 kHz
	data     [][]byte
	key      bool
}

// media is what a test records: a video and/or an audio stream.
type media struct {
	vcodec, acodec hls.Codec
	rate, channels int // audio
	video, audio   []frame
}

// clipH264 loads the committed H.264 clip (15 fps, 1 s GOP) as access units.
func clipH264(t testing.TB) []frame {
	t.Helper()
	out, err := loadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadH264 loads an Annex B H.264 file of 15 fps as access units.
func loadH264(path string) ([]frame, error) {
	aus, err := testpub.LoadH264(path, 15)
	if err != nil {
		return nil, err
	}
	out := make([]frame, len(aus))
	for i, au := range aus {
		var nalus h264.AnnexB
		if err := nalus.Unmarshal(au.Data); err != nil {
			return nil, err
		}
		ts := int64(i) * 6000
		out[i] = frame{pts: ts, dts: ts, data: nalus, key: au.Keyframe}
	}
	return out, nil
}

// mustRead returns the content of a file.
func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clipOpus loads the committed Opus clip (20 ms packets).
func clipOpus(t testing.TB) []frame {
	t.Helper()
	pkts, err := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]frame, len(pkts))
	for i, p := range pkts {
		ts := int64(i) * 1800
		out[i] = frame{pts: ts, dts: ts, data: [][]byte{p.Data}, key: true}
	}
	return out
}

// repeat returns the frames n times over, each copy continuing the
// timestamps of the one before (step: the clip's length in 90 kHz ticks).
func repeat(fs []frame, n int, step int64) []frame {
	out := make([]frame, 0, len(fs)*n)
	for i := range n {
		for _, f := range fs {
			f.pts += int64(i) * step
			f.dts += int64(i) * step
			out = append(out, f)
		}
	}
	return out
}

// ffmpegTS makes a TS file with ffmpeg (args between the lavfi inputs and
// the output) and reads its access units back with mediacommon.
func ffmpegTS(t testing.TB, args ...string) (video, audio []frame, rate, channels int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "in.ts")
	cmd := exec.Command("ffmpeg", append(append([]string{"-nostdin", "-v", "error", "-y"}, args...), "-f", "mpegts", out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c := readTSWithMediacommon(t, data)
	for i := range c.audio { // exact frame times: 1024/44100 s is no whole number of ticks
		c.audio[i].pts = c.audio[0].pts + int64(i)*audioFrame(c)*90000/int64(c.rate)
		c.audio[i].dts = c.audio[i].pts
	}
	return c.video, c.audio, c.rate, c.channels
}

// audioFrame returns the samples per audio frame of c (AAC 1024, Opus from
// the first packet's TOC).
func audioFrame(c tsContent) int64 {
	if c.rate == 48000 && len(c.audio) > 0 && bitstream.OpusSamples(c.audio[0].data[0]) > 0 {
		return int64(bitstream.OpusSamples(c.audio[0].data[0]))
	}
	return 1024
}

// tsContent is what mediacommon reads from a TS file.
type tsContent struct {
	video, audio   []frame
	rate, channels int
}

// readTSWithMediacommon reads a TS file with mediacommon's reader (a demuxer
// independent of ours); audio PES packets are split into frames whose
// timestamps follow from the first one.
func readTSWithMediacommon(t testing.TB, data []byte) tsContent {
	t.Helper()
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		t.Fatal(err)
	}
	r.OnDecodeError(func(err error) { t.Errorf("mediacommon: %v", err) })
	var c tsContent
	onVideo := func(pts, dts int64, au [][]byte) error {
		c.video = append(c.video, frame{pts: pts, dts: dts, data: cloneAll(au)})
		return nil
	}
	audio := func(frameTicks func([]byte) int64) func(int64, [][]byte) error {
		return func(pts int64, frames [][]byte) error {
			for _, f := range frames {
				c.audio = append(c.audio, frame{pts: pts, dts: pts, data: [][]byte{slices.Clone(f)}})
				pts += frameTicks(f)
			}
			return nil
		}
	}
	for _, tr := range r.Tracks() {
		switch codec := tr.Codec.(type) {
		case *mpegts.CodecH264:
			r.OnDataH264(tr, onVideo)
		case *mpegts.CodecH265:
			r.OnDataH265(tr, onVideo)
		case *mpegts.CodecOpus:
			c.rate, c.channels = 48000, codec.ChannelCount
			r.OnDataOpus(tr, audio(func(p []byte) int64 { return int64(bitstream.OpusSamples(p)) * 15 / 8 }))
		case *mpegts.CodecMPEG4Audio:
			c.rate, c.channels = codec.Config.SampleRate, codec.Config.ChannelCount
			r.OnDataMPEG4Audio(tr, audio(func([]byte) int64 { return 1024 * 90000 / int64(c.rate) }))
		}
	}
	for {
		if err := r.Read(); errors.Is(err, io.EOF) {
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

// layout says how a test records its media as HLS.
type layout struct {
	name       string        // playlist base name
	separate   bool          // one playlist per track (single-stream) instead of one mixed
	target     time.Duration // segment target duration (default 2 s)
	audioDelay time.Duration // audio starts this much after the video
}

// record writes m as HLS into dir with our segmenter and returns the
// playlist keys (video first).
func record(t testing.TB, dir string, m media, l layout) []string {
	t.Helper()
	newSeg := func(name string, video, audio hls.Codec, start time.Time) *hls.Segmenter {
		return segmenter(t, dir, name, m, video, audio, start, l.target)
	}
	delay := l.audioDelay.Nanoseconds() / 100000 * 9
	if !l.separate {
		s := newSeg(l.name, m.vcodec, m.acodec, testStart)
		feed(t, s, m, delay)
		closeSeg(t, s)
		return []string{l.name + ".m3u8"}
	}
	var keys []string
	if m.vcodec != hls.CodecNone {
		s := newSeg(l.name+"_video", m.vcodec, hls.CodecNone, testStart)
		feed(t, s, media{vcodec: m.vcodec, video: m.video}, 0)
		closeSeg(t, s)
		keys = append(keys, l.name+"_video.m3u8")
	}
	if m.acodec != hls.CodecNone {
		s := newSeg(l.name+"_audio", hls.CodecNone, m.acodec, testStart.Add(l.audioDelay))
		feed(t, s, media{acodec: m.acodec, audio: m.audio}, 0)
		closeSeg(t, s)
		keys = append(keys, l.name+"_audio.m3u8")
	}
	return keys
}

// segmenter returns a segmenter writing name.m3u8 and its segments into
// dir (target 0: 2 s segments).
func segmenter(t testing.TB, dir, name string, m media, video, audio hls.Codec, start time.Time, target time.Duration) *hls.Segmenter {
	t.Helper()
	if target == 0 {
		target = 2 * time.Second
	}
	s, err := hls.NewSegmenter(hls.Config{
		Video: video, Audio: audio, AudioSampleRate: m.rate, AudioChannels: m.channels,
		TargetDuration: target, Start: start, PlaylistName: name + ".m3u8",
		SegmentName: func(ts time.Time) string {
			return fmt.Sprintf("%s_%s.ts", name, strings.ReplaceAll(ts.UTC().Format("20060102150405.000"), ".", ""))
		},
		Output: hls.DirOutput{Dir: dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// feed writes m's frames to s in timestamp order, audio shifted by delay.
func feed(t testing.TB, s *hls.Segmenter, m media, delay int64) {
	t.Helper()
	v, a := 0, 0
	for v < len(m.video) || a < len(m.audio) {
		var err error
		if a >= len(m.audio) || (v < len(m.video) && m.video[v].dts <= m.audio[a].pts+delay) {
			f := m.video[v]
			if m.vcodec == hls.CodecH265 {
				err = s.WriteH265(f.pts, f.dts, f.data)
			} else {
				err = s.WriteH264(f.pts, f.dts, f.data)
			}
			v++
		} else {
			f := m.audio[a]
			if m.acodec == hls.CodecAAC {
				err = s.WriteAAC(f.pts+delay, f.data[0])
			} else {
				err = s.WriteOpus(f.pts+delay, f.data[0])
			}
			a++
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func closeSeg(t testing.TB, s *hls.Segmenter) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// convertDir converts the playlists in dir into dir/out with opts and
// fails the test on error or on a decode error report.
func convertDir(t testing.TB, dir string, keys []string, opts Options) []Part {
	t.Helper()
	if opts.OnDecodeError == nil {
		opts.OnDecodeError = func(err error) { t.Errorf("decode error: %v", err) }
	}
	if opts.Name == nil {
		opts.Name = func(i int) string {
			if i == 0 {
				return "out/rec.mp4"
			}
			return fmt.Sprintf("out/rec_%d.mp4", i)
		}
	}
	opts.TempDir = t.TempDir()
	parts, err := Convert(context.Background(), Dir(dir), keys, Dir(dir), opts)
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

// mp4Sample is a sample read back from an MP4 file.
type mp4Sample struct {
	data []byte
	dts  int64
	cts  int32
	sync bool
}

// mp4Track is a track read back from an MP4 file with mp4ff.
type mp4Track struct {
	handler   string
	format    string // sample entry type
	timescale uint32
	elst      []mp4.ElstEntry
	samples   []mp4Sample
}

// readMP4 decodes an MP4 file with mp4ff and reads every sample through the
// stsc/stco/stsz tables.
func readMP4(t testing.TB, path string) (*mp4.File, []mp4Track) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := mp4.DecodeFile(f, mp4.WithDecodeMode(mp4.DecModeLazyMdat))
	if err != nil {
		t.Fatalf("mp4ff cannot decode %s: %v", path, err)
	}
	var tracks []mp4Track
	for _, trak := range file.Moov.Traks {
		tr := mp4Track{handler: trak.Mdia.Hdlr.HandlerType, timescale: trak.Mdia.Mdhd.Timescale,
			format: trak.Mdia.Minf.Stbl.Stsd.Children[0].Type()}
		if trak.Edts != nil {
			for _, e := range trak.Edts.Elst {
				tr.elst = append(tr.elst, e.Entries...)
			}
		}
		tr.samples = readSamples(t, f, trak.Mdia.Minf.Stbl)
		tracks = append(tracks, tr)
	}
	return file, tracks
}

// readSamples reads a track's samples.
func readSamples(t testing.TB, f *os.File, stbl *mp4.StblBox) []mp4Sample {
	t.Helper()
	var offsets []uint64
	if stbl.Stco != nil {
		for _, o := range stbl.Stco.ChunkOffset {
			offsets = append(offsets, uint64(o))
		}
	} else {
		offsets = stbl.Co64.ChunkOffset
	}
	n := int(stbl.Stsz.SampleNumber)
	out := make([]mp4Sample, 0, n)
	nr := uint32(1)
	for ci, off := range offsets {
		e := sort.Search(len(stbl.Stsc.Entries), func(i int) bool { return stbl.Stsc.Entries[i].FirstChunk > uint32(ci+1) }) - 1
		for range stbl.Stsc.Entries[e].SamplesPerChunk {
			size := stbl.Stsz.GetSampleSize(int(nr))
			data := make([]byte, size)
			if _, err := f.ReadAt(data, int64(off)); err != nil {
				t.Fatal(err)
			}
			off += uint64(size)
			dts, _ := stbl.Stts.GetDecodeTime(nr)
			s := mp4Sample{data: data, dts: int64(dts), sync: stbl.Stss == nil || stbl.Stss.IsSyncSample(nr)}
			if stbl.Ctts != nil {
				s.cts = stbl.Ctts.GetCompositionTimeOffset(nr)
			}
			out = append(out, s)
			nr++
		}
	}
	if len(out) != n {
		t.Fatalf("chunks hold %d samples, stsz %d", len(out), n)
	}
	return out
}

// avcc converts NAL units to an MP4 sample (4-byte lengths), dropping AUDs
// the way an MP4 sample must not carry them.
func avcc(nalus [][]byte, h265 bool) []byte {
	var b []byte
	for _, n := range nalus {
		if len(n) == 0 || (!h265 && n[0]&0x1F == 9) || (h265 && n[0]>>1&0x3F == 35) {
			continue
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(n)))
		b = append(b, n...)
	}
	return b
}

// readPlaylist reads and parses the playlist file at path.
func readPlaylist(t testing.TB, path string) *hls.Playlist {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pl, err := hls.ReadPlaylist(f)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// tsFrames reads every segment of the playlist in dir with mediacommon.
func tsFrames(t testing.TB, dir, key string) tsContent {
	t.Helper()
	pl := readPlaylist(t, filepath.Join(dir, key))
	var all tsContent
	for _, s := range pl.Segments {
		data, err := os.ReadFile(filepath.Join(dir, filepath.Dir(key), s.URI))
		if err != nil {
			t.Fatal(err)
		}
		c := readTSWithMediacommon(t, data)
		all.video = append(all.video, c.video...)
		all.audio = append(all.audio, c.audio...)
		all.rate, all.channels = c.rate, c.channels
	}
	return all
}

// checkOracle runs ffprobe and a full ffmpeg decode on an MP4 and returns
// ffprobe's view.
func checkOracle(t testing.TB, path string) oracle.Info {
	t.Helper()
	info, err := oracle.Probe(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := oracle.Decode(path); err != nil {
		t.Fatal(err)
	}
	return info
}
