package ingest

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeElementary writes video frames as a file FFmpeg reads: Annex B for
// H.264/H.265, IVF for VP8/VP9/AV1. It returns the path and the demuxer.
func writeElementary(t *testing.T, codec Codec, frames []Frame) (string, string) {
	t.Helper()
	var b bytes.Buffer
	path := filepath.Join(t.TempDir(), "out")
	format := "ivf"
	switch codec {
	case H264, H265:
		format = map[Codec]string{H264: "h264", H265: "hevc"}[codec]
		for _, f := range frames {
			for _, n := range f.NALUs {
				b.Write([]byte{0, 0, 0, 1})
				b.Write(n)
			}
		}
	default:
		fourcc := map[Codec]string{VP8: "VP80", VP9: "VP90", AV1: "AV01"}[codec]
		hdr := make([]byte, 32)
		copy(hdr, "DKIF")
		binary.LittleEndian.PutUint16(hdr[6:], 32)
		copy(hdr[8:], fourcc)
		binary.LittleEndian.PutUint32(hdr[16:], 90000)
		binary.LittleEndian.PutUint32(hdr[20:], 1)
		binary.LittleEndian.PutUint32(hdr[24:], uint32(len(frames)))
		b.Write(hdr)
		for _, f := range frames {
			data := f.Data
			if codec == AV1 {
				data = append([]byte{0x12, 0x00}, data...) // temporal delimiter
			}
			var fh [12]byte
			binary.LittleEndian.PutUint32(fh[:], uint32(len(data)))
			binary.LittleEndian.PutUint64(fh[4:], uint64(f.PTS))
			b.Write(fh[:])
			b.Write(data)
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, format
}

// decodeCheck decodes the frames with FFmpeg (the independent oracle): no
// decoder error may be reported and every frame must decode.
func decodeCheck(t *testing.T, codec Codec, frames []Frame) {
	t.Helper()
	path, format := writeElementary(t, codec, frames)
	cmd := exec.Command("ffmpeg", "-hide_banner", "-v", "error", "-f", format, "-i", path, "-f", "null", "-")
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("ffmpeg decoding %s: %v\n%s", codec, err, out)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-f", format, "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || n != len(frames) {
		t.Fatalf("ffprobe decoded %q frames, want %d", out, len(frames))
	}
}
