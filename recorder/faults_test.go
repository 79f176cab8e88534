package recorder

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// TestStorageDownThenRecovers: with the storage down, Stop reports the
// files held locally (308, then 305 Status 1); when the storage comes back
// the held files are uploaded (305 Status 2) and the recording is whole.
func TestStorageDownThenRecovers(t *testing.T) {
	var faulty *storage.Faulty
	h := newHarness(t, func(c *Config) {
		local, err := storage.NewLocal(c.Dir)
		if err != nil {
			t.Fatal(err)
		}
		faulty = storage.NewFaulty(local, storage.FaultConfig{Down: true})
		c.Storage = faulty
	})
	id := h.start(nil)
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	const d = 6 * time.Second
	h.feed(
		send{av, load(t, "video/H264", d, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 2})},
	)
	// Stop gives up waiting once the storage has failed.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer wcancel()
		_, _ = h.events.Wait(wctx, callback.EventUploadError)
		cancel()
	}()
	final, err := h.rec.Stop(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	e := h.waitEvent(callback.EventUploadError).Payload.(callback.UploadError)
	if e.Code != storage.CodeUnavailable || e.Message == "" {
		t.Errorf("308 payload %+v", e)
	}
	if st := h.waitEvent(callback.EventUploadStop).Payload.(callback.UploadStop).Status; st != callback.UploadStopHeld {
		t.Fatalf("305 status %v, want held", st)
	}
	faulty.SetDown(false)
	done := make(chan struct{})
	defer close(done)
	if !h.clk.WaitForWaiters(1, done) {
		t.Fatal("no retry timer armed")
	}
	h.clk.Advance(uploadBackoffMax + uploadBackoffMax/4)
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if err := h.events.WaitFor(wctx, func(ev []callback.Event) bool {
		for _, e := range ev {
			if up, ok := e.Payload.(callback.UploadStop); ok && up.Status == callback.UploadStopRecovered {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no 305 Status 2: %v (events %v)", err, h.events.Events())
	}
	for _, f := range final.StorageFileList {
		h.checkDecodes(f.Key, d, 200*time.Millisecond)
		for _, s := range h.readPlaylist(f.Key).Segments {
			if _, err := os.Stat(filepath.Join(h.dir, filepath.Dir(f.Key), s.URI)); err != nil {
				t.Errorf("segment missing from the storage: %v", err)
			}
		}
	}
	if n := len(h.events.OfType(callback.EventUploadError)); n != 1 {
		t.Errorf("%d UPLOAD_ERROR events for one failure streak, want 1", n)
	}
	err = filepath.WalkDir(filepath.Join(h.dir, ".spool"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left in the spool: %s", p)
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}
