package recorder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/bolt"
)

// orphanTask leaves in a bolt store at path a task record that has been
// taken over ha times and whose owner is gone.
func orphanTask(t *testing.T, path, id string, ha int) {
	t.Helper()
	orphanRecord(t, path, id, ha, taskRecord{SdkAppID: testApp, RoomNum: testRoom.Num, UserID: "recorder_bot",
		Record: RecordParams{MaxIdleTime: time.Minute}})
}

// orphanRecord leaves rec in a bolt store at path as task id, taken over
// ha times, its owner gone.
func orphanRecord(t *testing.T, path, id string, ha int, rec taskRecord) {
	t.Helper()
	ctx := context.Background()
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= ha; i++ {
		s, err := bolt.Open(bolt.Config{Path: path, Owner: "dead"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			_, err = s.Create(ctx, id, data)
		} else {
			_, _, err = s.Claim(ctx, id)
		}
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close() // dies without releasing: an orphan at the next open
	}
}

// TestResumeTaskFromStore: a Recorder whose task store holds an orphaned
// task takes it over: event 306, files named ha1_, recorded and stopped as
// any task.
func TestResumeTaskFromStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	orphanTask(t, path, "task-a", 0)
	store, err := bolt.Open(bolt.Config{Path: path, Owner: "new"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := newHarness(t, func(c *Config) { c.TaskStore = store })
	e := h.waitEvent(callback.EventFailover)
	if e.TaskID != "task-a" || e.Payload.(callback.Failover).Status != callback.FailoverDone {
		t.Fatalf("306: %+v", e)
	}
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{aa, load(t, "audio/opus", 3*time.Second, testpub.RTPOptions{})})
	d := h.stop("task-a")
	if len(d.StorageFileList) != 1 {
		t.Fatalf("files %+v", d.StorageFileList)
	}
	n, err := naming.Parse(d.StorageFileList[0].Key)
	if err != nil || n.HA != 1 {
		t.Fatalf("resumed file %s: %+v %v", d.StorageFileList[0].Key, n, err)
	}
	h.checkDecodes(d.StorageFileList[0].Key, 3*time.Second, 200*time.Millisecond)
	if _, err := store.Get(context.Background(), "task-a"); !errors.Is(err, taskstate.ErrNotFound) {
		t.Errorf("the stopped task is still in the store: %v", err)
	}
}

// TestFourthFailureEndsTask: a task that already failed over three times
// is not taken over again: it ends with 302 LeaveCode 3 and leaves the store.
func TestFourthFailureEndsTask(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	orphanTask(t, path, "task-b", MaxRecoveries)
	store, err := bolt.Open(bolt.Config{Path: path, Owner: "new"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := newHarness(t, func(c *Config) { c.TaskStore = store })
	e := h.waitEvent(callback.EventRecorderStop)
	if e.TaskID != "task-b" || e.Payload.(callback.RecorderStop).LeaveCode != callback.LeaveKickedByServer {
		t.Fatalf("302: %+v", e)
	}
	if len(h.events.OfType(callback.EventFailover)) != 0 || len(h.rec.Tasks()) != 0 {
		t.Errorf("the task was taken over a fourth time")
	}
	if _, err := store.Get(context.Background(), "task-b"); !errors.Is(err, taskstate.ErrNotFound) {
		t.Errorf("the ended task is still in the store: %v", err)
	}
}

// TestResumeMixedTask: a mixed-stream task taken over keeps its canvas and
// its layout as last modified (here 320×180, float with blue big): the
// record is the one the owner's task wrote.
func TestResumeMixedTask(t *testing.T) {
	const w, hh = 320, 180
	owner := newHarness(t, nil)
	id := owner.start(func(p *StartParams) {
		p.Record.Mode = Mixed
		p.Record.MaxIdleTime = time.Minute
		p.Mix.Transcode = MixTranscodeParams{Width: w, Height: hh, FPS: 15}
	})
	if err := owner.rec.Modify(context.Background(), id, ModifyParams{Layout: &MixLayoutParams{Mode: layout.Float, BigUserID: "ublue"}}); err != nil {
		t.Fatal(err)
	}
	tk, err := owner.rec.task(id)
	if err != nil {
		t.Fatal(err)
	}
	rec := tk.record()
	owner.stop(id)

	path := filepath.Join(t.TempDir(), "tasks.db")
	orphanRecord(t, path, "task-m", 0, rec)
	store, err := bolt.Open(bolt.Config{Path: path, Owner: "new"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := newHarness(t, func(c *Config) { c.TaskStore = store })
	h.waitEvent(callback.EventFailover)
	var sends []send
	for i, c := range []string{"red", "blue"} {
		sends = append(sends, send{h.track("u"+c, naming.MediaMain, "video/H264"), solid(t, c, 4*time.Second, uint32(i+1))})
	}
	h.feed(sends...)
	d := h.stop("task-m")
	if len(d.StorageFileList) != 1 {
		t.Fatalf("files %+v", d.StorageFileList)
	}
	key := d.StorageFileList[0].Key
	if n, err := naming.Parse(key); err != nil || n.HA != 1 || !n.Mixed {
		t.Fatalf("resumed file %s: %+v %v", key, n, err)
	}
	if pl := h.readPlaylist(key); pl.Width != w || pl.Height != hh {
		t.Errorf("resumed canvas %d×%d, want %d×%d", pl.Width, pl.Height, w, hh)
	}
	pic := frameRGB(t, filepath.Join(h.dir, key), 1.0, w, hh)
	if !near(pic, w, w/2, hh/4, [3]int{0, 0, 255}) {
		t.Error("resumed layout: blue should fill the canvas (float, blue big)")
	}
}

// TestRecoverHeldMP4: MP4s a dead process left in the spool (finished,
// not yet stored) are uploaded by the next Recorder on the folder, byte for
// byte; an MP4 cut short (.part) is dropped; MP4s held for VOD stay where
// they are.
func TestRecoverHeldMP4(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, ".spool", "task-x")
	if err := os.MkdirAll(filepath.Join(folder, "vod"), 0o755); err != nil {
		t.Fatal(err)
	}
	mp4 := bytes.Repeat([]byte("moov-and-mdat "), 1000)
	files := map[string][]byte{
		manifestName:                  []byte(`{"TaskID":"task-x","SdkAppID":1400123456,"RoomNum":12345,"UserID":"recorder_bot"}`),
		"1400123456_12345.mp4":        mp4,
		"1400123456_12345_2.mp4.part": []byte("half"),
		"vod/1400123456_12345.mp4":    mp4,
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(folder, filepath.FromSlash(name)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, func(c *Config) { c.Dir = dir })
	e := h.waitEvent(callback.EventUploadStop)
	if e.TaskID != "task-x" || e.Payload.(callback.UploadStop).Status != callback.UploadStopRecovered {
		t.Fatalf("305: %+v", e)
	}
	got, err := os.ReadFile(filepath.Join(dir, "task-x", "1400123456_12345.mp4"))
	if err != nil || !bytes.Equal(got, mp4) {
		t.Fatalf("stored MP4: %d bytes, identical %v, %v", len(got), bytes.Equal(got, mp4), err)
	}
	for _, gone := range []string{"1400123456_12345.mp4", "1400123456_12345_2.mp4.part"} {
		if _, err := os.Stat(filepath.Join(folder, gone)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still in the spool: %v", gone, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "task-x", "vod")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("VOD files were uploaded to the storage: %v", err)
	}
	if _, err := os.Stat(filepath.Join(folder, "vod", "1400123456_12345.mp4")); err != nil {
		t.Errorf("the held VOD file is gone from the spool: %v", err)
	}
}

// TestTakeOverOnlyReachableRooms: Config.TakeOver keeps an instance from
// claiming the orphaned task of a room it does not serve (the task stays
// orphaned in the store, no ha prefix spent); once it serves the room, it
// takes the task over.
func TestTakeOverOnlyReachableRooms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	orphanTask(t, path, "task-r", 0)
	store, err := bolt.Open(bolt.Config{Path: path, Owner: "new"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var serves atomic.Bool
	var asked atomic.Int32
	h := newHarness(t, func(c *Config) {
		c.TaskStore = store
		c.TakeOver = func(app uint64, room naming.RoomID) bool {
			if app != testApp || room != testRoom {
				t.Errorf("asked about %d/%v, want the task's room", app, room)
			}
			asked.Add(1)
			return serves.Load()
		}
	})
	h.rec.takeOver("task-r") // as the orphan watcher does
	if asked.Load() == 0 {
		t.Fatal("TakeOver was not asked")
	}
	if _, err := h.rec.task("task-r"); err == nil {
		t.Fatal("the task was taken over although the room is not served")
	}
	if rec, err := store.Get(context.Background(), "task-r"); err != nil || rec.HA != 0 || rec.Owner != "dead" {
		t.Fatalf("store record %+v, %v; want it untouched", rec, err)
	}
	serves.Store(true)
	h.rec.takeOver("task-r")
	if e := h.waitEvent(callback.EventFailover); e.TaskID != "task-r" {
		t.Fatalf("306 %+v", e)
	}
	h.stop("task-r")
}
