//go:build !cgo

package codec

import (
	"errors"
	"strings"
	"testing"
)

// Without cgo every entry point says what to install.
func TestNoCgoUnsupported(t *testing.T) {
	errs := []error{Available()}
	_, err := NewAudioTranscoder(AudioConfig{})
	errs = append(errs, err)
	_, err = NewVideoTranscoder(VideoConfig{Input: VP8})
	errs = append(errs, err)
	_, err = NewDecoder(Opus, DecoderConfig{})
	errs = append(errs, err)
	for _, err := range errs {
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "CGO_ENABLED=1") ||
			!strings.Contains(err.Error(), "libavcodec-dev") {
			t.Errorf("error %v", err)
		}
	}
}
