package objstore_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// trackedBody records whether it was closed.
type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

func TestOpenBodyOutlivesTimeout(t *testing.T) {
	b := &trackedBody{Reader: strings.NewReader("payload")}
	var reqCtx context.Context
	rc, err := objstore.Open(context.Background(), time.Hour, func(ctx context.Context) (io.ReadCloser, error) {
		reqCtx = ctx
		return b, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != "payload" {
		t.Fatalf("read %q, %v", got, err)
	}
	if reqCtx.Err() != nil {
		t.Fatal("the request's context ended before Close")
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if !b.closed || reqCtx.Err() == nil {
		t.Errorf("after Close: body closed %v, request context %v; want closed and cancelled", b.closed, reqCtx.Err())
	}
}

func TestOpenError(t *testing.T) {
	boom := errors.New("404")
	var reqCtx context.Context
	rc, err := objstore.Open(context.Background(), time.Hour, func(ctx context.Context) (io.ReadCloser, error) {
		reqCtx = ctx
		return nil, boom
	})
	if rc != nil || err != boom {
		t.Errorf("Open = %v, %v; want nil and get's error as it is", rc, err)
	}
	if reqCtx.Err() == nil {
		t.Error("the request's context was not released")
	}
}

// TestOpenTimeout: the answer comes only once the timeout has cancelled the
// request; Open closes that body and says DeadlineExceeded.
func TestOpenTimeout(t *testing.T) {
	b := &trackedBody{Reader: strings.NewReader("late")}
	rc, err := objstore.Open(context.Background(), time.Millisecond, func(ctx context.Context) (io.ReadCloser, error) {
		<-ctx.Done() // the timeout fires
		return b, nil
	})
	if rc != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Open = %v, %v; want DeadlineExceeded", rc, err)
	}
	if !b.closed {
		t.Error("the late body was not closed")
	}
}
