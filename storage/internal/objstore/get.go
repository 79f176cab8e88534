package objstore

import (
	"context"
	"io"
	"time"
)

// Open runs get, the request that opens an object for reading, with a
// context that timeout cancels only until get returns: the timeout covers
// the wait for the answer, not the reading of the body, which may take
// long. The returned body's Close closes get's body and releases the
// context. When the timeout fires first, Open closes any body get returned
// and returns context.DeadlineExceeded; otherwise it returns get's error as
// it is, for the back-end to map.
func Open(ctx context.Context, timeout time.Duration, get func(context.Context) (io.ReadCloser, error)) (io.ReadCloser, error) {
	rctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(timeout, cancel)
	rc, err := get(rctx)
	if !timer.Stop() { // the timeout fired first
		if err == nil {
			_ = rc.Close()
		}
		err = context.DeadlineExceeded
	}
	if err != nil {
		cancel()
		return nil, err
	}
	return &body{ReadCloser: rc, cancel: cancel}, nil
}

// body releases the request's context when closed.
type body struct {
	io.ReadCloser
	cancel func()
}

func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
