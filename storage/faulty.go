package storage

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/roomrec/roomrec/clock"
)

// FaultConfig says which calls a Faulty fails and how. The zero value
// injects nothing: every call goes straight to the wrapped Storage.
type FaultConfig struct {
	// Ops are the operations affected (OpPut, OpGet, OpStat, OpList); nil
	// means all of them. Calls of other operations pass through untouched
	// and are not counted.
	Ops []string
	// Down fails every affected call, as an unreachable storage would.
	Down bool
	// FailEvery > 0 fails the FailEvery-th, 2·FailEvery-th, … affected call.
	FailEvery int
	// FailRate in (0, 1] fails each affected call with this probability,
	// drawn from a generator seeded with Seed (same seed, same sequence).
	FailRate float64
	// Seed seeds the FailRate generator.
	Seed uint64
	// Midway makes an injected Put failure happen after the wrapped Storage
	// has read part of the body (half of size, or 64 KiB when the size is
	// unknown), so the back-end's clean-up of a broken upload is exercised.
	// Other injected failures happen before the wrapped Storage is called.
	Midway bool
	// Delay makes every affected call wait this long on Clock first (a slow
	// storage); ctx ending the wait fails the call with CodeCanceled.
	Delay time.Duration
	// Clock measures Delay; nil means clock.Real().
	Clock clock.Clock
	// Hook, when set, runs first in every affected call with the operation
	// and key; it may block (to hold a call until a test releases it) and a
	// non-nil error fails the call with that error, returned as it is.
	Hook func(ctx context.Context, op, key string) error
	// Err is the template of injected failures (Code, Message, Retryable);
	// nil means Code CodeUnavailable, Message "injected fault", Retryable.
	Err *Error
}

// FaultStats counts what a Faulty did.
type FaultStats struct {
	Calls    int // affected calls seen
	Injected int // calls failed by injection (Down, FailEvery, FailRate, Hook)
}

// Faulty wraps a Storage and injects failures into its calls as its
// FaultConfig says: a test tool for the recorder's retry and backup paths.
// It is safe for concurrent use; Set changes the faults while calls run.
type Faulty struct {
	inner Storage

	mu    sync.Mutex
	cfg   FaultConfig
	rng   *rand.Rand
	count int // affected calls since the last Set
	stats FaultStats
}

// NewFaulty returns a Faulty around inner injecting the faults of cfg.
func NewFaulty(inner Storage, cfg FaultConfig) *Faulty {
	f := &Faulty{inner: inner}
	f.Set(cfg)
	return f
}

// Set replaces the fault configuration; the FailEvery count and the
// FailRate generator start again. Stats are kept.
func (f *Faulty) Set(cfg FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	f.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	f.count = 0
}

// SetDown turns the Down fault on or off, keeping the rest of the config.
func (f *Faulty) SetDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.Down = down
}

// Stats returns the counts so far.
func (f *Faulty) Stats() FaultStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// Put passes the call to the wrapped Storage unless a fault is injected; an
// injected failure returns an *Error built from FaultConfig.Err.
func (f *Faulty) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	fail, midway, err := f.before(ctx, OpPut, key)
	if err != nil {
		return err
	}
	if fail != nil && midway {
		after := size / 2
		if size < 0 {
			after = 64 << 10
		}
		r = &failingReader{r: r, left: after, err: fail}
		if err := f.inner.Put(ctx, key, r, size, contentType); err != nil && !errors.Is(err, fail) {
			return err // failed for a reason of its own
		}
		return fail // the injected failure, as the storage would report it
	}
	if fail != nil {
		return fail
	}
	return f.inner.Put(ctx, key, r, size, contentType)
}

// Get passes the call to the wrapped Storage unless a fault is injected.
func (f *Faulty) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if fail, _, err := f.before(ctx, OpGet, key); err != nil || fail != nil {
		return nil, firstErr(err, fail)
	}
	return f.inner.Get(ctx, key)
}

// Stat passes the call to the wrapped Storage unless a fault is injected.
func (f *Faulty) Stat(ctx context.Context, key string) (Object, error) {
	if fail, _, err := f.before(ctx, OpStat, key); err != nil || fail != nil {
		return Object{}, firstErr(err, fail)
	}
	return f.inner.Stat(ctx, key)
}

// List passes the call to the wrapped Storage unless a fault is injected.
func (f *Faulty) List(ctx context.Context, prefix string) ([]Object, error) {
	if fail, _, err := f.before(ctx, OpList, prefix); err != nil || fail != nil {
		return nil, firstErr(err, fail)
	}
	return f.inner.List(ctx, prefix)
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// before runs the hook and the delay and decides whether the call fails.
// It returns the injected failure (nil: pass through), whether it is a
// midway one, or err when the hook or ctx ended the call.
func (f *Faulty) before(ctx context.Context, op, key string) (fail *Error, midway bool, err error) {
	f.mu.Lock()
	cfg := f.cfg
	affected := cfg.Ops == nil || slices.Contains(cfg.Ops, op)
	if affected {
		f.stats.Calls++
	}
	f.mu.Unlock()
	if !affected {
		return nil, false, nil
	}
	if cfg.Hook != nil {
		if err := cfg.Hook(ctx, op, key); err != nil {
			f.countInjected()
			return nil, false, err
		}
	}
	if cfg.Delay > 0 {
		if err := f.wait(ctx, cfg); err != nil {
			return nil, false, canceled(op, key, err)
		}
	}
	if !f.decide() {
		return nil, false, nil
	}
	f.countInjected()
	fail = &Error{Op: op, Key: key, Code: CodeUnavailable, Message: "injected fault", Retryable: true}
	if t := cfg.Err; t != nil {
		fail.Code, fail.Message, fail.Retryable, fail.Err = t.Code, t.Message, t.Retryable, t.Err
	}
	return fail, cfg.Midway && op == OpPut, nil
}

// decide advances the FailEvery count and the FailRate generator under the
// current config and reports whether this call fails.
func (f *Faulty) decide() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count++
	fail := f.cfg.Down
	if f.cfg.FailEvery > 0 && f.count%f.cfg.FailEvery == 0 {
		fail = true
	}
	if f.cfg.FailRate > 0 && f.rng.Float64() < f.cfg.FailRate {
		fail = true
	}
	return fail
}

func (f *Faulty) countInjected() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats.Injected++
}

func (f *Faulty) wait(ctx context.Context, cfg FaultConfig) error {
	c := cfg.Clock
	if c == nil {
		c = clock.Real()
	}
	t := c.NewTimer(cfg.Delay)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// failingReader yields left bytes of r and then fails with err.
type failingReader struct {
	r    io.Reader
	left int64
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, r.err
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	return n, err
}
