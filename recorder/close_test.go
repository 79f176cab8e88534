package recorder

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// TestCloseWithStorageDown: Close ends every task within its context's
// deadline although the storage is down and uploads are pending: every
// task fires 302 and 305 Status 1, the files stay in the spool (a later
// Recorder uploads them), and no goroutine is left (TestMain checks).
func TestCloseWithStorageDown(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) {
		c.Dir = dir
		local, err := storage.NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		c.Storage = storage.NewFaulty(local, storage.FaultConfig{Down: true})
	})
	ids := []string{h.start(nil), h.start(func(p *StartParams) { p.Record.StreamType = AudioOnly })}
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(
		send{av, load(t, "video/H264", 5*time.Second, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", 5*time.Second, testpub.RTPOptions{SSRC: 2})},
	)
	// The caller's deadline: it passes once both tasks have failed to
	// upload (no waiting on the wall clock).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer wcancel()
		_ = h.events.WaitFor(wctx, func(ev []callback.Event) bool {
			n := 0
			for _, e := range ev {
				if e.Type() == callback.EventUploadError {
					n++
				}
			}
			return n >= len(ids)
		})
		cancel()
	}()
	if err := h.rec.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v, want the context's error (uploads could not finish)", err)
	}
	for _, id := range ids {
		var stop, held bool
		for _, e := range h.events.Events() {
			if e.TaskID != id {
				continue
			}
			switch p := e.Payload.(type) {
			case callback.RecorderStop:
				stop = p.LeaveCode == callback.LeaveNormal
			case callback.UploadStop:
				held = p.Status == callback.UploadStopHeld
			}
		}
		if !stop || !held {
			t.Errorf("task %s: 302 %v, 305 Status 1 %v", id, stop, held)
		}
	}
	if _, err := h.rec.Start(context.Background(), baseParams()); err == nil {
		t.Error("Start after Close succeeded")
	}
	segs, _ := filepath.Glob(filepath.Join(dir, ".spool", "*", "*.ts"))
	if len(segs) == 0 {
		t.Fatal("no segment held in the spool")
	}
	for _, s := range segs {
		if _, err := os.Stat(s); err != nil {
			t.Error(err)
		}
	}
}

// hungStorage accepts no upload: Put waits until its context ends.
type hungStorage struct{ entered, left chan struct{} }

func (s hungStorage) Put(ctx context.Context, _ string, _ io.Reader, _ int64, _ string) error {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	select {
	case s.left <- struct{}{}:
	default:
	}
	return ctx.Err()
}

func (hungStorage) Get(context.Context, string) (io.ReadCloser, error) {
	return nil, errors.New("hung storage")
}

// TestCloseWithHungStorage: a storage that never answers cannot keep
// Close past its deadline or leave a goroutine behind: the upload in
// progress is cancelled and its file stays in the spool.
func TestCloseWithHungStorage(t *testing.T) {
	dir := t.TempDir()
	hung := hungStorage{entered: make(chan struct{}, 1), left: make(chan struct{}, 1)}
	h := newHarness(t, func(c *Config) {
		c.Dir = dir
		c.Storage = hung
	})
	h.start(nil)
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{aa, load(t, "audio/opus", 5*time.Second, testpub.RTPOptions{})})
	select {
	case <-hung.entered: // an upload is hanging
	case <-time.After(20 * time.Second):
		t.Fatal("no upload started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the caller's deadline has passed
	done := make(chan error, 1)
	go func() { done <- h.rec.Close(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Close: %v, want the context's error", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close is held by the hung upload")
	}
	select {
	case <-hung.left: // Close cancelled the upload
	case <-time.After(20 * time.Second):
		t.Fatal("the hung upload was not cancelled by Close")
	}
	if segs, _ := filepath.Glob(filepath.Join(dir, ".spool", "*", "*.ts")); len(segs) == 0 {
		t.Error("the segments are not in the spool")
	}
}
