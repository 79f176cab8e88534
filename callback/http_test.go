package callback

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
)

func TestNewHTTPValidates(t *testing.T) {
	ok := HTTPConfig{URL: "https://cb.example.com/x", Key: "k", SdkAppID: 1}
	with := func(f func(*HTTPConfig)) HTTPConfig { c := ok; f(&c); return c }
	cases := map[string]struct {
		cfg  HTTPConfig
		code errcode.Code
	}{
		"no URL":       {with(func(c *HTTPConfig) { c.URL = "" }), ErrURL},
		"ftp URL":      {with(func(c *HTTPConfig) { c.URL = "ftp://h/x" }), ErrURL},
		"no host":      {with(func(c *HTTPConfig) { c.URL = "http:///x" }), ErrURL},
		"bad URL":      {with(func(c *HTTPConfig) { c.URL = "http://[::1" }), ErrURL},
		"no key":       {with(func(c *HTTPConfig) { c.Key = "" }), ErrKey},
		"no SdkAppID":  {with(func(c *HTTPConfig) { c.SdkAppID = 0 }), ErrSdkAppID},
		"timeout":      {with(func(c *HTTPConfig) { c.Timeout = -1 }), ErrConfig},
		"queue":        {with(func(c *HTTPConfig) { c.QueueSize = -1 }), ErrConfig},
		"initial":      {with(func(c *HTTPConfig) { c.Retry.Initial = -time.Second }), ErrConfig},
		"multiplier":   {with(func(c *HTTPConfig) { c.Retry.Multiplier = 0.5 }), ErrConfig},
		"jitter":       {with(func(c *HTTPConfig) { c.Retry.Jitter = 1.5 }), ErrConfig},
		"max attempts": {with(func(c *HTTPConfig) { c.Retry.MaxAttempts = -1 }), ErrConfig},
	}
	for name, c := range cases {
		if _, err := NewHTTP(c.cfg); !errors.Is(err, c.code) || !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("%s: NewHTTP error = %v, want %s", name, err, c.code)
		}
	}
	h, err := NewHTTP(ok)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRetryDelay(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	cases := []struct {
		n    int
		u    float64
		want time.Duration
	}{
		{1, 0.5, time.Second},
		{1, 0, 800 * time.Millisecond},
		{1, 0.75, 1100 * time.Millisecond},
		{2, 0.5, 2 * time.Second},
		{6, 0.5, 32 * time.Second},
		{7, 0.5, time.Minute},
		{7, 0, 48 * time.Second},
		{5000, 0.5, time.Minute},
	}
	for _, c := range cases {
		if got := p.delay(c.n, c.u); got != c.want {
			t.Errorf("delay(%d, %v) = %v, want %v", c.n, c.u, got, c.want)
		}
	}
	none := RetryPolicy{Initial: 3 * time.Second, Max: 12 * time.Second, Jitter: -1}.withDefaults()
	for n, want := range []time.Duration{3 * time.Second, 6 * time.Second, 12 * time.Second, 12 * time.Second} {
		if got := none.delay(n+1, 0.99); got != want {
			t.Errorf("no jitter: delay(%d) = %v, want %v", n+1, got, want)
		}
	}
}

// TestHTTPDeliversThroughFailuresAndDowntime: the receiver fails its first
// deliveries, then is down (connections refused) for several minutes of
// fake time while events queue; every event arrives once (after
// deduplication), in order per task, signed, with stable delivery ids.
func TestHTTPDeliversThroughFailuresAndDowntime(t *testing.T) {
	rcv := newReceiver(t)
	rcv.failFirst = 5
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, rcv.url(), fc, nil)
	tasks := []string{"task-a", "task-b", "task-c"}
	const perPhase = 5

	stop := driver(t, fc, 10*time.Second, nil)
	for i := range perPhase {
		for _, task := range tasks {
			if err := h.Notify(context.Background(), fileEvent(task, i, fc.Now())); err != nil {
				t.Fatal(err)
			}
		}
	}
	rcv.waitTotal(len(tasks) * perPhase)
	stop()

	rcv.down()
	for i := perPhase; i < 2*perPhase; i++ {
		for _, task := range tasks {
			if err := h.Notify(context.Background(), fileEvent(task, i, fc.Now())); err != nil {
				t.Fatal(err)
			}
		}
	}
	downSince := fc.Now()
	var downFor time.Duration
	driver(t, fc, 10*time.Second, func(n int) {
		if n == 30 { // 30 retry rounds, five minutes of fake time, refused
			downFor = fc.Now().Sub(downSince)
			if err := rcv.up(); err != nil {
				t.Error(err)
			}
		}
	})
	rcv.waitTotal(2 * len(tasks) * perPhase)

	rcv.check(map[string]int{"task-a": 2 * perPhase, "task-b": 2 * perPhase, "task-c": 2 * perPhase})
	if err := h.Close(context.Background()); err != nil { // the counters are final after Close
		t.Fatalf("Close: %v", err)
	}
	st := h.Stats()
	if st.Delivered != int64(2*len(tasks)*perPhase) || st.Queued != 0 || st.Failures != 0 || st.Dropped != 0 {
		t.Errorf("Stats = %+v", st)
	}
	if st.Retries < int64(rcv.failFirst)+30 || downFor < 4*time.Minute {
		t.Errorf("Stats = %+v after %v down; want the failures and the downtime retried", st, downFor)
	}
}

// TestHTTPTasksIndependent: a task whose receiver hangs does not hold up
// the events of other tasks.
func TestHTTPTasksIndependent(t *testing.T) {
	rcv := newReceiver(t)
	release := make(chan struct{})
	rcv.hold = func(r *http.Request, e Event) bool {
		if e.TaskID != "slow" {
			return true
		}
		select {
		case <-release:
			return true
		case <-r.Context().Done():
			return false
		}
	}
	h := newTestHTTP(t, rcv.url(), clock.NewFake(t0), nil)
	for i := range 3 {
		for _, task := range []string{"slow", "fast"} {
			if err := h.Notify(context.Background(), fileEvent(task, i, t0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	rcv.waitTotal(3) // all of "fast", while "slow" hangs on its first event
	if n := len(rcv.events("slow")); n != 0 {
		t.Fatalf("slow has %d events while its receiver hangs", n)
	}
	close(release)
	rcv.waitTotal(6)
	rcv.check(map[string]int{"slow": 3, "fast": 3})
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := h.Stats(); st.Queued != 0 || st.Delivered != 6 || st.Retries != 0 {
		t.Fatalf("Stats = %+v", st)
	}
}

// TestHTTPTimeoutRetried: an attempt the receiver does not answer within
// Timeout is retried after the backoff.
func TestHTTPTimeoutRetried(t *testing.T) {
	rcv := newReceiver(t)
	var calls atomic.Int32
	rcv.hold = func(r *http.Request, e Event) bool {
		if calls.Add(1) == 1 {
			<-r.Context().Done() // the client gives up after Timeout
			return false
		}
		return true
	}
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, rcv.url(), fc, func(c *HTTPConfig) { c.Timeout = 100 * time.Millisecond })
	driver(t, fc, 10*time.Second, nil)
	if err := h.Notify(context.Background(), fileEvent("t", 0, t0)); err != nil {
		t.Fatal(err)
	}
	rcv.waitTotal(1)
	rcv.check(map[string]int{"t": 1})
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := h.Stats(); st.Retries != 1 || st.Delivered != 1 {
		t.Fatalf("Stats = %+v, want one retry", st)
	}
}

func TestHTTPQueueBound(t *testing.T) {
	rcv := newReceiver(t)
	release := make(chan struct{})
	rcv.hold = func(r *http.Request, e Event) bool {
		select {
		case <-release:
			return true
		case <-r.Context().Done():
			return false
		}
	}
	h := newTestHTTP(t, rcv.url(), clock.NewFake(t0), func(c *HTTPConfig) { c.QueueSize = 3 })
	for i := range 3 {
		if err := h.Notify(context.Background(), fileEvent("t", i, t0)); err != nil {
			t.Fatal(err)
		}
	}
	err := h.Notify(context.Background(), fileEvent("u", 0, t0))
	if !errors.Is(err, ErrQueueFull) {
		t.Fatalf("4th Notify with QueueSize 3: %v, want %s", err, ErrQueueFull)
	}
	if st := h.Stats(); st.Queued != 3 || st.Dropped != 1 {
		t.Fatalf("Stats = %+v", st)
	}
	close(release)
	rcv.waitTotal(3)
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	rcv.check(map[string]int{"t": 3})
	if err := h.Notify(context.Background(), fileEvent("t", 3, t0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close: %v, want %s", err, ErrClosed)
	}
	if st := h.Stats(); st.Delivered != 3 || st.Queued != 0 || st.Dropped != 2 {
		t.Fatalf("Stats = %+v", st)
	}
}

// TestHTTPCloseFlushes: Close waits for the queue, retrying as usual.
func TestHTTPCloseFlushes(t *testing.T) {
	rcv := newReceiver(t)
	rcv.failFirst = 3
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, rcv.url(), fc, nil)
	driver(t, fc, 10*time.Second, nil)
	for i := range 4 {
		if err := h.Notify(context.Background(), fileEvent("t", i, fc.Now())); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if rcv.total() != 4 {
		t.Fatalf("after Close %d events arrived, want 4", rcv.total())
	}
	rcv.check(map[string]int{"t": 4})
	if st := h.Stats(); st.Delivered != 4 || st.Retries != 3 || st.Queued != 0 {
		t.Fatalf("Stats = %+v", st)
	}
}

// TestHTTPCloseGivesUp: with the receiver unreachable, Close returns at
// its context's end and counts the abandoned events as failures.
func TestHTTPCloseGivesUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/cb"
	if err := ln.Close(); err != nil { // nothing listens: connections are refused
		t.Fatal(err)
	}
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, url, fc, nil)
	for i := range 3 {
		task := []string{"a", "b", "a"}[i]
		if err := h.Notify(context.Background(), fileEvent(task, i, t0)); err != nil {
			t.Fatal(err)
		}
	}
	if !fc.WaitForWaiters(2, t.Context().Done()) { // both tasks wait to retry
		t.Fatal("no retry timers")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = h.Close(ctx)
	if !errors.Is(err, ErrUndelivered) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v, want %s wrapping context.Canceled", err, ErrUndelivered)
	}
	if st := h.Stats(); st.Failures != 3 || st.Queued != 0 || st.Delivered != 0 || st.Retries != 2 {
		t.Fatalf("Stats = %+v", st)
	}
	if fc.Waiters() != 0 {
		t.Fatalf("%d timers left armed after Close", fc.Waiters())
	}
}

// TestHTTPMaxAttempts: an event is given up after MaxAttempts and the next
// one of the task goes on.
func TestHTTPMaxAttempts(t *testing.T) {
	rcv := newReceiver(t)
	rcv.failFirst = 3
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, rcv.url(), fc, func(c *HTTPConfig) { c.Retry.MaxAttempts = 3 })
	driver(t, fc, 10*time.Second, nil)
	for i := range 2 {
		if err := h.Notify(context.Background(), fileEvent("t", i, t0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if st := h.Stats(); st.Failures != 1 || st.Delivered != 1 || st.Retries != 2 {
		t.Fatalf("Stats = %+v", st)
	}
	if got := rcv.events("t"); len(got) != 1 || got[0].Payload.(FileInfo).FileList != fileName(1) {
		t.Fatalf("accepted %+v, want only the second event", got)
	}
}

// TestHTTPOnly200: SPEC §6 retries every answer but 200, other 2xx
// statuses too.
func TestHTTPOnly200(t *testing.T) {
	for _, status := range []int{http.StatusCreated, http.StatusNoContent} {
		rcv := newReceiver(t)
		rcv.failFirst, rcv.failStatus = 2, status
		fc := clock.NewFake(t0)
		h := newTestHTTP(t, rcv.url(), fc, nil)
		driver(t, fc, 10*time.Second, nil)
		if err := h.Notify(context.Background(), fileEvent("t", 0, t0)); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(context.Background()); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if st := h.Stats(); st.Delivered != 1 || st.Retries != 2 {
			t.Errorf("answers %d then 200: Stats = %+v, want 2 retries", status, st)
		}
	}
}

// TestHTTPCallbackTs: CallbackTs is the clock's time at the first attempt,
// EventTs the event's own time in seconds.
func TestHTTPCallbackTs(t *testing.T) {
	rcv := newReceiver(t)
	fc := clock.NewFake(t0)
	h := newTestHTTP(t, rcv.url(), fc, nil)
	if err := h.Notify(context.Background(), fileEvent("t", 0, t0.Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	rcv.waitTotal(1)
	got := rcv.events("t")[0]
	if !got.SentAt.Equal(t0.Truncate(time.Millisecond)) || !got.Time.Equal(t0.Add(-time.Minute).Truncate(time.Second)) {
		t.Fatalf("SentAt %v Time %v", got.SentAt, got.Time)
	}
	if err := h.Notify(context.Background(), Event{TaskID: "t"}); !errors.Is(err, ErrEvent) {
		t.Fatalf("Notify of an invalid event: %v", err)
	}
}

// TestHTTPRedirects: 307/308 are followed with the body; 301/302/303, which
// would turn the POST into a GET, count as failures.
func TestHTTPRedirects(t *testing.T) {
	var mu sync.Mutex
	var got []Event
	mux := http.NewServeMux()
	mux.Handle("/cb", Handler(testKey, func(e Event) { mu.Lock(); got = append(got, e); mu.Unlock() }))
	for _, code := range []int{301, 302, 303, 307, 308} {
		mux.HandleFunc("/"+strconv.Itoa(code), func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/cb", code)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, c := range []struct {
		code int
		ok   bool
	}{{301, false}, {302, false}, {303, false}, {307, true}, {308, true}} {
		h := newTestHTTP(t, srv.URL+"/"+strconv.Itoa(c.code), clock.NewFake(t0), func(cfg *HTTPConfig) { cfg.Retry.MaxAttempts = 1 })
		if err := h.Notify(context.Background(), fileEvent("t", c.code, t0)); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st := h.Stats(); (st.Delivered == 1) != c.ok {
			t.Errorf("redirect %d: Stats = %+v, want delivered %v", c.code, st, c.ok)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("receiver got %d events, want 2 (the 307 and 308 ones)", len(got))
	}
}
