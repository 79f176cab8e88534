package loadgen

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/internal/testpub"
)

// MTU is the RTP packet size the clips are packetized for (as pion's
// default WebRTC senders).
const MTU = 1200

// Clip is one pass over a clip as RTP packets, looped by a Feeder.
type Clip struct {
	// MimeType is "video/H264" or "audio/opus".
	MimeType string
	// Packets are the RTP packets of one pass, with their send times.
	Packets []testpub.Packet
	// Period is the media time of one pass.
	Period time.Duration
	// Ticks is Period in RTP clock ticks (90 kHz video, 48 kHz Opus).
	Ticks uint32
	// Bytes is the RTP payload size of one pass.
	Bytes int64
}

// NewClip packetizes one pass over samples for mime ("video/H264" or
// "audio/opus"). It returns an error for another codec or no samples.
func NewClip(mime string, samples []testpub.Sample) (*Clip, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("loadgen: %s clip has no samples", mime)
	}
	c := &Clip{MimeType: mime}
	for _, s := range samples {
		c.Period += s.Duration
	}
	if c.Period <= 0 {
		return nil, fmt.Errorf("loadgen: %s clip lasts %v", mime, c.Period)
	}
	pkts, err := testpub.Packetize(samples, testpub.RTPOptions{MimeType: mime, Duration: c.Period, MTU: MTU})
	if err != nil {
		return nil, err
	}
	c.Packets = pkts
	rate := int64(90000)
	if mime == "audio/opus" {
		rate = 48000
	}
	c.Ticks = uint32((int64(c.Period)*rate + int64(time.Second)/2) / int64(time.Second))
	for _, p := range pkts {
		c.Bytes += int64(len(p.Payload))
	}
	return c, nil
}

// LoadH264 reads an Annex B H.264 file of fps frames per second into a
// Clip. It returns an error if the file cannot be read or holds no picture.
func LoadH264(path string, fps int) (*Clip, error) {
	if fps <= 0 {
		return nil, fmt.Errorf("loadgen: frame rate %d: must be positive", fps)
	}
	samples, err := testpub.LoadH264(path, fps)
	if err != nil {
		return nil, err
	}
	return NewClip("video/H264", samples)
}

// LoadOpus reads an Ogg Opus file (one 20 ms packet per page, as the
// committed clip) into a Clip. It returns an error if it is not one.
func LoadOpus(path string) (*Clip, error) {
	samples, err := testpub.LoadOgg(path)
	if err != nil {
		return nil, err
	}
	return NewClip("audio/opus", samples)
}

// PacketsPerSecond is the clip's RTP packet rate.
func (c *Clip) PacketsPerSecond() float64 { return float64(len(c.Packets)) / c.Period.Seconds() }

// Bitrate is the clip's RTP payload bit rate in bit/s.
func (c *Clip) Bitrate() float64 { return float64(c.Bytes*8) / c.Period.Seconds() }

// GeneratedFPS is the frame rate of the clip GenerateH264 writes.
const GeneratedFPS = 30

// GenerateH264 encodes with ffmpeg the clip the recorder's benchmarks use
// (10 s of FFmpeg's testsrc2, 1280x720, 30 fps, H.264 constrained baseline
// at 1 Mbit/s, a keyframe every 2 s, SPS/PPS before every keyframe) into
// dir and returns its path. It returns ffmpeg's complaint if it fails.
func GenerateH264(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "720p30_1M.h264")
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "10",
		"-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-threads", "1",
		"-b:v", "1M", "-maxrate", "1M", "-bufsize", "1M", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "0",
		"-x264-params", "repeat-headers=1", "-f", "h264", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("loadgen: ffmpeg encoding the H.264 clip: %v: %s", err, msg)
	}
	return out, nil
}
