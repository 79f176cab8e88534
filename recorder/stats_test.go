package recorder

import (
	"context"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

// TestDescribeDoesNotWaitForWrites: Describe and Stats answer while every
// stream's write path is busy (held here as a stuck encode or a slow fsync
// would hold it), with the counters as of then.
func TestDescribeDoesNotWaitForWrites(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(nil)
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(
		send{av, load(t, "video/H264", 12*time.Second, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", 12*time.Second, testpub.RTPOptions{SSRC: 2})},
	)
	h.waitEvent(callback.EventFileSlice) // a segment was cut

	h.rec.mu.Lock()
	tk := h.rec.tasks[id]
	h.rec.mu.Unlock()
	tk.settle() // both pipelines have written what was fed
	tk.mu.Lock()
	var busy []*stream
	for _, s := range tk.streams {
		busy = append(busy, s)
	}
	tk.mu.Unlock()
	if len(busy) != 2 {
		t.Fatalf("%d streams, want 2", len(busy))
	}
	for _, s := range busy {
		s.mu.Lock()
	}
	type answer struct {
		d   Description
		st  Stats
		err error
	}
	done := make(chan answer, 1)
	go func() {
		d, err := h.rec.Describe(context.Background(), id)
		done <- answer{d, h.rec.Stats(), err}
	}()
	var a answer
	var late bool
	select {
	case a = <-done:
	case <-time.After(20 * time.Second):
		late = true
	}
	for _, s := range busy {
		s.mu.Unlock()
	}
	if late {
		<-done
		t.Fatal("Describe/Stats waited for the streams' write lock (more than 20 s)")
	}
	if a.err != nil {
		t.Fatal(a.err)
	}
	segs := 0
	for _, s := range a.d.Streams {
		if !s.Recording || s.Packets == 0 {
			t.Errorf("stream %+v: want recording with packets", s)
		}
		segs += s.Segments
	}
	if segs == 0 || len(a.d.StorageFileList) != 2 {
		t.Errorf("Describe: %d segments, %d files; want ≥ 1 segment and 2 files", segs, len(a.d.StorageFileList))
	}
	if a.st.TasksInProgress != 1 || a.st.Tracks != 2 || a.st.Segments != uint64(segs) {
		t.Errorf("Stats: %+v, want 1 task in progress, 2 tracks, %d segments", a.st, segs)
	}
	h.stop(id)
}
