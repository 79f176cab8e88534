package recorder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/storage"
)

// Upload retry back-off: doubling from uploadBackoffMin to uploadBackoffMax,
// with ±20 % jitter.
const (
	uploadBackoffMin = time.Second
	uploadBackoffMax = 30 * time.Second
)

// errSuperseded: the version of a file picked for upload was replaced
// before its upload began (see upload).
var errSuperseded = errors.New("spool: superseded by a newer version")

// uploader is a task's spool: files are written to local disk first (under
// Config.SpoolDir, at their object key) and uploaded in the order they were
// finished, one at a time, so a playlist always reaches the storage after
// the segments it names. A file is removed from the spool only after the
// storage confirmed it. A storage that fails is retried with back-off
// (event 308 fires once per failure streak); the spool keeps the files
// meanwhile.
//
// A spooled file is never modified in place: every new version (WriteFile,
// AppendFile) is a new file renamed over the old one, so an upload in
// progress (which holds the old file open, or a hard link to it) always
// sends one whole version. The playlists of open streams are throttled
// (see playlistHoldLocked): a version written less than
// Config.PlaylistInterval after the last upload waits in the queue, and
// the files queued after it pass it.
type uploader struct {
	dir     string // the spool's root
	taskDir string // the task's folder in the spool
	store   Storage
	ctx     context.Context // the Recorder's: Close cancels the uploads in progress
	sem     chan struct{}   // shared by all uploaders: bounds concurrent uploads
	totals  *totals
	clock   clock.Clock
	log     *slog.Logger
	emit    func(callback.Payload)

	plInterval time.Duration // Config.PlaylistInterval (<= 0: no throttling)

	mu       sync.Mutex
	queue    []string          // keys waiting, oldest first
	gen      map[string]uint64 // bumped on every write of a key
	inflight string
	started  time.Time            // when the upload of inflight started
	uploaded map[string]time.Time // playlists uploaded at least once (for 304): when the last upload started
	unreg    func(*uploader)
	keep     map[string]bool  // playlists of open streams: stay in the spool after upload
	sizes    map[string]int64 // sizes of the queued files (the backlog)
	draining int              // drain calls waiting: nothing is held back
	failing  bool
	spoolBad bool // the last spool write failed
	closed   bool
	changed  chan struct{} // closed and replaced on every state change
	kick     chan struct{}
	quit     chan struct{}
}

// newUploader returns the uploader of the spool folder taskDir (a path
// below the spool root, "<prefix>/<TaskId>"). The caller adds it to
// r.uploaders (under r.mu) so that Stats sees its backlog.
func newUploader(r *Recorder, taskDir string, store Storage, log *slog.Logger, emit func(callback.Payload)) *uploader {
	u := &uploader{
		dir: r.cfg.SpoolDir, taskDir: filepath.Join(r.cfg.SpoolDir, filepath.FromSlash(taskDir)),
		store: store, ctx: r.bg, sem: r.uploadSem, totals: &r.totals, clock: r.clock, log: log, emit: emit,
		plInterval: r.cfg.PlaylistInterval,
		gen:        make(map[string]uint64),
		uploaded:   make(map[string]time.Time),
		keep:       make(map[string]bool),
		sizes:      make(map[string]int64),
		changed:    make(chan struct{}),
		kick:       make(chan struct{}, 1),
		quit:       make(chan struct{}),
		unreg: func(u *uploader) {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(r.uploaders, u)
		},
	}
	return u
}

// backlog returns the files waiting in the spool and their size.
func (u *uploader) backlog() (int, int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var b int64
	for _, k := range u.queue {
		b += u.sizes[k]
	}
	if u.inflight != "" {
		b += u.sizes[u.inflight]
		return len(u.queue) + 1, b
	}
	return len(u.queue), b
}

func (u *uploader) path(key string) string { return filepath.Join(u.dir, filepath.FromSlash(key)) }

// signalLocked wakes drain waiters and the run loop.
func (u *uploader) signalLocked() {
	close(u.changed)
	u.changed = make(chan struct{})
	select {
	case u.kick <- struct{}{}:
	default:
	}
}

func (u *uploader) enqueueLocked(key string) {
	u.queue = slices.DeleteFunc(u.queue, func(k string) bool { return k == key })
	u.queue = append(u.queue, key)
	u.gen[key]++
	if fi, err := os.Stat(u.path(key)); err == nil {
		u.sizes[key] = fi.Size()
	}
	u.signalLocked()
}

// spoolFile is a file being written into the spool; Close makes it visible
// under its key and queues its upload.
type spoolFile struct {
	u        *uploader
	key      string
	tmp, fin string
	f        *os.File
}

// Create opens a new spool file for key (hls.Output).
func (u *uploader) Create(key string) (io.WriteCloser, error) {
	return u.create(key)
}

func (u *uploader) create(key string) (*spoolFile, error) {
	fin := u.path(key)
	if err := os.MkdirAll(filepath.Dir(fin), 0o755); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	tmp := fin + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &spoolFile{u: u, key: key, tmp: tmp, fin: fin, f: f}, nil
}

func (s *spoolFile) Write(p []byte) (int, error) { return s.f.Write(p) }

func (s *spoolFile) Close() error {
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(s.tmp)
		return fmt.Errorf("spool: %s: %w", s.key, err)
	}
	return s.u.commit(s.tmp, s.fin, s.key)
}

func (u *uploader) commit(tmp, fin, key string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := os.Rename(tmp, fin); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("spool: %s: %w", key, err)
	}
	u.enqueueLocked(key)
	return nil
}

// WriteFile atomically replaces key in the spool and queues its upload
// (hls.Output; used for playlists).
func (u *uploader) WriteFile(key string, data []byte) error {
	return u.replace(key, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// replace writes a new version of key with fill, commits it (rename under
// u.mu) and queues its upload.
func (u *uploader) replace(key string, fill func(*os.File) error) error {
	sf, err := u.create(key)
	if err != nil {
		return err
	}
	if err := fill(sf.f); err != nil {
		_ = sf.f.Close()
		_ = os.Remove(sf.tmp)
		return fmt.Errorf("spool: %s: %w", key, err)
	}
	return sf.Close()
}

// run uploads queued files until close.
func (u *uploader) run() {
	backoff := time.Duration(0)
	for {
		key, gen, ok := u.next()
		if !ok {
			return
		}
		select {
		case u.sem <- struct{}{}:
		case <-u.quit:
			u.requeue(key)
			return
		}
		err := u.upload(key, gen)
		<-u.sem
		if u.finish(key, gen, err) {
			backoff = 0
			continue
		}
		backoff = min(max(2*backoff, uploadBackoffMin), uploadBackoffMax)
		wait := time.Duration(float64(backoff) * (0.8 + 0.4*rand.Float64()))
		timer := u.clock.NewTimer(wait)
		select {
		case <-timer.C():
		case <-u.quit:
			timer.Stop()
			return
		}
	}
}

// requeue puts key back at the head of the queue (the uploader is closing).
func (u *uploader) requeue(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.inflight = ""
	if !slices.Contains(u.queue, key) {
		u.queue = append([]string{key}, u.queue...)
	}
	u.signalLocked()
}

// next blocks until a queued key may be uploaded — the oldest one that is
// not a playlist held back — and returns it with its generation, or until
// the uploader is closed (ok false).
func (u *uploader) next() (key string, gen uint64, ok bool) {
	for {
		u.mu.Lock()
		i, wait := u.pickLocked()
		if i >= 0 {
			key = u.queue[i]
			u.queue = slices.Delete(u.queue, i, i+1)
			u.inflight, u.started = key, u.clock.Now()
			gen = u.gen[key]
			u.mu.Unlock()
			return key, gen, true
		}
		u.mu.Unlock()
		if !u.wait(wait) {
			return "", 0, false
		}
	}
}

// wait blocks until the state changes, d has passed (d > 0: the first held
// playlist is due) or the uploader is closed (false).
func (u *uploader) wait(d time.Duration) bool {
	var due <-chan time.Time
	if d > 0 {
		t := u.clock.NewTimer(d)
		defer t.Stop()
		due = t.C()
	}
	select {
	case <-u.kick:
	case <-due:
	case <-u.quit:
		return false
	}
	return true
}

// upload puts one spooled file into the storage. For a storage that takes
// files by path it hands over a hard link, so a newer version written
// meanwhile is never moved away unseen. When a newer version than gen
// (the one picked) was written since, it returns errSuperseded without
// uploading: that version is queued after the segments it names, which
// may not be in the storage yet.
func (u *uploader) upload(key string, gen uint64) error {
	p := u.path(key)
	if fp, ok := u.store.(filePutter); ok {
		snap := p + ".up"
		_ = os.Remove(snap)
		u.mu.Lock()
		err := errSuperseded
		if u.gen[key] == gen {
			err = os.Link(p, snap)
		}
		u.mu.Unlock()
		if err != nil {
			return err
		}
		err = fp.PutFile(u.ctx, key, snap)
		_ = os.Remove(snap)
		return err
	}
	u.mu.Lock()
	if u.gen[key] != gen {
		u.mu.Unlock()
		return errSuperseded
	}
	f, err := os.Open(p)
	u.mu.Unlock()
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return u.store.Put(u.ctx, key, f, fi.Size(), storage.ContentType(key))
}

// finish records the outcome of an upload and reports whether it succeeded.
// A playlist's first upload fires 304 before the upload counts as done, so
// that drain (and the 305 after it) cannot overtake it.
func (u *uploader) finish(key string, gen uint64, err error) bool {
	if err == nil && strings.HasSuffix(key, ".m3u8") { // only playlists are asked about: keep the map small
		u.mu.Lock()
		_, seen := u.uploaded[key]
		u.uploaded[key] = u.started
		u.mu.Unlock()
		if !seen {
			u.emit(callback.FileInfo{FileList: filepath.Base(key)})
		}
	}
	u.mu.Lock()
	u.inflight = ""
	if errors.Is(err, errSuperseded) { // not a failure: the newer version is queued
		u.signalLocked()
		u.mu.Unlock()
		return true
	}
	if err != nil && u.ctx.Err() != nil { // Close: the file stays in the spool for the next process
		if !slices.Contains(u.queue, key) {
			u.queue = append([]string{key}, u.queue...)
		}
		u.signalLocked()
		u.mu.Unlock()
		return false
	}
	if err != nil {
		u.totals.uploadFailures.Add(1)
		if !slices.Contains(u.queue, key) {
			u.queue = append([]string{key}, u.queue...)
		}
		first := !u.failing
		u.failing = true
		u.signalLocked()
		u.mu.Unlock()
		se := storage.AsError(err)
		u.log.Warn("upload failed; will retry", "key", key, "code", se.Code, "err", err)
		if first {
			u.emit(callback.UploadError{Code: se.Code, Message: se.Message})
		}
		return false
	}
	u.failing = false
	u.totals.uploads.Add(1)
	if !slices.Contains(u.queue, key) {
		delete(u.sizes, key)
	}
	if u.gen[key] == gen && !slices.Contains(u.queue, key) && !u.keep[key] {
		_ = os.Remove(u.path(key))
		delete(u.gen, key)
	}
	u.signalLocked()
	u.mu.Unlock()
	return true
}

// spoolResult tracks whether writing to the spool works. The first failure
// of a streak fires event 308 (Code NoSpace for a full disk, SpoolError
// otherwise) and is logged; the segments meanwhile are lost, the recording
// goes on and resumes with a discontinuity when the spool works again.
func (u *uploader) spoolResult(err error) {
	u.mu.Lock()
	first := err != nil && !u.spoolBad
	u.spoolBad = err != nil
	u.mu.Unlock()
	if !first {
		return
	}
	code := "SpoolError"
	if errors.Is(err, syscall.ENOSPC) {
		code = storage.CodeNoSpace
	}
	u.log.Error("cannot write to the spool; media is being lost", "dir", u.taskDir, "err", err)
	u.emit(callback.UploadError{Code: code, Message: "cannot write to the local spool: " + err.Error()})
}

// hold keeps key (a playlist being written) in the spool after its
// uploads, so that a process that dies can still finish it from the spool.
func (u *uploader) hold(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.keep[key] = true
}

// release lets key leave the spool once its last version is uploaded; it
// is called when the stream has written that version (the playlist with
// #EXT-X-ENDLIST), which is then no longer held back (it goes next).
func (u *uploader) release(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.keep, key)
	if !slices.Contains(u.queue, key) && u.inflight != key {
		// Already uploaded in its final form: nothing will remove it later.
		if _, ok := u.uploaded[key]; ok {
			_ = os.Remove(u.path(key))
			delete(u.gen, key)
		}
	}
	u.signalLocked()
}

// drain waits until every queued file is uploaded (true) or ctx ends
// (false). Meanwhile no playlist is held back.
func (u *uploader) drain(ctx context.Context) bool {
	u.mu.Lock()
	u.draining++
	u.signalLocked()
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		u.draining--
		u.mu.Unlock()
	}()
	for {
		u.mu.Lock()
		empty := len(u.queue) == 0 && u.inflight == ""
		ch := u.changed
		u.mu.Unlock()
		if empty {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

// close stops the run loop; queued files stay in the spool. When nothing
// is left, the task's empty folders are removed from the spool.
func (u *uploader) close() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return
	}
	u.closed = true
	close(u.quit)
	if u.unreg != nil && len(u.queue) == 0 && u.inflight == "" {
		u.unreg(u) // nothing held: no backlog to report any more
	}
	if len(u.queue) == 0 && u.inflight == "" {
		u.removeEmptyDirs()
	}
}

// removeEmptyDirs removes the task's manifest, then the task's folder in
// the spool and the prefix folders above it, as long as they are empty.
func (u *uploader) removeEmptyDirs() {
	_ = os.Remove(filepath.Join(u.taskDir, manifestName))
	dir := u.taskDir
	for dir != u.dir && strings.HasPrefix(dir, u.dir) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
