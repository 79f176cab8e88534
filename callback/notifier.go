package callback

import (
	"context"
	"sync"

	"github.com/roomrec/roomrec/errcode"
)

// Notifier receives a task's events. The recorder calls Notify on its own
// goroutines, possibly from several tasks at once, so implementations are
// safe for concurrent use and must not block: one that does slow work
// (network, disk) queues the event and returns at once, and reports a full
// queue as an error rather than waiting. Notify returns the error of
// Event.Validate for an incomplete event.
type Notifier interface {
	Notify(ctx context.Context, e Event) error
}

// Func adapts a function to a Notifier: Notify validates the event and
// calls f on the caller's goroutine, so f must return quickly (hand the
// event to a channel or a queue for anything slow).
type Func func(Event)

// Notify calls f(e) when e is valid and returns the error of e.Validate
// otherwise.
func (f Func) Notify(_ context.Context, e Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	f(e)
	return nil
}

// Collector is a Notifier that records the events it is given, for tests:
// they wait for an event with Wait or WaitFor instead of sleeping. It is
// safe for concurrent use; the zero value is ready to use.
type Collector struct {
	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced when an event arrives
}

// Notify validates and records e; it returns the error of e.Validate.
func (c *Collector) Notify(_ context.Context, e Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, e)
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
	return nil
}

// Events returns a copy of the events recorded so far, in arrival order.
func (c *Collector) Events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Event(nil), c.events...)
}

// OfType returns the recorded events of type t, in arrival order.
func (c *Collector) OfType(t EventType) []Event {
	var out []Event
	for _, e := range c.Events() {
		if e.Type() == t {
			out = append(out, e)
		}
	}
	return out
}

// Wait returns the first recorded event of type t, waiting for it when none
// has arrived yet. It returns an *errcode.Error wrapping ctx's error when
// ctx ends first.
func (c *Collector) Wait(ctx context.Context, t EventType) (Event, error) {
	var found Event
	err := c.WaitFor(ctx, func(events []Event) bool {
		for _, e := range events {
			if e.Type() == t {
				found = e
				return true
			}
		}
		return false
	})
	if err != nil {
		return Event{}, errcode.Wrap(errcode.FailedOperation.Detail("Wait"), err, "no %s event arrived", t)
	}
	return found, nil
}

// WaitFor waits until cond, called with every event recorded so far (in
// arrival order, not to be kept), returns true; it returns nil then, or an
// *errcode.Error wrapping ctx's error when ctx ends first. cond runs with
// the Collector locked, so it must not call the Collector's methods.
func (c *Collector) WaitFor(ctx context.Context, cond func([]Event) bool) error {
	for {
		c.mu.Lock()
		if cond(c.events) {
			c.mu.Unlock()
			return nil
		}
		if c.changed == nil {
			c.changed = make(chan struct{})
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return errcode.Wrap(errcode.FailedOperation.Detail("Wait"), ctx.Err(), "the awaited events did not arrive")
		}
	}
}
