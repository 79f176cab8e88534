package bolt

import (
	"context"
	"fmt"
	"sync"

	bbolt "go.etcd.io/bbolt"

	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/internal/wire"
)

// lease is the in-memory ownership of one task by a Store.
type lease struct {
	s     *Store
	id    string
	token int64

	lost     chan struct{}
	lostOnce sync.Once
}

var _ taskstate.Lease = (*lease)(nil)

// TaskID returns the id of the task; see taskstate.Lease.
func (l *lease) TaskID() string { return l.id }

// Token returns the fencing token; see taskstate.Lease.
func (l *lease) Token() int64 { return l.token }

// Lost returns the channel closed when the lease ends; see taskstate.Lease.
func (l *lease) Lost() <-chan struct{} { return l.lost }

// end closes Lost (once).
func (l *lease) end() { l.lostOnce.Do(func() { close(l.lost) }) }

// current locks the store and checks that l is the task's live lease. It
// returns nil with s.mu held, or an error with s.mu unlocked.
func (l *lease) current(ctx context.Context, op string) error {
	if err := l.s.begin(ctx); err != nil {
		return err
	}
	if l.s.live[l.id] != l {
		l.s.mu.Unlock()
		l.end()
		return fmt.Errorf("taskstate/bolt: %s %q with token %d: %w", op, l.id, l.token, taskstate.ErrFenced)
	}
	return nil
}

// Update replaces the task's data; see taskstate.Lease.
func (l *lease) Update(ctx context.Context, data []byte) error {
	if err := taskstate.ValidateData(data); err != nil {
		return err
	}
	if err := l.current(ctx, "update"); err != nil {
		return err
	}
	defer l.s.mu.Unlock()
	err := l.s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		raw := b.Get([]byte(l.id))
		if raw == nil { // cannot happen while the lease is live
			return fmt.Errorf("update %q: %w", l.id, taskstate.ErrNotFound)
		}
		v, err := wire.Unmarshal(l.id, raw)
		if err != nil {
			return err
		}
		v.Data = data
		return b.Put([]byte(l.id), wire.Marshal(v))
	})
	if err != nil {
		return fmt.Errorf("taskstate/bolt: %w", err)
	}
	return nil
}

// Release deletes the task and ends the lease; see taskstate.Lease.
func (l *lease) Release(ctx context.Context) error {
	if err := l.current(ctx, "release"); err != nil {
		return err
	}
	defer l.s.mu.Unlock()
	err := l.s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketTasks).Delete([]byte(l.id))
	})
	if err != nil {
		return fmt.Errorf("taskstate/bolt: release %q: %w", l.id, err)
	}
	delete(l.s.live, l.id)
	l.end()
	return nil
}

// Abandon makes the task an orphan at once; see taskstate.Lease.
func (l *lease) Abandon(ctx context.Context) error {
	if err := l.current(ctx, "abandon"); err != nil {
		return err
	}
	defer l.s.mu.Unlock()
	delete(l.s.live, l.id)
	l.end()
	for sb := range l.s.subs {
		sb.push(l.id)
	}
	return nil
}
