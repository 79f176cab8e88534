package etcd

import (
	"bytes"
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/roomrec/roomrec/taskstate"
)

// rescanPause is the wait before Orphans scans again after its watch broke
// or a scan failed.
const rescanPause = 500 * time.Millisecond

// Orphans streams the ids of tasks without an owner key: the result of a
// scan, then every owner key deleted (by expiry, revocation or Abandon)
// while its record stays. When the watch breaks (compaction, leader loss,
// connection) it scans again, so ids may repeat. See taskstate.Store.
func (s *Store) Orphans(ctx context.Context) (<-chan string, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.root, cancel)
	ids, rev, err := s.scanOrphans(wctx)
	if err != nil {
		stop()
		cancel()
		return nil, fmt.Errorf("taskstate/etcd: orphans: %w", err)
	}
	out := make(chan string)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		stop()
		cancel()
		return nil, fmt.Errorf("taskstate/etcd: orphans: %w", taskstate.ErrClosed)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		defer stop()
		s.followOrphans(wctx, ids, rev, out)
	}()
	return out, nil
}

// followOrphans sends ids, then watches from rev on; when the watch
// breaks, it scans again and goes on, until ctx ends.
func (s *Store) followOrphans(ctx context.Context, ids []string, rev int64, out chan<- string) {
	for {
		for _, id := range ids {
			select {
			case out <- id:
			case <-ctx.Done():
				return
			}
		}
		if !s.watchOrphans(ctx, rev, out) {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(rescanPause):
			}
			var err error
			if ids, rev, err = s.scanOrphans(ctx); err == nil {
				break
			}
			s.log.Warn("taskstate/etcd: orphans: scan failed", "err", err)
		}
	}
}

// scanOrphans returns the ids of the records without an owner key, and
// the revision it read them at.
func (s *Store) scanOrphans(ctx context.Context) ([]string, int64, error) {
	tp, op := s.taskKey(""), s.ownerKey("")
	resp, err := s.cli.Txn(ctx).Then(
		clientv3.OpGet(tp, clientv3.WithPrefix(), clientv3.WithKeysOnly()),
		clientv3.OpGet(op, clientv3.WithPrefix(), clientv3.WithKeysOnly()),
	).Commit()
	if err != nil {
		return nil, 0, err
	}
	owned := map[string]bool{}
	for _, kv := range resp.Responses[1].GetResponseRange().GetKvs() {
		owned[string(kv.Key[len(op):])] = true
	}
	var ids []string
	for _, kv := range resp.Responses[0].GetResponseRange().GetKvs() {
		if id := string(kv.Key[len(tp):]); !owned[id] {
			ids = append(ids, id)
		}
	}
	return ids, resp.Header.Revision, nil
}

// watchOrphans sends the id of every owner key deleted after rev whose
// record was not deleted in the same revision (a Release). It returns
// false when ctx ended, true when the watch broke.
func (s *Store) watchOrphans(ctx context.Context, rev int64, out chan<- string) bool {
	tp, op := []byte(s.taskKey("")), []byte(s.ownerKey(""))
	wch := s.cli.Watch(clientv3.WithRequireLeader(ctx), s.prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	for resp := range wch {
		if err := resp.Err(); err != nil {
			s.log.Warn("taskstate/etcd: orphans: watch broke; scanning again", "err", err)
			return ctx.Err() == nil
		}
		released := map[string]int64{} // record deleted -> at revision
		for _, ev := range resp.Events {
			if ev.Type == clientv3.EventTypeDelete && bytes.HasPrefix(ev.Kv.Key, tp) {
				released[string(ev.Kv.Key[len(tp):])] = ev.Kv.ModRevision
			}
		}
		for _, ev := range resp.Events {
			if ev.Type != clientv3.EventTypeDelete || !bytes.HasPrefix(ev.Kv.Key, op) {
				continue
			}
			id := string(ev.Kv.Key[len(op):])
			if r, ok := released[id]; ok && r == ev.Kv.ModRevision {
				continue
			}
			select {
			case out <- id:
			case <-ctx.Done():
				return false
			}
		}
	}
	return ctx.Err() == nil
}
