package callback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/naming"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	testKey      = "callback-key"
	testSdkAppID = 1400123456
)

// t0 is the fake clock's start.
var t0 = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

// receiver is a callback receiver on 127.0.0.1 for the HTTP notifier's
// tests. It checks every request's headers and signature, answers 500 to
// the first failFirst requests, lets hold delay an answer, deduplicates on
// the delivery id and records each task's events in arrival order.
type receiver struct {
	t          *testing.T
	failFirst  int
	failStatus int                                 // the status of those failures; 0 means 500
	hold       func(r *http.Request, e Event) bool // false: answer 503 without accepting

	mu       sync.Mutex
	addr     string
	srv      *http.Server
	served   chan struct{}
	requests int
	accepted map[string][]Event // task → events, deduplicated
	ids      map[string]string  // "task/file" → delivery id of its first request
	dups     int
	problems []string
	changed  chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, accepted: map[string][]Event{}, ids: map[string]string{}, changed: make(chan struct{})}
	if err := r.up(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.down)
	return r
}

func (r *receiver) url() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return "http://" + r.addr + "/callback"
}

// up starts serving (again, on the same port after down).
func (r *receiver) up() error {
	r.mu.Lock()
	addr := r.addr
	r.mu.Unlock()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	r.mu.Lock()
	r.addr = ln.Addr().String()
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve)}
	r.served = make(chan struct{})
	srv, served := r.srv, r.served
	r.mu.Unlock()
	go func() {
		_ = srv.Serve(ln)
		close(served)
	}()
	return nil
}

// down closes the listener and every connection: new connections are
// refused until up.
func (r *receiver) down() {
	r.mu.Lock()
	srv, served := r.srv, r.served
	r.srv = nil
	r.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	<-served
}

func (r *receiver) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return // the client went away
	}
	if err := Verify(testKey, body, req.Header.Get(HeaderSign)); err != nil {
		r.problem("bad signature: %v", err)
	}
	if got := req.Header.Get("Content-Type"); got != "application/json" {
		r.problem("Content-Type %q", got)
	}
	if got := req.Header.Get(HeaderSdkAppID); got != strconv.Itoa(testSdkAppID) {
		r.problem("SdkAppId %q", got)
	}
	id := req.Header.Get(HeaderDeliveryID)
	if id != DeliveryID(body) {
		r.problem("delivery id %q is not the body's %q", id, DeliveryID(body))
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		r.problem("body does not parse: %v", err)
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.requests++
	fail := r.requests <= r.failFirst
	r.mu.Unlock()
	if fail {
		status := http.StatusInternalServerError
		if r.failStatus != 0 {
			status = r.failStatus
		}
		http.Error(w, "not yet", status)
		return
	}
	if r.hold != nil && !r.hold(req, e) {
		http.Error(w, "held", http.StatusServiceUnavailable)
		return
	}
	r.accept(e, id)
	_, _ = io.WriteString(w, `{"code":0}`)
}

func (r *receiver) accept(e Event, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := e.TaskID + "/" + e.Payload.(FileInfo).FileList
	if first, ok := r.ids[name]; ok {
		if first != id {
			r.problems = append(r.problems, fmt.Sprintf("%s sent again with another delivery id", name))
		}
		r.dups++
		return
	}
	r.ids[name] = id
	r.accepted[e.TaskID] = append(r.accepted[e.TaskID], e)
	close(r.changed)
	r.changed = make(chan struct{})
}

// events returns a copy of the events accepted for task.
func (r *receiver) events(task string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.accepted[task]...)
}

// total returns how many distinct events were accepted.
func (r *receiver) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, es := range r.accepted {
		n += len(es)
	}
	return n
}

// waitTotal waits until n distinct events are accepted; it fails the test
// after a generous real-time bound (a guard, not a timing assumption).
func (r *receiver) waitTotal(n int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 30*time.Second)
	defer cancel()
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if r.total() >= n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			r.t.Fatalf("only %d of %d events arrived", r.total(), n)
		}
	}
}

// check fails the test for every header or signature problem seen and
// checks that each task's events arrived exactly once each, in order.
func (r *receiver) check(perTask map[string]int) {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		r.t.Error(p)
	}
	for task, n := range perTask {
		got := r.accepted[task]
		if len(got) != n {
			r.t.Errorf("task %s: %d events, want %d", task, len(got), n)
		}
		for i, e := range got {
			if want := fileName(i); e.Payload.(FileInfo).FileList != want {
				r.t.Errorf("task %s: event %d is %s, want %s (out of order)", task, i, e.Payload.(FileInfo).FileList, want)
			}
		}
	}
}

func fileName(i int) string { return fmt.Sprintf("seg-%03d.m3u8", i) }

// fileEvent returns the i-th test event of a task.
func fileEvent(task string, i int, at time.Time) Event {
	return Event{Room: naming.RoomID{Num: 12345}, TaskID: task, UserID: "recorder", Time: at,
		Payload: FileInfo{FileList: fileName(i)}}
}

// driver advances the fake clock by step whenever a retry timer is armed,
// until stopped; before(n) runs before the n-th advance (0-based).
func driver(t *testing.T, fc *clock.Fake, step time.Duration, before func(n int)) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for n := 0; ; n++ {
			if !fc.WaitForWaiters(1, done) {
				return
			}
			if before != nil {
				before(n)
			}
			fc.Advance(step)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(done); <-exited }) }
	t.Cleanup(stop)
	return stop
}

// newTestHTTP returns a notifier to url on a fake clock, closed at the end
// of the test.
func newTestHTTP(t *testing.T, url string, fc *clock.Fake, mod func(*HTTPConfig)) *HTTP {
	t.Helper()
	cfg := HTTPConfig{URL: url, Key: testKey, SdkAppID: testSdkAppID, Clock: fc,
		Retry: RetryPolicy{Initial: time.Second, Max: 8 * time.Second}}
	if mod != nil {
		mod(&cfg)
	}
	h, err := NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // whatever is left is abandoned at once
		if err := h.Close(ctx); err != nil && !errors.Is(err, ErrUndelivered) {
			t.Error(err)
		}
	})
	return h
}
