//go:build linux

package recorder

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// TestSpoolDiskFull: a spool write that fails with a real ENOSPC (the
// first segment's file is a link to /dev/full, which the kernel answers
// with "no space left on device") fires 308 with Code NoSpace once; the
// recording goes on, the next segments are stored, the playlist ends with
// #EXT-X-ENDLIST and decodes, the task stops cleanly.
func TestSpoolDiskFull(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(nil)
	first := naming.Name{TaskID: id, SdkAppID: testApp, Room: testRoom, UserID: "alice",
		Media: naming.MediaMain, Type: naming.TrackAudio, Kind: naming.KindM3U8}.Segment(testT0)
	part := filepath.Join(h.dir, ".spool", filepath.FromSlash(first.String())) + ".part"
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", part); err != nil {
		t.Fatal(err)
	}
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{aa, load(t, "audio/opus", 14*time.Second, testpub.RTPOptions{})})
	e := h.waitEvent(callback.EventUploadError).Payload.(callback.UploadError)
	if e.Code != storage.CodeNoSpace {
		t.Errorf("308 payload %+v, want Code %s", e, storage.CodeNoSpace)
	}
	final := h.stop(id)
	if n := len(h.events.OfType(callback.EventUploadError)); n != 1 {
		t.Errorf("%d UPLOAD_ERROR events, want 1", n)
	}
	if len(final.StorageFileList) != 1 {
		t.Fatalf("files %+v", final.StorageFileList)
	}
	key := final.StorageFileList[0].Key
	pl := h.readPlaylist(key)
	if !pl.Ended || len(pl.Segments) < 2 {
		t.Fatalf("playlist after the full disk: ended %v, %d segments; want the later segments and ENDLIST", pl.Ended, len(pl.Segments))
	}
	for _, s := range pl.Segments {
		if s.URI == first.File() {
			t.Errorf("the lost segment %s is listed", s.URI)
		}
	}
	if _, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(first.String()))); !os.IsNotExist(err) {
		t.Errorf("the lost segment was stored: %v", err)
	}
	h.checkDecodes(key, 10*time.Second, 4*time.Second)
}
