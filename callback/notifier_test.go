package callback

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/roomrec/roomrec/naming"
)

func event(task string, p Payload) Event {
	return Event{Room: naming.RoomID{Str: "room-1"}, TaskID: task, UserID: "rec", Time: t0, Payload: p}
}

func TestFunc(t *testing.T) {
	var got []Event
	n := Func(func(e Event) { got = append(got, e) })
	if err := n.Notify(context.Background(), event("t", RecorderStart{})); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), event("", RecorderStart{})); !errors.Is(err, ErrEvent) {
		t.Fatalf("invalid event: %v", err)
	}
	if len(got) != 1 || got[0].Type() != EventRecorderStart {
		t.Fatalf("got %+v", got)
	}
}

func TestCollectorWait(t *testing.T) {
	var c Collector
	ctx := t.Context()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, p := range []Payload{RecorderStart{}, UploadStart{}, FileInfo{FileList: "a.m3u8"}, RecorderStop{LeaveCode: LeaveIdle}} {
			if err := c.Notify(ctx, event("t", p)); err != nil {
				t.Error(err)
			}
		}
	}()
	e, err := c.Wait(ctx, EventRecorderStop)
	if err != nil || e.Payload != (RecorderStop{LeaveCode: LeaveIdle}) {
		t.Fatalf("Wait = %+v, %v", e, err)
	}
	wg.Wait()
	if got := c.OfType(EventFileInfo); len(got) != 1 {
		t.Fatalf("OfType = %+v", got)
	}
	if n := len(c.Events()); n != 4 {
		t.Fatalf("%d events", n)
	}
	// Already there: no waiting.
	if e, err := c.Wait(ctx, EventRecorderStart); err != nil || e.Type() != EventRecorderStart {
		t.Fatalf("Wait for a past event = %+v, %v", e, err)
	}
	if err := c.Notify(ctx, Event{}); !errors.Is(err, ErrEvent) {
		t.Fatalf("Collector accepted an invalid event: %v", err)
	}
}

func TestCollectorWaitEndsWithContext(t *testing.T) {
	var c Collector
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Wait(ctx, EventVODStop); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on an empty collector: %v", err)
	}
}
