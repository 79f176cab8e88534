package ingest

import (
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestStatsFromAnotherGoroutine reads Stats and BeginTime while the
// track's goroutine pushes (the race detector checks the atomics).
func TestStatsFromAnotherGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	c := loadOpus(t)
	pkts := packetize(c, 0, c.len(), 1, 1, 1, t0)
	h := newHarness(t, c.codec, nil)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var prev uint64
		for {
			st := h.tr.Stats()
			if st.Packets < prev {
				t.Error("Packets went backwards")
			}
			prev = st.Packets
			_ = h.tr.BeginTime()
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	h.push(pkts)
	close(done)
	wg.Wait()
	if h.tr.Stats().FramesOut != uint64(c.len()) || !h.tr.BeginTime().Equal(t0) {
		t.Fatalf("stats %+v", h.tr.Stats())
	}
}

// TestBeginTimeAtUnixZero: a first packet at the Unix epoch still counts as
// begun (the zero-nanosecond sentinel is avoided).
func TestBeginTimeAtUnixZero(t *testing.T) {
	c := loadOpus(t)
	h := newHarness(t, c.codec, nil)
	h.push(packetize(c, 0, 1, 1, 1, 1, time.Unix(0, 0)))
	if h.tr.BeginTime().IsZero() {
		t.Fatal("BeginTime is zero after the first packet")
	}
}
