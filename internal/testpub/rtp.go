package testpub

import (
	"fmt"
	"strings"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

// Packet is an RTP packet with the media time at which a real-time sender
// would send it (relative to the first packet).
type Packet struct {
	*rtp.Packet
	At time.Duration
}

// RTPOptions describe an in-process RTP stream.
type RTPOptions struct {
	// MimeType is "video/H264", "video/VP8" or "audio/opus".
	MimeType string
	// Duration is how much media to packetize (the samples loop).
	Duration time.Duration
	// SSRC, first sequence number and first timestamp (random-looking
	// defaults when zero are not used: zero is a valid start).
	SSRC      uint32
	FirstSeq  uint16
	FirstTS   uint32
	MTU       int // default 1200
	ClockRate uint32
}

// Packetize turns samples into RTP packets as a WebRTC sender would (pion's
// payloaders, marker bit on the last packet of a frame), looping the samples
// with continuous timestamps until opts.Duration. It returns an error for
// an unknown codec.
func Packetize(samples []Sample, opts RTPOptions) ([]Packet, error) {
	var pay rtp.Payloader
	var pt uint8
	clock := uint32(90000)
	switch strings.ToLower(opts.MimeType) {
	case "video/h264":
		pay, pt = &codecs.H264Payloader{}, 102
	case "video/vp8":
		pay, pt = &codecs.VP8Payloader{EnablePictureID: true}, 96
	case "audio/opus":
		pay, pt, clock = &codecs.OpusPayloader{}, 111, 48000
	default:
		return nil, fmt.Errorf("testpub: cannot packetize %q", opts.MimeType)
	}
	if opts.ClockRate != 0 {
		clock = opts.ClockRate
	}
	mtu := opts.MTU
	if mtu == 0 {
		mtu = 1200
	}
	seq := opts.FirstSeq
	var out []Packet
	var at time.Duration
	for i := 0; at+samples[i%len(samples)].Duration/2 < opts.Duration; i++ {
		s := samples[i%len(samples)]
		// The timestamp comes from the total media time, so rounding never
		// accumulates (1/15 s is not a whole number of nanoseconds).
		ts := opts.FirstTS + uint32((int64(at)*int64(clock)+int64(time.Second)/2)/int64(time.Second))
		payloads := pay.Payload(uint16(mtu-12), s.Data)
		for j, pl := range payloads {
			out = append(out, Packet{At: at, Packet: &rtp.Packet{
				Header: rtp.Header{
					Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts,
					SSRC: opts.SSRC, Marker: j == len(payloads)-1,
				},
				Payload: pl,
			}})
			seq++
		}
		at += s.Duration
	}
	return out, nil
}

// Merge interleaves packet lists by send time (stable).
func Merge(lists ...[]Packet) []Packet {
	var out []Packet
	idx := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if idx[i] < len(l) && (best < 0 || l[idx[i]].At < lists[best][idx[best]].At) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, lists[best][idx[best]])
		idx[best]++
	}
}
