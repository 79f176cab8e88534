package recorder

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/taskstate"
)

// Storage is what a task needs of a storage back-end: a streamed put by key,
// and a get to read the HLS back for MP4 conversion. *storage.Local and the
// cloud back-ends (storage/cos, storage/s3) implement it. A Storage that
// also has PutFile(ctx, key, localPath) (as *storage.Local does) gets the
// spooled file by path, which lets it rename instead of copying.
type Storage interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
}

type filePutter interface {
	PutFile(ctx context.Context, key, localPath string) error
}

// Notifier receives the task events 301–312. *callback.HTTP and
// callback.Func implement it. Notify must not block for long: the recorder
// calls it from its tasks.
type Notifier interface {
	Notify(ctx context.Context, e callback.Event) error
}

// Config configures a Recorder. The zero value is usable: files go to the
// local folder "recordings", events are dropped, the real clock is used.
type Config struct {
	// Dir is the folder of the embedded local-disk storage, used when
	// Storage is nil. Default "recordings".
	Dir string
	// Storage is where recorded files go; nil means local disk under Dir.
	Storage Storage
	// SpoolDir is where files are written before they are uploaded, and
	// kept while the storage is unreachable. Default Dir/.spool.
	SpoolDir string
	// Notifier receives the events; nil drops them.
	Notifier Notifier
	// Clock is the time source; nil means the real clock.
	Clock clock.Clock
	// Logger receives the recorder's logs; nil means slog.Default().
	Logger *slog.Logger
	// MaxTasks is the number of concurrent tasks; the next Start fails with
	// FailedOperation.RestrictedConcurrency. Default 100.
	MaxTasks int
	// MaxStreamsPerTask is the number of user streams (user and MediaId) a
	// task records at once; further streams wait (Describe shows them
	// Skipped) and are recorded, in join order, when a recorded stream
	// ends or is unsubscribed. Default 25.
	MaxStreamsPerTask int
	// SegmentDuration is the HLS target segment duration. Default 10 s.
	SegmentDuration time.Duration
	// QueuePackets is the per-track, per-task packet queue between the
	// host's media path and the recorder. Default 1024.
	QueuePackets int
	// MP4MaxSize splits MP4 files before they would pass this many bytes.
	// Default 2 GB (2,000,000,000).
	MP4MaxSize int64
	// FFmpegLogLevel is the level of FFmpeg's own messages on stderr, set
	// at New. FFmpeg's log level is process-wide: the default, 0, sets it
	// to slog.LevelError (FFmpeg's per-stream info lines such as the AAC
	// encoder's "Qavg" would otherwise reach the host's stderr); a host
	// that uses FFmpeg itself and wants to keep its own level sets
	// KeepFFmpegLogLevel.
	FFmpegLogLevel slog.Level
	// KeepFFmpegLogLevel leaves FFmpeg's log level alone.
	KeepFFmpegLogLevel bool
	// H264Encoder is the FFmpeg encoder that VP8, VP9 and AV1 tracks are
	// transcoded with ("libx264" by default; "libopenh264", "h264_nvenc",
	// "h264_vaapi", ... when FFmpeg and the host have them).
	H264Encoder string
	// AACCoder is FFmpeg's AAC coder for single-stream audio: "fast" (the
	// default: about a third less CPU than FFmpeg's own default, fine for
	// speech; measured 133-140 instead of 94 users per core) or "twoloop"
	// (better for music).
	AACCoder string
	// PlaylistInterval is how often the playlist of a stream being
	// recorded is uploaded at most. The spool's copy is brought up to date
	// after every segment, but a version written less than
	// PlaylistInterval after the playlist's last upload waits (the
	// segments queued after it pass it) until the interval has passed.
	// A playlist's first version (then event 304 fires) and its final
	// one (#EXT-X-ENDLIST) are uploaded at once. A live viewer sees new
	// segments up to this much later; a long recording uploads its
	// growing playlist that many times fewer. Beyond about 85 minutes of
	// 10 s segments (a 60 KiB playlist) the interval stretches so that a
	// playlist's uploads average at most 2 KiB/s: the bytes uploaded stay
	// linear in the recording's length (a 24 h stream uploads its ~1 MB
	// playlist about every 8 minutes). Default 30 s; a negative value
	// uploads every version.
	PlaylistInterval time.Duration
	// UploadConcurrency bounds the uploads running at once across all
	// tasks (each task uploads its files one at a time, in order).
	// Default 8.
	UploadConcurrency int
	// ReorderDelay is how long a missing RTP packet is waited for (by
	// arrival time) before it is declared lost. A recording is not
	// interactive, so the default, 500 ms, is generous: late packets and
	// NACK retransmissions still make it into the file.
	ReorderDelay time.Duration
	// TaskStore keeps the tasks where other instances (or this one after a
	// restart) can take them over when their owner dies (SPEC §3 high
	// availability): taskstate/etcd for several instances, taskstate/bolt
	// on local disk for one. nil keeps tasks in memory only: no failover.
	// A Recorder with a store takes over every orphaned task it sees
	// (names get the ha1_..ha3_ prefix, event 306); a task whose owner
	// died MaxRecoveries+1 times ends with 302 LeaveCode 3.
	TaskStore taskstate.Store
	// TakeOver, when set, says whether this instance can record a room
	// (it receives the room's media): an orphaned task of a room it cannot
	// reach is left in the store for an instance that can, so no recovery
	// (and no ha prefix) is spent on an instance that would record
	// nothing. nil takes over every room's tasks.
	TakeOver func(sdkAppID uint64, room naming.RoomID) bool
	// StopTimeout bounds how long a task that ends by itself (idle timeout,
	// room closed) waits for its uploads before it reports held files.
	// Default 30 s.
	StopTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.Dir == "" {
		c.Dir = "recordings"
	}
	if c.SpoolDir == "" {
		c.SpoolDir = filepath.Join(c.Dir, ".spool")
	}
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxTasks == 0 {
		c.MaxTasks = 100
	}
	if c.MaxStreamsPerTask == 0 {
		c.MaxStreamsPerTask = 25
	}
	if c.SegmentDuration == 0 {
		c.SegmentDuration = 10 * time.Second
	}
	if c.QueuePackets == 0 {
		c.QueuePackets = 1024
	}
	if c.MP4MaxSize == 0 {
		c.MP4MaxSize = 2_000_000_000
	}
	if c.FFmpegLogLevel == 0 {
		c.FFmpegLogLevel = slog.LevelError
	}
	if c.AACCoder == "" {
		c.AACCoder = "fast"
	}
	if c.PlaylistInterval == 0 {
		c.PlaylistInterval = 30 * time.Second
	}
	if c.UploadConcurrency == 0 {
		c.UploadConcurrency = 8
	}
	if c.ReorderDelay == 0 {
		c.ReorderDelay = 500 * time.Millisecond
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = 30 * time.Second
	}
	return c
}

// Recorder records rooms. It is safe for concurrent use; create it with New
// and end it with Close.
type Recorder struct {
	cfg   Config
	clock clock.Clock
	log   *slog.Logger
	store Storage

	// bg lives until Close: background work (held uploads, self-stopping
	// tasks) runs under it and is tracked by wg.
	bg        context.Context
	cancelBG  context.CancelFunc
	wg        sync.WaitGroup
	uploadSem chan struct{} // bounds concurrent uploads

	mu        sync.Mutex
	rooms     map[roomKey]*Room
	tasks     map[string]*task
	uploaders map[*uploader]struct{}
	totals    totals // counters of what ended; updated under mu
	closed    bool
}

type roomKey struct {
	sdkAppID uint64
	room     naming.RoomID
}

// New returns a Recorder for cfg. Files an earlier process left in
// Config.SpoolDir (it died, or was closed while the storage was down) are
// finished and uploaded in the background (see the package doc). It returns
// an error if the local storage folder cannot be created or the spool
// cannot be read.
func New(cfg Config) (*Recorder, error) {
	cfg = cfg.withDefaults()
	store := cfg.Storage
	if store == nil {
		local, err := storage.NewLocal(cfg.Dir)
		if err != nil {
			return nil, errcode.Wrap(errcode.InternalError.Detail("Storage"), err, "cannot use %s as local storage", cfg.Dir)
		}
		store = local
	}
	if !cfg.KeepFFmpegLogLevel && codecLayer() == nil {
		codec.SetLibraryLogLevel(cfg.FFmpegLogLevel)
	}
	bg, cancel := context.WithCancel(context.Background())
	r := &Recorder{
		cfg:   cfg,
		clock: cfg.Clock,
		log:   cfg.Logger,
		store: store,
		bg:    bg, cancelBG: cancel,
		uploadSem: make(chan struct{}, cfg.UploadConcurrency),
		rooms:     make(map[roomKey]*Room),
		tasks:     make(map[string]*task),
		uploaders: make(map[*uploader]struct{}),
	}
	if _, err := r.recoverSpool(); err != nil {
		cancel()
		return nil, errcode.Wrap(errcode.InternalError.Detail("Spool"), err, "cannot read the spool folder %s", cfg.SpoolDir)
	}
	if cfg.TaskStore != nil {
		orphans, err := cfg.TaskStore.Orphans(bg)
		if err != nil {
			cancel()
			r.wg.Wait()
			return nil, errcode.Wrap(errcode.InternalError.Detail("TaskStore"), err, "cannot watch the task store")
		}
		r.wg.Go(func() { r.watchOrphans(orphans) })
	}
	return r, nil
}

// Room returns the room (sdkAppID, id), creating it on first use. The host
// reports users and tracks through it. It returns an InvalidParameter error
// if the ids are invalid.
func (r *Recorder) Room(sdkAppID uint64, id naming.RoomID) (*Room, error) {
	if sdkAppID == 0 {
		return nil, errcode.New(errcode.InvalidParameter.Detail("SdkAppId"), "SdkAppID must be set")
	}
	if err := id.Validate(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.roomLocked(sdkAppID, id), nil
}

func (r *Recorder) roomLocked(sdkAppID uint64, id naming.RoomID) *Room {
	k := roomKey{sdkAppID, id}
	if rm, ok := r.rooms[k]; ok {
		return rm
	}
	rm := &Room{
		rec: r, sdkAppID: sdkAppID, id: id,
		users:  make(map[string]*roomUser),
		tracks: make(map[*Track]struct{}),
		tasks:  make(map[*task]struct{}),
	}
	r.rooms[k] = rm
	return rm
}

func (r *Recorder) forgetRoom(rm *Room) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := roomKey{rm.sdkAppID, rm.id}
	if r.rooms[k] == rm {
		delete(r.rooms, k)
	}
}

// newTaskID returns a globally unique task id: 144 random bits, URL-safe
// base64 (24 characters), usable as a path segment.
func newTaskID() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Start validates p and starts a recording task for its room, returning the
// task's id. The task records what the host publishes in the room from now
// on; if nobody publishes yet it waits (status Idle) up to MaxIdleTime.
// Start returns an InvalidParameter.* error for bad parameters,
// FailedOperation.RestrictedConcurrency when MaxTasks tasks run, and
// FailedOperation.Unsupported for what this build cannot do.
func (r *Recorder) Start(ctx context.Context, p StartParams) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if p.Record.Audio.Codec == AudioDefault && codecLayer() != nil {
		r.log.Warn("this build cannot transcode: audio is recorded as Opus in MPEG-TS, which hls.js and Apple's players do not play", "reason", codecLayer())
	}
	if err := ctx.Err(); err != nil {
		return "", errcode.Wrap(errcode.InternalError.Detail("Canceled"), err, "start canceled")
	}
	p = p.withDefaults()
	id, err := newTaskID()
	if err != nil {
		return "", errcode.Wrap(errcode.InternalError.Detail("TaskId"), err, "cannot make a task id")
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return "", errcode.New(errcode.FailedOperation.Detail("RecorderClosed"), "the recorder is closed")
	}
	if len(r.tasks) >= r.cfg.MaxTasks {
		r.mu.Unlock()
		return "", errcode.New(errcode.RestrictedConcurrency, "%d tasks are running, the limit is %d", len(r.tasks), r.cfg.MaxTasks)
	}
	room := r.roomLocked(p.SdkAppID, p.Room)
	tk := newTask(r, id, p, room)
	r.tasks[id] = tk
	r.uploaders[tk.up] = struct{}{}
	r.mu.Unlock()
	if r.cfg.TaskStore != nil {
		if err := r.createLease(ctx, tk); err != nil {
			r.forgetTask(tk, Description{})
			return "", err
		}
	}
	tk.start()
	return id, nil
}

func (r *Recorder) task(id string) (*task, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tk, ok := r.tasks[id]
	if !ok {
		return nil, errcode.New(errcode.TaskNotExist, "task %q does not exist or has ended", id)
	}
	return tk, nil
}

// forgetTask removes an ended task; its final counters join the totals in
// the same step, so Stats never counts them twice or not at all.
func (r *Recorder) forgetTask(tk *task, final Description) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tasks[tk.id] == tk {
		delete(r.tasks, tk.id)
		for _, s := range final.Streams {
			r.totals.streams.add(s)
		}
		r.totals.streams.add(final.Mix.output())
	}
}

// Describe returns the status and the files of a running task. It returns
// FailedOperation.TaskNotExist for an unknown task or one that has ended
// (the files of an ended task are in the storage and in the events).
func (r *Recorder) Describe(ctx context.Context, taskID string) (Description, error) {
	tk, err := r.task(taskID)
	if err != nil {
		return Description{}, err
	}
	return tk.describe(), nil
}

// Modify replaces the task's subscription lists (a full overwrite: lists
// left empty become empty) and, with p.Layout, the mixed layout. Streams
// that leave the subscription stop being recorded at once, their media so
// far committed to the storage (the last segment is cut); their playlists
// stay open and continue after #EXT-X-DISCONTINUITY if they are
// subscribed again (one playlist per stream, nothing overwritten; all end
// with #EXT-X-ENDLIST at Stop). Streams that join start recording. It
// returns InvalidParameter.SubscribeStreamUserIds for bad lists,
// InvalidParameter.Mix* for a bad layout, and
// FailedOperation.TaskNotExist for an unknown or ended task.
func (r *Recorder) Modify(ctx context.Context, taskID string, p ModifyParams) error {
	if err := p.Subscribe.Validate(); err != nil {
		return err
	}
	tk, err := r.task(taskID)
	if err != nil {
		return err
	}
	return tk.modify(p)
}

// ModifyParams are the parameters of Modify (the service's
// ModifyCloudRecording); every field given replaces the old value.
type ModifyParams struct {
	// Subscribe replaces all four subscription lists.
	Subscribe Subscription
	// Layout, when set, replaces the mix layout of a mixed-stream task as a
	// whole together with Watermarks and BackgroundColor (the service's
	// MixLayoutParams carries all three: a full overwrite, so watermarks
	// left out are removed and a zero colour is black). A changed
	// BackgroundImageURL is downloaded ("" shows the colour), changed
	// watermarks too; failed downloads fire 309. Changes show from the
	// mix's current time on. Invalid values are InvalidParameter.Mix*
	// errors and change nothing.
	Layout *MixLayoutParams
	// Watermarks replace the mix's watermarks when Layout is set.
	Watermarks []layout.Watermark
	// BackgroundColor (0xRRGGBB) replaces the canvas colour when Layout is
	// set.
	BackgroundColor uint32
}

// Stop ends a task (LeaveCode 0): it stops reading media, closes the last
// segments and playlists (#EXT-X-ENDLIST), and waits until the files are
// uploaded or ctx ends; files not uploaded by then stay in the spool and
// are uploaded later (event 305 says which). It returns the task's final
// description, or FailedOperation.TaskNotExist for an unknown or ended task.
func (r *Recorder) Stop(ctx context.Context, taskID string) (Description, error) {
	tk, err := r.task(taskID)
	if err != nil {
		return Description{}, err
	}
	return tk.stop(ctx, callback.LeaveNormal), nil
}

// Tasks returns the ids of the running tasks, sorted.
func (r *Recorder) Tasks() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.tasks))
	for id := range r.tasks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Close stops every task (LeaveCode 0) within ctx's deadline and refuses new
// ones, then stops the background uploads of held files: files not uploaded
// by then stay in the spool. It returns ctx's error if the deadline passed
// before every task ended.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	tasks := make([]*task, 0, len(r.tasks))
	for _, tk := range r.tasks {
		tasks = append(tasks, tk)
	}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, tk := range tasks {
		wg.Go(func() { tk.stop(ctx, callback.LeaveNormal) })
	}
	wg.Wait()
	r.cancelBG()
	r.wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("recorder: close: %w", err)
	}
	return nil
}
