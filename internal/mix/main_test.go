//go:build cgo

package mix

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/internal/codec"
)

// TestMain keeps FFmpeg's own messages out of the test output (the tests
// feed broken frames on purpose; FFmpeg's CLI judges the output) and checks
// that no test leaves a goroutine behind.
func TestMain(m *testing.M) {
	codec.SetLibraryLogLevel(slog.LevelError + 4)
	goleak.VerifyTestMain(m)
}
