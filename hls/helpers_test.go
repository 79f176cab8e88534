package hls

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// testStart is the recording start used by the tests.
var testStart = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

// utcName names segments the SPEC way (<UTC> = yyyyMMddHHmmssSSS).
func utcName(prefix string) func(time.Time) string {
	return func(t time.Time) string {
		u := t.UTC()
		return fmt.Sprintf("%s_%s%03d.ts", prefix, u.Format("20060102150405"), u.Nanosecond()/1e6)
	}
}

// memOutput is a fake Output that keeps files in memory and records calls.
type memOutput struct {
	mu        sync.Mutex
	files     map[string][]byte
	calls     []string    // "create <name>", "commit <name>", "write <name>"
	playlists [][]byte    // every playlist written, in order
	failOn    string      // a call ("create x", "write x", "commit x") that fails
	failWrite func() bool // when set and true, segment writes fail
}

func newMemOutput() *memOutput { return &memOutput{files: map[string][]byte{}} }

func (o *memOutput) record(call string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, call)
	if o.failOn != "" && strings.HasPrefix(call, o.failOn) {
		return errors.New("injected failure: " + call)
	}
	return nil
}

func (o *memOutput) Create(name string) (io.WriteCloser, error) {
	if err := o.record("create " + name); err != nil {
		return nil, err
	}
	return &memFile{o: o, name: name}, nil
}

func (o *memOutput) WriteFile(name string, data []byte) error {
	if err := o.record("write " + name); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[name] = slices.Clone(data)
	o.playlists = append(o.playlists, slices.Clone(data))
	return nil
}

type memFile struct {
	o      *memOutput
	name   string
	buf    bytes.Buffer
	closed bool
}

func (f *memFile) Write(p []byte) (int, error) {
	if f.o.failWrite != nil && f.o.failWrite() {
		return 0, errors.New("injected write failure")
	}
	return f.buf.Write(p)
}

func (f *memFile) Close() error {
	if f.closed {
		return errors.New("closed twice")
	}
	f.closed = true
	if err := f.o.record("commit " + f.name); err != nil {
		return err
	}
	f.o.mu.Lock()
	defer f.o.mu.Unlock()
	f.o.files[f.name] = f.buf.Bytes()
	return nil
}

// accessUnit is one video access unit of a test clip.
type accessUnit struct {
	nalus [][]byte
	key   bool
}

// readH264 splits an Annex B H.264 file into access units: a new unit
// starts at an AUD/SPS/PPS/SEI after a slice, or at a slice with
// first_mb_in_slice == 0 after a slice.
func readH264(t testing.TB, file string) []accessUnit {
	t.Helper()
	return readAccessUnits(t, file, func(n []byte, afterSlice bool) (slice, starts, key bool) {
		typ := n[0] & 0x1F
		slice = typ == 1 || typ == 5
		starts = afterSlice && ((!slice && typ >= 6 && typ <= 9) || (slice && n[1]&0x80 != 0))
		return slice, starts, typ == 5
	})
}

// readH265 splits an Annex B H.265 file into access units: a new unit
// starts at an AUD/VPS/SPS/PPS/prefix SEI after a slice, or at a slice
// with first_slice_segment_in_pic_flag after a slice.
func readH265(t testing.TB, file string) []accessUnit {
	t.Helper()
	return readAccessUnits(t, file, func(n []byte, afterSlice bool) (slice, starts, key bool) {
		typ := (n[0] >> 1) & 0x3F
		slice = typ < 32
		starts = afterSlice && ((!slice && (typ >= 32 && typ <= 35 || typ == 39)) || (slice && n[2]&0x80 != 0))
		return slice, starts, typ >= 16 && typ <= 21
	})
}

// readAccessUnits splits an Annex B file into access units; classify tells
// of each NAL unit whether it is a slice, whether it starts a new access
// unit (afterSlice: the current unit holds a slice) and whether it makes
// the unit a keyframe.
func readAccessUnits(t testing.TB, file string, classify func(n []byte, afterSlice bool) (slice, starts, key bool)) []accessUnit {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var nalus h264.AnnexB
	if err := nalus.Unmarshal(data); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var aus []accessUnit
	var cur accessUnit
	hasSlice := false
	for _, n := range nalus {
		slice, starts, key := classify(n, hasSlice)
		if starts {
			aus = append(aus, cur)
			cur, hasSlice = accessUnit{}, false
		}
		cur.nalus = append(cur.nalus, n)
		cur.key = cur.key || key
		hasSlice = hasSlice || slice
	}
	if len(cur.nalus) > 0 {
		aus = append(aus, cur)
	}
	return aus
}

// readOgg returns the Opus packets of an Ogg Opus file. Pages are read
// with pion's oggreader (which checks their CRC); the packets inside a
// page are split with the page's lacing values, which the reader does
// not expose, taken from the bytes it consumed.
func readOgg(t testing.TB, file string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	r, _, err := oggreader.NewWith(io.TeeReader(bytes.NewReader(data), &seen))
	if err != nil {
		t.Fatal(err)
	}
	var packets [][]byte
	var partial []byte
	for page := 0; ; page++ {
		seen.Reset()
		payload, _, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		raw := seen.Bytes()
		lacing := raw[27 : 27+int(raw[26])]
		for _, l := range lacing {
			partial = append(partial, payload[:l]...)
			payload = payload[l:]
			if l < 255 {
				if page > 0 && !bytes.HasPrefix(partial, []byte("OpusTags")) {
					packets = append(packets, partial)
				}
				partial = nil
			}
		}
	}
	return packets
}

// aacTone encodes a 440 Hz tone with FFmpeg's AAC encoder and returns its
// raw frames (seconds long, at rate Hz, channels channels, bitrate like
// "64k").
func aacTone(t testing.TB, rate, channels, seconds int, bitrate string) [][]byte {
	t.Helper()
	adts := filepath.Join(t.TempDir(), "tone.aac")
	ffmpegGen(t, "-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=440:sample_rate=%d:duration=%d", rate, seconds),
		"-ac", strconv.Itoa(channels), "-c:a", "aac", "-b:a", bitrate, "-f", "adts", adts)
	data, err := os.ReadFile(adts)
	if err != nil {
		t.Fatal(err)
	}
	return splitADTS(t, data)
}

// splitADTS returns the raw frames of an ADTS stream.
func splitADTS(t testing.TB, data []byte) [][]byte {
	t.Helper()
	var frames [][]byte
	for len(data) > 0 {
		if len(data) < 7 || data[0] != 0xFF || data[1]&0xF0 != 0xF0 {
			t.Fatalf("bad ADTS header at %d bytes from the end", len(data))
		}
		hl := 7
		if data[1]&1 == 0 {
			hl = 9
		}
		fl := int(data[3]&3)<<11 | int(data[4])<<3 | int(data[5])>>5
		frames = append(frames, data[hl:fl])
		data = data[fl:]
	}
	return frames
}

// run runs a command and returns its stdout; it fails the test with its
// stderr when it fails.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// ffmpegGen runs ffmpeg quietly to generate a test input.
func ffmpegGen(t testing.TB, args ...string) {
	t.Helper()
	run(t, "ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
}

// decodeErrors decodes a file or playlist with ffmpeg and returns what it
// printed at level error (nothing for a clean stream).
func decodeErrors(t testing.TB, input string) string {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-i", input, "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("ffmpeg failed: %v: %s", err, out)
	}
	return string(out)
}

// probe is the part of ffprobe's JSON the tests read.
type probe struct {
	Streams []struct {
		CodecName    string `json:"codec_name"`
		CodecType    string `json:"codec_type"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		SampleRate   string `json:"sample_rate"`
		Channels     int    `json:"channels"`
		NbReadFrames string `json:"nb_read_frames"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
	Packets []struct {
		CodecType string `json:"codec_type"`
		Flags     string `json:"flags"`
		PTS       int64  `json:"pts"`
	} `json:"packets"`
}

// ffprobe runs ffprobe with JSON output on input.
func ffprobe(t testing.TB, input string, extra ...string) probe {
	t.Helper()
	args := append([]string{"-v", "error", "-of", "json", "-show_streams", "-show_format"}, extra...)
	out := run(t, "ffprobe", append(args, input)...)
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	return p
}

// durationOf parses ffprobe's duration in seconds.
func (p probe) durationOf(t testing.TB) float64 {
	t.Helper()
	var d float64
	if _, err := fmt.Sscan(p.Format.Duration, &d); err != nil {
		t.Fatalf("ffprobe duration %q: %v", p.Format.Duration, err)
	}
	return d
}

// segmentFiles returns the .ts files of dir, sorted.
func segmentFiles(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.ts"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// readPlaylistFile reads and parses a playlist file.
func readPlaylistFile(t testing.TB, file string) *Playlist {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ReadPlaylist(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
