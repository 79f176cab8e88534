package recorder

import (
	"context"
	"image/color"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/taskstate"
)

// Status is a task's state (SPEC §1).
type Status string

// The task states.
const (
	// Idle: started, no media received yet.
	Idle Status = "Idle"
	// InProgress: media is being recorded.
	InProgress Status = "InProgress"
	// Exited: the task is ending (its files are being finished).
	Exited Status = "Exited"
)

// task is one recording task.
type task struct {
	rec   *Recorder
	id    string
	room  *Room
	log   *slog.Logger
	store Storage
	up    *uploader
	idle  clock.Timer
	media atomic.Bool // some media was written

	mu      sync.Mutex
	p       StartParams
	ending  bool
	tracks  map[*Track]*pipeline // every track of the room; nil = not recorded
	leaving []*pipeline          // removed from tracks, maybe still draining their queue
	streams map[streamKey]*stream
	mix     *mixOutput           // the mix of a mixed-stream task
	skipped map[streamKey]string // streams not recorded, and why

	quit  chan struct{}
	done  chan struct{}
	final Description

	// Failover (Config.TaskStore): the task's lease, its recovery count
	// (the ha prefix of its names), whether it was taken over here, and the
	// playlists written so far (recMu).
	lease     taskstate.Lease
	leaseLost atomic.Bool
	ha        int
	resumed   bool
	persistC  chan struct{}
	recMu     sync.Mutex
	playlists []string
}

// streamKey names one recorded stream: a user's audio or video, main or aux.
type streamKey struct {
	user  string
	media naming.MediaID
	kind  naming.TrackType
}

func newTask(r *Recorder, id string, p StartParams, room *Room) *task {
	store := p.Storage.Storage
	if store == nil {
		store = r.store
	}
	tk := &task{
		rec: r, id: id, room: room, store: store, p: p,
		log:      r.log.With("task", id, "room", p.Room.String()),
		tracks:   make(map[*Track]*pipeline),
		streams:  make(map[streamKey]*stream),
		skipped:  make(map[streamKey]string),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		persistC: make(chan struct{}, 1),
	}
	tk.up = newUploader(r, path.Join(p.Storage.Prefix(), id), store, tk.log, tk.emit)
	return tk
}

// start fires 301 and 303 (306 for a task taken over from a failed
// instance), subscribes to the room and arms the idle timer.
func (t *task) start() {
	if !t.resumed {
		t.emit(callback.RecorderStart{Status: callback.StartOK})
		t.emit(callback.UploadStart{Status: callback.UploadStartOK})
	}
	if err := t.writeManifest(); err != nil {
		t.log.Warn("cannot write the task manifest to the spool; a restart will not report this task's held files", "err", err)
	}
	t.idle = t.rec.clock.NewTimer(t.p.Record.MaxIdleTime)
	if t.p.Record.Mode == Mixed {
		m, err := newMixOutput(t)
		if err != nil {
			t.log.Error("cannot start the mix", "err", err)
		}
		t.mu.Lock()
		t.mix = m
		t.mu.Unlock()
	}
	for _, tr := range t.room.attach(t) {
		t.trackAdded(tr)
	}
	t.updateIdle()
	go t.up.run()
	go t.run()
	if t.resumed {
		// After the task is in place: whoever hears 306 finds it recording.
		t.emit(callback.Failover{Status: callback.FailoverDone})
	}
	t.log.Info("task started", "mode", t.p.Record.Mode, "streamType", t.p.Record.StreamType)
}

// run waits for the idle timer: when the room has had no publisher for
// MaxIdleTime, the task ends with LeaveCode 99.
func (t *task) run() {
	for {
		select {
		case <-t.quit:
			return
		case <-t.persistC:
			t.persist()
		case <-t.leaseLostC():
			// Another instance may own the task now: stop recording at
			// once (fencing), finish what was recorded here.
			t.leaseLost.Store(true)
			t.log.Error("the task's lease was lost; stopping (another instance may take the task over)")
			t.requestStop(callback.LeaveKickedByServer)
			return
		case <-t.idle.C():
			if t.room.publishers(t.p.UserID) == 0 {
				t.log.Info("no publisher for MaxIdleTime; ending", "maxIdleTime", t.p.Record.MaxIdleTime)
				t.requestStop(callback.LeaveIdle)
				return
			}
		}
	}
}

// updateIdle arms the idle timer while the room has no publisher and
// disarms it while it has one.
func (t *task) updateIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ending {
		return
	}
	if t.room.publishers(t.p.UserID) > 0 {
		t.idle.Stop()
		return
	}
	t.idle.Stop()
	t.idle.Reset(t.p.Record.MaxIdleTime)
}

// requestStop ends the task in the background (idle timeout, room closed).
func (t *task) requestStop(code callback.LeaveCode) {
	t.rec.wg.Go(func() {
		ctx, cancel := context.WithTimeout(t.rec.bg, t.rec.cfg.StopTimeout)
		defer cancel()
		t.stop(ctx, code)
	})
}

// subscribedLocked reports whether the track should be recorded now.
func (t *task) subscribedLocked(info TrackInfo) bool {
	return info.UserID != t.p.UserID &&
		t.p.Record.StreamType.Records(info.Kind) &&
		t.p.Record.Subscribe.Allows(info.UserID, info.Kind)
}

func (t *task) trackAdded(tr *Track) {
	t.mu.Lock()
	if !t.ending {
		if _, known := t.tracks[tr]; !known {
			t.tracks[tr] = nil
			if t.subscribedLocked(tr.info) {
				t.attachLocked(tr)
			}
		}
	}
	t.mu.Unlock()
	t.updateIdle()
}

func (t *task) trackRemoved(tr *Track) {
	t.mu.Lock()
	p, known := t.tracks[tr]
	delete(t.tracks, tr)
	if p != nil && !t.ending {
		t.leaveLocked(p)
		t.admitLocked() // a place may have become free
	}
	t.mu.Unlock()
	if known && p != nil {
		tr.removeSink(p)
		p.close()
	}
	t.updateIdle()
}

// userStreamsLocked counts the distinct (user, media) streams being
// recorded now, with extra's. Streams whose tracks ended (users who left,
// streams unsubscribed) do not count: MaxStreamsPerTask bounds what a task
// subscribes to at once, not how many users it ever met.
func (t *task) userStreamsLocked(extra streamKey) int {
	seen := map[[2]string]bool{{extra.user, string(extra.media)}: true}
	for _, p := range t.tracks {
		if p != nil {
			seen[[2]string{p.st.key.user, string(p.st.key.media)}] = true
		}
	}
	return len(seen)
}

// leaveLocked notes that pipeline p was taken out of t.tracks: Stop
// waits for it to write what it has queued. Pipelines that have ended are
// forgotten here, so a long task with many comings and goings keeps no
// more than the ones still draining.
func (t *task) leaveLocked(p *pipeline) {
	t.leaving = slices.DeleteFunc(t.leaving, func(q *pipeline) bool {
		select {
		case <-q.done:
			return true
		default:
			return false
		}
	})
	t.leaving = append(t.leaving, p)
}

// limitReason prefixes the Skipped reason of a track left out by
// MaxStreamsPerTask.
const limitReason = "the task records at most "

// admitLocked attaches the subscribed tracks not recorded yet (left out by
// the stream limit, or newly subscribed), in the users' join order, as
// long as the limit allows.
func (t *task) admitLocked() {
	var waiting []*Track
	for tr, pl := range t.tracks {
		k := streamKey{tr.info.UserID, tr.info.Media, tr.info.Kind}
		reason, skipped := t.skipped[k]
		if pl == nil && t.subscribedLocked(tr.info) && (!skipped || strings.HasPrefix(reason, limitReason)) {
			waiting = append(waiting, tr)
		}
	}
	sort.Slice(waiting, func(i, j int) bool {
		a, b := waiting[i], waiting[j]
		if a.order != b.order {
			return a.order < b.order
		}
		if a.info.Media != b.info.Media {
			return a.info.Media == naming.MediaMain
		}
		return a.info.Kind < b.info.Kind
	})
	for _, tr := range waiting {
		t.attachLocked(tr)
	}
}

// attachLocked starts recording a track into its stream.
func (t *task) attachLocked(tr *Track) {
	k := streamKey{tr.info.UserID, tr.info.Media, tr.info.Kind}
	if t.userStreamsLocked(k) > t.rec.cfg.MaxStreamsPerTask {
		if _, told := t.skipped[k]; !told {
			t.log.Warn("stream limit reached; not recording", "user", k.user, "media", k.media, "kind", k.kind)
		}
		t.skipped[k] = limitReason + strconv.Itoa(t.rec.cfg.MaxStreamsPerTask) + " streams at once"
		return
	}
	st := t.streams[k]
	if st == nil {
		st = newStream(t, k)
		t.streams[k] = st
	}
	p, reason := newPipeline(t, tr, st)
	if p == nil {
		t.skipped[k] = reason
		t.log.Warn("track not recorded", "user", k.user, "kind", k.kind, "codec", tr.info.MimeType, "reason", reason)
		return
	}
	delete(t.skipped, k)
	t.tracks[tr] = p
	if t.mix != nil {
		st.join(p)
	}
	tr.addSink(p)
	go p.run()
	tr.keyframe()
}

// settle waits until every pipeline has processed what was queued so far
// (tests use it instead of sleeping).
func (t *task) settle() {
	t.mu.Lock()
	var pipes []*pipeline
	for _, p := range t.tracks {
		if p != nil {
			pipes = append(pipes, p)
		}
	}
	t.mu.Unlock()
	for _, p := range pipes {
		p.settle()
	}
}

// modify applies a full overwrite of the subscription lists.
func (t *task) modify(p ModifyParams) error {
	t.mu.Lock()
	if t.ending {
		t.mu.Unlock()
		return errTaskEnding(t.id)
	}
	if p.Layout != nil {
		if t.mix == nil {
			t.mu.Unlock()
			return errcode.New(errcode.InvalidParameter.Detail("MixLayoutParams"), "the task records single-stream: it has no layout")
		}
		mp := t.p.Mix
		mp.Layout, mp.Watermarks, mp.Transcode.BackgroundColor = *p.Layout, slices.Clone(p.Watermarks), p.BackgroundColor
		mp.Layout.Custom = slices.Clone(mp.Layout.Custom)
		if err := mp.validate(); err != nil {
			t.mu.Unlock()
			return err
		}
		if err := t.mix.m.SetLayout(mp.Layout.params()); err != nil {
			t.mu.Unlock()
			return err
		}
		if c := mp.Transcode.BackgroundColor; c != t.p.Mix.Transcode.BackgroundColor {
			_ = t.mix.m.SetBackgroundColor(color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 255})
		}
		if mp.Layout.BackgroundImageURL != t.p.Mix.Layout.BackgroundImageURL {
			t.mix.setBackground(mp.Layout.BackgroundImageURL)
		}
		if !slices.Equal(mp.Watermarks, t.p.Mix.Watermarks) {
			t.mix.setWatermarks(mp.Watermarks)
		}
		t.p.Mix = mp
	}
	t.p.Record.Subscribe = p.Subscribe
	t.persistLater()
	var detach []*pipeline
	for tr, pl := range t.tracks {
		if pl != nil && !t.subscribedLocked(tr.info) {
			t.tracks[tr] = nil
			t.leaveLocked(pl)
			detach = append(detach, pl)
		}
	}
	t.admitLocked() // after the detaches: their places are free
	t.mu.Unlock()
	for _, pl := range detach {
		pl.track.removeSink(pl)
		pl.close()
	}
	return nil
}

// markInProgress is called when the first media of the task is written.
// It takes no lock: streams call it while holding their own.
func (t *task) markInProgress() { t.media.Store(true) }

// statusLocked returns the task's status; t.mu is held.
func (t *task) statusLocked() Status {
	switch {
	case t.ending:
		return Exited
	case t.media.Load():
		return InProgress
	}
	return Idle
}

// stop ends the task once; concurrent and later callers wait for the first
// stop to finish (or their ctx) and get the final description.
func (t *task) stop(ctx context.Context, code callback.LeaveCode) Description {
	t.mu.Lock()
	if t.ending {
		t.mu.Unlock()
		select {
		case <-t.done:
		case <-ctx.Done():
		}
		return t.describe()
	}
	t.ending = true
	var pipes []*pipeline
	for tr, p := range t.tracks {
		if p != nil {
			tr.removeSink(p)
			pipes = append(pipes, p)
		}
	}
	t.tracks = map[*Track]*pipeline{}
	pipes = append(pipes, t.leaving...) // a track closed just before: its queue is written too
	t.leaving = nil
	t.mu.Unlock()

	t.room.detach(t)
	t.idle.Stop()
	close(t.quit)
	for _, p := range pipes {
		p.close()
	}
	for _, p := range pipes {
		<-p.done
	}
	for _, st := range t.streamList() {
		st.finish()
	}
	if t.mix != nil {
		t.mix.finish()
	}
	t.emit(callback.RecorderStop{LeaveCode: code})
	uploaded := t.up.drain(ctx)
	t.mu.Lock()
	t.final = t.describeLocked()
	t.mu.Unlock()
	t.rec.forgetTask(t, t.final) // gone from Describe before 305 is sent
	t.releaseLease()
	t.finishUploads(uploaded)
	close(t.done)
	t.log.Info("task ended", "leaveCode", int(code))
	return t.final
}

// finishUploads fires 305 once Stop has waited for the spool: Status 0
// when everything is in the storage (uploaded), 1 when files are held
// locally; held files keep being retried and fire 305 Status 2 once they
// are all uploaded.
//
// With MP4 output the conversion starts once the HLS is in the storage
// (see convertMP4); the uploader stays open for the MP4 files.
func (t *task) finishUploads(uploaded bool) {
	mp4 := t.p.Record.Output == HLSAndMP4 || t.p.Record.Output == MP4 || t.p.Storage.VOD != nil
	if uploaded {
		t.emit(callback.UploadStop{Status: callback.UploadStopAllUploaded})
		if mp4 {
			t.rec.wg.Go(t.convertMP4)
		} else {
			t.up.close()
		}
		return
	}
	t.emit(callback.UploadStop{Status: callback.UploadStopHeld})
	t.rec.wg.Go(func() {
		if !t.up.drain(t.rec.bg) {
			t.up.close() // the recorder is closing: the spool keeps the files
			return
		}
		t.emit(callback.UploadStop{Status: callback.UploadStopRecovered})
		if mp4 {
			t.convertMP4()
			return
		}
		t.up.close()
	})
}

func (t *task) streamList() []*stream {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*stream, 0, len(t.streams))
	for _, st := range t.streams {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}

// emit sends an event for this task.
func (t *task) emit(p callback.Payload) {
	n := t.rec.cfg.Notifier
	if n == nil {
		return
	}
	e := callback.Event{Room: t.p.Room, TaskID: t.id, UserID: t.p.UserID, Time: t.rec.clock.Now(), Payload: p}
	if err := n.Notify(context.Background(), e); err != nil {
		t.log.Warn("event not delivered", "event", p.EventType(), "err", err)
	}
}
