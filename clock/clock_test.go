package clock

import (
	"testing"
	"time"
)

func TestFakeTimerAndTicker(t *testing.T) {
	t0 := time.Date(2033, 5, 31, 9, 45, 51, 0, time.UTC)
	f := NewFake(t0)
	tm := f.NewTimer(5 * time.Second)
	tk := f.NewTicker(2 * time.Second)
	f.Advance(4 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("timer fired early")
	default:
	}
	if got := <-tk.C(); !got.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("first tick at %v", got)
	}
	f.Advance(time.Second)
	if got := <-tm.C(); !got.Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("timer fired at %v", got)
	}
	if tm.Stop() {
		t.Fatal("Stop on a fired timer reported active")
	}
	if tm.Reset(time.Second) {
		t.Fatal("Reset of a fired timer reported active")
	}
	if f.Waiters() != 2 {
		t.Fatalf("waiters = %d, want 2", f.Waiters())
	}
	tk.Stop()
	if f.Waiters() != 1 {
		t.Fatalf("waiters after ticker stop = %d, want 1", f.Waiters())
	}
	if !f.Now().Equal(t0.Add(5 * time.Second)) {
		t.Fatalf("now = %v", f.Now())
	}
}

func TestWaitForWaiters(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	done := make(chan struct{})
	go func() { f.NewTimer(time.Second) }()
	if !f.WaitForWaiters(1, done) {
		t.Fatal("did not see the timer")
	}
	close(done)
	if f.WaitForWaiters(5, done) {
		t.Fatal("reported 5 waiters")
	}
}
