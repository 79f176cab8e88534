//go:build cgo

package codec

import (
	"errors"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
)

// fuzzCodecs are the decodable codecs, indexed by the fuzzer's first byte.
var fuzzCodecs = [...]Codec{H264, H265, VP8, VP9, AV1, Opus}

// FuzzDecode feeds arbitrary bytes to every decoder as a keyframe: it must
// return frames or an error (ErrInvalidData or an InternalError from
// FFmpeg), never crash. Seeds: the committed corpus (testdata/fuzz) plus the
// first frames of the clips, whole and cut.
func FuzzDecode(f *testing.F) {
	// FFmpeg reports every corrupt input on stderr, which the fuzzing
	// engine does not drain: keep it quiet while fuzzing.
	SetLibraryLogLevel(slog.LevelError + 1)
	f.Cleanup(func() { SetLibraryLogLevel(slog.LevelError) })
	for i, c := range fuzzCodecs {
		path := map[Codec]string{
			H264: filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"),
			H265: filepath.Join(ingestMedia(), "h265_320x180_15fps.h265"),
			VP8:  filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"),
			VP9:  filepath.Join(ingestMedia(), "vp9_320x180_15fps.ivf"),
			AV1:  filepath.Join(ingestMedia(), "av1_320x180_15fps.ivf"),
			Opus: filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"),
		}[c]
		u := loadUnits(f, c, path)[0]
		f.Add(byte(i), u.Data)
		f.Add(byte(i), u.Data[:len(u.Data)/3])
	}
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		c := fuzzCodecs[int(which)%len(fuzzCodecs)]
		d, err := NewDecoder(c, DecoderConfig{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		for range 2 {
			frames, err := d.Decode(Unit{Data: data, Keyframe: true})
			checkFuzzResult(t, c, frames, err)
		}
		frames, err := d.Flush()
		checkFuzzResult(t, c, frames, err)
	})
}

func checkFuzzResult(t *testing.T, c Codec, frames []*Frame, err error) {
	if err != nil && !errors.Is(err, ErrInvalidData) && !errors.Is(err, errcode.InternalError) {
		t.Fatalf("%v: unexpected error %v", c, err)
	}
	for _, f := range frames {
		if c != Opus && (f.Width() < 1 || len(f.Plane(0)) < f.Width()*f.Height()) {
			t.Fatalf("%v: picture %dx%d with a plane of %d bytes", c, f.Width(), f.Height(), len(f.Plane(0)))
		}
	}
}
