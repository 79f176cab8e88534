//go:build cgo

package codec_test

import (
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/testpub"
)

// An Opus track becomes AAC for MPEG-TS: each packet goes in with its
// 48 kHz PTS, AAC frames come out with 90 kHz PTS (for
// hls.Segmenter.WriteAAC), and AudioSpecificConfig goes to
// hls.Config.AACConfig.
func ExampleAudioTranscoder() {
	packets, err := testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	if err != nil {
		log.Fatal(err)
	}
	at, err := codec.NewAudioTranscoder(codec.AudioConfig{}) // 48 kHz mono 64 kbit/s
	if err != nil {
		log.Fatal(err)
	}
	defer at.Close()
	fmt.Printf("AudioSpecificConfig starts %x (AAC-LC, 48 kHz, mono)\n", at.AudioSpecificConfig()[:2])
	frames, last := 0, int64(0)
	for i, p := range packets {
		if i%10 == 3 {
			continue // lost: the hole is filled with silence
		}
		aac, err := at.Write(int64(i)*960, p.Data)
		if err != nil {
			log.Fatal(err)
		}
		for _, f := range aac {
			frames, last = frames+1, f.PTS // seg.WriteAAC(f.PTS, f.Data)
		}
	}
	aac, err := at.Flush()
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range aac {
		frames, last = frames+1, f.PTS
	}
	fmt.Printf("%d AAC frames, the last at %v\n", frames, time.Duration(last)*time.Second/90000)
	// Output:
	// AudioSpecificConfig starts 1188 (AAC-LC, 48 kHz, mono)
	// 470 AAC frames, the last at 10.005333333s
}

// A VP8 track becomes H.264 access units for hls.Segmenter.WriteH264, at
// the source's size and timestamps, with a keyframe every 2 s.
func ExampleVideoTranscoder() {
	frames, err := testpub.LoadIVF(filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	if err != nil {
		log.Fatal(err)
	}
	vt, err := codec.NewVideoTranscoder(codec.VideoConfig{Input: codec.VP8})
	if err != nil {
		log.Fatal(err)
	}
	defer vt.Close()
	count := func(aus []codec.AccessUnit) {
		for _, au := range aus {
			if au.Keyframe {
				fmt.Printf("keyframe at %v, %dx%d, %d NAL units\n",
					time.Duration(au.PTS)*time.Second/90000, au.Width, au.Height, len(au.NALUs))
			}
			// seg.WriteH264(au.PTS, au.DTS, au.NALUs): at a ResolutionChanged
			// keyframe the segmenter starts a discontinuous segment by itself
			// (it sees the new SPS size)
		}
	}
	for i, f := range frames {
		aus, err := vt.Write(codec.Unit{PTS: int64(i) * 6000, Keyframe: f.Keyframe, Data: f.Data})
		if err != nil {
			log.Fatal(err)
		}
		count(aus)
	}
	aus, err := vt.Flush()
	if err != nil {
		log.Fatal(err)
	}
	count(aus)
	fmt.Printf("%+v\n", vt.Stats())
	// Output:
	// keyframe at 0s, 640x360, 4 NAL units
	// keyframe at 2s, 640x360, 3 NAL units
	// keyframe at 4s, 640x360, 3 NAL units
	// keyframe at 6s, 640x360, 3 NAL units
	// keyframe at 8s, 640x360, 3 NAL units
	// {Frames:150 Decoded:150 Encoded:150 Keyframes:5 WaitingKeyframe:0 Invalid:0 NonMonotonic:0 Resizes:0}
}

// The primitives compose a mixed layout: decode each input, scale it
// straight into its tile of a canvas, encode the canvas.
func ExampleScaler() {
	canvas, err := codec.NewVideoFrame(640, 360, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer canvas.Close()
	scaler, err := codec.NewScaler(codec.ScalerConfig{}) // one per input stream
	if err != nil {
		log.Fatal(err)
	}
	defer scaler.Close()
	enc, err := codec.NewVideoEncoder(codec.VideoEncoderConfig{Width: 640, Height: 360})
	if err != nil {
		log.Fatal(err)
	}
	defer enc.Close()
	dec, err := codec.NewDecoder(codec.VP8, codec.DecoderConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer dec.Close()
	clip, err := testpub.LoadIVF(filepath.Join(testpub.MediaDir(), "solid_green.ivf"))
	if err != nil {
		log.Fatal(err)
	}
	packets := 0
	for i, f := range clip[:15] {
		pictures, err := dec.Decode(codec.Unit{PTS: int64(i) * 6000, Keyframe: f.Keyframe, Data: f.Data})
		if err != nil {
			log.Fatal(err)
		}
		if err := canvas.MakeWritable(); err != nil { // the encoder may still hold the last canvas
			log.Fatal(err)
		}
		if err := canvas.Fill(16, 128, 128); err != nil { // black background
			log.Fatal(err)
		}
		for _, p := range pictures { // the top right quarter
			if err := scaler.Scale(canvas, codec.Rect{X: 320, Y: 0, Width: 320, Height: 180}, p, codec.Rect{}); err != nil {
				log.Fatal(err)
			}
		}
		canvas.SetPTS(int64(i) * 6000)
		pkts, err := enc.Encode(canvas)
		if err != nil {
			log.Fatal(err)
		}
		packets += len(pkts)
	}
	pkts, err := enc.Flush()
	if err != nil {
		log.Fatal(err)
	}
	packets += len(pkts)
	y := canvas.Plane(0)
	fmt.Printf("background Y %d, tile Y %d, %d H.264 pictures\n", y[100*canvas.Stride(0)+100], y[100*canvas.Stride(0)+500], packets)
	// Output:
	// background Y 16, tile Y 145, 15 H.264 pictures
}
