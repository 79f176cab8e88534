package recorder

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// TestStorageDownThenRecovers: with the storage down, Stop reports the
// files held locally (308, then 305 Status 1); when the storage comes back
// the held files are uploaded (305 Status 2) and the recording is whole,
// byte-identical to one made with a healthy storage.
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
	if st := h.rec.Stats(); st.SpoolFiles == 0 || st.SpoolBytes == 0 || st.UploadFailures == 0 {
		t.Errorf("Stats while the storage is down: %+v", st)
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
	// Every file is the one a healthy storage gets, byte for byte.
	want, _ := recordOnce(t, nil)
	entries, err := os.ReadDir(filepath.Join(h.dir, id))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d files after the recovery, want %d", len(entries), len(want))
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(h.dir, id, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want[e.Name()]) {
			t.Errorf("%s differs from the healthy recording", e.Name())
		}
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

// recordOnce records the same 6 s of one user through the storage mut
// gives (nil: healthy) and returns the task's files in the storage by name.
// Fake time is moved on until Stop returns, so retries and slow calls run.
func recordOnce(t *testing.T, mut func(c *Config, clk *clock.Fake)) (map[string][]byte, []callback.Event) {
	t.Helper()
	h := newHarness(t, func(c *Config) {
		if mut != nil {
			mut(c, c.Clock.(*clock.Fake))
		}
	})
	id := h.start(nil)
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	const d = 6 * time.Second
	h.feed(
		send{av, load(t, "video/H264", d, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 2})},
	)
	done := make(chan struct{})
	stopAt := h.clk.Now()
	go func() {
		defer close(done)
		h.stop(id)
	}()
	for {
		if !h.clk.WaitForWaiters(1, done) {
			break
		}
		h.clk.Advance(time.Second)
	}
	st := h.rec.Stats()
	t.Logf("TS bytes %d, uploads %d, failed attempts %d, drained %v (fake time) after Stop",
		st.Bytes, st.Uploads, st.UploadFailures, h.clk.Now().Sub(stopAt))
	files := map[string][]byte{}
	dir := filepath.Join(h.dir, id)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files, h.events.Events()
}

// TestUnreliableStorage: a storage that fails 20 % of its calls or answers
// slowly still ends up with every file, byte-identical to a recording made
// with a healthy one.
func TestUnreliableStorage(t *testing.T) {
	want, _ := recordOnce(t, nil)
	if len(want) < 4 {
		t.Fatalf("reference recording has %d files", len(want))
	}
	cases := map[string]storage.FaultConfig{
		"20% failures": {FailRate: 0.2, Seed: 7, Ops: []string{storage.OpPut}},
		"slow":         {Delay: 3 * time.Second},
	}
	for name, fc := range cases {
		t.Run(name, func(t *testing.T) {
			var faulty *storage.Faulty
			got, events := recordOnce(t, func(c *Config, clk *clock.Fake) {
				local, err := storage.NewLocal(c.Dir)
				if err != nil {
					t.Fatal(err)
				}
				fc.Clock = clk
				faulty = storage.NewFaulty(local, fc)
				c.Storage = faulty
			})
			if len(got) != len(want) {
				t.Fatalf("%d files, want %d", len(got), len(want))
			}
			for name, b := range want {
				if !bytes.Equal(got[name], b) {
					t.Errorf("%s differs from the healthy recording", name)
				}
			}
			last := events[len(events)-1].Payload.(callback.UploadStop)
			if last.Status != callback.UploadStopAllUploaded {
				t.Errorf("305 status %v", last.Status)
			}
			if fc.FailRate > 0 && faulty.Stats().Injected == 0 {
				t.Error("no failure was injected")
			}
		})
	}
}

// TestSpoolUnwritable: a spool that cannot be written (here: its path is a
// file) fires 308 with a clear message once; the task records nothing but
// goes on, and stops cleanly.
func TestSpoolUnwritable(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.SpoolDir = filepath.Join(c.Dir, "spool-is-a-file")
		if err := os.WriteFile(c.SpoolDir, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	id := h.start(nil)
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{aa, load(t, "audio/opus", 6*time.Second, testpub.RTPOptions{})})
	e := h.waitEvent(callback.EventUploadError).Payload.(callback.UploadError)
	if e.Code != "SpoolError" || !strings.Contains(e.Message, "spool") {
		t.Errorf("308 payload %+v", e)
	}
	final := h.stop(id)
	if n := len(h.events.OfType(callback.EventUploadError)); n != 1 {
		t.Errorf("%d UPLOAD_ERROR events, want 1 for one streak", n)
	}
	for _, s := range final.Streams {
		if s.Segments != 0 {
			t.Errorf("segments counted although none was written: %+v", s)
		}
	}
}
