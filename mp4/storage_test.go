package mp4

import (
	"context"
	"testing"

	"github.com/roomrec/roomrec/storage"
)

// The recorder passes its storage as both the Source and the Sink.
var _ interface {
	Source
	Sink
} = storage.Storage(nil)

// TestConvertWithStorage converts a recording read from, and stored into,
// the embedded local storage.
func TestConvertWithStorage(t *testing.T) {
	dir, _ := smallRecording(t)
	st, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	parts, err := Convert(ctx, st, []string{"rec.m3u8"}, st, Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := st.Stat(ctx, parts[0].Name)
	if err != nil || obj.Size != parts[0].Size || parts[0].Name != "rec.mp4" {
		t.Fatalf("stored %+v (%v), want rec.mp4 of %d bytes", obj, err, parts[0].Size)
	}
	checkOracle(t, st.Path(parts[0].Name))
}
