//go:build cgo

package codec

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"
)

// TestMain keeps FFmpeg's informational messages (decoder banners, the AAC
// encoder's statistics) out of the test output (errors still show) and
// checks that no test leaves a goroutine behind.
func TestMain(m *testing.M) {
	SetLibraryLogLevel(slog.LevelError)
	goleak.VerifyTestMain(m)
}
