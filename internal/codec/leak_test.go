//go:build cgo

package codec

import (
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/testpub"
)

// signalWriter passes each log record to a channel.
type signalWriter chan string

func (w signalWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// An object dropped without Close is freed by the safety net, which logs a
// warning naming it; a closed object logs nothing.
func TestLeakSafetyNet(t *testing.T) {
	logs := make(signalWriter, 4)
	log := slog.New(slog.NewTextHandler(logs, nil))
	closed, err := NewScaler(ScalerConfig{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	func() {
		d, err := NewDecoder(VP8, DecoderConfig{Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		_ = d.Name()
	}()
	runtime.GC()
	select {
	case line := <-logs:
		if !strings.Contains(line, "without Close") || !strings.Contains(line, "vp8 Decoder") {
			t.Fatalf("leak warning %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no leak warning after a GC")
	}
	runtime.GC()
	select {
	case line := <-logs:
		t.Fatalf("unexpected log %q", line)
	default:
	}
}

// Close frees all C memory: after a warm-up cycle (FFmpeg's one-time
// tables), twenty cycles of opening, using and closing every kind of object
// leave the C heap where it was (within 1 MB; one leaked video transcoder
// alone would hold several MB).
func TestCloseFreesCMemory(t *testing.T) {
	if cHeapInUse() < 0 {
		t.Log("the C library does not report heap use; checked on glibc only")
		return
	}
	audio := opusClip(t)[:60]
	video := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))[:20]
	cycle := func() {
		at, err := NewAudioTranscoder(AudioConfig{SampleRate: 44100})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range audio {
			if _, err := at.Write(u.PTS, u.Data); err != nil {
				t.Fatal(err)
			}
		}
		closeTwice(t, at)
		vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range video {
			if _, err := vt.Write(u); err != nil {
				t.Fatal(err)
			}
		}
		closeTwice(t, vt)
		f, err := NewVideoFrame(1280, 720, nil)
		if err != nil {
			t.Fatal(err)
		}
		closeTwice(t, f)
	}
	cycle()
	before := cHeapInUse()
	for range 20 {
		cycle()
	}
	if grew := cHeapInUse() - before; grew > 1<<20 {
		t.Fatalf("the C heap grew by %d bytes over 20 cycles", grew)
	}
}
