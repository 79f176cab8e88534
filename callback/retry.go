package callback

import (
	"math"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// RetryPolicy says how the HTTP notifier retries a failed delivery: after
// attempt n fails it waits min(Initial·Multiplierⁿ⁻¹, Max), spread by ±Jitter
// at random, then tries again. The zero value means the defaults: 1 s, ×2,
// at most 1 min, ±20 %, no limit on attempts.
type RetryPolicy struct {
	// Initial is the wait after the first failed attempt; 0 means 1 s.
	Initial time.Duration
	// Max caps the wait before jitter; 0 means 1 min.
	Max time.Duration
	// Multiplier grows the wait after each failure; 0 means 2, else >= 1.
	Multiplier float64
	// Jitter spreads each wait uniformly over ±Jitter of it, so receivers
	// coming back are not hit by every notifier at once; 0 means 0.2, a
	// negative value means none, at most 1.
	Jitter float64
	// MaxAttempts > 0 gives up on an event after that many attempts
	// (counted in Stats.Failures); 0 means keep trying until Close gives up.
	MaxAttempts int
}

// DefaultRetry is the retry policy of the zero RetryPolicy.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{Initial: time.Second, Max: time.Minute, Multiplier: 2, Jitter: 0.2}
}

// withDefaults returns p with its zero fields replaced by DefaultRetry's.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetry()
	if p.Initial == 0 {
		p.Initial = d.Initial
	}
	if p.Max == 0 {
		p.Max = d.Max
	}
	if p.Multiplier == 0 {
		p.Multiplier = d.Multiplier
	}
	switch {
	case p.Jitter == 0:
		p.Jitter = d.Jitter
	case p.Jitter < 0:
		p.Jitter = 0
	}
	return p
}

// validate checks the fields of a policy (before defaults) and returns nil
// or an *errcode.Error with code ErrConfig.
func (p RetryPolicy) validate() error {
	switch {
	case p.Initial < 0 || p.Max < 0:
		return errcode.New(ErrConfig, "Retry.Initial (%v) and Retry.Max (%v) cannot be negative", p.Initial, p.Max)
	case p.Multiplier != 0 && !(p.Multiplier >= 1 && p.Multiplier <= 1000):
		return errcode.New(ErrConfig, "Retry.Multiplier %v must be between 1 and 1000 (0 for the default 2)", p.Multiplier)
	case p.Jitter > 1 || math.IsNaN(p.Jitter):
		return errcode.New(ErrConfig, "Retry.Jitter %v must be at most 1 (0 for the default 0.2, negative for none)", p.Jitter)
	case p.MaxAttempts < 0:
		return errcode.New(ErrConfig, "Retry.MaxAttempts %d cannot be negative (0 for no limit)", p.MaxAttempts)
	}
	return nil
}

// delay returns the wait after the failed attempt n (1-based) of a policy
// with defaults applied; u in [0, 1) picks the jitter.
func (p RetryPolicy) delay(n int, u float64) time.Duration {
	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(n-1))
	if d > float64(p.Max) || math.IsInf(d, 0) {
		d = float64(p.Max)
	}
	d *= 1 + p.Jitter*(2*u-1)
	return time.Duration(d)
}
