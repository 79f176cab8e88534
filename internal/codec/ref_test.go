//go:build cgo

package codec

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/roomrec/roomrec/internal/testpub"
)

// A reference keeps a decoded picture after the decoder has moved on (its
// output frame is reused and emptied), without copying it.
func TestRefFrame(t *testing.T) {
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "solid_red.ivf"))
	dec, err := NewDecoder(VP8, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	ref, err := NewRefFrame(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeTwice(t, ref)
	frames, err := dec.Decode(units[0])
	if err != nil || len(frames) != 1 {
		t.Fatalf("decode: %v, %d frames", err, len(frames))
	}
	if err := ref.Ref(frames[0]); err != nil {
		t.Fatal(err)
	}
	y := frames[0].Plane(0)[0]
	if _, err := dec.Decode(Unit{Data: []byte{0, 1, 2}}); !errors.Is(err, ErrInvalidData) {
		t.Fatalf("garbage decoded: %v", err)
	}
	if frames[0].Width() != 0 {
		t.Fatalf("the decoder's frame still holds a %dx%d picture", frames[0].Width(), frames[0].Height())
	}
	if ref.Width() != 640 || ref.Height() != 360 || !ref.YUV420P() || ref.Plane(0)[0] != y {
		t.Fatalf("reference: %dx%d yuv420p=%v", ref.Width(), ref.Height(), ref.YUV420P())
	}
	ref.Unref()
	if ref.Width() != 0 || ref.Plane(0) != nil {
		t.Fatal("Unref left a picture")
	}
	if err := frames[0].Ref(ref); !errors.Is(err, ErrClosed) {
		t.Errorf("Ref into a borrowed frame: %v", err)
	}
	if err := ref.Ref(ref); !errors.Is(err, ErrClosed) {
		t.Errorf("Ref to itself: %v", err)
	}
	ref.Close()
	if err := ref.Ref(frames[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Ref after Close: %v", err)
	}
}
