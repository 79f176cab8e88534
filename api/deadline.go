package api

import (
	"context"
	"time"

	"github.com/roomrec/roomrec/clock"
)

// clockDeadline is a context that ends when the injected clock reaches its
// deadline (or its parent ends), so that tests move deadlines with a
// clock.Fake instead of waiting. It reports the deadline like
// context.WithDeadline does, and Err returns context.DeadlineExceeded once
// the deadline has passed.
type clockDeadline struct {
	context.Context
	deadline time.Time
}

// withClockTimeout returns a context that ends d after clk.Now() and its
// cancel function, which releases the timer; call it when done.
func withClockTimeout(parent context.Context, clk clock.Clock, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	tm := clk.NewTimer(d)
	go func() {
		select {
		case <-tm.C():
			cancel(context.DeadlineExceeded)
		case <-ctx.Done():
		}
	}()
	deadline := clk.Now().Add(d)
	if pd, ok := parent.Deadline(); ok && pd.Before(deadline) {
		deadline = pd
	}
	return clockDeadline{Context: ctx, deadline: deadline}, func() {
		tm.Stop()
		cancel(context.Canceled)
	}
}

// Deadline returns the clock time at which the context ends.
func (c clockDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

// Err returns context.DeadlineExceeded when the deadline passed, else the
// parent's error.
func (c clockDeadline) Err() error {
	if c.Context.Err() == nil {
		return nil
	}
	if cause := context.Cause(c.Context); cause == context.DeadlineExceeded {
		return cause
	}
	return c.Context.Err()
}
