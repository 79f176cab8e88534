// Package oracle runs FFmpeg's ffprobe and ffmpeg as the independent judge
// of what roomrec writes: tests never trust only the project's own readers.
// `make deps` installs FFmpeg; a missing binary is a test failure.
package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Decode decodes every stream of path (an M3U8, TS or MP4) with
// `ffmpeg -v error -i path -f null -` and returns an error carrying
// FFmpeg's complaints if it printed any or failed. The decoded frames keep
// the input's time base (-enc_time_base -1): a real camera's frames come at
// a variable rate, which FFmpeg's default 1/frame-rate base would collapse
// into "non monotonically increasing dts" complaints about correct files.
func Decode(path string) error {
	args := []string{"-nostdin", "-v", "error"}
	if strings.HasSuffix(path, ".m3u8") {
		args = append(args, "-allowed_extensions", "ALL")
	}
	args = append(args, "-i", path, "-enc_time_base", "-1", "-f", "null", "-")
	cmd := exec.Command("ffmpeg", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil || out.Len() > 0 {
		return fmt.Errorf("ffmpeg decoding %s: %v: %s", path, err, out.String())
	}
	return nil
}

// Stream is one stream as ffprobe reports it.
type Stream struct {
	Index      int    `json:"index"`
	CodecType  string `json:"codec_type"`
	CodecName  string `json:"codec_name"`
	Profile    string `json:"profile"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	SampleRate string `json:"sample_rate"`
	Channels   int    `json:"channels"`
	NbFrames   string `json:"nb_read_frames"`
	Duration   string `json:"duration"`
	StartTime  string `json:"start_time"`
}

// Frames returns the number of frames ffprobe counted (with CountFrames).
func (s Stream) Frames() int { n, _ := strconv.Atoi(s.NbFrames); return n }

// Info is ffprobe's view of a file.
type Info struct {
	Streams []Stream `json:"streams"`
	Format  struct {
		Duration   string `json:"duration"`
		FormatName string `json:"format_name"`
	} `json:"format"`
}

// Duration returns the container duration in seconds.
func (i Info) Duration() float64 { d, _ := strconv.ParseFloat(i.Format.Duration, 64); return d }

// Probe runs ffprobe on path; countFrames decodes every frame to count them
// (slower). It returns ffprobe's error output on failure.
func Probe(path string, countFrames bool) (Info, error) {
	args := []string{"-v", "error", "-show_streams", "-show_format", "-of", "json"}
	if countFrames {
		args = append(args, "-count_frames")
	}
	args = append(args, path)
	var out, errOut bytes.Buffer
	cmd := exec.Command("ffprobe", args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return Info{}, fmt.Errorf("ffprobe %s: %v: %s", path, err, errOut.String())
	}
	var info Info
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		return Info{}, fmt.Errorf("ffprobe %s: %w", path, err)
	}
	return info, nil
}
