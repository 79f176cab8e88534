package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/storage"
)

func putString(f storage.Storage, key, body string) error {
	return f.Put(context.Background(), key, strings.NewReader(body), int64(len(body)), storage.ContentType(key))
}

func TestFaultyDown(t *testing.T) {
	f := storage.NewFaulty(newLocal(t), storage.FaultConfig{Down: true})
	err := putString(f, "a.ts", "x")
	var se *storage.Error
	if !errors.As(err, &se) || se.Code != storage.CodeUnavailable || !se.Retryable || se.Op != storage.OpPut || se.Key != "a.ts" {
		t.Fatalf("Put while down: %#v", err)
	}
	if _, err := f.List(context.Background(), ""); err == nil {
		t.Fatal("List while down succeeded")
	}
	f.SetDown(false)
	if err := putString(f, "a.ts", "x"); err != nil {
		t.Fatalf("Put after SetDown(false): %v", err)
	}
	if st := f.Stats(); st.Calls != 3 || st.Injected != 2 {
		t.Fatalf("Stats = %+v, want 3 calls, 2 injected", st)
	}
}

func TestFaultyFailEveryOnlyPut(t *testing.T) {
	f := storage.NewFaulty(newLocal(t), storage.FaultConfig{FailEvery: 3, Ops: []string{storage.OpPut}})
	var pattern []bool
	for i := range 7 {
		pattern = append(pattern, putString(f, fmt.Sprintf("k%d.ts", i), "x") != nil)
		if _, err := f.List(context.Background(), ""); err != nil { // not affected, not counted
			t.Fatalf("List: %v", err)
		}
	}
	if got, want := fmt.Sprint(pattern), "[false false true false false true false]"; got != want {
		t.Fatalf("failures %s, want %s", got, want)
	}
	if st := f.Stats(); st.Calls != 7 || st.Injected != 2 {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestFaultyFailRateSeeded(t *testing.T) {
	run := func(seed uint64) (string, int) {
		f := storage.NewFaulty(storage.NewFaulty(nil, storage.FaultConfig{Down: true}),
			storage.FaultConfig{FailRate: 0.3, Seed: seed, Err: &storage.Error{Code: "SlowDown", Retryable: true}})
		var b strings.Builder
		fails := 0
		for range 1000 {
			_, err := f.Stat(context.Background(), "a.ts")
			var se *storage.Error
			if errors.As(err, &se) && se.Code == "SlowDown" {
				b.WriteByte('x')
				fails++
			} else {
				b.WriteByte('.')
			}
		}
		return b.String(), fails
	}
	a, n := run(42)
	b, _ := run(42)
	c, _ := run(43)
	if a != b {
		t.Error("the same seed gave different failure sequences")
	}
	if a == c {
		t.Error("different seeds gave the same failure sequence")
	}
	if n < 240 || n > 360 {
		t.Errorf("%d of 1000 calls failed at rate 0.3", n)
	}
}

func TestFaultyMidwayLeavesNothing(t *testing.T) {
	l := newLocal(t)
	f := storage.NewFaulty(l, storage.FaultConfig{Down: true, Midway: true,
		Err: &storage.Error{Code: "InvalidParameter", Message: "AccessKey invalid"}})
	for _, size := range []int64{1 << 20, -1} {
		body := bytes.Repeat([]byte("a"), 1<<20)
		err := f.Put(context.Background(), "m/a.ts", bytes.NewReader(body), size, "video/mp2t")
		var se *storage.Error
		if !errors.As(err, &se) || se.Code != "InvalidParameter" || se.Message != "AccessKey invalid" || se.Retryable {
			t.Fatalf("midway failure (size %d): %#v", size, err)
		}
	}
	if objs, err := l.List(context.Background(), ""); err != nil || len(objs) != 0 {
		t.Fatalf("after midway failures List = %+v, %v", objs, err)
	}
}

func TestFaultyDelayOnFakeClock(t *testing.T) {
	fc := clock.NewFake(time.Date(2033, 5, 31, 9, 45, 51, 0, time.UTC))
	f := storage.NewFaulty(newLocal(t), storage.FaultConfig{Delay: 5 * time.Second, Clock: fc})
	done := make(chan error, 1)
	go func() { done <- putString(f, "slow.ts", "x") }()
	if !fc.WaitForWaiters(1, t.Context().Done()) {
		t.Fatal("no delay timer armed")
	}
	select {
	case err := <-done:
		t.Fatalf("Put returned before the delay: %v", err)
	default:
	}
	fc.Advance(5 * time.Second)
	if err := <-done; err != nil {
		t.Fatalf("delayed Put: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- f.Put(ctx, "slow2.ts", strings.NewReader("x"), 1, "") }()
	if !fc.WaitForWaiters(1, t.Context().Done()) {
		t.Fatal("no delay timer armed")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Put cancelled during the delay: %v", err)
	}
}

func TestFaultyHook(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan string, 1)
	refuse := errors.New("refused by hook")
	f := storage.NewFaulty(newLocal(t), storage.FaultConfig{Hook: func(ctx context.Context, op, key string) error {
		entered <- op + " " + key
		<-release
		if key == "bad.ts" {
			return refuse
		}
		return nil
	}})
	done := make(chan error, 1)
	go func() { done <- putString(f, "ok.ts", "x") }()
	if got := <-entered; got != "put ok.ts" {
		t.Fatalf("hook saw %q", got)
	}
	release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	go func() { done <- putString(f, "bad.ts", "x") }()
	<-entered
	release <- struct{}{}
	if err := <-done; !errors.Is(err, refuse) {
		t.Fatalf("hook error not returned: %v", err)
	}
}
