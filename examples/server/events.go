package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/recorder"
)

// eventLog is the in-process Notifier behind the page's event list: it
// keeps the last events (a ring of fixed size), numbered from 1, and prints
// a line per event.
type eventLog struct {
	out io.Writer
	max int

	mu     sync.Mutex
	next   uint64
	events []loggedEvent // oldest first, at most max
}

// loggedEvent is one event as /ui/events serves it: the callback body the
// service would POST, with a sequence number.
type loggedEvent struct {
	Seq    uint64          `json:"seq"`
	Type   int             `json:"type"`
	Name   string          `json:"name"`
	TaskID string          `json:"taskId"`
	Room   string          `json:"room"`
	Time   time.Time       `json:"time"`
	Body   json.RawMessage `json:"body"`
}

func newEventLog(out io.Writer, max int) *eventLog {
	return &eventLog{out: out, max: max, next: 1}
}

// Notify records e; it returns the error of e.Validate for an incomplete
// event.
func (l *eventLog) Notify(_ context.Context, e callback.Event) error {
	body, err := e.MarshalJSON()
	if err != nil {
		return err
	}
	l.mu.Lock()
	le := loggedEvent{Seq: l.next, Type: int(e.Type()), Name: e.Type().String(), TaskID: e.TaskID,
		Room: e.Room.String(), Time: e.Time, Body: body}
	l.next++
	if len(l.events) == l.max {
		l.events = append(l.events[:0], l.events[1:]...)
	}
	l.events = append(l.events, le)
	l.mu.Unlock()
	fmt.Fprintf(l.out, "event %d %s task=%s %s\n", le.Type, le.Name, le.TaskID, payloadText(e.Payload))
	return nil
}

func payloadText(p callback.Payload) string {
	b, err := json.Marshal(p)
	if err != nil {
		return ""
	}
	return string(b)
}

// after returns the events numbered above seq (all kept ones for 0) and
// the number to ask after next time.
func (l *eventLog) after(seq uint64) ([]loggedEvent, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []loggedEvent{}
	for _, e := range l.events {
		if e.Seq > seq {
			out = append(out, e)
		}
	}
	return out, l.next - 1
}

// teeNotifier hands every event to several notifiers and returns their
// errors joined.
type teeNotifier []recorder.Notifier

func (t teeNotifier) Notify(ctx context.Context, e callback.Event) error {
	var errs []error
	for _, n := range t {
		errs = append(errs, n.Notify(ctx, e))
	}
	return errors.Join(errs...)
}
