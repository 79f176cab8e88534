// Package testpub publishes the committed test clips over real pion WebRTC
// on loopback, as a browser would: it is the "publisher" side of the demo and
// the end-to-end tests. It also loads the clips as timed samples.
package testpub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// Sample is one access unit (video frame or audio packet) and how long it lasts.
type Sample struct {
	Data     []byte
	Duration time.Duration
	Keyframe bool
}

// MediaDir returns the repository's testdata/media directory.
func MediaDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "media")
}

// LoadH264 reads an Annex B H.264 file into access units (Annex B bytes,
// start codes included) of 1/fps each. A new access unit starts at a
// non-VCL NAL unit (SPS, PPS, SEI, AUD) that follows a picture's slices, or
// at a slice whose first_mb_in_slice is 0; so pictures made of several
// slices stay whole. It returns an error if the file cannot be read or holds
// no picture.
func LoadH264(path string, fps int) ([]Sample, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Sample
	var au []byte
	vcl, key := false, false
	flush := func() {
		if vcl {
			out = append(out, Sample{Data: au, Duration: time.Second / time.Duration(fps), Keyframe: key})
		}
		au, vcl, key = nil, false, false
	}
	for _, nalu := range splitAnnexB(data) {
		if len(nalu) == 0 {
			continue
		}
		typ := nalu[0] & 0x1f
		isVCL := typ >= 1 && typ <= 5
		firstSlice := isVCL && len(nalu) > 1 && nalu[1]&0x80 != 0 // ue(v) first_mb_in_slice == 0
		if vcl && (!isVCL || firstSlice) {
			flush()
		}
		au = append(au, 0, 0, 0, 1)
		au = append(au, nalu...)
		vcl = vcl || isVCL
		key = key || typ == 5
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("testpub: %s holds no H.264 picture", path)
	}
	return out, nil
}

func splitAnnexB(b []byte) [][]byte {
	var nalus [][]byte
	start := -1
	for i := 0; i+3 <= len(b); {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				nalus = append(nalus, bytes.TrimRight(b[start:i], "\x00"))
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(b) {
		nalus = append(nalus, b[start:])
	}
	return nalus
}

// LoadIVF reads the frames of an IVF file (VP8/VP9) with durations from its
// timebase. It returns an error if the file is not IVF.
func LoadIVF(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, hdr, err := ivfreader.NewWith(f)
	if err != nil {
		return nil, fmt.Errorf("testpub: %s: %w", path, err)
	}
	tick := time.Second * time.Duration(hdr.TimebaseNumerator) / time.Duration(hdr.TimebaseDenominator)
	var out []Sample
	for {
		frame, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("testpub: %s: %w", path, err)
		}
		out = append(out, Sample{Data: frame, Duration: tick, Keyframe: len(frame) > 0 && frame[0]&1 == 0})
	}
	return out, nil
}

// LoadOgg reads the Opus packets of an Ogg file written with one packet per
// page (see scripts/testmedia.sh), each lasting 20 ms. It returns an error
// if the file is not Ogg Opus.
func LoadOgg(path string) ([]Sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		return nil, fmt.Errorf("testpub: %s: %w", path, err)
	}
	var out []Sample
	for {
		page, _, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("testpub: %s: %w", path, err)
		}
		if bytes.HasPrefix(page, []byte("OpusTags")) || len(page) == 0 {
			continue
		}
		out = append(out, Sample{Data: page, Duration: 20 * time.Millisecond})
	}
	return out, nil
}
