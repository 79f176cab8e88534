package callback

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
)

// HTTPConfig configures an HTTP notifier. URL, Key and SdkAppID are
// required; every other zero value means the default said on the field.
type HTTPConfig struct {
	// URL is the receiver's http:// or https:// address.
	URL string
	// Key is the callback key that signs each body (the Sign header).
	Key string
	// SdkAppID is sent in the SdkAppId header.
	SdkAppID uint64
	// Client sends the requests; nil means a client of the notifier's own,
	// which follows only the redirects that keep the POST and its body (307,
	// 308; others count as failed attempts) and whose idle connections
	// Close closes.
	Client *http.Client
	// Timeout bounds each attempt, in real time (a network call cannot wait
	// on a fake clock); 0 means 10 s.
	Timeout time.Duration
	// Clock times the waits between attempts; nil means clock.Real().
	Clock clock.Clock
	// QueueSize is the most events held at once, all tasks together,
	// including those being delivered; 0 means 1000.
	QueueSize int
	// Retry says how failed deliveries are retried; see RetryPolicy.
	Retry RetryPolicy
	// Logger receives a line per given-up event and per retry (debug); nil
	// means no logging.
	Logger *slog.Logger
}

// Defaults of HTTPConfig.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultQueueSize = 1000
)

// Stats are the counters of an HTTP notifier.
type Stats struct {
	Queued    int   // events held now: waiting or being delivered
	Delivered int64 // events the receiver answered with 200 OK
	Retries   int64 // attempts after a failed one
	Failures  int64 // queued events given up: MaxAttempts reached, or Close gave up
	Dropped   int64 // events Notify refused: queue full or notifier closed
}

// HTTP is a Notifier that POSTs each event to a receiver as SPEC §6 says
// (JSON body; Content-Type, Sign, SdkAppId and X-Roomrec-Delivery-Id
// headers) and retries with exponential backoff and jitter until the
// receiver answers 200 OK (any other status is retried, SPEC §6).
//
// Notify never blocks: it puts the event in a bounded queue and returns.
// Each task has its own queue served by its own goroutine (started when
// the queue fills, gone when it empties), so a task's events arrive in the
// order they were notified, one at a time, and a task whose events keep
// failing delays only its own. Delivery is at-least-once: an event whose
// 200 is lost is sent again, with the same body, signature and delivery id.
type HTTP struct {
	cfg    HTTPConfig
	client *http.Client
	own    bool // client is ours: close its idle connections on Close
	clk    clock.Clock
	log    *slog.Logger
	ctx    context.Context // cancelled when Close gives up
	cancel context.CancelFunc
	wg     sync.WaitGroup // one per running task goroutine

	mu     sync.Mutex
	tasks  map[string]*taskQueue
	closed bool
	stats  Stats
}

type taskQueue struct{ events []Event }

// NewHTTP returns an HTTP notifier with the defaults applied. It returns
// an *errcode.Error with code ErrURL, ErrKey, ErrSdkAppID or ErrConfig
// naming the wrong field. It does no I/O.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	h := &HTTP{cfg: cfg, client: cfg.Client, clk: cfg.Clock, log: cfg.Logger, tasks: map[string]*taskQueue{}}
	if h.client == nil {
		h.client = &http.Client{
			Transport:     http.DefaultTransport.(*http.Transport).Clone(),
			CheckRedirect: keepPOST,
		}
		h.own = true
	}
	if h.clk == nil {
		h.clk = clock.Real()
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.cfg.Timeout == 0 {
		h.cfg.Timeout = DefaultTimeout
	}
	if h.cfg.QueueSize == 0 {
		h.cfg.QueueSize = DefaultQueueSize
	}
	h.cfg.Retry = cfg.Retry.withDefaults()
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h, nil
}

func (cfg HTTPConfig) validate() error {
	u, err := url.Parse(cfg.URL)
	switch {
	case err != nil:
		return errcode.Wrap(ErrURL, err, "the callback URL %q does not parse", cfg.URL)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return errcode.New(ErrURL, "the callback URL %q is not an http:// or https:// URL with a host", cfg.URL)
	case cfg.Key == "":
		return errcode.New(ErrKey, "the callback key is empty; the receiver checks the Sign header with it")
	case cfg.SdkAppID == 0:
		return errcode.New(ErrSdkAppID, "SdkAppID must be set; it is sent in the SdkAppId header")
	case cfg.Timeout < 0:
		return errcode.New(ErrConfig, "Timeout %v cannot be negative", cfg.Timeout)
	case cfg.QueueSize < 0:
		return errcode.New(ErrConfig, "QueueSize %d cannot be negative", cfg.QueueSize)
	}
	return cfg.Retry.validate()
}

// Notify queues e for delivery and returns at once. It returns the error of
// e.Validate, an ErrQueueFull error when QueueSize events are already held,
// or an ErrClosed error after Close; the last two count in Stats.Dropped.
// ctx is not used: Notify never waits.
func (h *HTTP) Notify(_ context.Context, e Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		h.stats.Dropped++
		return errcode.New(ErrClosed, "the callback notifier is closed; the %s event of task %q is dropped", e.Type(), e.TaskID)
	}
	if h.stats.Queued >= h.cfg.QueueSize {
		h.stats.Dropped++
		return errcode.New(ErrQueueFull, "the callback queue holds %d events (QueueSize); the %s event of task %q is dropped", h.stats.Queued, e.Type(), e.TaskID)
	}
	h.stats.Queued++
	q := h.tasks[e.TaskID]
	if q == nil {
		q = &taskQueue{}
		h.tasks[e.TaskID] = q
		h.wg.Add(1)
		go h.run(e.TaskID, q)
	}
	q.events = append(q.events, e)
	return nil
}

// Stats returns the counters.
func (h *HTTP) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// Close stops accepting events and waits until every queued event is
// delivered (or given up under MaxAttempts), going on retrying as usual.
// When ctx ends first it abandons the rest — in-flight requests are
// cancelled, the abandoned events count in Stats.Failures — and returns an
// *errcode.Error with code ErrUndelivered wrapping ctx's error. Either way
// no goroutine of the notifier is left when Close returns. Closing twice
// is harmless.
func (h *HTTP) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		n := h.Stats().Queued
		h.cancel()
		<-done
		err = errcode.Wrap(ErrUndelivered, ctx.Err(), "closing the callback notifier: gave up on %d queued events", n)
	}
	h.cancel()
	if h.own {
		h.client.CloseIdleConnections()
	}
	return err
}

// run delivers the events of one task in order until its queue is empty.
func (h *HTTP) run(task string, q *taskQueue) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		if len(q.events) == 0 {
			delete(h.tasks, task)
			h.mu.Unlock()
			return
		}
		e := q.events[0]
		h.mu.Unlock()

		ok := h.deliver(e)

		h.mu.Lock()
		q.events[0] = Event{}
		q.events = q.events[1:]
		h.stats.Queued--
		if ok {
			h.stats.Delivered++
		} else {
			h.stats.Failures++
		}
		h.mu.Unlock()
	}
}

// deliver sends one event until the receiver takes it, MaxAttempts is
// reached or Close gives up; it reports whether the event was delivered.
func (h *HTTP) deliver(e Event) bool {
	e.SentAt = h.clk.Now() // CallbackTs: fixed at the first attempt
	body, err := json.Marshal(e)
	if err != nil { // Notify validated e; kept for safety
		h.log.Error("callback: cannot encode event", "task", e.TaskID, "type", e.Type().String(), "err", err)
		return false
	}
	sign, id := Sign(h.cfg.Key, body), DeliveryID(body)
	for attempt := 1; ; attempt++ {
		if h.ctx.Err() != nil {
			return false
		}
		err := h.post(body, sign, id)
		if err == nil {
			return true
		}
		if limit := h.cfg.Retry.MaxAttempts; limit > 0 && attempt >= limit {
			h.log.Warn("callback: giving up", "task", e.TaskID, "type", e.Type().String(), "attempts", attempt, "err", err)
			return false
		}
		wait := h.cfg.Retry.delay(attempt, rand.Float64())
		h.log.Debug("callback: retrying", "task", e.TaskID, "type", e.Type().String(), "attempt", attempt, "wait", wait, "err", err)
		h.mu.Lock()
		h.stats.Retries++
		h.mu.Unlock()
		t := h.clk.NewTimer(wait)
		select {
		case <-t.C():
		case <-h.ctx.Done():
			t.Stop()
			return false
		}
	}
}

// keepPOST follows 307 and 308 redirects, which repeat the POST with its
// body, up to 10 times; a 301, 302 or 303 would turn it into a body-less
// GET, so its response is returned as is (and counts as a failure).
func keepPOST(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if c := req.Response.StatusCode; c != http.StatusTemporaryRedirect && c != http.StatusPermanentRedirect {
		return http.ErrUseLastResponse
	}
	return nil
}

// post makes one attempt; it returns nil when the receiver answered 200 OK.
func (h *HTTP) post(body []byte, sign, id string) error {
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderSign, sign)
	req.Header.Set(HeaderSdkAppID, strconv.FormatUint(h.cfg.SdkAppID, 10))
	req.Header.Set(HeaderDeliveryID, id)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	// Drain a little so the connection can be reused; the body is ignored.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK { // SPEC §6: anything but 200 is retried (a 204 too)
		return fmt.Errorf("callback receiver answered %s, want 200 OK", resp.Status)
	}
	return nil
}
