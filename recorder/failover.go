package recorder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/taskstate"
)

// MaxRecoveries is how many times a task is taken over after its owner
// died (SPEC §3: ha1_ to ha3_); the next failure ends it.
const MaxRecoveries = 3

// storeTimeout bounds one call to the task store.
const storeTimeout = 10 * time.Second

// taskRecord is what the task store keeps of a task: enough for another
// instance to take it over, a mixed-stream task with its canvas, layout
// (as last modified), background and watermarks. A task's own Storage and
// VOD destination are objects, not data: a task taken over records into
// the Recorder's Config.Storage.
type taskRecord struct {
	SdkAppID  uint64
	RoomNum   uint32 `json:",omitempty"`
	RoomStr   string `json:",omitempty"`
	UserID    string
	Record    RecordParams
	Mix       *MixParams `json:",omitempty"` // mixed-stream tasks only
	Prefix    []string   `json:",omitempty"`
	Playlists []string   `json:",omitempty"` // playlist keys of every owner so far
}

func (t *task) record() taskRecord {
	t.mu.Lock()
	rec := taskRecord{SdkAppID: t.p.SdkAppID, RoomNum: t.p.Room.Num, RoomStr: t.p.Room.Str,
		UserID: t.p.UserID, Record: t.p.Record, Prefix: t.p.Storage.FileNamePrefix}
	if t.p.Record.Mode == Mixed {
		mp := t.p.Mix
		mp.Watermarks = slices.Clone(mp.Watermarks)
		mp.Layout.Custom = slices.Clone(mp.Layout.Custom)
		rec.Mix = &mp
	}
	t.mu.Unlock()
	t.recMu.Lock()
	rec.Playlists = slices.Clone(t.playlists)
	t.recMu.Unlock()
	return rec
}

func (tr taskRecord) params() StartParams {
	p := StartParams{SdkAppID: tr.SdkAppID, Room: naming.RoomID{Num: tr.RoomNum, Str: tr.RoomStr}, UserID: tr.UserID,
		Record: tr.Record, Storage: StorageParams{FileNamePrefix: tr.Prefix}}
	if tr.Mix != nil {
		p.Mix = *tr.Mix
	}
	return p
}

// createLease registers a new task in the task store.
func (r *Recorder) createLease(ctx context.Context, tk *task) error {
	data, err := json.Marshal(tk.record())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	lease, err := r.cfg.TaskStore.Create(ctx, tk.id, data)
	if err != nil {
		return errcode.Wrap(errcode.InternalError.Detail("TaskStore"), err, "cannot register the task in the task store")
	}
	tk.lease = lease
	return nil
}

// notePlaylist records a new playlist key in the task store (in the
// background: stream.open holds its own lock).
func (t *task) notePlaylist(key string) {
	t.recMu.Lock()
	t.playlists = append(t.playlists, key)
	t.recMu.Unlock()
	t.persistLater()
}

// persistLater asks the task's run loop to write its record.
func (t *task) persistLater() {
	if t.lease == nil {
		return
	}
	select {
	case t.persistC <- struct{}{}:
	default:
	}
}

// persist writes the task's record through its lease (fenced).
func (t *task) persist() {
	data, err := json.Marshal(t.record())
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(t.rec.bg, storeTimeout)
	defer cancel()
	if err := t.lease.Update(ctx, data); err != nil {
		t.log.Warn("cannot update the task store", "err", err)
	}
}

// releaseLease ends the task in the store once it has ended here; a lost
// lease is left alone (another instance owns the task).
func (t *task) releaseLease() {
	if t.lease == nil || t.leaseLost.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(t.rec.bg, storeTimeout)
	defer cancel()
	if err := t.lease.Release(ctx); err != nil {
		t.log.Warn("cannot remove the task from the task store", "err", err)
	}
}

// leaseLostC returns the channel closed when the task's lease is lost (nil
// without a task store: never).
func (t *task) leaseLostC() <-chan struct{} {
	if t.lease == nil {
		return nil
	}
	return t.lease.Lost()
}

// watchOrphans takes over every task whose owner died, as they appear,
// until Close.
func (r *Recorder) watchOrphans(ch <-chan string) {
	for id := range ch {
		r.takeOver(id)
	}
}

// takeOver claims an orphaned task and records it again here: its files
// get the next ha prefix, the dead owner's playlists in the storage are
// finished with #EXT-X-ENDLIST, and event 306 fires. After MaxRecoveries
// the task ends instead (302 with LeaveCode 3, removed by the server).
func (r *Recorder) takeOver(id string) {
	ctx, cancel := context.WithTimeout(r.bg, storeTimeout)
	defer cancel()
	if r.cfg.TakeOver != nil {
		rec, err := r.cfg.TaskStore.Get(ctx, id)
		var tr taskRecord
		if err == nil && json.Unmarshal(rec.Data, &tr) == nil && !r.cfg.TakeOver(tr.SdkAppID, naming.RoomID{Num: tr.RoomNum, Str: tr.RoomStr}) {
			r.log.Info("orphaned task of a room this instance does not serve; left to others", "task", id)
			return
		}
	}
	rec, lease, err := r.cfg.TaskStore.Claim(ctx, id)
	if err != nil {
		if !errors.Is(err, taskstate.ErrOwned) && !errors.Is(err, taskstate.ErrNotFound) {
			r.log.Warn("cannot claim an orphaned task", "task", id, "err", err)
		}
		return
	}
	var tr taskRecord
	if err := json.Unmarshal(rec.Data, &tr); err != nil {
		r.log.Error("orphaned task has an unreadable record; removing it", "task", id, "err", err)
		_ = lease.Release(ctx)
		return
	}
	p := tr.params().withDefaults()
	if rec.HA > MaxRecoveries {
		r.log.Error("task failed over too often; ending it", "task", id, "recoveries", rec.HA-1)
		if err := lease.Release(ctx); err != nil {
			r.log.Warn("cannot remove the task from the task store", "task", id, "err", err)
		}
		r.emitFor(id, p, callback.RecorderStop{LeaveCode: callback.LeaveKickedByServer})
		return
	}
	r.finishPlaylists(ctx, tr.Playlists)
	r.mu.Lock()
	if r.closed || len(r.tasks) >= r.cfg.MaxTasks {
		r.mu.Unlock()
		_ = lease.Abandon(ctx) // another instance may take it
		return
	}
	tk := newTask(r, id, p, r.roomLocked(p.SdkAppID, p.Room))
	tk.ha, tk.lease, tk.resumed, tk.playlists = rec.HA, lease, true, tr.Playlists
	r.tasks[id] = tk
	r.uploaders[tk.up] = struct{}{}
	r.mu.Unlock()
	tk.log.Info("took over the task of a failed instance", "ha", rec.HA, "previousOwner", rec.Owner)
	tk.start()
}

// finishPlaylists adds #EXT-X-ENDLIST to the stored playlists a dead owner
// left open. A playlist not in the storage yet is left to the owner's
// spool, which finishes it when that instance comes back.
func (r *Recorder) finishPlaylists(ctx context.Context, keys []string) {
	for _, key := range keys {
		rc, err := r.store.Get(ctx, key)
		if err != nil {
			continue
		}
		pl, err := hls.ReadPlaylist(rc)
		_ = rc.Close()
		if err != nil || pl.Ended {
			continue
		}
		pl.Ended = true
		text, err := pl.MarshalText()
		if err == nil {
			err = r.store.Put(ctx, key, bytes.NewReader(text), int64(len(text)), storage.ContentType(key))
		}
		if err != nil {
			r.log.Warn("cannot finish the playlist of a failed instance", "key", key, "err", err)
		}
	}
}

// emitFor sends an event of a task that does not run here.
func (r *Recorder) emitFor(id string, p StartParams, payload callback.Payload) {
	if r.cfg.Notifier == nil {
		return
	}
	e := callback.Event{Room: p.Room, TaskID: id, UserID: p.UserID, Time: r.clock.Now(), Payload: payload}
	if err := r.cfg.Notifier.Notify(r.bg, e); err != nil {
		r.log.Warn("event not delivered", "event", payload.EventType(), "err", err)
	}
}
