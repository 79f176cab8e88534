package api

import (
	"sync"
	"time"

	"github.com/roomrec/roomrec/clock"
)

// limiter is a token bucket per (SdkAppId, action) on an injected clock: a
// bucket holds at most rate tokens (the burst) and refills at rate tokens a
// second; a call takes one. Tokens are counted in nano-tokens so that
// refilling is exact integer arithmetic.
type limiter struct {
	clk  clock.Clock
	rate int64 // calls per second, > 0

	mu      sync.Mutex
	buckets map[limitKey]*bucket
}

type limitKey struct {
	sdkAppID uint64
	action   string
}

type bucket struct {
	nanoTokens int64
	last       time.Time
}

// maxBuckets bounds the map; beyond it, full (idle) buckets are dropped.
const maxBuckets = 4096

func newLimiter(clk clock.Clock, rate int) *limiter {
	return &limiter{clk: clk, rate: int64(rate), buckets: make(map[limitKey]*bucket)}
}

// allow reports whether a call for k may go ahead now, and takes a token if so.
func (l *limiter) allow(k limitKey) bool {
	now := l.clk.Now()
	full := l.rate * int64(time.Second)
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[k]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.pruneLocked(now)
		}
		b = &bucket{nanoTokens: full, last: now}
		l.buckets[k] = b
	}
	if el := now.Sub(b.last); el > 0 {
		// After a second of rest the bucket is full whatever it held.
		b.nanoTokens = min(full, b.nanoTokens+min(el, time.Second).Nanoseconds()*l.rate)
		b.last = now
	}
	if b.nanoTokens < int64(time.Second) {
		return false
	}
	b.nanoTokens -= int64(time.Second)
	return true
}

// pruneLocked drops the buckets that have refilled completely.
func (l *limiter) pruneLocked(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last) >= time.Second {
			delete(l.buckets, k)
		}
	}
}
