package etcd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/roomrec/roomrec/taskstate"
	"github.com/roomrec/roomrec/taskstate/internal/wire"
)

// lease is one task's ownership: an etcd lease kept alive by a goroutine,
// and the revision (token) at which the owner key was created.
type lease struct {
	s       *Store
	id      string
	leaseID clientv3.LeaseID
	token   int64
	value   wire.Value // HA and Owner to write back with new data

	ctx      context.Context // ends when the lease ends; stops the keep-alive
	cancel   context.CancelFunc
	lost     chan struct{}
	lostOnce sync.Once
}

var _ taskstate.Lease = (*lease)(nil)

// startLease registers the lease of a committed Create or Claim and starts
// its keep-alive. sent is when the grant was asked for: its TTL runs from
// then at the latest. It returns ErrClosed if the store closed meanwhile
// (the lease then lapses).
func (s *Store) startLease(taskID string, v wire.Value, g *clientv3.LeaseGrantResponse, sent time.Time, token int64) (*lease, error) {
	v.Data = nil
	l := &lease{s: s, id: taskID, leaseID: g.ID, token: token, value: v, lost: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("taskstate/etcd: lease of %q: %w", taskID, taskstate.ErrClosed)
	}
	l.ctx, l.cancel = context.WithCancel(s.root)
	s.leases[l] = struct{}{}
	s.wg.Add(1)
	go l.keepAlive(expiry(sent, time.Duration(g.TTL)*time.Second))
	return l, nil
}

// expiry returns the local time by which a lease renewed (or granted) with
// ttl by a request sent at sent must be renewed again: the server's expiry,
// less a tenth of the TTL for timer and clock-rate slack.
func expiry(sent time.Time, ttl time.Duration) time.Time {
	return sent.Add(ttl - ttl/10)
}

// keepAlive renews the lease every TTL/3 until it ends, and declares it
// lost when the server refuses a renewal or none succeeded before deadline.
func (l *lease) keepAlive(deadline time.Time) {
	defer l.s.wg.Done()
	interval := l.s.ttl / 3
	retry := l.s.ttl / 10
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		ctx, cancel := context.WithDeadline(l.ctx, deadline)
		resp, err := l.s.cli.KeepAliveOnce(ctx, l.leaseID)
		cancel()
		switch {
		case err == nil:
			deadline = expiry(sent, time.Duration(resp.TTL)*time.Second)
			t.Reset(interval)
		case l.ctx.Err() != nil:
			return
		case errors.Is(err, rpctypes.ErrLeaseNotFound):
			l.lose("the lease expired or was revoked on the server")
			return
		case !time.Now().Before(deadline):
			l.lose(fmt.Sprintf("no keep-alive succeeded within the TTL (last error: %v)", err))
			return
		default:
			t.Reset(min(retry, time.Until(deadline)))
		}
	}
}

// lose ends the lease because it can no longer be trusted, and logs why.
func (l *lease) lose(reason string) {
	l.s.log.Warn("taskstate/etcd: lease lost", "task", l.id, "token", l.token, "reason", reason)
	l.finish()
}

// end stops the keep-alive and closes Lost (once).
func (l *lease) end() {
	l.lostOnce.Do(func() {
		if l.cancel != nil {
			l.cancel()
		}
		close(l.lost)
	})
}

// TaskID returns the id of the task; see taskstate.Lease.
func (l *lease) TaskID() string { return l.id }

// Token returns the fencing token: the revision of the Create or Claim;
// see taskstate.Lease.
func (l *lease) Token() int64 { return l.token }

// Lost returns the channel closed when the lease ends; see taskstate.Lease.
func (l *lease) Lost() <-chan struct{} { return l.lost }

// usable returns ErrClosed after the store's Close, ErrFenced after the
// lease ended, else nil.
func (l *lease) usable(op string) error {
	if err := l.s.check(); err != nil {
		return err
	}
	select {
	case <-l.lost:
		return fmt.Errorf("taskstate/etcd: %s %q with token %d: the lease ended: %w", op, l.id, l.token, taskstate.ErrFenced)
	default:
		return nil
	}
}

// fenced runs ops in a transaction conditional on the owner key still
// being the one this lease created; when it is not, the lease is lost and
// fenced returns ErrFenced.
func (l *lease) fenced(ctx context.Context, op string, ops ...clientv3.Op) error {
	if err := l.usable(op); err != nil {
		return err
	}
	resp, err := l.s.cli.Txn(ctx).If(
		clientv3.Compare(clientv3.CreateRevision(l.s.ownerKey(l.id)), "=", l.token),
	).Then(ops...).Commit()
	if err != nil {
		return fmt.Errorf("taskstate/etcd: %s %q: %w", op, l.id, err)
	}
	if !resp.Succeeded {
		l.lose(op + " found another owner key or none")
		return fmt.Errorf("taskstate/etcd: %s %q with token %d: %w", op, l.id, l.token, taskstate.ErrFenced)
	}
	return nil
}

// Update replaces the task's data, fenced; see taskstate.Lease.
func (l *lease) Update(ctx context.Context, data []byte) error {
	if err := taskstate.ValidateData(data); err != nil {
		return err
	}
	v := l.value
	v.Data = data
	return l.fenced(ctx, "update", clientv3.OpPut(l.s.taskKey(l.id), string(wire.Marshal(v))))
}

// Release deletes the task, fenced, and revokes the lease; see
// taskstate.Lease.
func (l *lease) Release(ctx context.Context) error {
	err := l.fenced(ctx, "release", clientv3.OpDelete(l.s.taskKey(l.id)), clientv3.OpDelete(l.s.ownerKey(l.id)))
	if err != nil {
		return err
	}
	l.finish()
	l.s.revoke(l.leaseID)
	return nil
}

// Abandon revokes the lease, which deletes the owner key and makes the task
// an orphan at once; see taskstate.Lease.
func (l *lease) Abandon(ctx context.Context) error {
	if err := l.usable("abandon"); err != nil {
		return err
	}
	_, err := l.s.cli.Revoke(ctx, l.leaseID)
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		l.lose("abandon found the lease gone")
		return fmt.Errorf("taskstate/etcd: abandon %q with token %d: %w", l.id, l.token, taskstate.ErrFenced)
	}
	if err != nil {
		return fmt.Errorf("taskstate/etcd: abandon %q: %w", l.id, err)
	}
	l.finish()
	return nil
}

// finish ends the lease and forgets it.
func (l *lease) finish() {
	l.end()
	l.s.mu.Lock()
	delete(l.s.leases, l)
	l.s.mu.Unlock()
}
