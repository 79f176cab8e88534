package bolt

import (
	"context"
	"fmt"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// sub is one Orphans stream: the ids still to send, and a wake-up signal.
type sub struct {
	mu      sync.Mutex
	pending []string
	wake    chan struct{} // capacity 1
}

// push queues id and wakes the stream's goroutine.
func (sb *sub) push(ids ...string) {
	sb.mu.Lock()
	sb.pending = append(sb.pending, ids...)
	sb.mu.Unlock()
	select {
	case sb.wake <- struct{}{}:
	default:
	}
}

// take returns and clears the queued ids.
func (sb *sub) take() []string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	ids := sb.pending
	sb.pending = nil
	return ids
}

// Orphans streams the ids of tasks without a live lease: at first every
// task of the file that this Store has not created or claimed, then each
// task abandoned from then on. See taskstate.Store.
func (s *Store) Orphans(ctx context.Context) (<-chan string, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	sb := &sub{wake: make(chan struct{}, 1)}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketTasks).ForEach(func(k, _ []byte) error {
			if _, ok := s.live[string(k)]; !ok {
				sb.pending = append(sb.pending, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("taskstate/bolt: orphans: %w", err)
	}
	s.subs[sb] = struct{}{}
	out := make(chan string)
	s.wg.Add(1)
	go s.stream(ctx, sb, out)
	return out, nil
}

// stream sends sb's ids on out until ctx ends or the store closes, skipping
// ids that were claimed meanwhile.
func (s *Store) stream(ctx context.Context, sb *sub, out chan<- string) {
	defer s.wg.Done()
	defer close(out)
	defer func() {
		s.mu.Lock()
		delete(s.subs, sb)
		s.mu.Unlock()
	}()
	for {
		for _, id := range sb.take() {
			s.mu.Lock()
			_, owned := s.live[id]
			s.mu.Unlock()
			if owned {
				continue
			}
			select {
			case out <- id:
			case <-ctx.Done():
				return
			case <-s.done:
				return
			}
		}
		select {
		case <-sb.wake:
		case <-ctx.Done():
			return
		case <-s.done:
			return
		}
	}
}
