package recorder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// upload is one file a recStorage received.
type upload struct {
	key  string
	data []byte
	at   time.Time // on the storage's clock, when the upload started
}

// recStorage is a Storage that keeps every upload; gate, when set, is
// called in the middle of each upload (after the first 16 bytes were read)
// and may block.
type recStorage struct {
	clk  clock.Clock
	gate func(key string)

	mu      sync.Mutex
	uploads []upload
	changed chan struct{}
}

func newRecStorage(clk clock.Clock) *recStorage {
	return &recStorage{clk: clk, changed: make(chan struct{})}
}

func (s *recStorage) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	at := s.clk.Now()
	head := make([]byte, 16)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if s.gate != nil {
		s.gate(key)
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	data := append(head[:n], rest...)
	if int64(len(data)) != size {
		return fmt.Errorf("%s: read %d bytes, size %d", key, len(data), size)
	}
	s.add(upload{key, data, at})
	return nil
}

func (s *recStorage) Get(context.Context, string) (io.ReadCloser, error) {
	return nil, storage.ErrNotExist
}

func (s *recStorage) add(u upload) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uploads = append(s.uploads, u)
	close(s.changed)
	s.changed = make(chan struct{})
}

// of returns the uploads of key so far ("": all).
func (s *recStorage) of(key string) []upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []upload
	for _, u := range s.uploads {
		if key == "" || u.key == key {
			out = append(out, u)
		}
	}
	return out
}

// waitFor waits (10 s at most, real time) until key was uploaded n times.
func (s *recStorage) waitFor(t *testing.T, key string, n int) []upload {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if got := s.of(key); len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("%s uploaded %d times, want %d", key, len(s.of(key)), n)
		}
	}
}

// recFileStorage is a recStorage that takes files by path (filePutter), as
// storage.Local does.
type recFileStorage struct{ *recStorage }

func (s recFileStorage) PutFile(_ context.Context, key, localPath string) error {
	at := s.clk.Now()
	if s.gate != nil {
		s.gate(key)
	}
	data, err := os.ReadFile(localPath)
	if err != nil {
		return err
	}
	s.add(upload{key, data, at})
	return nil
}

// payloads collects emitted events.
type payloads struct {
	mu sync.Mutex
	p  []callback.Payload
}

func (e *payloads) add(p callback.Payload) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.p = append(e.p, p)
}

func (e *payloads) fileInfos() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, p := range e.p {
		if _, ok := p.(callback.FileInfo); ok {
			n++
		}
	}
	return n
}

// newTestUploader returns a running uploader of a spool in a temp folder.
func newTestUploader(t *testing.T, store Storage, clk clock.Clock, interval time.Duration) (*uploader, *payloads) {
	t.Helper()
	r := &Recorder{cfg: Config{SpoolDir: t.TempDir(), PlaylistInterval: interval}, clock: clk, bg: context.Background(),
		uploadSem: make(chan struct{}, 1), uploaders: map[*uploader]struct{}{}}
	events := &payloads{}
	u := newUploader(r, "task", store, slog.New(slog.NewTextHandler(io.Discard, nil)), events.add)
	done := make(chan struct{})
	go func() {
		defer close(done)
		u.run()
	}()
	t.Cleanup(func() {
		u.close()
		<-done
	})
	return u, events
}

// TestSpoolAppendCopyOnWrite: appending to a playlist whose upload is in
// progress (the storage is stopped in the middle of reading it) leaves
// that upload one whole version; the new version is uploaded next.
func TestSpoolAppendCopyOnWrite(t *testing.T) {
	for _, byPath := range []bool{false, true} {
		t.Run(fmt.Sprintf("byPath=%v", byPath), func(t *testing.T) {
			const key = "task/p.m3u8"
			clk := clock.NewFake(testT0)
			rs := newRecStorage(clk)
			started, resume := make(chan struct{}), make(chan struct{})
			var once sync.Once
			rs.gate = func(string) {
				once.Do(func() {
					close(started)
					<-resume
				})
			}
			var store Storage = rs
			if byPath {
				store = recFileStorage{rs}
			}
			u, _ := newTestUploader(t, store, clk, -1)
			u.hold(key)
			v1 := []byte("#EXTM3U\n" + strings.Repeat("#EXTINF:10.000,\nseg.ts\n", 100))
			if err := u.WriteFile(key, v1); err != nil {
				t.Fatal(err)
			}
			<-started // the upload of v1 is under way
			more := []byte("#EXTINF:4.000,\nlast.ts\n#EXT-X-ENDLIST\n")
			if err := u.AppendFile(key, more); err != nil {
				t.Fatal(err)
			}
			v2 := append(slices.Clone(v1), more...)
			if got, err := u.ReadFile(key); err != nil || !bytes.Equal(got, v2) {
				t.Fatalf("spooled after append: %d bytes, %v; want %d", len(got), err, len(v2))
			}
			close(resume)
			got := rs.waitFor(t, key, 2)
			if !bytes.Equal(got[0].data, v1) || !bytes.Equal(got[1].data, v2) {
				t.Errorf("uploaded %d then %d bytes; want %d (the version being read) then %d",
					len(got[0].data), len(got[1].data), len(v1), len(v2))
			}
			u.release(key)
			if !u.drain(t.Context()) {
				t.Fatal("not drained")
			}
			if _, err := os.Stat(u.path(key)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("released playlist left in the spool: %v", err)
			}
			if err := u.AppendFile("task/missing.m3u8", more); err == nil {
				t.Error("append to a file not in the spool accepted")
			}
		})
	}
}

// TestPlaylistThrottle: a live playlist is uploaded at once the first
// time (304 once), then held back while segments pass it until
// PlaylistInterval has passed since its last upload; its final version
// goes at once.
func TestPlaylistThrottle(t *testing.T) {
	const pl, interval = "task/p.m3u8", 30 * time.Second
	clk := clock.NewFake(testT0)
	rs := newRecStorage(clk)
	u, events := newTestUploader(t, rs, clk, interval)
	u.hold(pl)
	done := make(chan struct{})
	defer close(done)
	armed := func() { // the uploader waits for the held playlist
		t.Helper()
		timeout := make(chan struct{})
		timer := time.AfterFunc(10*time.Second, func() { close(timeout) })
		defer timer.Stop()
		if !clk.WaitForWaiters(1, timeout) {
			t.Fatal("no timer armed for the held playlist")
		}
	}
	version := 0
	segment := func(n int) { // segment n and the playlist listing it
		t.Helper()
		seg := fmt.Sprintf("task/s%d.ts", n)
		if err := u.WriteFile(seg, []byte("ts")); err != nil {
			t.Fatal(err)
		}
		write := u.AppendFile
		if version == 0 {
			write = u.WriteFile
		}
		version++
		if err := write(pl, fmt.Appendf(nil, "v%d\n", version)); err != nil {
			t.Fatal(err)
		}
		rs.waitFor(t, seg, 1)
	}
	last := func() string {
		ups := rs.of(pl)
		return string(ups[len(ups)-1].data)
	}

	segment(1) // t = 0: first version, uploaded at once
	if got := rs.waitFor(t, pl, 1); string(got[0].data) != "v1\n" {
		t.Fatalf("first upload %q", got[0].data)
	}
	for n := 2; n <= 3; n++ { // t = 10 s, 20 s: held
		clk.Advance(10 * time.Second)
		segment(n)
		armed()
		if got := rs.of(pl); len(got) != 1 {
			t.Fatalf("t=%v: playlist uploaded %d times, want 1 (held back)", clk.Now().Sub(testT0), len(got))
		}
	}
	// Due at t = 30 s. The clock moves in steps: the uploader may compute
	// its wait just before a step and arm the timer just after it.
	for range 20 {
		if len(rs.of(pl)) == 2 {
			break
		}
		clk.Advance(time.Second)
		if clk.Now().Before(testT0.Add(interval)) {
			armed()
			if n := len(rs.of(pl)); n != 1 {
				t.Fatalf("t=%v: playlist uploaded %d times, want 1", clk.Now().Sub(testT0), n)
			}
			continue
		}
		rs.waitFor(t, pl, 2)
	}
	if at := rs.waitFor(t, pl, 2)[1].at.Sub(testT0); at < interval || at > interval+2*time.Second {
		t.Errorf("second upload at %v, want %v", at, interval)
	}
	if last() != "v1\nv2\nv3\n" {
		t.Errorf("second upload %q", last())
	}
	now := clk.Now()
	segment(4) // held until the last upload + 30 s
	armed()
	if n := len(rs.of(pl)); n != 2 {
		t.Fatalf("playlist uploaded %d times after segment 4, want 2", n)
	}
	if err := u.AppendFile(pl, []byte("end\n")); err != nil { // the stream ends
		t.Fatal(err)
	}
	u.release(pl)
	if rs.waitFor(t, pl, 3); last() != "v1\nv2\nv3\nv4\nend\n" {
		t.Errorf("final upload %q", last())
	}
	if !clk.Now().Equal(now) {
		t.Errorf("the clock moved to %v", clk.Now())
	}
	if n := events.fileInfos(); n != 1 {
		t.Errorf("%d FILE_INFO events, want 1", n)
	}
}

// TestPlaylistThrottleDrainAndOff: drain uploads a held playlist at once;
// a negative interval uploads every version.
func TestPlaylistThrottleDrainAndOff(t *testing.T) {
	for _, interval := range []time.Duration{30 * time.Second, -1} {
		t.Run(fmt.Sprint(interval), func(t *testing.T) {
			const pl = "task/p.m3u8"
			clk := clock.NewFake(testT0)
			rs := newRecStorage(clk)
			u, _ := newTestUploader(t, rs, clk, interval)
			u.hold(pl)
			if err := u.WriteFile(pl, []byte("v1\n")); err != nil {
				t.Fatal(err)
			}
			rs.waitFor(t, pl, 1)
			if err := u.AppendFile(pl, []byte("v2\n")); err != nil {
				t.Fatal(err)
			}
			if interval < 0 {
				rs.waitFor(t, pl, 2)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if !u.drain(ctx) {
				t.Fatal("drain did not upload the held playlist")
			}
			if got := rs.of(pl); len(got) != 2 || string(got[1].data) != "v1\nv2\n" {
				t.Errorf("uploads %v", got)
			}
			if _, err := os.Stat(u.path(pl)); err != nil {
				t.Errorf("live playlist not kept in the spool: %v", err)
			}
		})
	}
}

// TestRecordingPlaylistThrottled: a real recording (2 min of audio, 4 s
// segments, 30 s interval) uploads its playlist at the first segment,
// then at most once per interval while live, then its final version with
// #EXT-X-ENDLIST at Stop; 304 fires once.
func TestRecordingPlaylistThrottled(t *testing.T) {
	var rs *recStorage
	h := newHarness(t, func(c *Config) {
		rs = newRecStorage(c.Clock)
		c.Storage = rs
		c.PlaylistInterval = 30 * time.Second
	})
	id := h.start(nil)
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	const d = 2 * time.Minute
	h.feed(send{aa, load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 2})})
	final := h.stop(id)
	if len(final.StorageFileList) != 1 {
		t.Fatalf("files %+v", final.StorageFileList)
	}
	key := final.StorageFileList[0].Key
	ups := rs.of(key)
	segs := 0
	for _, u := range rs.of("") {
		if strings.HasSuffix(u.key, ".ts") {
			segs++
		}
	}
	t.Logf("%d segments, playlist uploaded %d times", segs, len(ups))
	if segs < 25 || len(ups) < 2 || len(ups) > 2+int(d/(30*time.Second)) {
		t.Fatalf("%d segments, %d playlist uploads; want at most one per 30 s and the final one", segs, len(ups))
	}
	for i := 1; i < len(ups)-1; i++ {
		if gap := ups[i].at.Sub(ups[i-1].at); gap < 30*time.Second {
			t.Errorf("playlist uploads %d and %d only %v apart", i-1, i, gap)
		}
	}
	end, err := hls.ReadPlaylist(bytes.NewReader(ups[len(ups)-1].data))
	if err != nil {
		t.Fatal(err)
	}
	if !end.Ended || len(end.Segments) != segs {
		t.Errorf("final playlist: ended %v, %d segments of %d", end.Ended, len(end.Segments), segs)
	}
	if first, err := hls.ReadPlaylist(bytes.NewReader(ups[0].data)); err != nil || first.Ended || len(first.Segments) == 0 {
		t.Errorf("first playlist upload: %+v, %v", first, err)
	}
	if n := len(h.events.OfType(callback.EventFileInfo)); n != 1 {
		t.Errorf("%d FILE_INFO events, want 1", n)
	}
}

// TestSpoolPlaylistNotBeforeItsSegments: a playlist picked for upload but
// rewritten before its upload began (here: it waits for an upload slot)
// is not uploaded in its new version ahead of the segment that version
// names; the segment goes first.
func TestSpoolPlaylistNotBeforeItsSegments(t *testing.T) {
	const pl = "task/p.m3u8"
	clk := clock.NewFake(testT0)
	rs := newRecStorage(clk)
	u, _ := newTestUploader(t, rs, clk, -1)
	u.hold(pl)
	u.sem <- struct{}{} // every upload slot is taken
	if err := u.WriteFile(pl, []byte("s0.ts\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for { // until the playlist is picked and waits for a slot
		u.mu.Lock()
		picked := u.inflight == pl
		u.mu.Unlock()
		if picked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the playlist was not picked")
		}
		runtime.Gosched()
	}
	if err := u.WriteFile("task/s1.ts", []byte("ts")); err != nil {
		t.Fatal(err)
	}
	if err := u.AppendFile(pl, []byte("s1.ts\n")); err != nil {
		t.Fatal(err)
	}
	<-u.sem
	rs.waitFor(t, pl, 1)
	seen := map[string]bool{"s0.ts": true}
	for _, up := range rs.of("") {
		if up.key != pl {
			seen[strings.TrimPrefix(up.key, "task/")] = true
			continue
		}
		for name := range strings.Lines(string(up.data)) {
			if !seen[strings.TrimSpace(name)] {
				t.Errorf("playlist %q uploaded before its segment %s", up.data, name)
			}
		}
	}
}

// TestPlaylistThrottleLongPlaylist: a long live playlist (here 300 KiB)
// waits size / playlistRate (150 s) between uploads, not the 30 s
// interval, so long recordings upload linear, not quadratic, bytes.
func TestPlaylistThrottleLongPlaylist(t *testing.T) {
	const pl, interval = "task/p.m3u8", 30 * time.Second
	clk := clock.NewFake(testT0)
	rs := newRecStorage(clk)
	u, _ := newTestUploader(t, rs, clk, interval)
	u.hold(pl)
	big := bytes.Repeat([]byte("#EXTINF:10.000,\nsegment.ts\n"), 300*1024/27)
	if err := u.WriteFile(pl, big); err != nil {
		t.Fatal(err)
	}
	rs.waitFor(t, pl, 1) // the first version at once
	if err := u.AppendFile(pl, []byte("#EXTINF:10.000,\nnext.ts\n")); err != nil {
		t.Fatal(err)
	}
	size := int64(len(big) + 24)
	want := time.Duration(size) * time.Second / playlistRate
	if want < 140*time.Second {
		t.Fatalf("test playlist too small: hold %v", want)
	}
	armed := func() {
		t.Helper()
		timeout := make(chan struct{})
		timer := time.AfterFunc(10*time.Second, func() { close(timeout) })
		defer timer.Stop()
		if !clk.WaitForWaiters(1, timeout) {
			t.Fatal("no timer armed for the held playlist")
		}
	}
	// Step the clock in 10 s steps; until want the playlist stays held
	// (past the 30 s interval), then it goes.
	armed()
	for clk.Now().Sub(testT0) < want {
		if n := len(rs.of(pl)); n != 1 {
			t.Fatalf("t=%v: playlist uploaded %d times, want 1 (held for %v)", clk.Now().Sub(testT0), n, want)
		}
		clk.Advance(10 * time.Second)
		if clk.Now().Sub(testT0) < want {
			armed()
		}
	}
	ups := rs.waitFor(t, pl, 2)
	if at := ups[1].at.Sub(testT0); at < want || at > want+10*time.Second {
		t.Errorf("second upload at %v, want %v (size %d B at %d B/s), not the %v interval", at, want, size, playlistRate, interval)
	}
}
